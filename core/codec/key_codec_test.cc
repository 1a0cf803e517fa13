// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the order-preserving tuple key codec: property tests over random values (the bytewise
// order of encodings equals the value order; decoding inverts encoding), hand-picked edge cases
// of every type, and decoding of malformed and truncated input.
#include "core/codec/key_codec.h"

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/util/strings.h"
#include "gtest/gtest.h"

namespace tessera::codec {
namespace {

using E = Element;
using namespace std::string_literals;       // NOLINT(build/namespaces)
using namespace std::string_view_literals;  // NOLINT(build/namespaces)

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kTwo53 = 9007199254740992.0;
constexpr double kTwo63 = 9223372036854775808.0;
constexpr int64_t kTwo53Int = int64_t{1} << 53;

int Sign(int c) { return (c > 0) - (c < 0); }

// The sign of the bytewise (RocksDB default comparator) comparison.
int BytewiseSign(const std::string& a, const std::string& b) { return Sign(a.compare(b)); }

std::string Bin(std::string_view s) { return std::string(s); }

// -v without overflow (INT64_MIN stays INT64_MIN).
int64_t Negate(int64_t v) { return static_cast<int64_t>(0 - static_cast<uint64_t>(v)); }

// ---------------------------------------------------------------------------------------------
// Random values, biased towards ties, prefixes and the edges of the numeric encodings.

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  uint64_t U(uint64_t n) { return rng_() % n; }
  bool OneIn(int n) { return U(n) == 0; }

  E Number() {
    switch (U(10)) {
      case 0: {  // specials
        static const std::vector<E>* specials = new std::vector<E>{
            E::Double(kNaN),
            E::Double(-kNaN),
            E::Double(std::bit_cast<double>(uint64_t{0x7ff0000000000001})),  // signalling-ish
            E::Double(std::bit_cast<double>(uint64_t{0xfff8dead00000000})),
            E::Double(kInf),
            E::Double(-kInf),
            E::Double(0.0),
            E::Double(-0.0),
            E::Double(DBL_MAX),
            E::Double(-DBL_MAX),
            E::Double(DBL_MIN),
            E::Double(-DBL_MIN),
            E::Double(std::numeric_limits<double>::denorm_min()),
            E::Double(-std::numeric_limits<double>::denorm_min()),
            E::Double(std::nextafter(DBL_MIN, 0.0)),  // largest denormal
            E::Double(kTwo53),
            E::Double(-kTwo53),
            E::Double(kTwo63),
            E::Double(-kTwo63),
            E::Double(std::nextafter(kTwo63, 0.0)),
            E::Double(std::nextafter(-kTwo63, 0.0)),
            E::Double(std::nextafter(-kTwo63, -kInf)),
            E::Int(kInt64Min),
            E::Int(kInt64Max),
            E::Int(kInt64Min + 1),
            E::Int(kInt64Max - 1),
            E::Int(kTwo53Int),
            E::Int(kTwo53Int + 1),
            E::Int(-kTwo53Int - 1),
            E::Int(0),
        };
        return (*specials)[U(specials->size())];
      }
      case 1:
        return E::Int(static_cast<int64_t>(U(11)) - 5);
      case 2:
        return E::Double((static_cast<double>(U(21)) - 10) / 2);  // halves: interleave ints
      case 3: {
        // An int of random width and sign.
        int64_t v = static_cast<int64_t>(rng_() >> U(64));
        return E::Int(OneIn(2) ? v : Negate(v));
      }
      case 4:
        return E::Int(static_cast<int64_t>(rng_()));
      case 5: {  // a large int next to a double, so remainders and ties against doubles occur
        int64_t base = static_cast<int64_t>(rng_() >> U(12));
        if (OneIn(2)) base = Negate(base);
        double d = static_cast<double>(base);
        if (OneIn(3)) return E::Double(d);
        int64_t delta = static_cast<int64_t>(U(2049)) - 1024;
        if (d >= kTwo63 || d < -kTwo63) {
          return E::Int(delta < 0 ? kInt64Max + delta + 1 : kInt64Min + delta);
        }
        __int128 v = static_cast<__int128>(d) + delta;
        if (v > kInt64Max || v < kInt64Min) return E::Int(base);
        return E::Int(static_cast<int64_t>(v));
      }
      case 6:
        return E::Double(std::bit_cast<double>(rng_()));  // any bit pattern, NaNs included
      case 7: {  // an exactly representable integer, as a double
        int64_t v = static_cast<int64_t>(rng_() >> (11 + U(53)));
        return E::Double(static_cast<double>(OneIn(2) ? v : -v));
      }
      case 8: {  // a double of moderate magnitude
        std::uniform_real_distribution<double> dist(-1e6, 1e6);
        return E::Double(dist(rng_));
      }
      default:
        return E::Double(
            std::ldexp(static_cast<double>(U(1 << 20)), static_cast<int>(U(200)) - 100));
    }
  }

  std::string Text() {
    static constexpr char kAlphabet[] = {'\x00', '\x01', 'a', 'b', '\xfe', '\xff'};
    std::string s;
    size_t n = U(5);
    for (size_t i = 0; i < n; ++i) s.push_back(kAlphabet[U(sizeof(kAlphabet))]);
    return s;
  }

  E Any(int depth) {
    E e;
    switch (U(depth < 3 ? 8 : 7)) {
      case 0:
        e = E::Null();
        break;
      case 1:
        e = E::Bool(OneIn(2));
        break;
      case 2:
      case 3:
        e = Number();
        break;
      case 4:
        e = E::String(Text());
        break;
      case 5:
        e = E::Bytes(Text());
        break;
      case 6:
        e = E::String(Text());
        break;
      default:
        e = E::Tuple(AnyTuple(depth + 1, 3));
        break;
    }
    if (OneIn(4)) e.descending = true;
    return e;
  }

  Tuple AnyTuple(int depth, int max_len) {
    Tuple t;
    size_t n = U(max_len + 1);
    for (size_t i = 0; i < n; ++i) t.push_back(Any(depth));
    return t;
  }

  // A tuple that often shares a prefix with `base`.
  Tuple Related(const Tuple& base) {
    Tuple t(base.begin(), base.begin() + U(base.size() + 1));
    size_t extra = U(3);
    for (size_t i = 0; i < extra; ++i) t.push_back(Any(1));
    return t;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

// Checks every pair of `values` against the encoding; `rank[i]` is the position of values[i] in
// the intended order (equal ranks: equal values).
void ExpectOrdered(const std::vector<E>& values, const std::vector<int>& rank) {
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t j = 0; j < values.size(); ++j) {
      int want = Sign(rank[i] - rank[j]);
      EXPECT_EQ(Sign(CompareElements(values[i], values[j])), want)
          << DebugString(values[i]) << " vs " << DebugString(values[j]);
      EXPECT_EQ(BytewiseSign(EncodeElement(values[i]), EncodeElement(values[j])), want)
          << DebugString(values[i]) << " vs " << DebugString(values[j]);
    }
  }
}

// Groups of equal values, in ascending order; checked ascending and (reversed) descending.
void ExpectChain(const std::vector<std::vector<E>>& groups) {
  std::vector<E> asc, desc;
  std::vector<int> rank, desc_rank;
  for (size_t g = 0; g < groups.size(); ++g) {
    for (const E& e : groups[g]) {
      asc.push_back(e);
      rank.push_back(static_cast<int>(g));
      desc.push_back(e.Desc());
      desc_rank.push_back(-static_cast<int>(g));
    }
  }
  ExpectOrdered(asc, rank);
  ExpectOrdered(desc, desc_rank);
}

void ExpectRoundTrip(const E& e) {
  std::string enc = EncodeElement(e);
  std::string_view in = enc;
  E back;
  absl::Status st = DecodeElement(&in, &back);
  ASSERT_TRUE(st.ok()) << st << " for " << DebugString(e);
  EXPECT_TRUE(in.empty()) << DebugString(e);
  EXPECT_EQ(CompareElements(back, e), 0) << DebugString(back) << " vs " << DebugString(e);
  EXPECT_EQ(EncodeElement(back), enc) << DebugString(e);
}

// ---------------------------------------------------------------------------------------------
// Properties over random values.

TEST(KeyCodecPropertyTest, RandomElementPairsOrderLikeTheirEncodings) {
  Gen gen(20260101);
  for (int i = 0; i < 20000; ++i) {
    E a = gen.Any(0);
    E b = (i % 4 == 0) ? a : gen.Any(0);
    if (i % 8 == 1) b.descending = a.descending;
    std::string ea = EncodeElement(a), eb = EncodeElement(b);
    int c = CompareElements(a, b);
    ASSERT_EQ(BytewiseSign(ea, eb), Sign(c)) << DebugString(a) << " vs " << DebugString(b);
    ASSERT_EQ(Sign(CompareElements(b, a)), -Sign(c)) << DebugString(a) << " vs " << DebugString(b);
    ASSERT_EQ(c == 0, ea == eb) << DebugString(a) << " vs " << DebugString(b);
  }
}

TEST(KeyCodecPropertyTest, RandomNumberPairsOrderLikeTheirEncodings) {
  Gen gen(53);
  for (int i = 0; i < 50000; ++i) {
    E a = gen.Number(), b = gen.Number();
    if (gen.OneIn(3)) a.descending = b.descending = true;
    std::string ea = EncodeElement(a), eb = EncodeElement(b);
    int c = CompareElements(a, b);
    ASSERT_EQ(BytewiseSign(ea, eb), Sign(c)) << DebugString(a) << " vs " << DebugString(b);
    ASSERT_EQ(c == 0, ea == eb) << DebugString(a) << " vs " << DebugString(b);
  }
}

// An independent oracle: x86-64's long double holds every int64 and every double exactly.
TEST(KeyCodecPropertyTest, NumberOrderMatchesExactArithmetic) {
  if constexpr (std::numeric_limits<long double>::digits < 64) {
    GTEST_SKIP() << "long double cannot hold every int64 exactly here";
  } else {
    auto exact = [](const E& e, bool* nan) -> long double {
      if (const int64_t* i = std::get_if<int64_t>(&e.value)) {
        *nan = false;
        return static_cast<long double>(*i);
      }
      double d = std::get<double>(e.value);
      *nan = std::isnan(d);
      return d;
    };
    Gen gen(64);
    for (int i = 0; i < 50000; ++i) {
      E a = gen.Number(), b = gen.Number();
      bool na, nb;
      long double xa = exact(a, &na), xb = exact(b, &nb);
      int want = (na || nb) ? static_cast<int>(nb) - static_cast<int>(na)
                            : (xa < xb ? -1 : (xa > xb ? 1 : 0));
      ASSERT_EQ(Sign(CompareElements(a, b)), want) << DebugString(a) << " vs " << DebugString(b);
      ASSERT_EQ(BytewiseSign(EncodeElement(a), EncodeElement(b)), want)
          << DebugString(a) << " vs " << DebugString(b);
    }
  }
}

TEST(KeyCodecPropertyTest, RandomTuplePairsOrderLikeTheirEncodings) {
  Gen gen(7);
  for (int i = 0; i < 10000; ++i) {
    Tuple a = gen.AnyTuple(0, 4);
    Tuple b = gen.Related(a);
    std::string ea = EncodeTuple(a), eb = EncodeTuple(b);
    int c = CompareTuples(a, b);
    ASSERT_EQ(BytewiseSign(ea, eb), Sign(c)) << DebugString(a) << " vs " << DebugString(b);
    ASSERT_EQ(Sign(CompareTuples(b, a)), -Sign(c)) << DebugString(a) << " vs " << DebugString(b);
    ASSERT_EQ(c == 0, ea == eb) << DebugString(a) << " vs " << DebugString(b);
    // The encoding of a prefix tuple is a byte prefix (prefix scans find its extensions).
    Tuple prefix(a.begin(), a.begin() + gen.U(a.size() + 1));
    ASSERT_TRUE(std::string_view(ea).starts_with(EncodeTuple(prefix))) << DebugString(a);
  }
}

// Sorting by value sorts the encodings (exercises transitivity across many values at once).
TEST(KeyCodecPropertyTest, SortingByValueSortsTheEncodings) {
  Gen gen(99);
  std::vector<Tuple> tuples;
  for (int i = 0; i < 3000; ++i) {
    tuples.push_back(i > 0 && gen.OneIn(2) ? gen.Related(tuples[gen.U(tuples.size())])
                                           : gen.AnyTuple(0, 3));
  }
  std::sort(tuples.begin(), tuples.end(),
            [](const Tuple& a, const Tuple& b) { return CompareTuples(a, b) < 0; });
  for (size_t i = 1; i < tuples.size(); ++i) {
    int c = CompareTuples(tuples[i - 1], tuples[i]);
    ASSERT_LE(c, 0);
    ASSERT_EQ(BytewiseSign(EncodeTuple(tuples[i - 1]), EncodeTuple(tuples[i])), Sign(c))
        << DebugString(tuples[i - 1]) << " vs " << DebugString(tuples[i]);
  }
}

TEST(KeyCodecPropertyTest, RandomTuplesRoundTripByValue) {
  Gen gen(11);
  for (int i = 0; i < 10000; ++i) {
    Tuple t = gen.AnyTuple(0, 5);
    std::string enc = EncodeTuple(t);
    Tuple back;
    absl::Status st = DecodeTuple(enc, &back);
    ASSERT_TRUE(st.ok()) << st << " for " << DebugString(t);
    ASSERT_EQ(CompareTuples(back, t), 0) << DebugString(back) << " vs " << DebugString(t);
    ASSERT_EQ(EncodeTuple(back), enc) << DebugString(t);

    // Element by element, DecodeElement consumes exactly one component.
    std::string_view in = enc;
    for (const E& e : t) {
      E one;
      ASSERT_TRUE(DecodeElement(&in, &one).ok());
      ASSERT_EQ(CompareElements(one, e), 0) << DebugString(one) << " vs " << DebugString(e);
      ASSERT_EQ(one.descending, e.descending);
    }
    ASSERT_TRUE(in.empty());
  }
}

TEST(KeyCodecPropertyTest, IntsAndEqualDoublesEncodeIdentically) {
  Gen gen(5);
  for (int i = 0; i < 5000; ++i) {
    int64_t v = static_cast<int64_t>(gen.rng()() >> (11 + gen.U(53)));
    if (gen.OneIn(2)) v = -v;
    double d = static_cast<double>(v);
    ASSERT_EQ(static_cast<int64_t>(d), v);
    EXPECT_EQ(EncodeElement(E::Int(v)), EncodeElement(E::Double(d))) << v;
    EXPECT_EQ(CompareElements(E::Int(v), E::Double(d)), 0) << v;
    EXPECT_EQ(EncodeElement(E::Int(v).Desc()), EncodeElement(E::Double(d).Desc())) << v;
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers.

TEST(KeyCodecNumberTest, EdgeValuesInOrder) {
  const double kDenormMin = std::numeric_limits<double>::denorm_min();
  ExpectChain({
      {E::Double(kNaN), E::Double(-kNaN),
       E::Double(std::bit_cast<double>(uint64_t{0x7ff0000000000001})),
       E::Double(std::bit_cast<double>(uint64_t{0xffffffffffffffff}))},
      {E::Double(-kInf)},
      {E::Double(-DBL_MAX)},
      {E::Double(-18446744073709551616.0)},  // -2^64
      {E::Double(std::nextafter(-kTwo63, -kInf))},
      {E::Int(kInt64Min), E::Double(-kTwo63)},
      {E::Int(kInt64Min + 1)},
      {E::Int(kInt64Min + 511)},
      {E::Int(kInt64Min + 512)},  // halfway: rounds to -2^63 (even), remainder +512
      {E::Int(kInt64Min + 513)},  // rounds to -2^63 + 1024, remainder -511
      {E::Int(kInt64Min + 1024), E::Double(std::nextafter(-kTwo63, 0.0))},
      {E::Int(-kTwo53Int - 1)},
      {E::Int(-kTwo53Int), E::Double(-kTwo53)},
      {E::Int(-kTwo53Int + 1), E::Double(-kTwo53 + 1)},
      {E::Int(-4), E::Double(-4.0)},
      {E::Double(-3.5)},
      {E::Int(-3)},
      {E::Double(-1.0), E::Int(-1)},
      {E::Double(-DBL_MIN)},
      {E::Double(-kDenormMin)},
      {E::Int(0), E::Double(0.0), E::Double(-0.0)},
      {E::Double(kDenormMin)},
      {E::Double(2 * kDenormMin)},
      {E::Double(std::nextafter(DBL_MIN, 0.0))},  // the largest denormal
      {E::Double(DBL_MIN)},
      {E::Double(0.5)},
      {E::Int(1), E::Double(1.0)},
      {E::Int(3), E::Double(3.0)},
      {E::Double(3.5)},
      {E::Int(4)},
      {E::Int(kTwo53Int - 1)},
      {E::Int(kTwo53Int), E::Double(kTwo53)},
      {E::Int(kTwo53Int + 1)},  // not a double: (double) rounds to 2^53, remainder +1
      {E::Int(kTwo53Int + 2), E::Double(kTwo53 + 2)},
      {E::Int(kInt64Max - 1024 * 2 + 1)},
      {E::Int(kInt64Max - 1023), E::Double(std::nextafter(kTwo63, 0.0))},  // 2^63 - 1024
      {E::Int(kInt64Max - 512)},  // 2^63 - 513: rounds down, remainder +511
      {E::Int(kInt64Max - 511)},  // 2^63 - 512: halfway, rounds to 2^63 (even), remainder -512
      {E::Int(kInt64Max - 1)},
      {E::Int(kInt64Max)},  // rounds to 2^63, remainder -1
      {E::Double(kTwo63)},
      {E::Double(18446744073709551616.0)},  // 2^64
      {E::Double(DBL_MAX)},
      {E::Double(kInf)},
  });
}

TEST(KeyCodecNumberTest, EdgeValuesRoundTripByValue) {
  for (E e : {E::Double(kNaN),
              E::Double(-kNaN),
              E::Double(-kInf),
              E::Double(kInf),
              E::Double(-0.0),
              E::Double(0.0),
              E::Double(DBL_MAX),
              E::Double(-DBL_MAX),
              E::Double(std::numeric_limits<double>::denorm_min()),
              E::Double(DBL_MIN),
              E::Double(kTwo63),
              E::Double(-kTwo63),
              E::Double(0.1),
              E::Double(-2.5),
              E::Int(kInt64Min),
              E::Int(kInt64Max),
              E::Int(kInt64Min + 512),
              E::Int(kInt64Max - 511),
              E::Int(kTwo53Int + 1),
              E::Int(-kTwo53Int - 1),
              E::Int(0),
              E::Int(-1)}) {
    ExpectRoundTrip(e);
    ExpectRoundTrip(e.Desc());
  }
}

TEST(KeyCodecNumberTest, DecodedTypeIsIntForIntegralValuesInRange) {
  auto decode = [](const E& e) {
    std::string enc = EncodeElement(e);
    std::string_view in = enc;
    E out;
    EXPECT_TRUE(DecodeElement(&in, &out).ok());
    return out;
  };
  EXPECT_EQ(std::get<int64_t>(decode(E::Double(5.0)).value), 5);
  EXPECT_EQ(std::get<int64_t>(decode(E::Double(-0.0)).value), 0);
  EXPECT_EQ(std::get<int64_t>(decode(E::Double(-kTwo63)).value), kInt64Min);
  EXPECT_EQ(std::get<int64_t>(decode(E::Int(kInt64Max)).value), kInt64Max);
  EXPECT_EQ(std::get<int64_t>(decode(E::Int(kTwo53Int + 1)).value), kTwo53Int + 1);
  EXPECT_EQ(std::get<double>(decode(E::Double(kTwo63)).value), kTwo63);  // out of int64 range
  EXPECT_EQ(std::get<double>(decode(E::Double(2.5)).value), 2.5);
  EXPECT_TRUE(std::isnan(std::get<double>(decode(E::Double(-kNaN)).value)));
  EXPECT_EQ(std::get<double>(decode(E::Double(-kInf)).value), -kInf);
  EXPECT_TRUE(decode(E::Int(1).Desc()).descending);
}

// The bytes on disk, as drawn in key_codec.h.
TEST(KeyCodecNumberTest, LayoutMatchesTheDrawing) {
  EXPECT_EQ(EncodeElement(E::Int(1)), Bin("\x10\xbf\xf0\x00\x00\x00\x00\x00\x00\x80"sv));
  EXPECT_EQ(EncodeElement(E::Double(-0.0)), Bin("\x10\x80\x00\x00\x00\x00\x00\x00\x00\x80"sv));
  EXPECT_EQ(EncodeElement(E::Double(kNaN)), Bin("\x10\x00\x00\x00\x00\x00\x00\x00\x00\x80"sv));
  EXPECT_EQ(EncodeElement(E::Double(-kInf)), Bin("\x10\x00\x0f\xff\xff\xff\xff\xff\xff\x80"sv));
  EXPECT_EQ(EncodeElement(E::Int(kTwo53Int + 1)),
            Bin("\x10\xc3\x40\x00\x00\x00\x00\x00\x00\x81\x00\x01"sv));
  EXPECT_EQ(EncodeElement(E::Int(kInt64Max)),
            Bin("\x10\xc3\xe0\x00\x00\x00\x00\x00\x00\x7f\xff\xff"sv));
  EXPECT_EQ(EncodeElement(E::Int(1).Desc()), Bin("\xef\x40\x0f\xff\xff\xff\xff\xff\xff\x7f"sv));
}

// ---------------------------------------------------------------------------------------------
// Strings, bytes, and the order across types.

TEST(KeyCodecStringTest, PrefixesEmbeddedNulsAndHighBytesInOrder) {
  const std::vector<std::string> chain = {"",
                                          Bin("\x00"sv),
                                          Bin("\x00\x00"sv),
                                          Bin("\x00\x01"sv),
                                          "\x01",
                                          "a",
                                          Bin("a\x00"sv),
                                          Bin("a\x00\x00"sv),
                                          Bin("a\x00\x01"sv),
                                          "a\x01",
                                          "ab",
                                          "a\xff",
                                          "b",
                                          "\xfe",
                                          "\xff",
                                          Bin("\xff\x00"sv),
                                          "\xff\xfe",
                                          "\xff\xff"};
  std::vector<std::vector<E>> strings, bytes;
  for (const std::string& s : chain) {
    strings.push_back({E::String(s)});
    bytes.push_back({E::Bytes(s)});
    ExpectRoundTrip(E::String(s));
    ExpectRoundTrip(E::Bytes(s).Desc());
  }
  ExpectChain(strings);
  ExpectChain(bytes);
}

TEST(KeyCodecStringTest, LayoutMatchesTheDrawing) {
  EXPECT_EQ(EncodeElement(E::String("")), Bin("\x20\x00\x01"sv));
  EXPECT_EQ(EncodeElement(E::String(Bin("a\x00"sv))), Bin("\x20\x61\x00\xff\x00\x01"sv));
  EXPECT_EQ(EncodeElement(E::Bytes("\xff")), Bin("\x50\xff\x00\x01"sv));
  EXPECT_EQ(EncodeElement(E::String("ab").Desc()), Bin("\xdf\x9e\x9d\xff\xfe"sv));
  EXPECT_EQ(EncodeElement(E::String(Bin("\x00"sv)).Desc()), Bin("\xdf\xff\x00\xff\xfe"sv));
}

TEST(KeyCodecTypeOrderTest, EveryTypePairOrdersByType) {
  // Several values per type, from the type's least to its greatest; the groups are the types.
  const std::vector<std::vector<E>> by_type = {
      {E::Null()},
      {E::Double(kNaN), E::Double(-kInf), E::Int(kInt64Min), E::Int(0), E::Double(0.5),
       E::Int(kInt64Max), E::Double(kInf)},
      {E::String(""), E::String(Bin("\x00"sv)), E::String("zz"), E::String("\xff\xff\xff")},
      {E::Tuple({}), E::Tuple({E::Null()}), E::Tuple({E::Bool(true), E::Bool(true)}),
       E::Tuple({E::Null().Desc()})},
      {E::Bytes(""), E::Bytes(Bin("\x00"sv)), E::Bytes("\xff\xff")},
      {E::Bool(false)},
      {E::Bool(true)},
  };
  for (size_t ta = 0; ta < by_type.size(); ++ta) {
    for (size_t tb = 0; tb < by_type.size(); ++tb) {
      if (ta == tb) continue;
      int want = ta < tb ? -1 : 1;
      for (const E& a : by_type[ta]) {
        for (const E& b : by_type[tb]) {
          EXPECT_EQ(Sign(CompareElements(a, b)), want) << DebugString(a) << " " << DebugString(b);
          EXPECT_EQ(BytewiseSign(EncodeElement(a), EncodeElement(b)), want)
              << DebugString(a) << " " << DebugString(b);
          EXPECT_EQ(BytewiseSign(EncodeElement(a.Desc()), EncodeElement(b.Desc())), -want)
              << DebugString(a) << " " << DebugString(b);
          // Any ascending component sorts before any descending one.
          EXPECT_LT(CompareElements(a, b.Desc()), 0);
          EXPECT_LT(EncodeElement(a), EncodeElement(b.Desc()));
        }
      }
    }
  }
}

TEST(KeyCodecTypeOrderTest, NullAndBooleanLayout) {
  EXPECT_EQ(EncodeTuple({E::Null(), E::Bool(false), E::Bool(true)}), "\x05\x60\x61");
  EXPECT_EQ(EncodeTuple({E::Null().Desc(), E::Bool(false).Desc(), E::Bool(true).Desc()}),
            "\xfa\x9f\x9e");
}

// ---------------------------------------------------------------------------------------------
// Tuples and descending components.

TEST(KeyCodecTupleTest, NestedTuplesAndPrefixesInOrder) {
  ExpectChain({
      {E::Tuple({})},
      {E::Tuple({E::Null()})},
      {E::Tuple({E::Null(), E::Null()})},
      {E::Tuple({E::Int(1)}), E::Tuple({E::Double(1.0)})},
      {E::Tuple({E::Int(1), E::Null()})},
      {E::Tuple({E::Int(1), E::Int(2)})},
      {E::Tuple({E::Int(1), E::String("")})},
      {E::Tuple({E::Int(1), E::Tuple({})})},
      {E::Tuple({E::Int(1), E::Tuple({}), E::Int(0)})},
      {E::Tuple({E::Int(1), E::Tuple({E::Int(0)})})},
      {E::Tuple({E::Int(1), E::Tuple({E::Int(0), E::Int(0)})})},
      {E::Tuple({E::Int(1), E::Tuple({E::Int(1)})})},
      {E::Tuple({E::Int(1), E::Bool(true)})},
      {E::Tuple({E::Int(1), E::Null().Desc()})},  // ascending before descending
      {E::Tuple({E::Int(2)})},
      {E::Tuple({E::Tuple({})})},
      {E::Tuple({E::Tuple({E::String("a")})})},
      {E::Tuple({E::Tuple({E::String(Bin("a\x00"sv))})})},
      {E::Tuple({E::Tuple({E::String("ab")})})},
      {E::Tuple({E::Tuple({E::String("ab")}), E::Null()})},
      {E::Tuple({E::Bool(true)})},
  });
}

TEST(KeyCodecTupleTest, LayoutMatchesTheDrawing) {
  EXPECT_EQ(EncodeElement(E::Tuple({})), Bin("\x40\x00"sv));
  EXPECT_EQ(EncodeElement(E::Tuple({E::Null(), E::Bool(true).Desc()})), "\x40\x05\x9e"s + '\0');
  // A descending tuple complements its contents; a descending component inside it comes out in
  // plain ascending bytes.
  EXPECT_EQ(EncodeElement(E::Tuple({E::Null(), E::Bool(true).Desc()}).Desc()),
            Bin("\xbf\xfa\x61\xff"sv));
}

TEST(KeyCodecDescendingTest, DescendingReversesPrefixOrder) {
  // Ascending "a" < "a\0" < "ab"; descending the order is reversed, prefixes included.
  E a = E::String("a").Desc(), a0 = E::String(Bin("a\x00"sv)).Desc(), ab = E::String("ab").Desc();
  EXPECT_GT(CompareElements(a, a0), 0);
  EXPECT_GT(CompareElements(a0, ab), 0);
  EXPECT_GT(EncodeElement(a), EncodeElement(a0));
  EXPECT_GT(EncodeElement(a0), EncodeElement(ab));
  // A descending string followed by another component: the string still decides.
  EXPECT_GT(EncodeTuple({a, E::Int(0)}), EncodeTuple({ab, E::Int(9)}));
  EXPECT_LT(CompareTuples({ab, E::Int(9)}, {a, E::Int(0)}), 0);
  // Descending tuples: a prefix tuple sorts last.
  E t1 = E::Tuple({E::Int(1)}).Desc(), t12 = E::Tuple({E::Int(1), E::Int(2)}).Desc();
  EXPECT_GT(CompareElements(t1, t12), 0);
  EXPECT_GT(EncodeElement(t1), EncodeElement(t12));
  EXPECT_GT(EncodeTuple({t1, E::Null()}), EncodeTuple({t12, E::Bool(true)}));
}

TEST(KeyCodecDescendingTest, MixedTuplesInOrder) {
  // (asc int, desc string, asc int): the first component ascending, then the string descending.
  auto key = [](int64_t a, std::string s, int64_t c) {
    return Tuple{E::Int(a), E::String(std::move(s)).Desc(), E::Int(c)};
  };
  std::vector<Tuple> want = {key(1, "b", 0), key(1, "ab", 5), key(1, "a", -1), key(1, "a", 7),
                             key(1, "", 0),  key(2, "z", 0),  key(2, "", 0)};
  for (size_t i = 0; i < want.size(); ++i) {
    for (size_t j = 0; j < want.size(); ++j) {
      int expected = Sign(static_cast<int>(i) - static_cast<int>(j));
      EXPECT_EQ(Sign(CompareTuples(want[i], want[j])), expected) << i << " " << j;
      EXPECT_EQ(BytewiseSign(EncodeTuple(want[i]), EncodeTuple(want[j])), expected)
          << i << " " << j;
    }
  }
}

TEST(KeyCodecDescendingTest, NestedDescendingInsideDescending) {
  ExpectChain({
      {E::Tuple({E::Int(5).Desc()})},
      {E::Tuple({E::Int(5).Desc(), E::String("x")})},
      {E::Tuple({E::Int(4).Desc()})},
      {E::Tuple({E::Int(4).Desc(), E::Tuple({E::String("b").Desc()})})},
      {E::Tuple({E::Int(4).Desc(), E::Tuple({E::String("a").Desc()})})},
      {E::Tuple({E::Int(4).Desc(), E::Tuple({E::String("a").Desc(), E::Null()})})},
      {E::Tuple({E::Int(4).Desc(), E::Tuple({E::String("").Desc()})})},
  });
  E deep = E::Tuple({E::Tuple({E::String(Bin("\x00x"sv)).Desc(), E::Int(-3)}).Desc(),
                     E::Bytes(Bin("\xff\x00"sv))})
               .Desc();
  ExpectRoundTrip(deep);
}

TEST(KeyCodecDescendingTest, DescKeepsNestedFlags) {
  E inner = E::Tuple({E::Int(1).Desc(), E::Int(2)});
  E outer = inner.Desc();
  EXPECT_TRUE(outer.descending);
  EXPECT_FALSE(inner.descending);
  const Tuple& t = std::get<Tuple>(outer.value);
  EXPECT_TRUE(t[0].descending);
  EXPECT_FALSE(t[1].descending);
  EXPECT_NE(CompareElements(inner, outer), 0);
  EXPECT_NE(CompareElements(E::Tuple({E::Int(1)}), E::Tuple({E::Int(1).Desc()})), 0);
}

TEST(KeyCodecTest, DebugString) {
  EXPECT_EQ(DebugString(Tuple{E::Null(), E::Int(5), E::Double(2.5), E::Double(3),
                              E::String(Bin("a\x00"sv)), E::Bytes("\xff"), E::Bool(true).Desc(),
                              E::Tuple({E::Int(1), E::Int(2)})}),
            R"((null, 5, 2.5, 3.0, "a\x00", b"\xff", desc(true), (1, 2)))");
}

// ---------------------------------------------------------------------------------------------
// Malformed input.

absl::Status DecodeAll(std::string_view in) {
  Tuple t;
  return DecodeTuple(in, &t);
}

void ExpectDataLoss(std::string_view in, std::string_view message_part) {
  absl::Status st = DecodeAll(in);
  EXPECT_TRUE(absl::IsDataLoss(st)) << st;
  EXPECT_NE(util::ToStd(st.message()).find(message_part), std::string_view::npos)
      << st << " lacks \"" << message_part << "\"";
}

TEST(KeyCodecDecodeTest, RejectsMalformedInputWithOffsets) {
  std::string one = EncodeElement(E::Int(1));
  ExpectDataLoss("\x05\x30", "unknown tag 0x30 at offset 1");
  ExpectDataLoss(Bin("\x05\x00"sv), "unknown tag 0x00 at offset 1");
  ExpectDataLoss("\xff", "unknown tag 0x00 (descending) at offset 0");
  ExpectDataLoss("\x05\x10\xbf\xf0", "truncated number at offset 1");
  ExpectDataLoss(one.substr(0, 9), "truncated number at offset 0");
  ExpectDataLoss(Bin("\x10\xc3\x40\x00\x00\x00\x00\x00\x00\x81\x00"sv), "truncated number");
  ExpectDataLoss(Bin("\x10\xbf\xf0\x00\x00\x00\x00\x00\x00\x82"sv), "bad number remainder marker");
  ExpectDataLoss(Bin("\x10\x7f\xff\xff\xff\xff\xff\xff\xff\x80"sv), "non-canonical -0.0");
  ExpectDataLoss(Bin("\x10\x00\x00\x00\x00\x00\x00\x00\x01\x80"sv), "non-canonical NaN");
  ExpectDataLoss(Bin("\x10\xff\xf8\x00\x00\x00\x00\x00\x00\x80"sv), "non-canonical NaN");
  ExpectDataLoss(Bin("\x10\xbf\xf0\x00\x00\x00\x00\x00\x00\x81\x00\x00"sv), "zero remainder");
  // 1.5 with a remainder; 1 with remainder +1 (2 is a double, so never written that way).
  ExpectDataLoss(Bin("\x10\xbf\xf8\x00\x00\x00\x00\x00\x00\x81\x00\x01"sv), "non-integral");
  ExpectDataLoss(Bin("\x10\xbf\xf0\x00\x00\x00\x00\x00\x00\x81\x00\x01"sv),
                 "non-canonical number remainder");
  // 2^63 with remainder +1 is beyond int64.
  ExpectDataLoss(Bin("\x10\xc3\xe0\x00\x00\x00\x00\x00\x00\x81\x00\x01"sv),
                 "non-canonical number remainder");
  ExpectDataLoss(
      "\x20"
      "abc",
      "unterminated string at offset 0");
  ExpectDataLoss(Bin("\x20"
                     "abc\x00"sv),
                 "unterminated string");
  ExpectDataLoss(Bin("\x05\x20"
                     "a\x00\x02"sv),
                 "bad escape 0x00 0x02 in string at offset 3");
  ExpectDataLoss(Bin("\x50\x00\x00"sv), "bad escape 0x00 0x00 in bytes");
  ExpectDataLoss("\xaf\x9e\xff", "unterminated bytes");  // descending "a" missing 0xFE
  ExpectDataLoss("\x40\x05", "unterminated tuple at offset 0");
  ExpectDataLoss(Bin("\x40\x40\x05\x00"sv), "unterminated tuple at offset 0");
  ExpectDataLoss(Bin("\x40\x30\x00"sv), "unknown tag 0x30 at offset 1");
}

TEST(KeyCodecDecodeTest, DecodeElementLeavesInputOnError) {
  std::string enc = EncodeElement(E::String("abc"));
  std::string bad = enc.substr(0, enc.size() - 1);
  std::string_view in = bad;
  E e;
  EXPECT_TRUE(absl::IsDataLoss(DecodeElement(&in, &e)));
  EXPECT_EQ(in, bad);
  std::string_view empty;
  EXPECT_TRUE(absl::IsDataLoss(DecodeElement(&empty, &e)));
  Tuple t = {E::Int(1)};
  EXPECT_TRUE(DecodeTuple("", &t).ok());
  EXPECT_TRUE(t.empty());
}

TEST(KeyCodecDecodeTest, NestingDepthIsBounded) {
  auto nest = [](int depth) {
    E e = E::Null();
    for (int i = 0; i < depth; ++i) e = E::Tuple({std::move(e)});
    return e;
  };
  ExpectRoundTrip(nest(kMaxTupleDepth));
  ExpectDataLoss(EncodeElement(nest(kMaxTupleDepth + 1)), "nested deeper than");
  ExpectDataLoss(std::string(1 << 20, '\x40'), "nested deeper than");
  ExpectDataLoss(std::string(1 << 20, '\xbf'), "nested deeper than");
}

// Whatever the decoder accepts, it accepts only in canonical form: re-encoding reproduces it.
void DecodeMustNotCrash(std::string_view in) {
  Tuple t;
  absl::Status st = DecodeTuple(in, &t);
  if (st.ok()) {
    ASSERT_EQ(EncodeTuple(t), in) << DebugString(t);
  } else {
    ASSERT_TRUE(absl::IsDataLoss(st)) << st;
    ASSERT_NE(util::ToStd(st.message()).find(" at offset "), std::string_view::npos) << st;
  }
}

TEST(KeyCodecDecodeTest, RandomBytesNeverCrash) {
  static constexpr uint8_t kInteresting[] = {0x00, 0x01, 0x05, 0x10, 0x20, 0x30, 0x40, 0x50,
                                             0x60, 0x61, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0xfa,
                                             0xef, 0xdf, 0xbf, 0xaf, 0x9f, 0x9e, 0xc3, 0x3c};
  Gen gen(1234);
  int accepted = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string s;
    size_t n = gen.U(48);
    for (size_t j = 0; j < n; ++j) {
      s.push_back(static_cast<char>(gen.OneIn(2) ? kInteresting[gen.U(sizeof(kInteresting))]
                                                 : static_cast<uint8_t>(gen.U(256))));
    }
    DecodeMustNotCrash(s);
    if (HasFatalFailure()) return;
    Tuple t;
    accepted += DecodeTuple(s, &t).ok();
  }
  EXPECT_GT(accepted, 0);  // the generator does reach valid encodings sometimes
}

TEST(KeyCodecDecodeTest, TruncationsAndMutationsOfValidEncodingsNeverCrash) {
  Gen gen(4321);
  for (int i = 0; i < 2000; ++i) {
    std::string enc = EncodeTuple(gen.AnyTuple(0, 4));
    for (size_t len = 0; len <= enc.size(); ++len) {
      DecodeMustNotCrash(std::string_view(enc).substr(0, len));
      if (HasFatalFailure()) return;
      std::string_view in = std::string_view(enc).substr(0, len);
      E e;
      (void)DecodeElement(&in, &e);
    }
    for (int m = 0; m < 8 && !enc.empty(); ++m) {
      std::string mutated = enc;
      mutated[gen.U(mutated.size())] = static_cast<char>(gen.U(256));
      DecodeMustNotCrash(mutated);
      if (HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace tessera::codec
