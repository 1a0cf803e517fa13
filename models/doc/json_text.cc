// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// JsonText (doc_codec.h): compact JSON text of a value, byte-for-byte what nlohmann's
// dump(-1, ' ', false, error_handler_t::replace) writes, without its per-byte UTF-8 decoding of
// every string: a string is checked once and copied in runs between the characters JSON escapes
// (codec::AppendJsonString, shared with the change log's rendering of stored documents). Numbers
// other than integers, binary values and strings that are not valid UTF-8 (whose bad bytes become
// U+FFFD) are left to nlohmann.
#include <charconv>

#include "core/codec/json_text.h"
#include "models/doc/doc_codec.h"

namespace tessera::doc {
namespace {

void AppendNlohmann(const Json& v, std::string* out) {
  out->append(v.dump(-1, ' ', false, Json::error_handler_t::replace));
}

template <typename T>
void AppendInt(T v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(r.ptr - buf));
}

void Append(const Json& v, std::string* out) {
  switch (v.type()) {
    case Json::value_t::null:
      out->append("null");
      return;
    case Json::value_t::boolean:
      out->append(v.get<bool>() ? "true" : "false");
      return;
    case Json::value_t::number_integer:
      AppendInt(v.get<int64_t>(), out);
      return;
    case Json::value_t::number_unsigned:
      AppendInt(v.get<uint64_t>(), out);
      return;
    case Json::value_t::string: {
      const std::string& s = v.get_ref<const std::string&>();
      if (!codec::AppendJsonString(s, out)) AppendNlohmann(v, out);
      return;
    }
    case Json::value_t::array: {
      out->push_back('[');
      bool first = true;
      for (const Json& e : v.get_ref<const Json::array_t&>()) {
        if (!first) out->push_back(',');
        first = false;
        Append(e, out);
      }
      out->push_back(']');
      return;
    }
    case Json::value_t::object: {
      out->push_back('{');
      bool first = true;
      for (const auto& [name, value] : v.get_ref<const Json::object_t&>()) {
        if (!first) out->push_back(',');
        first = false;
        if (!codec::AppendJsonString(name, out)) AppendNlohmann(Json(name), out);
        out->push_back(':');
        Append(value, out);
      }
      out->push_back('}');
      return;
    }
    case Json::value_t::number_float:
    case Json::value_t::binary:
    case Json::value_t::discarded:
      AppendNlohmann(v, out);
      return;
  }
}

}  // namespace

std::string JsonText(const Json& v) {
  std::string out;
  out.reserve(128);
  Append(v, &out);
  return out;
}

}  // namespace tessera::doc
