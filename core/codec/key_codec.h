// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The order-preserving tuple key codec. A key is a tuple of typed components (null, numbers,
// strings, raw bytes, booleans, nested tuples); each component may be marked descending. The
// encoding is built so that RocksDB's default bytewise comparator sorts encoded keys in the value
// order defined by CompareTuples:
//
//   sign(memcmp(EncodeTuple(a), EncodeTuple(b))) == sign(CompareTuples(a, b))
//
// (memcmp over the common length, then the shorter key first). The scheme follows FoundationDB's
// tuple layer and CockroachDB's key encoding; the order across types follows MongoDB's BSON sort
// order, so document indexes can be built on it:
//
//   null < numbers < strings < (objects, reserved) < tuples (arrays) < bytes < false < true
//
// Every component encoding is prefix-free (no encoding is a proper prefix of another), so a tuple
// is the plain concatenation of its components and compares component by component, and the
// encoding of a tuple prefix is a byte prefix of the encoding of every tuple extending it (range
// scans over "all keys starting with (a, b)" are prefix scans).
//
// Ascending component layouts (the first byte is the tag; all tags are < 0x80):
//
//   null      +------+
//             | 0x05 |
//             +------+
//
//   number    +------+---------------------------+-----------------------------+
//             | 0x10 | ordered double (8 B, BE)  | remainder (1 or 3 bytes)    |
//             +------+---------------------------+-----------------------------+
//             d = the value as a double (an int64 is rounded to nearest). -0.0 is written as
//             +0.0 and every NaN as the one canonical NaN, which sorts below -infinity:
//               ordered = 0x0000000000000000                      if d is NaN
//                       = ~bits(d)                               if d's sign bit is set
//                       = bits(d) ^ 0x8000000000000000           otherwise
//             r = v - d, computed exactly (0 for doubles and exactly representable ints; an int64
//             that is not a double is never more than 512 away from its rounding):
//               +------+                                          r == 0
//               | 0x80 |
//               +------+
//               +------+-------------------------+                r < 0
//               | 0x7F | r + 65536 (2 bytes, BE) |
//               +------+-------------------------+
//               +------+-------------------------+                r > 0
//               | 0x81 | r (2 bytes, BE)         |
//               +------+-------------------------+
//             Ints and doubles share one numeric order: Int(5) and Double(5.0) are equal and
//             encode identically.
//
//   string    +------+----------------------------------+------+------+
//             | 0x20 | UTF-8 bytes, 0x00 -> 0x00 0xFF   | 0x00 | 0x01 |
//             +------+----------------------------------+------+------+
//             The text is not validated here. "a" < "a\0" < "a\0\0" < "ab" byte for byte.
//
//   tuple     +------+-----------------------------------------+------+
//             | 0x40 | component encodings (each asc or desc)  | 0x00 |
//             +------+-----------------------------------------+------+
//             No component starts with 0x00, so a tuple sorts before every tuple extending it.
//
//   bytes     +------+----------------------------------+------+------+
//             | 0x50 | raw bytes, 0x00 -> 0x00 0xFF     | 0x00 | 0x01 |
//             +------+----------------------------------+------+------+
//
//   false     +------+          true  +------+
//             | 0x60 |                | 0x61 |
//             +------+                +------+
//
//   (0x30 is reserved for objects/documents; tags 0x00 and 0x80..0xFF never start an ascending
//   component.)
//
// Descending component: the ascending encoding with every byte complemented (x ^ 0xFF), e.g.
//
//   desc "ab"  +------+------+------+------+------+
//              | 0xDF | 0x9E | 0x9D | 0xFF | 0xFE |     (escape 0x00 0xFF becomes 0xFF 0x00)
//              +------+------+------+------+------+
//
// so a first byte >= 0x80 marks a descending component. Inside a descending tuple the nested
// components are complemented once more: a nested component that is itself descending ends up
// with its plain ascending bytes. The decoder tracks this with one XOR mask per level.
//
// Comparison (CompareElements / CompareTuples) is the order of the encodings:
//   - components of different types order by the type order above; all numbers are one type and
//     compare by exact numeric value (NaN == NaN, NaN < -inf, -0.0 == +0.0);
//   - strings and bytes compare bytewise (unsigned), a prefix first;
//   - tuples compare lexicographically, a prefix first;
//   - a descending component compares in reverse; an ascending component sorts before any
//     descending one at the same position (their encodings start below / above 0x80).
// Two elements compare equal exactly when they have the same value and the same descending flags
// at every nesting level.
//
// Decoding: numbers come back as int64 when the value is integral and within int64 range, and as
// double otherwise. The numeric value always round-trips exactly; the int/double distinction does
// not, by design, because the two share one order and one encoding. Decoders accept only the
// canonical encodings the encoder produces (so decode-then-encode reproduces the input) and
// return DataLossError naming the problem and its byte offset on anything else; they never read
// out of bounds. Tuples nested deeper than kMaxTupleDepth are refused by the decoder (the encoder
// does not check; callers must bound the nesting of what they store).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"

namespace tessera::codec {

// Component tags (ascending form).
inline constexpr uint8_t kKeyTagNull = 0x05;
inline constexpr uint8_t kKeyTagNumber = 0x10;
inline constexpr uint8_t kKeyTagString = 0x20;
inline constexpr uint8_t kKeyTagObjectReserved = 0x30;
inline constexpr uint8_t kKeyTagTuple = 0x40;
inline constexpr uint8_t kKeyTagBytes = 0x50;
inline constexpr uint8_t kKeyTagFalse = 0x60;
inline constexpr uint8_t kKeyTagTrue = 0x61;

// The decoder refuses tuples nested deeper than this (the top-level tuple is depth 0; a tuple
// component of it is depth 1). Bounds the decoder's recursion on arbitrary input.
inline constexpr int kMaxTupleDepth = 100;

// Raw bytes: a type distinct from a (UTF-8) string, ordered after tuples.
struct Bytes {
  std::string data;
  friend bool operator==(const Bytes& a, const Bytes& b) { return a.data == b.data; }
};

struct Element;
using Tuple = std::vector<Element>;

// One key component.
struct Element {
  // monostate is null. Note that the static factories Bytes() and Tuple() below hide the types of
  // the same names inside this struct; use codec::Bytes / std::vector<Element> here.
  using Value = std::variant<std::monostate, bool, int64_t, double, std::string, codec::Bytes,
                             std::vector<Element>>;

  Value value;
  bool descending = false;  // encode this component in descending order

  static Element Null() { return Element(); }
  static Element Bool(bool b) { return Make(b); }
  static Element Int(int64_t v) { return Make(v); }
  static Element Double(double v) { return Make(v); }
  static Element String(std::string s) { return Make(std::move(s)); }
  static Element Bytes(std::string b) { return Make(codec::Bytes{std::move(b)}); }
  static Element Tuple(std::vector<Element> elements) { return Make(std::move(elements)); }

  // A copy of this element marked descending (nested components keep their own flags).
  Element Desc() const& {
    Element e = *this;
    e.descending = true;
    return e;
  }
  Element Desc() && {
    descending = true;
    return std::move(*this);
  }

  bool is_null() const { return std::holds_alternative<std::monostate>(value); }
  bool is_number() const {
    return std::holds_alternative<int64_t>(value) || std::holds_alternative<double>(value);
  }

 private:
  template <typename T>
  static Element Make(T v) {
    Element e;
    e.value = std::move(v);
    return e;
  }
};

// Appends the encoding of `e` (descending when e.descending) to `out`.
void AppendElement(std::string* out, const Element& e);
std::string EncodeElement(const Element& e);

// Appends the concatenated encodings of `t`'s elements to `out`.
void AppendTuple(std::string* out, const Tuple& t);
std::string EncodeTuple(const Tuple& t);

// Decodes one element from the front of `*in` and consumes it; sets out->descending when it was
// encoded descending. On error returns DataLossError (message names the problem and its offset
// within `*in`) and leaves `*in` unchanged and `*out` unspecified.
absl::Status DecodeElement(std::string_view* in, Element* out);

// Decodes elements until `in` is exhausted (an empty input is the empty tuple). Offsets in error
// messages are relative to the start of `in`; on error `*out` is unspecified.
absl::Status DecodeTuple(std::string_view in, Tuple* out);

// The value order: < 0, 0 or > 0 as a sorts before, equal to, or after b. Agrees in sign with
// memcmp of the encodings (see the file comment).
int CompareElements(const Element& a, const Element& b);

// Lexicographic by CompareElements; a proper prefix sorts first.
int CompareTuples(const Tuple& a, const Tuple& b);

// A readable rendering for logs and test failures, e.g. (null, 5, 2.5, "a\x00", b"\xff",
// desc(true), (1, 2)).
std::string DebugString(const Element& e);
std::string DebugString(const Tuple& t);

}  // namespace tessera::codec
