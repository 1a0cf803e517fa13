// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// MessagePack for stored documents (see msgpack.h). The encoder mirrors nlohmann's
// binary_writer::write_msgpack branch by branch, so the bytes on disk do not change.
#include "models/doc/msgpack.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include "core/codec/msgpack_input.h"
#include "core/util/strings.h"

namespace tessera::doc {
namespace {

constexpr int kMaxDepth = 1000;

template <typename T>
void PutBE(std::string* out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  std::reverse(buf, buf + sizeof(T));
  out->append(buf, sizeof(T));
}

void PutByte(std::string* out, uint8_t b) { out->push_back(static_cast<char>(b)); }

void PutUnsigned(std::string* out, uint64_t u) {
  if (u < 128) {
    PutByte(out, static_cast<uint8_t>(u));
  } else if (u <= std::numeric_limits<uint8_t>::max()) {
    PutByte(out, 0xCC);
    PutByte(out, static_cast<uint8_t>(u));
  } else if (u <= std::numeric_limits<uint16_t>::max()) {
    PutByte(out, 0xCD);
    PutBE(out, static_cast<uint16_t>(u));
  } else if (u <= std::numeric_limits<uint32_t>::max()) {
    PutByte(out, 0xCE);
    PutBE(out, static_cast<uint32_t>(u));
  } else {
    PutByte(out, 0xCF);
    PutBE(out, u);
  }
}

void PutSigned(std::string* out, int64_t i) {
  if (i >= 0) {
    PutUnsigned(out, static_cast<uint64_t>(i));
  } else if (i >= -32) {
    PutByte(out, static_cast<uint8_t>(static_cast<int8_t>(i)));
  } else if (i >= std::numeric_limits<int8_t>::min()) {
    PutByte(out, 0xD0);
    PutByte(out, static_cast<uint8_t>(static_cast<int8_t>(i)));
  } else if (i >= std::numeric_limits<int16_t>::min()) {
    PutByte(out, 0xD1);
    PutBE(out, static_cast<int16_t>(i));
  } else if (i >= std::numeric_limits<int32_t>::min()) {
    PutByte(out, 0xD2);
    PutBE(out, static_cast<int32_t>(i));
  } else {
    PutByte(out, 0xD3);
    PutBE(out, i);
  }
}

void PutFloat(std::string* out, double d) {
  // nlohmann's write_compact_float: float32 when the value survives the round trip.
  if (d >= static_cast<double>(std::numeric_limits<float>::lowest()) &&
      d <= static_cast<double>(std::numeric_limits<float>::max()) &&
      static_cast<double>(static_cast<float>(d)) == d) {
    PutByte(out, 0xCA);
    PutBE(out, static_cast<float>(d));
  } else {
    PutByte(out, 0xCB);
    PutBE(out, d);
  }
}

void PutString(std::string* out, std::string_view s) {
  const size_t n = s.size();
  if (n <= 31) {
    PutByte(out, static_cast<uint8_t>(0xA0 | n));
  } else if (n <= std::numeric_limits<uint8_t>::max()) {
    PutByte(out, 0xD9);
    PutByte(out, static_cast<uint8_t>(n));
  } else if (n <= std::numeric_limits<uint16_t>::max()) {
    PutByte(out, 0xDA);
    PutBE(out, static_cast<uint16_t>(n));
  } else {
    PutByte(out, 0xDB);
    PutBE(out, static_cast<uint32_t>(n));
  }
  out->append(s.data(), n);
}

void PutBinary(std::string* out, const Json::binary_t& b) {
  const bool ext = b.has_subtype();
  const size_t n = b.size();
  if (n <= std::numeric_limits<uint8_t>::max()) {
    bool fixed = ext;
    uint8_t type = 0xC4;  // bin 8
    if (ext) {
      switch (n) {
        case 1:
          type = 0xD4;
          break;
        case 2:
          type = 0xD5;
          break;
        case 4:
          type = 0xD6;
          break;
        case 8:
          type = 0xD7;
          break;
        case 16:
          type = 0xD8;
          break;
        default:
          type = 0xC7;  // ext 8
          fixed = false;
      }
    }
    PutByte(out, type);
    if (!fixed) PutByte(out, static_cast<uint8_t>(n));
  } else if (n <= std::numeric_limits<uint16_t>::max()) {
    PutByte(out, ext ? 0xC8 : 0xC5);
    PutBE(out, static_cast<uint16_t>(n));
  } else {
    PutByte(out, ext ? 0xC9 : 0xC6);
    PutBE(out, static_cast<uint32_t>(n));
  }
  if (ext) PutByte(out, static_cast<uint8_t>(static_cast<int8_t>(b.subtype())));
  out->append(reinterpret_cast<const char*>(b.data()), n);
}

void PutContainerHeader(std::string* out, size_t n, uint8_t fix, uint8_t fix_max, uint8_t c16,
                        uint8_t c32) {
  if (n <= fix_max) {
    PutByte(out, static_cast<uint8_t>(fix | n));
  } else if (n <= std::numeric_limits<uint16_t>::max()) {
    PutByte(out, c16);
    PutBE(out, static_cast<uint16_t>(n));
  } else {
    PutByte(out, c32);
    PutBE(out, static_cast<uint32_t>(n));
  }
}

// The decoder: a cursor over the input; every read checks the remaining length.
class Reader : public codec::MsgpackInput {
 public:
  explicit Reader(std::string_view in) : MsgpackInput(in, "stored document: ") {}

  // Decodes the next value into `*out`.
  bool Value(Json* out, int depth) {
    if (depth > kMaxDepth) return Fail("nesting too deep");
    uint8_t b = 0;
    if (!Byte(&b)) return false;
    if (b <= 0x7F) {
      *out = static_cast<uint64_t>(b);
      return true;
    }
    if (b >= 0xE0) {
      *out = static_cast<int64_t>(static_cast<int8_t>(b));
      return true;
    }
    if (b >= 0xA0 && b <= 0xBF) return String(b & 0x1F, out);
    if (b >= 0x90 && b <= 0x9F) return Array(b & 0x0F, out, depth);
    if (b >= 0x80 && b <= 0x8F) return Map(b & 0x0F, out, depth, nullptr);
    switch (b) {
      case 0xC0:
        *out = nullptr;
        return true;
      case 0xC2:
        *out = false;
        return true;
      case 0xC3:
        *out = true;
        return true;
      case 0xC4:
      case 0xC5:
      case 0xC6: {
        uint64_t n;
        if (!Length(b - 0xC4, &n)) return false;
        return Binary(n, /*ext=*/false, out);
      }
      case 0xC7:
      case 0xC8:
      case 0xC9: {
        uint64_t n;
        if (!Length(b - 0xC7, &n)) return false;
        return Binary(n, /*ext=*/true, out);
      }
      case 0xCA: {
        float f;
        if (!Number(&f)) return false;
        *out = static_cast<double>(f);
        return true;
      }
      case 0xCB: {
        double d;
        if (!Number(&d)) return false;
        *out = d;
        return true;
      }
      case 0xCC:
        return Unsigned<uint8_t>(out);
      case 0xCD:
        return Unsigned<uint16_t>(out);
      case 0xCE:
        return Unsigned<uint32_t>(out);
      case 0xCF:
        return Unsigned<uint64_t>(out);
      case 0xD0:
        return Signed<int8_t>(out);
      case 0xD1:
        return Signed<int16_t>(out);
      case 0xD2:
        return Signed<int32_t>(out);
      case 0xD3:
        return Signed<int64_t>(out);
      case 0xD4:
        return Binary(1, true, out);
      case 0xD5:
        return Binary(2, true, out);
      case 0xD6:
        return Binary(4, true, out);
      case 0xD7:
        return Binary(8, true, out);
      case 0xD8:
        return Binary(16, true, out);
      case 0xD9:
      case 0xDA:
      case 0xDB: {
        uint64_t n;
        if (!Length(b - 0xD9, &n)) return false;
        return String(n, out);
      }
      case 0xDC:
      case 0xDD: {
        uint64_t n;
        if (!Length(b - 0xDC + 1, &n)) return false;
        return Array(n, out, depth);
      }
      case 0xDE:
      case 0xDF: {
        uint64_t n;
        if (!Length(b - 0xDE + 1, &n)) return false;
        return Map(n, out, depth, nullptr);
      }
      default:
        return Fail("invalid type byte");
    }
  }

  // Skips the next value (checking its framing).
  bool Skip(int depth) {
    if (depth > kMaxDepth) return Fail("nesting too deep");
    uint8_t b = 0;
    if (!Byte(&b)) return false;
    if (b <= 0x7F || b >= 0xE0 || b == 0xC0 || b == 0xC2 || b == 0xC3) return true;
    uint64_t n = 0;
    if (b >= 0xA0 && b <= 0xBF) return Advance(b & 0x1F);
    if (b >= 0x90 && b <= 0x9F) return SkipItems(b & 0x0F, depth);
    if (b >= 0x80 && b <= 0x8F) return SkipItems(2 * uint64_t{b & 0x0Fu}, depth);
    switch (b) {
      case 0xC4:
      case 0xC5:
      case 0xC6:
        return Length(b - 0xC4, &n) && Advance(n);
      case 0xC7:
      case 0xC8:
      case 0xC9:
        return Length(b - 0xC7, &n) && Advance(n + 1);
      case 0xCA:
        return Advance(4);
      case 0xCB:
        return Advance(8);
      case 0xCC:
        return Advance(1);
      case 0xCD:
        return Advance(2);
      case 0xCE:
        return Advance(4);
      case 0xCF:
        return Advance(8);
      case 0xD0:
        return Advance(1);
      case 0xD1:
        return Advance(2);
      case 0xD2:
        return Advance(4);
      case 0xD3:
        return Advance(8);
      case 0xD4:
        return Advance(2);
      case 0xD5:
        return Advance(3);
      case 0xD6:
        return Advance(5);
      case 0xD7:
        return Advance(9);
      case 0xD8:
        return Advance(17);
      case 0xD9:
      case 0xDA:
      case 0xDB:
        return Length(b - 0xD9, &n) && Advance(n);
      case 0xDC:
      case 0xDD:
        return Length(b - 0xDC + 1, &n) && SkipItems(n, depth);
      case 0xDE:
      case 0xDF:
        return Length(b - 0xDE + 1, &n) && SkipItems(2 * n, depth);
      default:
        return Fail("invalid type byte");
    }
  }

  // The top-level object (map header already expected next).
  bool TopObject(Json* out, const FieldSet* only) {
    uint8_t b = 0;
    if (!Byte(&b)) return false;
    uint64_t n;
    if (b >= 0x80 && b <= 0x8F) {
      n = b & 0x0F;
    } else if (b == 0xDE || b == 0xDF) {
      if (!Length(b - 0xDE + 1, &n)) return false;
    } else {
      return Fail("the document is not a map");
    }
    return Map(n, out, 0, only);
  }

  // The top-level object's fields, located without decoding their values.
  bool TopIndex(std::vector<MsgpackField>* out) {
    uint8_t b = 0;
    if (!Byte(&b)) return false;
    uint64_t n;
    if (b >= 0x80 && b <= 0x8F) {
      n = b & 0x0F;
    } else if (b == 0xDE || b == 0xDF) {
      if (!Length(b - 0xDE + 1, &n)) return false;
    } else {
      return Fail("the document is not a map");
    }
    if (n > static_cast<uint64_t>(end_ - p_) / 2) return Fail("map longer than the input");
    out->clear();
    out->reserve(static_cast<size_t>(n));
    for (uint64_t i = 0; i < n; ++i) {
      MsgpackField f;
      if (!KeyView(&f.name)) return false;
      const char* start = p_;
      if (!Skip(1)) return false;
      f.value = std::string_view(start, static_cast<size_t>(p_ - start));
      out->push_back(f);
    }
    return true;
  }

 private:
  template <typename T>
  bool Unsigned(Json* out) {
    T v{};
    if (!Number(&v)) return false;
    *out = static_cast<uint64_t>(v);
    return true;
  }
  template <typename T>
  bool Signed(Json* out) {
    T v{};
    if (!Number(&v)) return false;
    *out = static_cast<int64_t>(v);
    return true;
  }
  bool String(uint64_t n, Json* out) {
    if (static_cast<uint64_t>(end_ - p_) < n) return Fail("truncated string");
    *out = Json::string_t(p_, static_cast<size_t>(n));
    p_ += n;
    return true;
  }
  bool KeyString(std::string* key) {
    std::string_view view;
    if (!KeyView(&view)) return false;
    key->assign(view.data(), view.size());
    return true;
  }
  bool KeyView(std::string_view* key) {
    uint8_t b = 0;
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
    *key = std::string_view(p_, static_cast<size_t>(n));
    p_ += n;
    return true;
  }
  bool Binary(uint64_t n, bool ext, Json* out) {
    int8_t subtype = 0;
    if (ext && !Number(&subtype)) return false;
    if (static_cast<uint64_t>(end_ - p_) < n) return Fail("truncated binary");
    Json::binary_t::container_type bytes(reinterpret_cast<const uint8_t*>(p_),
                                         reinterpret_cast<const uint8_t*>(p_) + n);
    p_ += n;
    *out = ext ? Json::binary(std::move(bytes), static_cast<uint8_t>(subtype))
               : Json::binary(std::move(bytes));
    return true;
  }
  bool Array(uint64_t n, Json* out, int depth) {
    // Every element takes at least one byte: a count beyond the input is malformed.
    if (n > static_cast<uint64_t>(end_ - p_)) return Fail("array longer than the input");
    *out = Json::array();
    auto& arr = out->get_ref<Json::array_t&>();
    arr.reserve(static_cast<size_t>(n));
    for (uint64_t i = 0; i < n; ++i) {
      arr.emplace_back();
      if (!Value(&arr.back(), depth + 1)) return false;
    }
    return true;
  }
  bool Map(uint64_t n, Json* out, int depth, const FieldSet* only) {
    if (n > static_cast<uint64_t>(end_ - p_) / 2) return Fail("map longer than the input");
    *out = Json::object();
    // ordered_map is a vector of pairs: append directly (a stored document has distinct keys),
    // avoiding ordered_map's linear search for an existing key.
    using Base = std::vector<std::pair<const std::string, Json>>;
    Base& fields = out->get_ref<Json::object_t&>();
    fields.reserve(static_cast<size_t>(only != nullptr ? std::min<uint64_t>(n, only->size()) : n));
    std::string key;
    for (uint64_t i = 0; i < n; ++i) {
      if (!KeyString(&key)) return false;
      if (only != nullptr && !std::binary_search(only->begin(), only->end(), key)) {
        if (!Skip(depth + 1)) return false;
        continue;
      }
      fields.emplace_back(std::move(key), Json());
      key.clear();
      if (!Value(&fields.back().second, depth + 1)) return false;
    }
    return true;
  }
  bool SkipItems(uint64_t n, int depth) {
    if (n > static_cast<uint64_t>(end_ - p_)) return Fail("container longer than the input");
    for (uint64_t i = 0; i < n; ++i) {
      if (!Skip(depth + 1)) return false;
    }
    return true;
  }
};

}  // namespace

void AppendMsgpack(const Json& v, std::string* out) {
  switch (v.type()) {
    case Json::value_t::null:
      PutByte(out, 0xC0);
      return;
    case Json::value_t::boolean:
      PutByte(out, v.get<bool>() ? 0xC3 : 0xC2);
      return;
    case Json::value_t::number_integer:
      PutSigned(out, v.get<int64_t>());
      return;
    case Json::value_t::number_unsigned:
      PutUnsigned(out, v.get<uint64_t>());
      return;
    case Json::value_t::number_float:
      PutFloat(out, v.get<double>());
      return;
    case Json::value_t::string:
      PutString(out, v.get_ref<const std::string&>());
      return;
    case Json::value_t::binary:
      PutBinary(out, v.get_binary());
      return;
    case Json::value_t::array: {
      const auto& arr = v.get_ref<const Json::array_t&>();
      PutContainerHeader(out, arr.size(), 0x90, 15, 0xDC, 0xDD);
      for (const Json& e : arr) AppendMsgpack(e, out);
      return;
    }
    case Json::value_t::object: {
      const auto& obj = v.get_ref<const Json::object_t&>();
      PutContainerHeader(out, obj.size(), 0x80, 15, 0xDE, 0xDF);
      for (const auto& [name, value] : obj) {
        PutString(out, name);
        AppendMsgpack(value, out);
      }
      return;
    }
    case Json::value_t::discarded:
      return;  // nlohmann writes nothing for a discarded value
  }
}

absl::Status IndexMsgpackObject(std::string_view in, std::vector<MsgpackField>* out) {
  Reader r(in);
  if (!r.TopIndex(out)) return r.status();
  if (!r.done()) {
    r.Fail("trailing bytes");
    return r.status();
  }
  return absl::OkStatus();
}

bool MsgpackString(std::string_view in, std::string_view* out) {
  if (in.empty()) return false;
  const auto b = static_cast<uint8_t>(in[0]);
  size_t header;
  uint64_t n;
  if (b >= 0xA0 && b <= 0xBF) {
    header = 1;
    n = b & 0x1F;
  } else if (b >= 0xD9 && b <= 0xDB) {
    header = size_t{1} + (size_t{1} << (b - 0xD9));
    if (in.size() < header) return false;
    n = 0;
    for (size_t i = 1; i < header; ++i) n = (n << 8) | static_cast<uint8_t>(in[i]);
  } else {
    return false;
  }
  if (in.size() - header != n) return false;
  *out = in.substr(header);
  return true;
}

absl::Status DecodeMsgpackValue(std::string_view in, Json* out) {
  Reader r(in);
  // Depth 1: the value of a top-level field, as inside DecodeMsgpackObject.
  if (!r.Value(out, 1)) return r.status();
  if (!r.done()) {
    r.Fail("trailing bytes");
    return r.status();
  }
  return absl::OkStatus();
}

absl::Status DecodeMsgpackObject(std::string_view in, Json* out, const FieldSet* only) {
  Reader r(in);
  if (!r.TopObject(out, only)) return r.status();
  if (!r.done()) {
    r.Fail("trailing bytes");
    return r.status();
  }
  return absl::OkStatus();
}

}  // namespace tessera::doc
