// Chunk format version 4 (int and bool frames, chunk_frames.h): the frame layout byte for byte,
// round trips of every field width 0..64 and frame length around 128 over the full int64 range,
// chunks spanning blocks, and corrupt frames (truncation at every byte, a bad width or mode,
// non-zero padding, trailing bytes) reported as DataLoss without reading outside the value.
#include "models/ts/chunk_frames.h"

#include <algorithm>
#include <limits>
#include <random>

#include "models/ts/chunk_codec.h"
#include "models/ts/ts_test_util.h"
#include "tests/util/test_util.h"

namespace tessera::ts {
namespace {

using test::kBase;
using test::kSec;

// Header bytes of a v4 chunk of under 128 points without an index: version, type, count (1
// byte), last point (16), index length 0.
constexpr size_t kHead = 20;

void ExpectFramesRoundTrip(ValueType type, const std::vector<RawPoint>& pts) {
  ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(type, pts));
  ASSERT_EQ(enc[0], 4);
  ASSERT_OK_AND_ASSIGN(DecodedChunk dec, DecodeChunk(enc));
  ASSERT_EQ(dec.points, pts);
  // Every range from a point to the end, and every point alone (from the block before it).
  for (size_t i = 0; i < pts.size(); i += 1 + pts.size() / 9) {
    std::vector<RawPoint> got;
    ValueType t;
    ASSERT_OK(DecodeChunkRange(enc, &t, &got, pts[i].ts, pts[i].ts));
    ASSERT_EQ(got, std::vector<RawPoint>{pts[i]}) << i;
  }
}

TEST(ChunkFramesTest, LayoutOfAFrame) {
  // Times 1, 2, 3: deltas 1 from the least (1), width 0. Values 0, 1, 3: deltas 1, 2 (base 1,
  // fields 0 and 1: width 1, one byte 0b10) tie with values 1, 3 (base 1, fields 0 and 2: width
  // 2, one byte), so deltas.
  ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(ValueType::kInt, {{1, 0}, {2, 1}, {3, 3}}));
  ASSERT_EQ(enc.size(), kHead + 7);
  EXPECT_EQ(enc.substr(kHead), std::string("\x02\x00\x01\x00\x01\x02\x02", 7));
  // A value run after a jump: values (mode bit 7) beat deltas.
  ASSERT_OK_AND_ASSIGN(std::string v,
                       EncodeChunk(ValueType::kInt, {{1, 0}, {2, 1000}, {3, 0}, {4, 1000}}));
  ASSERT_OK_AND_ASSIGN(DecodedChunk d, DecodeChunk(v));
  EXPECT_EQ(d.points.size(), 4u);
  // 2 varints, min 1, width 0, then the mode byte: values of width 10.
  EXPECT_EQ(static_cast<uint8_t>(v[kHead + 4]), 0x80 | 10);
}

TEST(ChunkFramesTest, EveryWidthAndFrameLengthRoundTrips) {
  std::mt19937_64 rng(91);
  for (int w = 0; w <= 64; ++w) {
    const uint64_t mask = w == 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1;
    for (size_t n :
         {size_t{1}, size_t{2}, size_t{3}, size_t{127}, size_t{128}, size_t{129}, size_t{257}}) {
      SCOPED_TRACE(testing::Message() << "width " << w << " n " << n);
      // Values from a random base with w random bits; timestamp steps of 1 + w random bits
      // (capped so that the times stay in range).
      const uint64_t base = rng();
      const int tw = std::min(w, 40);
      const uint64_t tmask = (uint64_t{1} << tw) - 1;
      std::vector<RawPoint> pts;
      int64_t t = -kBase + static_cast<int64_t>(rng() % 1000);
      for (size_t i = 0; i < n; ++i) {
        pts.push_back({t, base + (rng() & mask)});
        t += 1 + static_cast<int64_t>(rng() & tmask);
      }
      ExpectFramesRoundTrip(ValueType::kInt, pts);
      // The frame directly, inside a value of exactly its bytes (ASan sees any read past it).
      const size_t len = std::min(n, kFramePoints);
      std::string frame;
      PutFrame(pts.data(), len, 7, 9, &frame);
      std::vector<char> exact(frame.begin(), frame.end());
      RawPoint got[kFramePoints];
      size_t pos = 0;
      ASSERT_EQ(GetFrame(exact.data(), exact.size(), &pos, len, false, 7, 9, got), nullptr);
      EXPECT_EQ(pos, exact.size());
      for (size_t i = 0; i < len; ++i) ASSERT_EQ(got[i], pts[i]) << i;
    }
  }
}

TEST(ChunkFramesTest, Int64RangeBlocksAndBools) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  ExpectFramesRoundTrip(ValueType::kInt, {{kMin, static_cast<uint64_t>(kMax)},
                                          {kMin + 1, static_cast<uint64_t>(kMin)},
                                          {0, 0},
                                          {kMax - 1, static_cast<uint64_t>(kMax)},
                                          {kMax, static_cast<uint64_t>(kMin)}});
  // Chunks over several blocks (a new block starts a frame): 10 s points for 5 hours with a
  // gap, TSBS-like walks and random bools.
  std::mt19937_64 rng(92);
  for (ValueType type : {ValueType::kInt, ValueType::kBool}) {
    std::vector<RawPoint> pts;
    int64_t v = 50;
    for (int64_t i = 0; i < 1800; ++i) {
      if (i > 700 && i < 900) continue;
      v = std::clamp<int64_t>(v + static_cast<int64_t>(rng() % 7) - 3, 0, 100);
      pts.push_back({kBase + i * 10 * kSec + (i % 17 == 0 ? 5 : 0),
                     type == ValueType::kBool ? rng() % 2 : static_cast<uint64_t>(v)});
    }
    ExpectFramesRoundTrip(type, pts);
    ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(type, pts));
    ChunkInfo info;
    ASSERT_OK(ParseChunk(enc, &info));
    EXPECT_GE(info.blocks.size(), 9u);
    // Constant bools take no bits after each frame's first point.
    std::vector<RawPoint> same;
    for (int64_t i = 0; i < 1000; ++i) same.push_back({kBase + i * kSec, 1});
    ASSERT_OK_AND_ASSIGN(std::string c, EncodeChunk(ValueType::kBool, same));
    EXPECT_LT(c.size(), 150u);
    ExpectFramesRoundTrip(ValueType::kBool, same);
  }
}

TEST(ChunkFramesTest, CorruptFramesAreDataLossWithinTheValue) {
  ASSERT_OK_AND_ASSIGN(std::string good, EncodeChunk(ValueType::kInt, {{1, 0}, {2, 1}, {3, 3}}));
  auto data_loss = [](const std::string& s) {
    std::vector<char> exact(s.begin(), s.end());  // nothing readable after the value
    return absl::IsDataLoss(DecodeChunk(std::string_view(exact.data(), exact.size())).status());
  };
  std::string bad = good;
  bad[kHead + 3] = 65;  // timestamp width
  EXPECT_TRUE(data_loss(bad));
  for (char mode : {'\x41', '\xc1', '\x7f'}) {  // value width 65 (either mode), 127
    bad = good;
    bad[kHead + 4] = mode;
    EXPECT_TRUE(data_loss(bad)) << static_cast<int>(mode);
  }
  bad = good;
  bad[kHead + 6] = 0x06;  // a bit in the padding after the 2 one-bit fields
  EXPECT_TRUE(data_loss(bad));
  EXPECT_TRUE(data_loss(good + std::string(1, '\0')));  // a trailing byte
  // A width larger than the fields take runs past the value: truncated.
  bad = good;
  bad[kHead + 4] = 64;
  EXPECT_TRUE(data_loss(bad));
  // Times that go back: a minimum delta of 2^64 - 1.
  bad = good.substr(0, kHead + 2) + std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10) +
        good.substr(kHead + 3);
  EXPECT_TRUE(data_loss(bad));
  // A bool chunk's value 2.
  ASSERT_OK_AND_ASSIGN(std::string b, EncodeChunk(ValueType::kBool, {{1, 0}, {2, 1}, {3, 1}}));
  bad = b;
  bad[kHead + 1] = 4;  // zigzag(2): the first value 2
  EXPECT_TRUE(data_loss(bad));
  // A float chunk cannot be version 4.
  bad = good;
  bad[1] = 0;
  EXPECT_TRUE(data_loss(bad));

  // Larger chunks over blocks: every truncation, and every byte of the frames changed, alone:
  // DataLoss or points in order, and never a read outside the value.
  std::mt19937_64 rng(93);
  for (ValueType type : {ValueType::kInt, ValueType::kBool}) {
    std::vector<RawPoint> pts;
    for (int64_t i = 0; i < 400; ++i) {
      pts.push_back({kBase + i * 23 * kSec + static_cast<int64_t>(rng() % 3),
                     type == ValueType::kBool ? rng() % 2 : rng() % 1000});
    }
    ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(type, pts));
    for (size_t len = 0; len < enc.size(); ++len) {
      EXPECT_TRUE(data_loss(enc.substr(0, len))) << len;
    }
    ChunkInfo info;
    ASSERT_OK(ParseChunk(enc, &info));
    ASSERT_GE(info.blocks.size(), 2u);
    for (size_t at = enc.size() - info.stream.size(); at < enc.size(); ++at) {
      for (int flip : {1, 0x80}) {
        std::string s = enc;
        s[at] = static_cast<char>(s[at] ^ flip);
        std::vector<char> exact(s.begin(), s.end());
        const std::string_view view(exact.data(), exact.size());
        auto d = DecodeChunk(view);
        EXPECT_TRUE(d.ok() || absl::IsDataLoss(d.status())) << at;
        ChunkInfo bi;
        if (!ParseChunk(view, &bi).ok()) continue;
        for (size_t k = 0; k < bi.blocks.size(); ++k) {
          std::vector<RawPoint> out;
          absl::Status st = DecodeChunkBlocks(bi, k, INT64_MIN, INT64_MAX, &out);
          EXPECT_TRUE(st.ok() || absl::IsDataLoss(st)) << st;
          for (size_t i = 1; i < out.size(); ++i) EXPECT_LT(out[i - 1].ts, out[i].ts);
        }
      }
    }
  }
}

}  // namespace

// Found by review (session 9): decoding many indexed chunks into one vector (ReadSeriesBlocks over
// many windows) must keep the vector's geometric growth; an exact reserve per call reallocates and
// copies everything decoded so far once per chunk (quadratic in the number of chunks).
TEST(ChunkFramesTest, DecodingManyChunksIntoOneVectorGrowsGeometrically) {
  std::vector<std::string> chunks;
  for (int c = 0; c < 64; ++c) {
    std::vector<RawPoint> pts;
    for (int i = 0; i < 240; ++i) {  // 2 hours at 30 s: four 30-minute blocks
      pts.push_back(RawPoint{kBase + (int64_t{c} * 7200 + i * 30) * kSec, uint64_t(i)});
    }
    ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(ValueType::kInt, pts));
    chunks.push_back(std::move(enc));
  }
  std::vector<RawPoint> out;
  int reallocations = 0;
  for (const std::string& enc : chunks) {
    ChunkInfo info;
    ASSERT_OK(ParseChunk(enc, &info));
    ASSERT_FALSE(info.blocks.empty());
    const size_t cap = out.capacity();
    ASSERT_OK(DecodeChunkBlocks(info, 0, INT64_MIN, INT64_MAX, &out));
    if (out.capacity() != cap) ++reallocations;
  }
  EXPECT_EQ(out.size(), 64u * 240);
  EXPECT_LE(reallocations, 12);  // log2(64 * 240) + a few, not one per chunk
}

// Found by review (session 9): every split of the appends gives EncodeChunk's bytes (frames of 128,
// block changes inside an append).
TEST(ChunkFramesTest, AnySplitOfAppendsGivesEncodeChunk) {
  std::mt19937_64 rng(9);
  for (int round = 0; round < 40; ++round) {
    std::vector<RawPoint> pts;
    int64_t t = kBase + static_cast<int64_t>(rng() % 3600) * kSec;
    const int n = 1 + static_cast<int>(rng() % 700);
    for (int i = 0; i < n; ++i) {
      t += 1 + static_cast<int64_t>(rng() % (round % 2 ? 40 * kSec : 900 * kSec));
      pts.push_back(RawPoint{t, round % 3 == 0 ? rng() % 2 : rng() >> (rng() % 64)});
    }
    const ValueType type = round % 3 == 0 ? ValueType::kBool : ValueType::kInt;
    ASSERT_OK_AND_ASSIGN(std::string want, EncodeChunk(type, pts));
    ChunkEncoder e(type);
    size_t j = 0;
    while (j < pts.size()) {
      const size_t k = std::min(pts.size(), j + 1 + static_cast<size_t>(rng() % 200));
      ASSERT_OK(e.Append(pts.data() + j, k - j));
      ChunkEncoder copy = e;
      ASSERT_OK_AND_ASSIGN(std::string prefix,
                           EncodeChunk(type, std::vector<RawPoint>(pts.begin(), pts.begin() + k)));
      ASSERT_EQ(copy.Chunk(), prefix) << round << " " << k;
      j = k;
    }
    ASSERT_EQ(e.Chunk(), want) << round;
    ASSERT_OK_AND_ASSIGN(DecodedChunk dec, DecodeChunk(want));
    ASSERT_EQ(dec.points, pts) << round;
  }
}

// Found by review (session 9): a frame of regular timestamps (width 0) whose span m * min_d does
// not fit an int64, though its last time does (or whose single delta is over INT64_MAX), is valid:
// the encoder writes it, the decoder must read it.
TEST(ChunkFramesTest, RegularFramesSpanningMoreThanInt64MaxRoundTrip) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::vector<std::vector<RawPoint>> cases = {
      {{kMin, 0}, {kMax, 0}},  // one delta of 2^64 - 1
      {{kMin, 1}, {kMin + (int64_t{1} << 62), 1}, {0, 1}, {int64_t{1} << 62, 1}},  // span 3 * 2^62
  };
  for (const auto& pts : cases) {
    for (ValueType type : {ValueType::kInt, ValueType::kBool}) {
      ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(type, pts));
      ASSERT_EQ(enc[0], 4);
      auto dec = DecodeChunk(enc);
      if (!dec.ok()) {
        ADD_FAILURE() << pts.size() << " points: " << dec.status();
        continue;
      }
      EXPECT_EQ(dec->points, pts);
    }
  }
}

// PickChunkBlocks against what it replaces (VisitChunkBlocks with PickPoints picking each run),
// on version-4 int chunks of regular frames (steps of 1 ns, 10 s and 2^40 ns; negative times)
// with and without gaps, jittered times, values that take the deltas, the values or width 0,
// times on and off the points and outside them, and every run [k, end) from its block
// (FirstBlockFor); then with bytes of the stream changed: the same status (message included),
// and the same values and found flags, every time. (The version-3 and bool rounds take the old
// path on both sides: they pin the dispatch only.)
TEST(ChunkFramesTest, PickChunkBlocksEqualsVisitingAndPicking) {
  std::mt19937_64 rng(31);
  auto reference = [](const ChunkInfo& info, size_t first_block, const std::vector<int64_t>& t,
                      size_t k, size_t end, uint64_t* bits, uint8_t* found) {
    return VisitChunkBlocks(info, first_block, t[k], t[end - 1], [&](const RawPoint* p, size_t n) {
      k = PickPoints(p, p + n, t.data(), k, end, bits, found);
      return true;
    });
  };
  int compared = 0, errors = 0;
  for (int round = 0; round < 240; ++round) {
    SCOPED_TRACE(testing::Message() << "round " << round);
    const ValueType type = round % 8 == 7 ? ValueType::kBool : ValueType::kInt;
    const uint8_t version = round % 8 == 6 ? 3 : 4;
    const int shape = round % 5;  // 0-1 walk (deltas), 2 jumps (values), 3 constant, 4 linear
    // Steps of 1 ns, 10 s and 2^40 ns; some chunks before 1970 (negative times).
    const int64_t step = round % 3 == 0 ? 1 : round % 3 == 1 ? 10 * kSec : int64_t{1} << 40;
    std::vector<RawPoint> pts;
    int64_t t = (round % 6 == 5 ? -kBase : kBase) + static_cast<int64_t>(rng() % 720) * step;
    uint64_t v = 50;
    const int n = 1 + static_cast<int>(rng() % 800);
    for (int i = 0; i < n; ++i) {
      if (round % 4 == 1) {
        t += 1 + static_cast<int64_t>(rng() % (2 * step));  // jittered: irregular frames
      } else if (round % 4 == 3) {
        t += step;  // no gaps: every frame regular
      } else {
        t += rng() % 97 == 0 ? step * (2 + static_cast<int64_t>(rng() % 30)) : step;  // gaps
      }
      if (type == ValueType::kBool) {
        v = rng() % 2;
      } else if (shape <= 1) {
        v += static_cast<uint64_t>(static_cast<int64_t>(rng() % 7) - 3);
      } else if (shape == 2) {
        v = rng() % 2 ? rng() % 1000 : rng() >> (rng() % 64);
      } else if (shape == 4) {
        v += 3;
      }
      pts.push_back(RawPoint{t, v});
    }
    ChunkEncoder e(type, version);
    ASSERT_OK(e.Append(pts.data(), pts.size()));
    const std::string enc = e.Chunk();
    // Times: some of the points', some between them, some before and after them.
    std::vector<int64_t> times;
    const int density = 1 + static_cast<int>(rng() % 20);
    for (const RawPoint& p : pts) {
      if (static_cast<int>(rng() % 20) < density) times.push_back(p.ts);
      if (rng() % 10 == 0) times.push_back(p.ts + 1 + static_cast<int64_t>(rng() % step));
    }
    times.push_back(pts.front().ts - 1);
    times.push_back(pts.back().ts + 1);
    std::sort(times.begin(), times.end());
    times.erase(std::unique(times.begin(), times.end()), times.end());
    for (int variant = 0; variant < 8; ++variant) {
      std::string s = enc;
      if (variant > 0) {  // a byte of the stream changed
        ChunkInfo clean;
        ASSERT_OK(ParseChunk(enc, &clean));
        const size_t at = enc.size() - clean.stream.size() + rng() % clean.stream.size();
        s[at] = static_cast<char>(s[at] ^ (1 << (rng() % 8)));
      }
      std::vector<char> exact(s.begin(), s.end());  // nothing readable after the value
      ChunkInfo info;
      if (!ParseChunk(std::string_view(exact.data(), exact.size()), &info).ok()) continue;
      for (int run = 0; run < 6; ++run) {
        const size_t k = rng() % times.size();
        const size_t end = run == 0 ? times.size() : k + 1 + rng() % (times.size() - k);
        const size_t first_block = FirstBlockFor(info, times[k]);
        std::vector<uint64_t> want_bits(times.size(), 7), got_bits(times.size(), 7);
        std::vector<uint8_t> want_found(times.size(), 0), got_found(times.size(), 0);
        const absl::Status want =
            reference(info, first_block, times, k, end, want_bits.data(), want_found.data());
        const absl::Status got = PickChunkBlocks(info, first_block, times.data(), k, end,
                                                 got_bits.data(), got_found.data());
        ASSERT_EQ(got, want) << "variant " << variant << " run [" << k << ", " << end << ")";
        ASSERT_EQ(got_found, want_found) << "variant " << variant;
        ASSERT_EQ(got_bits, want_bits) << "variant " << variant;
        ++compared;
        errors += !want.ok();
      }
    }
  }
  EXPECT_GT(compared, 5000);
  EXPECT_GT(errors, 300);  // the changed bytes do reach the checks
}

// PickChunkBlocks at the int64 edges (found by review, session 12): regular frames whose span
// exceeds INT64_MAX, read at times from INT64_MIN to INT64_MAX, on and off the points, every run.
TEST(ChunkFramesTest, PickChunkBlocksAtTheInt64EdgesEqualsVisitingAndPicking) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::vector<std::vector<RawPoint>> cases = {
      {{kMin, 5}, {kMax, 9}},
      {{kMin, 1}, {kMin + (int64_t{1} << 62), 2}, {0, 3}, {int64_t{1} << 62, 4}},
      {{kMin, 7}, {kMin + 1, 8}, {kMin + 2, 9}},
      {{kMax - 2, 1}, {kMax - 1, 2}, {kMax, 3}},
      {{-1, 10}, {0, 20}, {1, 30}},
  };
  const std::vector<int64_t> times = {kMin,     kMin + 1, kMin + 2, kMin + (int64_t{1} << 62),
                                      -1,       0,        1,        int64_t{1} << 62,
                                      kMax - 2, kMax - 1, kMax};
  for (const auto& pts : cases) {
    SCOPED_TRACE(testing::Message() << pts.size() << " points from " << pts.front().ts);
    ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(ValueType::kInt, pts));
    ASSERT_EQ(enc[0], 4);
    ChunkInfo info;
    ASSERT_OK(ParseChunk(enc, &info));
    for (size_t k = 0; k < times.size(); ++k) {
      for (size_t end = k + 1; end <= times.size(); ++end) {
        std::vector<uint64_t> want_bits(times.size(), 0), got_bits(times.size(), 0);
        std::vector<uint8_t> want_found(times.size(), 0), got_found(times.size(), 0);
        size_t kk = k;
        const absl::Status want = VisitChunkBlocks(
            info, FirstBlockFor(info, times[k]), times[k], times[end - 1],
            [&](const RawPoint* p, size_t n) {
              kk = PickPoints(p, p + n, times.data(), kk, end, want_bits.data(), want_found.data());
              return true;
            });
        const absl::Status got = PickChunkBlocks(info, FirstBlockFor(info, times[k]), times.data(),
                                                 k, end, got_bits.data(), got_found.data());
        ASSERT_EQ(got, want) << "[" << k << ", " << end << ")";
        ASSERT_EQ(got_found, want_found) << "[" << k << ", " << end << ")";
        ASSERT_EQ(got_bits, want_bits) << "[" << k << ", " << end << ")";
      }
    }
    // Every point is found when every time is asked.
    std::vector<uint64_t> bits(times.size(), 0);
    std::vector<uint8_t> found(times.size(), 0);
    ASSERT_OK(PickChunkBlocks(info, 0, times.data(), 0, times.size(), bits.data(), found.data()));
    size_t hits = 0;
    for (size_t i = 0; i < times.size(); ++i) {
      for (const RawPoint& p : pts) {
        if (p.ts == times[i]) {
          EXPECT_EQ(found[i], 1) << times[i];
          EXPECT_EQ(bits[i], p.bits) << times[i];
          ++hits;
        }
      }
    }
    EXPECT_EQ(hits, pts.size());
  }
}

// Found by review (session 9): docs/format/timeseries.md says a float chunk with version byte 4 is
// DataLoss; ChunkLastPoint (Last) returns its stored last point instead.
TEST(ChunkFramesTest, FloatChunkMarkedVersionFourIsDataLossForLastToo) {
  ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(ValueType::kFloat, {{kBase, DoubleBits(1.5)}}));
  ASSERT_EQ(enc[0], 3);
  enc[0] = 4;
  EXPECT_EQ(DecodeChunk(enc).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ChunkLastPoint(enc).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace tessera::ts
