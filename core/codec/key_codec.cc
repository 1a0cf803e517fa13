// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The order-preserving tuple key codec (layouts drawn in key_codec.h). Encoding and decoding
// carry an XOR mask per nesting level: 0x00 for an ascending context, 0xFF inside a descending
// one, so a descending component is written and read in one pass without a second buffer.
#include "core/codec/key_codec.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>

#include "absl/strings/escaping.h"
#include "core/codec/coding.h"
#include "core/util/strings.h"

namespace tessera::codec {
namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;
constexpr uint8_t kRemainderZero = 0x80;
constexpr uint8_t kRemainderNegative = 0x7F;
constexpr uint8_t kRemainderPositive = 0x81;
constexpr uint8_t kEscapeFollower = 0xFF;         // 0x00 0xFF: an escaped 0x00 inside the text
constexpr uint8_t kTerminatorFollower = 0x01;     // 0x00 0x01: end of the text
constexpr double kTwo63 = 9223372036854775808.0;  // 2^63, exactly

// ---------------------------------------------------------------------------------------------
// Numbers.

// The numeric sort key of a number: the order-preserving image of its (canonicalised) double,
// and the exact remainder of an int64 that the double does not represent exactly.
struct NumberKey {
  uint64_t ordered = 0;
  int32_t remainder = 0;
};

uint64_t OrderedFromDouble(double d) {
  if (std::isnan(d)) return 0;  // the canonical NaN, below -inf (whose image is 0x000FFF...)
  if (d == 0) d = 0.0;          // -0.0 == +0.0
  uint64_t bits = std::bit_cast<uint64_t>(d);
  return (bits & kSignBit) ? ~bits : bits ^ kSignBit;
}

double DoubleFromOrdered(uint64_t ordered) {
  uint64_t bits = (ordered & kSignBit) ? ordered ^ kSignBit : ~ordered;
  return std::bit_cast<double>(bits);
}

NumberKey KeyOfInt(int64_t v) {
  double d = static_cast<double>(v);  // round to nearest; |d| <= 2^63 so it fits __int128
  __int128 r = static_cast<__int128>(v) - static_cast<__int128>(d);
  return NumberKey{OrderedFromDouble(d), static_cast<int32_t>(r)};
}

void AppendNumber(std::string* out, uint64_t ordered, int32_t remainder, uint8_t mask) {
  char buf[12];
  size_t n = 0;
  buf[n++] = static_cast<char>(kKeyTagNumber ^ mask);
  for (int shift = 56; shift >= 0; shift -= 8) {
    buf[n++] = static_cast<char>(static_cast<uint8_t>(ordered >> shift) ^ mask);
  }
  if (remainder == 0) {
    buf[n++] = static_cast<char>(kRemainderZero ^ mask);
  } else {
    uint16_t field =
        remainder < 0 ? static_cast<uint16_t>(remainder + 65536) : static_cast<uint16_t>(remainder);
    buf[n++] = static_cast<char>((remainder < 0 ? kRemainderNegative : kRemainderPositive) ^ mask);
    buf[n++] = static_cast<char>(static_cast<uint8_t>(field >> 8) ^ mask);
    buf[n++] = static_cast<char>(static_cast<uint8_t>(field & 0xff) ^ mask);
  }
  out->append(buf, n);
}

// Exact comparison of an int64 with a double, NaN lowest.
int CompareIntDouble(int64_t v, double x) {
  if (std::isnan(x)) return 1;
  if (x >= kTwo63) return -1;
  if (x < -kTwo63) return 1;
  double fl = std::floor(x);  // in [-2^63, 2^63): converts exactly
  int64_t fi = static_cast<int64_t>(fl);
  if (v < fi) return -1;
  if (v > fi) return 1;
  return x > fl ? -1 : 0;
}

int CompareDoubles(double a, double b) {
  bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return static_cast<int>(nb) - static_cast<int>(na);
  return a < b ? -1 : (a > b ? 1 : 0);
}

int CompareNumbers(const Element::Value& a, const Element::Value& b) {
  const int64_t* ia = std::get_if<int64_t>(&a);
  const int64_t* ib = std::get_if<int64_t>(&b);
  if (ia && ib) return *ia < *ib ? -1 : (*ia > *ib ? 1 : 0);
  if (ia) return CompareIntDouble(*ia, std::get<double>(b));
  if (ib) return -CompareIntDouble(*ib, std::get<double>(a));
  return CompareDoubles(std::get<double>(a), std::get<double>(b));
}

// ---------------------------------------------------------------------------------------------
// Encoding.

void AppendEscaped(std::string* out, uint8_t tag, std::string_view s, uint8_t mask) {
  out->reserve(out->size() + s.size() + 3);
  out->push_back(static_cast<char>(tag ^ mask));
  for (char c : s) {
    uint8_t b = static_cast<uint8_t>(c);
    out->push_back(static_cast<char>(b ^ mask));
    if (b == 0) out->push_back(static_cast<char>(kEscapeFollower ^ mask));
  }
  out->push_back(static_cast<char>(0x00 ^ mask));
  out->push_back(static_cast<char>(kTerminatorFollower ^ mask));
}

// `mask` is the context's mask; the element's own flag toggles it.
void AppendMasked(std::string* out, const Element& e, uint8_t mask) {
  if (e.descending) mask ^= 0xFF;
  auto put = [&](uint8_t b) { out->push_back(static_cast<char>(b ^ mask)); };
  const Element::Value& v = e.value;
  switch (v.index()) {
    case 0:
      put(kKeyTagNull);
      break;
    case 1:
      put(std::get<bool>(v) ? kKeyTagTrue : kKeyTagFalse);
      break;
    case 2: {
      NumberKey k = KeyOfInt(std::get<int64_t>(v));
      AppendNumber(out, k.ordered, k.remainder, mask);
      break;
    }
    case 3:
      AppendNumber(out, OrderedFromDouble(std::get<double>(v)), 0, mask);
      break;
    case 4:
      AppendEscaped(out, kKeyTagString, std::get<std::string>(v), mask);
      break;
    case 5:
      AppendEscaped(out, kKeyTagBytes, std::get<codec::Bytes>(v).data, mask);
      break;
    case 6:
      put(kKeyTagTuple);
      for (const Element& child : std::get<std::vector<Element>>(v)) AppendMasked(out, child, mask);
      put(0x00);
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding.

std::string HexByte(uint8_t b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return std::string{'0', 'x', kDigits[b >> 4], kDigits[b & 0xf]};
}

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}

  size_t pos() const { return pos_; }
  bool done() const { return pos_ >= in_.size(); }

  // Decodes one element in a context with the given mask at the given tuple depth.
  absl::Status DecodeOne(uint8_t mask, int depth, Element* out) {
    size_t start = pos_;
    uint8_t tag;
    if (!Next(mask, &tag)) return Error("truncated input: expected an element", start);
    out->descending = tag >= 0x80;
    if (out->descending) {
      mask ^= 0xFF;
      tag ^= 0xFF;
    }
    switch (tag) {
      case kKeyTagNull:
        out->value = std::monostate();
        return absl::OkStatus();
      case kKeyTagFalse:
        out->value = false;
        return absl::OkStatus();
      case kKeyTagTrue:
        out->value = true;
        return absl::OkStatus();
      case kKeyTagNumber:
        return Number(mask, start, out);
      case kKeyTagString: {
        std::string s;
        if (absl::Status st = Escaped(mask, "string", start, &s); !st.ok()) return st;
        out->value = std::move(s);
        return absl::OkStatus();
      }
      case kKeyTagBytes: {
        codec::Bytes b;
        if (absl::Status st = Escaped(mask, "bytes", start, &b.data); !st.ok()) return st;
        out->value = std::move(b);
        return absl::OkStatus();
      }
      case kKeyTagTuple:
        return NestedTuple(mask, depth + 1, start, out);
      default:
        return Error(
            util::StrCat("unknown tag ", HexByte(tag), out->descending ? " (descending)" : ""),
            start);
    }
  }

 private:
  bool Next(uint8_t mask, uint8_t* b) {
    if (pos_ >= in_.size()) return false;
    *b = static_cast<uint8_t>(in_[pos_++]) ^ mask;
    return true;
  }

  absl::Status Error(std::string_view what, size_t offset) const {
    return absl::DataLossError(util::StrCat("key codec: ", what, " at offset ", offset));
  }

  absl::Status Number(uint8_t mask, size_t start, Element* out) {
    if (in_.size() - pos_ < 9) return Error("truncated number", start);
    char raw[8];
    for (int i = 0; i < 8; ++i) {
      raw[i] = static_cast<char>(static_cast<uint8_t>(in_[pos_ + i]) ^ mask);
    }
    uint64_t ordered = DecodeFixed64BE(raw);
    pos_ += 8;
    double d = DoubleFromOrdered(ordered);
    if (std::isnan(d) && ordered != 0) return Error("non-canonical NaN in number", start);
    if (d == 0 && std::signbit(d)) return Error("non-canonical -0.0 in number", start);

    uint8_t kind = 0;
    Next(mask, &kind);  // length checked above
    int32_t r = 0;
    if (kind == kRemainderNegative || kind == kRemainderPositive) {
      uint8_t hi, lo;
      if (!Next(mask, &hi) || !Next(mask, &lo)) return Error("truncated number remainder", start);
      int32_t field = (int32_t{hi} << 8) | lo;
      r = kind == kRemainderNegative ? field - 65536 : field;
      if (r == 0) return Error("non-canonical zero remainder in number", start);
    } else if (kind != kRemainderZero) {
      return Error(util::StrCat("bad number remainder marker ", HexByte(kind)), start);
    }

    bool integral = std::isfinite(d) && std::floor(d) == d;
    if (r != 0) {
      // Only an int64 that rounds to d can carry a remainder.
      if (!integral || d < -kTwo63 || d > kTwo63) {
        return Error("number remainder on a non-integral or out-of-range double", start);
      }
      __int128 v = static_cast<__int128>(d) + r;
      if (v < std::numeric_limits<int64_t>::min() || v > std::numeric_limits<int64_t>::max() ||
          static_cast<double>(static_cast<int64_t>(v)) != d) {
        return Error("non-canonical number remainder", start);
      }
      out->value = static_cast<int64_t>(v);
    } else if (integral && d >= -kTwo63 && d < kTwo63) {
      out->value = static_cast<int64_t>(d);
    } else {
      out->value = std::isnan(d) ? std::numeric_limits<double>::quiet_NaN() : d;
    }
    return absl::OkStatus();
  }

  absl::Status Escaped(uint8_t mask, std::string_view type, size_t start, std::string* out) {
    const char zero = static_cast<char>(0x00 ^ mask);
    for (;;) {
      size_t z = in_.find(zero, pos_);
      if (z == std::string_view::npos || z + 1 >= in_.size()) {
        return Error(util::StrCat("unterminated ", type), start);
      }
      size_t run = out->size();
      out->append(in_.data() + pos_, z - pos_);
      if (mask != 0) {
        for (size_t i = run; i < out->size(); ++i) (*out)[i] = static_cast<char>((*out)[i] ^ mask);
      }
      uint8_t follower = static_cast<uint8_t>(in_[z + 1]) ^ mask;
      pos_ = z + 2;
      if (follower == kTerminatorFollower) return absl::OkStatus();
      if (follower != kEscapeFollower) {
        return Error(util::StrCat("bad escape 0x00 ", HexByte(follower), " in ", type), z);
      }
      out->push_back('\0');
    }
  }

  absl::Status NestedTuple(uint8_t mask, int depth, size_t start, Element* out) {
    if (depth > kMaxTupleDepth) {
      return Error(util::StrCat("tuple nested deeper than ", kMaxTupleDepth), start);
    }
    std::vector<Element> elements;
    for (;;) {
      if (pos_ >= in_.size()) return Error("unterminated tuple", start);
      if ((static_cast<uint8_t>(in_[pos_]) ^ mask) == 0x00) {
        ++pos_;
        break;
      }
      Element child;
      if (absl::Status st = DecodeOne(mask, depth, &child); !st.ok()) return st;
      elements.push_back(std::move(child));
    }
    out->value = std::move(elements);
    return absl::OkStatus();
  }

  std::string_view in_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Comparison and rendering.

// Rank of a value's type in the cross-type order (all numbers share one rank).
int TypeRank(const Element::Value& v) {
  switch (v.index()) {
    case 0:
      return 0;  // null
    case 2:
    case 3:
      return 1;  // numbers
    case 4:
      return 2;  // string
    case 6:
      return 4;  // tuple (3: objects, reserved)
    case 5:
      return 5;  // bytes
    case 1:
      return std::get<bool>(v) ? 7 : 6;  // false < true
  }
  return -1;
}

int CompareBytewise(std::string_view a, std::string_view b) {
  int c = a.compare(b);  // char_traits<char> compares as unsigned char
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int CompareValues(const Element::Value& a, const Element::Value& b) {
  int ra = TypeRank(a), rb = TypeRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 1:
      return CompareNumbers(a, b);
    case 2:
      return CompareBytewise(std::get<std::string>(a), std::get<std::string>(b));
    case 4:
      return CompareTuples(std::get<std::vector<Element>>(a), std::get<std::vector<Element>>(b));
    case 5:
      return CompareBytewise(std::get<codec::Bytes>(a).data, std::get<codec::Bytes>(b).data);
    default:
      return 0;  // null, false, true: one value each
  }
}

void AppendDouble(std::string* out, double d) {
  if (std::isnan(d)) {
    out->append("nan");
    return;
  }
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), d);
  std::string_view text(buf, res.ptr - buf);
  out->append(text);
  if (std::isfinite(d) && text.find_first_of(".e") == std::string_view::npos) out->append(".0");
}

void AppendDebug(std::string* out, const Element& e) {
  if (e.descending) out->append("desc(");
  const Element::Value& v = e.value;
  switch (v.index()) {
    case 0:
      out->append("null");
      break;
    case 1:
      out->append(std::get<bool>(v) ? "true" : "false");
      break;
    case 2:
      out->append(util::StrCat(std::get<int64_t>(v)));
      break;
    case 3:
      AppendDouble(out, std::get<double>(v));
      break;
    case 4:
      out->append(util::StrCat("\"", absl::CHexEscape(std::get<std::string>(v)), "\""));
      break;
    case 5:
      out->append(util::StrCat("b\"", absl::CHexEscape(std::get<codec::Bytes>(v).data), "\""));
      break;
    case 6: {
      out->push_back('(');
      const auto& t = std::get<std::vector<Element>>(v);
      for (size_t i = 0; i < t.size(); ++i) {
        if (i > 0) out->append(", ");
        AppendDebug(out, t[i]);
      }
      out->push_back(')');
      break;
    }
  }
  if (e.descending) out->push_back(')');
}

}  // namespace

void AppendElement(std::string* out, const Element& e) { AppendMasked(out, e, 0x00); }

std::string EncodeElement(const Element& e) {
  std::string out;
  AppendElement(&out, e);
  return out;
}

void AppendTuple(std::string* out, const Tuple& t) {
  for (const Element& e : t) AppendMasked(out, e, 0x00);
}

std::string EncodeTuple(const Tuple& t) {
  std::string out;
  AppendTuple(&out, t);
  return out;
}

absl::Status DecodeElement(std::string_view* in, Element* out) {
  Decoder dec(*in);
  if (absl::Status st = dec.DecodeOne(0x00, 0, out); !st.ok()) return st;
  in->remove_prefix(dec.pos());
  return absl::OkStatus();
}

absl::Status DecodeTuple(std::string_view in, Tuple* out) {
  out->clear();
  Decoder dec(in);
  while (!dec.done()) {
    Element e;
    if (absl::Status st = dec.DecodeOne(0x00, 0, &e); !st.ok()) return st;
    out->push_back(std::move(e));
  }
  return absl::OkStatus();
}

int CompareElements(const Element& a, const Element& b) {
  if (a.descending != b.descending) return a.descending ? 1 : -1;  // ascending sorts first
  int c = CompareValues(a.value, b.value);
  return a.descending ? -c : c;
}

int CompareTuples(const Tuple& a, const Tuple& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = CompareElements(a[i], b[i]); c != 0) return c;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

std::string DebugString(const Element& e) {
  std::string out;
  AppendDebug(&out, e);
  return out;
}

std::string DebugString(const Tuple& t) {
  std::string out = "(";
  for (size_t i = 0; i < t.size(); ++i) {
    if (i > 0) out.append(", ");
    AppendDebug(&out, t[i]);
  }
  out.push_back(')');
  return out;
}

}  // namespace tessera::codec
