// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// JSON strings and MessagePack rendered as JSON text (see json_text.h). Doubles, binary values
// and strings that are not valid UTF-8 (whose bad bytes become U+FFFD) are left to nlohmann, whose
// output is the reference.
#include "core/codec/json_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/codec/msgpack_input.h"
#include "core/util/strings.h"
#include "core/util/utf8.h"
#include "nlohmann/json.hpp"

namespace tessera::codec {
namespace {

using NJson = nlohmann::ordered_json;

constexpr int kMaxDepth = 1000;

// 1 for the bytes a JSON string escapes (control characters, '"' and '\\'); 2 for bytes >= 0x80.
constexpr std::array<uint8_t, 256> kSpecial = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  for (int c = 0x80; c < 0x100; ++c) t[c] = 2;
  return t;
}();

void AppendNlohmann(const NJson& v, std::string* out) {
  out->append(v.dump(-1, ' ', false, NJson::error_handler_t::replace));
}

void AppendStringOrReplace(std::string_view s, std::string* out) {
  if (!AppendJsonString(s, out)) AppendNlohmann(NJson(std::string(s)), out);
}

template <typename T>
void AppendInt(T v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, static_cast<size_t>(r.ptr - buf));
}

// A cursor over MessagePack input that writes JSON text; every read checks the remaining length.
class Renderer : public MsgpackInput {
 public:
  Renderer(std::string_view in, std::string* out) : MsgpackInput(in, ""), out_(out) {}

  absl::Status Run() {
    if (!Value(0)) return status_;
    if (p_ != end_) Fail("trailing bytes");
    return status_;
  }

 private:
  template <typename T, typename Wide>
  bool Int() {
    T v{};
    if (!Number(&v)) return false;
    AppendInt(static_cast<Wide>(v), out_);
    return true;
  }
  bool Float(double d) {
    AppendNlohmann(NJson(d), out_);
    return true;
  }
  bool Str(uint64_t n) {
    if (static_cast<uint64_t>(end_ - p_) < n) return Fail("truncated string");
    AppendStringOrReplace(std::string_view(p_, static_cast<size_t>(n)), out_);
    p_ += n;
    return true;
  }
  bool Binary(uint64_t n, bool ext) {
    int8_t subtype = 0;
    if (ext && !Number(&subtype)) return false;
    if (static_cast<uint64_t>(end_ - p_) < n) return Fail("truncated binary");
    NJson::binary_t::container_type bytes(reinterpret_cast<const uint8_t*>(p_),
                                          reinterpret_cast<const uint8_t*>(p_) + n);
    p_ += n;
    AppendNlohmann(ext ? NJson::binary(std::move(bytes), static_cast<uint8_t>(subtype))
                       : NJson::binary(std::move(bytes)),
                   out_);
    return true;
  }
  bool Array(uint64_t n, int depth) {
    // Every element takes at least one byte: a count beyond the input is malformed.
    if (n > static_cast<uint64_t>(end_ - p_)) return Fail("array longer than the input");
    out_->push_back('[');
    for (uint64_t i = 0; i < n; ++i) {
      if (i > 0) out_->push_back(',');
      if (!Value(depth + 1)) return false;
    }
    out_->push_back(']');
    return true;
  }
  bool Key() {
    uint8_t b;
    if (!Byte(&b)) return false;
    uint64_t n;
    if (b >= 0xA0 && b <= 0xBF) {
      n = b & 0x1F;
    } else if (b >= 0xD9 && b <= 0xDB) {
      if (!Length(b - 0xD9, &n)) return false;
    } else {
      return Fail("a map key is not a string");
    }
    if (static_cast<uint64_t>(end_ - p_) < n) return Fail("truncated key");
    AppendStringOrReplace(std::string_view(p_, static_cast<size_t>(n)), out_);
    p_ += n;
    return true;
  }
  bool Map(uint64_t n, int depth) {
    if (n > static_cast<uint64_t>(end_ - p_) / 2) return Fail("map longer than the input");
    out_->push_back('{');
    for (uint64_t i = 0; i < n; ++i) {
      if (i > 0) out_->push_back(',');
      if (!Key()) return false;
      out_->push_back(':');
      if (!Value(depth + 1)) return false;
    }
    out_->push_back('}');
    return true;
  }

  bool Value(int depth) {
    if (depth > kMaxDepth) return Fail("nesting too deep");
    uint8_t b = 0;
    if (!Byte(&b)) return false;
    if (b <= 0x7F) {
      AppendInt(static_cast<unsigned>(b), out_);
      return true;
    }
    if (b >= 0xE0) {
      AppendInt(static_cast<int>(static_cast<int8_t>(b)), out_);
      return true;
    }
    if (b >= 0xA0 && b <= 0xBF) return Str(b & 0x1F);
    if (b >= 0x90 && b <= 0x9F) return Array(b & 0x0F, depth);
    if (b >= 0x80 && b <= 0x8F) return Map(b & 0x0F, depth);
    uint64_t n = 0;
    switch (b) {
      case 0xC0:
        out_->append("null");
        return true;
      case 0xC2:
        out_->append("false");
        return true;
      case 0xC3:
        out_->append("true");
        return true;
      case 0xC4:
      case 0xC5:
      case 0xC6:
        return Length(b - 0xC4, &n) && Binary(n, /*ext=*/false);
      case 0xC7:
      case 0xC8:
      case 0xC9:
        return Length(b - 0xC7, &n) && Binary(n, /*ext=*/true);
      case 0xCA: {
        float f;
        return Number(&f) && Float(static_cast<double>(f));
      }
      case 0xCB: {
        double d;
        return Number(&d) && Float(d);
      }
      case 0xCC:
        return Int<uint8_t, uint64_t>();
      case 0xCD:
        return Int<uint16_t, uint64_t>();
      case 0xCE:
        return Int<uint32_t, uint64_t>();
      case 0xCF:
        return Int<uint64_t, uint64_t>();
      case 0xD0:
        return Int<int8_t, int64_t>();
      case 0xD1:
        return Int<int16_t, int64_t>();
      case 0xD2:
        return Int<int32_t, int64_t>();
      case 0xD3:
        return Int<int64_t, int64_t>();
      case 0xD4:
        return Binary(1, true);
      case 0xD5:
        return Binary(2, true);
      case 0xD6:
        return Binary(4, true);
      case 0xD7:
        return Binary(8, true);
      case 0xD8:
        return Binary(16, true);
      case 0xD9:
      case 0xDA:
      case 0xDB:
        return Length(b - 0xD9, &n) && Str(n);
      case 0xDC:
      case 0xDD:
        return Length(b - 0xDC + 1, &n) && Array(n, depth);
      case 0xDE:
      case 0xDF:
        return Length(b - 0xDE + 1, &n) && Map(n, depth);
      default:
        return Fail("invalid type byte");
    }
  }

  std::string* const out_;
};

}  // namespace

bool AppendJsonString(std::string_view s, std::string* out) {
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

absl::Status MsgpackToJson(std::string_view in, std::string* out) {
  return Renderer(in, out).Run();
}

}  // namespace tessera::codec
