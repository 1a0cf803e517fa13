// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Partial decoding and splicing of stored documents (see doc_splice.h).
#include "models/doc/doc_splice.h"

#include <algorithm>

#include "models/doc/doc_codec.h"
#include "tessera/status.h"

namespace tessera::doc {
namespace {

bool Contains(const std::vector<std::string>& sorted, std::string_view name) {
  // Field sets of updates and filters are small: a scan comparing sizes first is cheaper.
  if (sorted.size() <= 8) {
    for (const std::string& s : sorted) {
      if (std::string_view(s) == name) return true;
    }
    return false;
  }
  auto it = std::lower_bound(sorted.begin(), sorted.end(), name,
                             [](const std::string& a, std::string_view b) { return a < b; });
  return it != sorted.end() && *it == name;
}

// The map header EncodeDocument writes for `n` fields.
void PutMapHeader(size_t n, std::string* out) {
  if (n <= 15) {
    out->push_back(static_cast<char>(0x80 | n));
    return;
  }
  const bool small = n <= 0xFFFF;
  out->push_back(static_cast<char>(small ? 0xDE : 0xDF));
  for (int shift = small ? 8 : 24; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((n >> shift) & 0xFF));
  }
}

}  // namespace

absl::Status PartialDoc::Load(std::string_view stored, const FieldSet& wanted) {
  if (stored.empty() || stored[0] != kDocFormatMsgpack) {
    return absl::DataLossError("stored document: unknown format byte");
  }
  body_ = stored.substr(1);
  RETURN_IF_ERROR(IndexMsgpackObject(body_, &index_));
  const uint8_t b = body_.empty() ? 0 : static_cast<uint8_t>(body_[0]);
  header_ = b == 0xDE ? 3 : b == 0xDF ? 5 : 1;
  fields_ = Json::object();
  duplicates_ = false;
  auto& obj = fields_.get_ref<Json::object_t&>();
  for (const MsgpackField& f : index_) {
    if (!Contains(wanted, f.name)) continue;
    std::string name(f.name);
    if (obj.find(name) != obj.end()) {
      duplicates_ = true;
      continue;
    }
    Json v;
    RETURN_IF_ERROR(DecodeMsgpackValue(f.value, &v));
    obj.emplace(std::move(name), std::move(v));
  }
  return absl::OkStatus();
}

bool PartialDoc::Splice(const Json& after, const std::vector<std::string>& touched,
                        std::string* out) const {
  if (duplicates_ || !after.is_object()) return false;
  // `after` must be: the stored wanted fields that survive, in stored order, then new fields.
  auto next = after.begin();
  size_t count = 0;
  for (const MsgpackField& f : index_) {
    if (!Contains(touched, f.name)) {
      ++count;
      if (next != after.end() && next.key() == f.name) ++next;  // an untouched filter field
      continue;
    }
    if (after.find(std::string(f.name)) == after.end()) continue;  // removed
    if (next == after.end() || next.key() != f.name) return false;
    ++next;
    ++count;
  }
  for (auto it = next; it != after.end(); ++it) {
    if (!Contains(touched, it.key())) return false;
    ++count;
  }
  out->reserve(out->size() + body_.size() + 64);
  out->push_back(kDocFormatMsgpack);
  PutMapHeader(count, out);
  const char* entry = body_.data() + header_;  // where the next stored field's key starts
  for (const MsgpackField& f : index_) {
    const char* end = f.value.data() + f.value.size();
    if (!Contains(touched, f.name)) {
      out->append(entry, static_cast<size_t>(end - entry));
    } else if (auto it = after.find(std::string(f.name)); it != after.end()) {
      out->append(entry, static_cast<size_t>(f.value.data() - entry));  // the key as stored
      AppendMsgpack(*it, out);
    }
    entry = end;
  }
  for (auto it = next; it != after.end(); ++it) {
    AppendMsgpack(Json(it.key()), out);
    AppendMsgpack(it.value(), out);
  }
  return true;
}

}  // namespace tessera::doc
