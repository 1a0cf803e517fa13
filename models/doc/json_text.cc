// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// JsonText (doc_codec.h): compact JSON text of a value, byte-for-byte what nlohmann's
// dump(-1, ' ', false, error_handler_t::replace) writes, without its per-byte UTF-8 decoding of
// every string: a string is checked once (util::IsValidUtf8) and copied in runs between the
// characters JSON escapes. Numbers other than integers, binary values and strings that are not
// valid UTF-8 (whose bad bytes become U+FFFD) are left to nlohmann.
#include <array>
#include <charconv>

#include "core/util/utf8.h"
#include "models/doc/doc_codec.h"

namespace tessera::doc {
namespace {

// 1 for the bytes a JSON string escapes (control characters, '"' and '\\'); 2 for bytes >= 0x80.
constexpr std::array<uint8_t, 256> kSpecial = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  for (int c = 0x80; c < 0x100; ++c) t[c] = 2;
  return t;
}();

void AppendNlohmann(const Json& v, std::string* out) {
  out->append(v.dump(-1, ' ', false, Json::error_handler_t::replace));
}

// Appends `s` as a JSON string; false (nothing appended) when it is not valid UTF-8.
bool AppendString(std::string_view s, std::string* out) {
  const size_t n = s.size();
  size_t i = 0;
  bool high = false;
  // The common case: nothing to escape; remember whether any byte needs the UTF-8 check.
  while (i < n) {
    uint8_t k = kSpecial[static_cast<uint8_t>(s[i])];
    if (k == 1) break;
    high |= k == 2;
    ++i;
  }
  if (high || i < n) {
    if (!util::IsValidUtf8(s)) return false;
  }
  out->push_back('"');
  out->append(s.data(), i);
  size_t run = i;
  for (; i < n; ++i) {
    const char c = s[i];
    if (kSpecial[static_cast<uint8_t>(c)] != 1) continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '\b':
        out->append("\\b");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const uint8_t b = static_cast<uint8_t>(c);
        const char esc[6] = {'\\', 'u', '0', '0', kHex[b >> 4], kHex[b & 0xF]};
        out->append(esc, 6);
      }
    }
  }
  out->append(s.data() + run, n - run);
  out->push_back('"');
  return true;
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
      if (!AppendString(s, out)) AppendNlohmann(v, out);
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
        if (!AppendString(name, out)) AppendNlohmann(Json(name), out);
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
