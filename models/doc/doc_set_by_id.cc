// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// $set by _id on the stored bytes (see doc_set_by_id.h).
#include "models/doc/doc_set_by_id.h"

#include <algorithm>
#include <cmath>

#include "core/util/utf8.h"
#include "models/doc/doc_codec.h"
#include "models/doc/doc_store_impl.h"

namespace tessera::doc {
namespace {

// Whether `v` holds a NaN anywhere: the general path calls any two NaNs identical, whatever
// their bits, so a byte comparison cannot stand for it.
bool HasNan(const Json& v) {
  if (v.is_number_float()) return std::isnan(v.get<double>());
  if (v.is_array() || v.is_object()) {
    for (const Json& e : v) {
      if (HasNan(e)) return true;
    }
  }
  return false;
}

}  // namespace

std::optional<SetById> MatchSetById(const Json& filter, const Json& update) {
  if (!filter.is_object() || filter.size() != 1 || !update.is_object() || update.size() != 1) {
    return std::nullopt;
  }
  auto id = filter.find("_id");
  auto set = update.find("$set");
  if (id == filter.end() || set == update.end() || !set->is_object() || set->empty()) {
    return std::nullopt;
  }
  // A scalar _id (an object would be an operator expression; the general path handles the rest).
  if (!(id->is_null() || id->is_boolean() || id->is_number() || id->is_string())) {
    return std::nullopt;
  }
  if (id->is_string() && !util::IsValidUtf8(id->get_ref<const std::string&>())) return std::nullopt;
  SetById out;
  out.id = &*id;
  out.fields.reserve(set->size());
  for (auto it = set->begin(); it != set->end(); ++it) {
    const std::string& name = it.key();
    // Top-level names the general path accepts as they are; _id keeps its own checks there.
    if (name.empty() || name == "_id" || name[0] == '$' || name.find('.') != std::string::npos ||
        !util::IsValidUtf8(name) || HasNan(it.value())) {
      return std::nullopt;
    }
    out.fields.emplace_back(&name, &it.value());
  }
  std::sort(out.fields.begin(), out.fields.end(),
            [](const auto& a, const auto& b) { return *a.first < *b.first; });
  return out;
}

std::optional<SetByIdResult> ApplySetById(const SetById& set, std::string_view stored) {
  if (stored.empty() || stored[0] != kDocFormatMsgpack) return std::nullopt;
  const std::string_view body = stored.substr(1);
  thread_local std::vector<MsgpackField> index;
  index.clear();
  if (!IndexMsgpackObject(body, &index).ok()) return std::nullopt;
  // Which stored field each set field replaces (each exactly once), and the stored _id.
  constexpr int kNone = -1;
  std::vector<int> field_of(index.size(), kNone);
  size_t matched = 0;
  std::optional<std::string_view> id;
  for (size_t i = 0; i < index.size(); ++i) {
    const std::string_view name = index[i].name;
    if (name == "_id") {
      if (id) return std::nullopt;
      id = index[i].value;
      continue;
    }
    for (size_t f = 0; f < set.fields.size(); ++f) {
      if (*set.fields[f].first != name) continue;
      if (field_of[i] != kNone) return std::nullopt;
      // A name stored twice: the general path refuses to splice it.
      for (size_t j = 0; j < i; ++j) {
        if (field_of[j] == static_cast<int>(f)) return std::nullopt;
      }
      field_of[i] = static_cast<int>(f);
      ++matched;
    }
  }
  if (!id || matched != set.fields.size()) return std::nullopt;
  // The general path validates what it writes: leave anything it might reject to it.
  for (const auto& [name, value] : set.fields) {
    if (!ValidateField(*name, *value, "document").ok()) return std::nullopt;
  }
  SetByIdResult out;
  Json id_value;
  if (!DecodeMsgpackValue(*id, &id_value).ok()) return std::nullopt;
  out.id_text = JsonText(id_value);
  // The same map header (no field is added or removed), then each field's key and value bytes.
  out.stored.reserve(stored.size() + 64);
  out.stored.push_back(kDocFormatMsgpack);
  const uint8_t b = body.empty() ? 0 : static_cast<uint8_t>(body[0]);
  const size_t header = b == 0xDE ? 3 : b == 0xDF ? 5 : 1;
  const char* entry = body.data() + header;  // where the next stored field's key starts
  out.stored.append(body.data(), header);
  for (size_t i = 0; i < index.size(); ++i) {
    const MsgpackField& f = index[i];
    const char* end = f.value.data() + f.value.size();
    if (field_of[i] == kNone) {
      out.stored.append(entry, static_cast<size_t>(end - entry));
    } else {
      out.stored.append(entry, static_cast<size_t>(f.value.data() - entry));  // the key as stored
      const size_t at = out.stored.size();
      AppendMsgpack(*set.fields[static_cast<size_t>(field_of[i])].second, &out.stored);
      if (!out.changed && std::string_view(out.stored).substr(at) != f.value) out.changed = true;
    }
    entry = end;
  }
  if (!out.changed) out.stored.clear();
  return out;
}

}  // namespace tessera::doc
