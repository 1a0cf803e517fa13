// Chunk codec: bit-exact round trips of special floats and extreme timestamps and integers, and
// corrupt input (truncations, garbage) reported as DataLoss without crashing.
#include "models/ts/chunk_codec.h"

#include <limits>
#include <random>

#include "models/ts/bit_stream.h"
#include "tests/util/test_util.h"

namespace tessera::ts {
namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

void ExpectRoundTrip(ValueType type, const std::vector<RawPoint>& pts) {
  ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(type, pts));
  ASSERT_OK_AND_ASSIGN(DecodedChunk dec, DecodeChunk(enc));
  EXPECT_EQ(dec.type, type);
  ASSERT_EQ(dec.points.size(), pts.size());
  for (size_t i = 0; i < pts.size(); ++i) {
    EXPECT_EQ(dec.points[i].ts, pts[i].ts) << i;
    EXPECT_EQ(dec.points[i].bits, pts[i].bits) << i;
  }
}

TEST(BitStreamTest, WritesAndReadsMixedWidths) {
  std::string buf;
  BitWriter w(&buf);
  w.Write(1, 1);
  w.Write(0x1234, 13);
  w.Write(~uint64_t{0}, 64);
  w.Write(0, 0);
  w.Write(5, 3);
  w.Finish();
  EXPECT_EQ(buf.size(), 11u);  // 81 bits
  BitReader r(buf);
  EXPECT_EQ(r.Read(1), 1u);
  EXPECT_EQ(r.Read(13), 0x1234u & 0x1fff);
  EXPECT_EQ(r.Read(64), ~uint64_t{0});
  EXPECT_EQ(r.Read(3), 5u);
  EXPECT_FALSE(r.failed());
  EXPECT_LT(r.remaining_bits(), 8u);
  r.Read(8);
  EXPECT_TRUE(r.failed());
}

TEST(BitStreamTest, WordWriterMatchesABitByBitWriter) {
  // The writer gathers bits in a 64-bit word; its bytes must be exactly those of packing each
  // bit most significant first (the chunk format), for every mix of widths and word boundaries.
  std::mt19937_64 rng(11);
  for (int round = 0; round < 200; ++round) {
    std::string buf;
    BitWriter w(&buf);
    std::string ref;
    size_t ref_bits = 0;
    std::vector<std::pair<uint64_t, int>> written;
    const int n = static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) {
      const int width = static_cast<int>(rng() % 65);
      const uint64_t v = rng();
      w.Write(v, width);
      written.emplace_back(width == 64 ? v : v & ((uint64_t{1} << width) - 1), width);
      for (int b = width - 1; b >= 0; --b) {
        if (ref_bits % 8 == 0) ref.push_back('\0');
        if ((v >> b) & 1) ref.back() = static_cast<char>(ref.back() | (0x80 >> (ref_bits % 8)));
        ++ref_bits;
      }
    }
    w.Finish();
    ASSERT_EQ(buf, ref) << "round " << round;
    BitReader r(buf);
    for (const auto& [v, width] : written) ASSERT_EQ(r.Read(width), v);
    EXPECT_FALSE(r.failed());
  }
}

TEST(ChunkCodecTest, EmptyAndSinglePoint) {
  ExpectRoundTrip(ValueType::kFloat, {});
  ExpectRoundTrip(ValueType::kInt, {});
  ExpectRoundTrip(ValueType::kFloat, {{42, DoubleBits(1.5)}});
  ExpectRoundTrip(ValueType::kInt, {{-7, static_cast<uint64_t>(int64_t{-3})}});
  ExpectRoundTrip(ValueType::kBool, {{0, 1}});
}

TEST(ChunkCodecTest, SpecialFloatsBitExact) {
  const uint64_t nan_payload = 0x7ff0000000000001ULL;  // signalling NaN with payload 1
  const uint64_t neg_nan = 0xfff8dead0000beefULL;      // negative quiet NaN with payload
  std::vector<RawPoint> pts = {
      {1, DoubleBits(0.0)},
      {2, DoubleBits(-0.0)},
      {3, nan_payload},
      {4, neg_nan},
      {5, DoubleBits(std::numeric_limits<double>::infinity())},
      {6, DoubleBits(-std::numeric_limits<double>::infinity())},
      {7, DoubleBits(std::numeric_limits<double>::denorm_min())},
      {8, DoubleBits(std::numeric_limits<double>::max())},
      {9, DoubleBits(-0.0)},
      {10, 0x8000000000000001ULL},  // xor with the previous has lead 0 and trail 0: length 64
      {11, 0x0000000000000001ULL},
  };
  ExpectRoundTrip(ValueType::kFloat, pts);
}

TEST(ChunkCodecTest, ExtremeTimestampsAndDeltas) {
  ExpectRoundTrip(ValueType::kFloat, {{kMin, 1}, {kMax, 2}});
  ExpectRoundTrip(ValueType::kFloat, {{kMin, 1}, {kMin + 1, 2}, {kMax - 1, 3}, {kMax, 4}});
  ExpectRoundTrip(ValueType::kInt, {{-1000000000000LL, static_cast<uint64_t>(kMin)},
                                    {-5, static_cast<uint64_t>(kMax)},
                                    {0, static_cast<uint64_t>(kMin)},
                                    {1, 0},
                                    {1LL << 40, static_cast<uint64_t>(int64_t{-1})}});
  // Deltas hitting each bucket boundary of the delta-of-delta code, both signs.
  std::vector<RawPoint> pts;
  int64_t t = 0;
  int64_t delta = 1LL << 33;
  const int64_t dods[] = {0,
                          1,
                          -1,
                          (1 << 13) - 1,
                          -(1 << 13),
                          1 << 13,
                          -(1 << 13) - 1,
                          (1 << 19) - 1,
                          -(1 << 19),
                          1 << 19,
                          (1LL << 31) - 1,
                          -(1LL << 31),
                          1LL << 31,
                          -(1LL << 31) - 1,
                          0};
  for (int64_t d : dods) {
    delta += d;
    t += delta;
    pts.push_back({t, static_cast<uint64_t>(d)});
  }
  ExpectRoundTrip(ValueType::kInt, pts);
}

// A random value of `type` as stored bits: mostly small (compressible), a quarter arbitrary.
uint64_t RandomBits(std::mt19937_64& rng, ValueType type) {
  switch (type) {
    case ValueType::kFloat:
      return (rng() % 4 == 0) ? rng() : DoubleBits(static_cast<double>(rng() % 1000) / 8);
    case ValueType::kInt:
      return (rng() % 4 == 0) ? rng() : rng() % 100;
    case ValueType::kBool:
      return rng() % 2;
  }
  return 0;
}

TEST(ChunkCodecTest, RandomIrregularSeriesRoundTrip) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    const ValueType type = static_cast<ValueType>(round % 3);
    const size_t n = rng() % 300;
    std::vector<RawPoint> pts;
    int64_t t = static_cast<int64_t>(rng());
    for (size_t i = 0; i < n; ++i) {
      pts.push_back({t, RandomBits(rng, type)});
      const uint64_t step = (rng() % 3 == 0) ? rng() % (1ULL << 50) + 1 : 10'000'000'000ULL;
      if (t > kMax - static_cast<int64_t>(step)) break;
      t += static_cast<int64_t>(step);
    }
    ExpectRoundTrip(type, pts);
  }
}

TEST(ChunkCodecTest, RegularSeriesCompresses) {
  std::vector<RawPoint> pts;
  for (int i = 0; i < 720; ++i) {
    pts.push_back({1'700'000'000'000'000'000LL + i * 10'000'000'000LL, DoubleBits(20.0 + (i % 7))});
  }
  ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(ValueType::kFloat, pts));
  // 16 bytes per point raw; a regular timestamp costs 1 bit, so well under 2 bytes per point.
  EXPECT_LT(enc.size(), pts.size() * 2);
}

TEST(ChunkCodecTest, EncoderRefusesUnsortedOrDuplicateTimestamps) {
  EXPECT_TRUE(absl::IsInvalidArgument(EncodeChunk(ValueType::kFloat, {{2, 0}, {1, 0}}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(EncodeChunk(ValueType::kFloat, {{2, 0}, {2, 0}}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(EncodeChunk(ValueType::kBool, {{1, 2}}).status()));
}

// Random points of `type`: irregular steps (most regular, some huge), across several index
// sub-windows; near the end of the int64 range in some rounds (where the index gives up).
std::vector<RawPoint> RandomPoints(std::mt19937_64& rng, ValueType type, size_t n, bool high) {
  std::vector<RawPoint> pts;
  int64_t t = high ? kMax - static_cast<int64_t>(rng() % (3 * kIndexWidthNs))
                   : static_cast<int64_t>(rng() >> 2) - (int64_t{1} << 61);
  for (size_t i = 0; i < n; ++i) {
    pts.push_back({t, RandomBits(rng, type)});
    const uint64_t r = rng() % 8;
    const uint64_t step = r == 0   ? rng() % (uint64_t{1} << 44) + 1
                          : r == 1 ? rng() % 1000 + 1
                                   : 10'000'000'000ULL;
    if (t > kMax - static_cast<int64_t>(step)) break;
    t += static_cast<int64_t>(step);
  }
  return pts;
}

TEST(ChunkEncoderTest, AppendsInPiecesGiveTheBytesOfOneEncode) {
  // A chunk encoded in several appends, resumed from copies (as the window cache resumes a
  // cached state), must be byte for byte the chunk of one encode of the same points, after every
  // append; the copied-from state must stay as it was.
  std::mt19937_64 rng(23);
  for (int round = 0; round < 90; ++round) {
    const ValueType type = static_cast<ValueType>(round % 3);
    const std::vector<RawPoint> pts = RandomPoints(rng, type, rng() % 250, round % 10 == 9);
    ChunkEncoder enc(type);
    size_t done = 0;
    while (true) {
      std::vector<RawPoint> prefix(pts.begin(), pts.begin() + static_cast<std::ptrdiff_t>(done));
      ASSERT_OK_AND_ASSIGN(std::string want, EncodeChunk(type, prefix));
      ASSERT_EQ(enc.Chunk(), want) << "round " << round << " after " << done << " points";
      ASSERT_EQ(enc.count(), done);
      if (done > 0) {
        ASSERT_EQ(enc.last(), pts[done - 1]);
      }
      if (done == pts.size()) break;
      const size_t n = std::min(pts.size() - done, rng() % 3 == 0 ? size_t{1} : rng() % 90);
      ChunkEncoder next = enc;  // resumed from a copy; the original must not change
      ASSERT_OK(next.Append(pts.data() + done, n));
      ASSERT_EQ(enc.Chunk(), want);
      enc = std::move(next);
      done += n;
    }
    ASSERT_OK_AND_ASSIGN(DecodedChunk dec, DecodeChunk(enc.Chunk()));
    ASSERT_EQ(dec.points, pts);
  }
}

TEST(ChunkEncoderTest, OneLargeAppendEqualsAppendsOfSmallPieces) {
  // Guards the slicing of a large append (its words go through a bounded buffer, a slice at a
  // time): the chunk must equal the one of many small appends, and decode to the points.
  std::mt19937_64 rng(41);
  for (int round = 0; round < 3; ++round) {
    const ValueType type = static_cast<ValueType>(round);
    const std::vector<RawPoint> pts = RandomPoints(rng, type, 10000 + rng() % 3000, false);
    ASSERT_OK_AND_ASSIGN(std::string once, EncodeChunk(type, pts));
    ChunkEncoder pieces(type);
    for (size_t done = 0; done < pts.size();) {
      const size_t n = std::min(pts.size() - done, size_t{1} + rng() % 700);
      ASSERT_OK(pieces.Append(pts.data() + done, n));
      done += n;
    }
    ASSERT_EQ(pieces.Chunk(), once) << "round " << round;
    ASSERT_OK_AND_ASSIGN(DecodedChunk dec, DecodeChunk(once));
    ASSERT_EQ(dec.points, pts);
  }
}

TEST(ChunkEncoderTest, ARefusedAppendChangesNothing) {
  ChunkEncoder enc(ValueType::kBool);
  const std::vector<RawPoint> a = {{10, 1}, {20, 0}};
  ASSERT_OK(enc.Append(a.data(), a.size()));
  const std::string before = enc.Chunk();
  const std::vector<RawPoint> not_after = {{30, 1}, {20, 1}};  // the second goes back
  auto s = enc.Append(not_after.data(), not_after.size());
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_NE(s.message().find("point 3"), std::string::npos) << s;
  const RawPoint same_time{20, 1};  // a time already in the chunk
  EXPECT_TRUE(absl::IsInvalidArgument(enc.Append(&same_time, 1)));
  const std::vector<RawPoint> not_bool = {{30, 1}, {40, 2}};
  EXPECT_TRUE(absl::IsInvalidArgument(enc.Append(not_bool.data(), not_bool.size())));
  EXPECT_EQ(enc.Chunk(), before);
  EXPECT_EQ(enc.count(), 2u);
  const std::vector<RawPoint> more = {{30, 1}, {45, 1}};
  ASSERT_OK(enc.Append(more.data(), more.size()));
  ASSERT_OK_AND_ASSIGN(std::string want,
                       EncodeChunk(ValueType::kBool, {{10, 1}, {20, 0}, {30, 1}, {45, 1}}));
  EXPECT_EQ(enc.Chunk(), want);
}

TEST(ChunkCodecTest, SortDedupKeepsLastWrite) {
  std::vector<RawPoint> pts = {{5, 1}, {3, 2}, {5, 3}, {1, 4}, {3, 5}, {5, 6}};
  SortDedupLastWins(&pts);
  EXPECT_EQ(pts, (std::vector<RawPoint>{{1, 4}, {3, 5}, {5, 6}}));
  ExpectRoundTrip(ValueType::kInt, pts);
}

TEST(ChunkCodecTest, EveryTruncationIsDataLoss) {
  std::vector<RawPoint> pts;
  for (int i = 0; i < 50; ++i) pts.push_back({i * 1000 + (i % 3), DoubleBits(i * 1.25)});
  for (ValueType type : {ValueType::kFloat, ValueType::kInt}) {
    ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(type, pts));
    for (size_t len = 0; len < enc.size(); ++len) {
      auto d = DecodeChunk(std::string_view(enc).substr(0, len));
      EXPECT_TRUE(absl::IsDataLoss(d.status())) << "len " << len << ": " << d.status();
    }
    std::string extra = enc + '\0';
    EXPECT_TRUE(absl::IsDataLoss(DecodeChunk(extra).status()));
  }
}

TEST(ChunkCodecTest, BadHeadersAreDataLoss) {
  EXPECT_TRUE(absl::IsDataLoss(DecodeChunk(std::string("\x04\x00\x00", 3)).status()));
  EXPECT_TRUE(absl::IsDataLoss(DecodeChunk(std::string("\x01\x07\x00", 3)).status()));
  // A huge count with little data must not allocate or read past the end.
  std::string huge("\x01\x00\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11);
  huge.append(20, '\0');
  EXPECT_TRUE(absl::IsDataLoss(DecodeChunk(huge).status()));
}

TEST(ChunkCodecTest, StoresTheLastPointAndStillReadsVersions1And2) {
  std::vector<RawPoint> pts;
  for (int i = 0; i < 30; ++i) pts.push_back({i * 10 + 100, DoubleBits(i * 0.75)});
  ASSERT_OK_AND_ASSIGN(std::string v3, EncodeChunk(ValueType::kFloat, pts));
  // One sub-window: no index (an index length of 0 after the last point).
  ASSERT_EQ(v3[0], 3);
  ASSERT_EQ(v3[3 + 16], 0);
  // Version 2: the same without the index length.
  std::string v2 = v3.substr(0, 3 + 16) + v3.substr(3 + 16 + 1);
  v2[0] = 2;
  ASSERT_OK_AND_ASSIGN(DecodedChunk d2, DecodeChunk(v2));
  EXPECT_EQ(d2.points, pts);
  ASSERT_OK_AND_ASSIGN(std::optional<RawPoint> last, ChunkLastPoint(v2));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(*last, pts.back());
  ASSERT_OK_AND_ASSIGN(std::string empty, EncodeChunk(ValueType::kInt, {}));
  ASSERT_OK_AND_ASSIGN(last, ChunkLastPoint(empty));
  EXPECT_FALSE(last.has_value());
  // Version 1: the same without the 16 bytes of the last point (after version, type, count 30).
  std::string v1 = v2.substr(0, 3) + v2.substr(3 + 16);
  v1[0] = 1;
  ASSERT_OK_AND_ASSIGN(DecodedChunk d, DecodeChunk(v1));
  EXPECT_EQ(d.points, pts);
  ASSERT_OK_AND_ASSIGN(last, ChunkLastPoint(v1));
  EXPECT_EQ(*last, pts.back());
  // A stored last point that disagrees with the stream is corruption.
  std::string bad = v2;
  bad[3 + 15] ^= 1;
  EXPECT_TRUE(absl::IsDataLoss(DecodeChunk(bad).status()));
}

TEST(ChunkCodecTest, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(11);
  std::vector<RawPoint> pts;
  for (int i = 0; i < 40; ++i) pts.push_back({i * 977, rng()});
  ASSERT_OK_AND_ASSIGN(std::string good, EncodeChunk(ValueType::kFloat, pts));
  int decoded_ok = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string s;
    if (round % 2 == 0) {
      s = good;  // flip a few bits of a valid chunk
      for (int k = 0; k < 1 + round % 4; ++k)
        s[rng() % s.size()] ^= static_cast<char>(1 << (rng() % 8));
    } else {
      s.resize(rng() % 64);
      for (char& c : s) c = static_cast<char>(rng());
      if (s.size() > 2 && round % 4 == 1) {
        s[0] = 1;
        s[1] = static_cast<char>(rng() % 3);
      }
    }
    auto d = DecodeChunk(s);
    if (d.ok()) {
      ++decoded_ok;
      for (size_t i = 1; i < d->points.size(); ++i) EXPECT_LT(d->points[i - 1].ts, d->points[i].ts);
    } else {
      EXPECT_TRUE(absl::IsDataLoss(d.status())) << d.status();
    }
  }
  EXPECT_LT(decoded_ok, 5000);
}

}  // namespace
}  // namespace tessera::ts
