// Chunk formats version 3 and 4's block index: round trips of every value type and edge case,
// decoding from every checkpoint, summaries against a naive model (NaN, ±inf, -0.0, int, bool),
// chunks of versions 1, 2 and 3 still read, VisitChunkBlocks against DecodeChunkBlocks, and a
// corrupt index reported as DataLoss without crashing.
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/codec/coding.h"
#include "models/ts/chunk_codec.h"
#include "models/ts/chunk_index.h"
#include "models/ts/ts_test_util.h"
#include "tests/util/test_util.h"

namespace tessera::ts {
namespace {

using test::kBase;  // a 2-hour window start
using test::kSec;
constexpr int64_t kWindow = 2 * 3600 * kSec;

// A random value of `type`, special floats and repeats included.
uint64_t RandomBits(ValueType type, std::mt19937_64& rng, uint64_t prev) {
  switch (type) {
    case ValueType::kBool:
      return rng() % 2;
    case ValueType::kInt:
      switch (rng() % 6) {
        case 0:
          return prev;
        case 1:
          return rng();  // any int64
        default:
          return static_cast<uint64_t>(static_cast<int64_t>(rng() % 201) - 100);
      }
    case ValueType::kFloat: {
      static const double kSpecial[] = {std::numeric_limits<double>::quiet_NaN(),
                                        std::numeric_limits<double>::infinity(),
                                        -std::numeric_limits<double>::infinity(),
                                        -0.0,
                                        0.0,
                                        std::numeric_limits<double>::denorm_min()};
      switch (rng() % 8) {
        case 0:
          return DoubleBits(kSpecial[rng() % 6]);
        case 1:
          return prev;
        case 2:
          return 0x7ff8000000000000ULL | (rng() & 0xfffff);  // a NaN with a payload
        default:
          return DoubleBits(std::round(std::uniform_real_distribution<double>(-100, 100)(rng)));
      }
    }
  }
  return 0;
}

// Points of a 2-hour window: regular 10 s with jitter and gaps, or irregular.
std::vector<RawPoint> RandomSeries(ValueType type, std::mt19937_64& rng, size_t n) {
  std::vector<RawPoint> pts;
  int64_t t = kBase + static_cast<int64_t>(rng() % 600) * kSec;
  uint64_t prev = 0;
  for (size_t i = 0; i < n && t < kBase + kWindow; ++i) {
    prev = RandomBits(type, rng, prev);
    pts.push_back({t, prev});
    int64_t step = 10 * kSec;
    if (rng() % 10 == 0) step += static_cast<int64_t>(rng() % 1000);            // jitter
    if (rng() % 50 == 0) step = static_cast<int64_t>(1 + rng() % 1800) * kSec;  // a gap
    t += step;
  }
  return pts;
}

std::vector<RawPoint> Filter(const std::vector<RawPoint>& pts, int64_t lo, int64_t hi) {
  std::vector<RawPoint> out;
  for (const RawPoint& p : pts) {
    if (p.ts >= lo && p.ts <= hi) out.push_back(p);
  }
  return out;
}

// The summary the format defines, computed naively from the block's points.
void NaiveSummary(ValueType type, const std::vector<RawPoint>& pts, uint64_t* min, uint64_t* max) {
  if (type != ValueType::kFloat) {
    int64_t lo = static_cast<int64_t>(pts[0].bits), hi = lo;
    for (const RawPoint& p : pts) {
      lo = std::min(lo, static_cast<int64_t>(p.bits));
      hi = std::max(hi, static_cast<int64_t>(p.bits));
    }
    *min = static_cast<uint64_t>(lo);
    *max = static_cast<uint64_t>(hi);
    return;
  }
  *min = *max = pts[0].bits;  // every value NaN: the first
  bool any = false;
  for (const RawPoint& p : pts) {
    const double v = BitsDouble(p.bits);
    if (std::isnan(v)) continue;
    if (!any || v < BitsDouble(*min)) *min = p.bits;
    if (!any || v > BitsDouble(*max)) *max = p.bits;
    any = true;
  }
}

// Encodes (in `version`, 0: the current one), checks the round trip, every checkpoint, random
// ranges and the summaries.
void CheckChunk(ValueType type, const std::vector<RawPoint>& pts, std::mt19937_64& rng,
                uint8_t version = 0) {
  if (version == 0) version = ChunkEncoder::DefaultVersion(type);
  ChunkEncoder e(type, version);
  ASSERT_OK(e.Append(pts.data(), pts.size()));
  const std::string enc = e.Chunk();
  if (version == ChunkEncoder::DefaultVersion(type)) {
    ASSERT_OK_AND_ASSIGN(std::string again, EncodeChunk(type, pts));
    ASSERT_EQ(again, enc);
  }
  ASSERT_OK_AND_ASSIGN(DecodedChunk dec, DecodeChunk(enc));
  ASSERT_EQ(dec.points, pts);
  ChunkInfo info;
  ASSERT_OK(ParseChunk(enc, &info));
  EXPECT_EQ(info.version, version);
  EXPECT_EQ(info.count, pts.size());
  // An index exactly when the points span two sub-windows or more.
  auto sub = [](int64_t t) { return t / kIndexWidthNs - (t % kIndexWidthNs < 0 ? 1 : 0); };
  const bool spans = !pts.empty() && sub(pts.front().ts) != sub(pts.back().ts);
  ASSERT_EQ(!info.blocks.empty(), spans);
  uint64_t first = 0;
  for (size_t b = 0; b < info.blocks.size(); ++b) {
    const ChunkBlock& k = info.blocks[b];
    ASSERT_EQ(k.first_point, first);
    EXPECT_EQ(k.start % kIndexWidthNs, 0);
    EXPECT_EQ(k.last, k.start + kIndexWidthNs - 1);
    const std::vector<RawPoint> in = Filter(pts, k.start, k.last);
    ASSERT_EQ(in.size(), k.count) << b;
    ASSERT_EQ(in.front(), pts[first]);
    uint64_t min = 0, max = 0;
    NaiveSummary(type, in, &min, &max);
    EXPECT_EQ(k.min_bits, min) << b;
    EXPECT_EQ(k.max_bits, max) << b;
    // From this checkpoint to the end: the full decode from this block's first point on.
    std::vector<RawPoint> from;
    ASSERT_OK(DecodeChunkBlocks(info, b, INT64_MIN, INT64_MAX, &from));
    EXPECT_EQ(from,
              std::vector<RawPoint>(pts.begin() + static_cast<std::ptrdiff_t>(first), pts.end()))
        << b;
    // This block alone.
    std::vector<RawPoint> one;
    ASSERT_OK(DecodeChunkBlocks(info, b, INT64_MIN, k.last, &one));
    EXPECT_EQ(one, in) << b;
    first += k.count;
  }
  if (!info.blocks.empty()) {
    ASSERT_EQ(first, pts.size());
  }
  // Random ranges (and ranges on block edges): equal to the full decode filtered.
  for (int r = 0; r < 20; ++r) {
    int64_t lo = kBase - kSec + static_cast<int64_t>(rng() % (kWindow / kSec + 2)) * kSec;
    int64_t hi = lo + static_cast<int64_t>(rng() % (kWindow / kSec)) * kSec;
    if (r % 4 == 0) lo = kBase + static_cast<int64_t>(rng() % 4) * kIndexWidthNs;
    if (r % 4 == 1) hi = kBase + static_cast<int64_t>(rng() % 4) * kIndexWidthNs - 1;
    std::vector<RawPoint> got = {{-1, 7}};  // appended after what is there
    ValueType t;
    ASSERT_OK(DecodeChunkRange(enc, &t, &got, lo, hi));
    EXPECT_EQ(t, type);
    std::vector<RawPoint> want = {{-1, 7}};
    for (const RawPoint& p : Filter(pts, lo, hi)) want.push_back(p);
    EXPECT_EQ(got, want) << lo << " " << hi;
    // VisitChunkBlocks (the rows path, session 10): the same points in ascending runs, each
    // after the last; and a visitor that stops after its first run sees a prefix of them.
    std::vector<RawPoint> visited;
    size_t runs = 0;
    ASSERT_OK(
        VisitChunkBlocks(info, FirstBlockFor(info, lo), lo, hi, [&](const RawPoint* p, size_t n) {
          EXPECT_GE(n, 1u);
          if (!visited.empty()) {
            EXPECT_LT(visited.back().ts, p[0].ts);
          }
          visited.insert(visited.end(), p, p + n);
          ++runs;
          return true;
        }));
    want.erase(want.begin());
    EXPECT_EQ(visited, want) << lo << " " << hi;
    if (version == 4 && want.size() > 128) {
      EXPECT_GT(runs, 1u);  // a frame's part at a time
    }
    std::vector<RawPoint> first_run;
    ASSERT_OK(
        VisitChunkBlocks(info, FirstBlockFor(info, lo), lo, hi, [&](const RawPoint* p, size_t n) {
          first_run.assign(p, p + n);
          return false;
        }));
    ASSERT_LE(first_run.size(), want.size());
    EXPECT_TRUE(std::equal(first_run.begin(), first_run.end(), want.begin())) << lo << " " << hi;
  }
}

TEST(ChunkIndexTest, RoundTripsAndDecodesFromEveryCheckpoint) {
  std::mt19937_64 rng(5);
  for (ValueType type : {ValueType::kFloat, ValueType::kInt, ValueType::kBool}) {
    for (int round = 0; round < 30; ++round) {
      SCOPED_TRACE(testing::Message() << "type " << static_cast<int>(type) << " round " << round);
      CheckChunk(type, RandomSeries(type, rng, 1 + rng() % 800), rng);
      // Version 3 ints and bools (written before version 4) still read, from every checkpoint.
      if (type != ValueType::kFloat && round % 3 == 0) {
        CheckChunk(type, RandomSeries(type, rng, 1 + rng() % 800), rng, 3);
      }
    }
  }
}

TEST(ChunkIndexTest, EdgeCases) {
  std::mt19937_64 rng(6);
  for (ValueType type : {ValueType::kFloat, ValueType::kInt, ValueType::kBool}) {
    SCOPED_TRACE(static_cast<int>(type));
    CheckChunk(type, {}, rng);
    CheckChunk(type, {{kBase + 5, 1}}, rng);  // one point
    // Points exactly on block boundaries, and the last nanosecond before them.
    std::vector<RawPoint> edges;
    for (int64_t b = 0; b < 4; ++b) {
      if (b > 0) edges.push_back({kBase + b * kIndexWidthNs - 1, static_cast<uint64_t>(b % 2)});
      edges.push_back({kBase + b * kIndexWidthNs, static_cast<uint64_t>((b + 1) % 2)});
    }
    CheckChunk(type, edges, rng);
    // Two points in two sub-windows; an empty sub-window between blocks.
    CheckChunk(type, {{kBase, 1}, {kBase + 3 * kIndexWidthNs, 0}}, rng);
    // All values equal.
    std::vector<RawPoint> same;
    for (int i = 0; i < 720; ++i) same.push_back({kBase + i * 10 * kSec, 1});
    CheckChunk(type, same, rng);
  }
  // Negative times and the ends of the int64 range.
  CheckChunk(ValueType::kInt, {{-kIndexWidthNs - 1, 3}, {-1, 4}, {0, 5}, {kIndexWidthNs, 6}}, rng);
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  for (const std::vector<RawPoint>& pts :
       std::vector<std::vector<RawPoint>>{{{kMin, 1}, {kMin + kIndexWidthNs, 2}},
                                          {{kMax - kIndexWidthNs, 1}, {kMax, 2}},
                                          {{kMin, 0}, {0, 1}, {kMax, 2}}}) {
    ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(ValueType::kInt, pts));
    ASSERT_OK_AND_ASSIGN(DecodedChunk dec, DecodeChunk(enc));
    EXPECT_EQ(dec.points, pts);
    std::vector<RawPoint> got;
    ValueType t;
    ASSERT_OK(DecodeChunkRange(enc, &t, &got, pts[1].ts, kMax));
    EXPECT_EQ(got, std::vector<RawPoint>(pts.begin() + 1, pts.end()));
  }
}

TEST(ChunkIndexTest, CostsFewBytesAndVersionsOneAndTwoStillRead) {
  // A sealed 2-hour window of 10 s int points, TSBS-like: the index adds under 0.15 B per point.
  std::mt19937_64 rng(7);
  std::vector<RawPoint> pts;
  int64_t v = 50;
  for (int i = 0; i < 720; ++i) {
    v = std::clamp<int64_t>(v + static_cast<int64_t>(rng() % 5) - 2, 0, 100);
    pts.push_back({kBase + i * 10 * kSec, static_cast<uint64_t>(v)});
  }
  // Version 4 (written today) and version 3 (ints before version 4).
  ASSERT_OK_AND_ASSIGN(std::string v4, EncodeChunk(ValueType::kInt, pts));
  ChunkInfo info;
  ASSERT_OK(ParseChunk(v4, &info));
  ASSERT_EQ(info.version, 4);
  ASSERT_EQ(info.blocks.size(), 4u);
  // After version, type, count 720 (2 bytes) and the last point: the index length and the index.
  size_t index_bytes = v4.size() - info.stream.size() - (4 + 16);
  EXPECT_LT(static_cast<double>(index_bytes) / 720, 0.15) << index_bytes;
  // Steps of -2..2: 3 bits a value, none for the regular timestamps (v3: over 1.3 B a point).
  EXPECT_LT(static_cast<double>(v4.size()) / 720, 0.7) << v4.size();
  ChunkEncoder old_encoder(ValueType::kInt, 3);
  ASSERT_OK(old_encoder.Append(pts.data(), pts.size()));
  const std::string v3 = old_encoder.Chunk();
  ASSERT_OK(ParseChunk(v3, &info));
  ASSERT_EQ(info.version, 3);
  ASSERT_EQ(info.blocks.size(), 4u);
  index_bytes = v3.size() - info.stream.size() - (4 + 16);
  EXPECT_LT(static_cast<double>(index_bytes) / 720, 0.15) << index_bytes;
  // Version 2: no index length, no index; version 1: no last point either.
  const size_t head = 4 + 16;  // version, type, count (2 bytes), last point
  std::string v2 = v3.substr(0, head) + std::string(info.stream);
  v2[0] = 2;
  std::string v1 = v3.substr(0, 4) + std::string(info.stream);
  v1[0] = 1;
  for (const std::string& old : {v3, v2, v1}) {
    ASSERT_OK_AND_ASSIGN(DecodedChunk d, DecodeChunk(old));
    EXPECT_EQ(d.points, pts);
    ChunkInfo oi;
    ASSERT_OK(ParseChunk(old, &oi));
    EXPECT_EQ(oi.blocks.empty(), oi.version < 3);  // no index: ranges decode from the start
    std::vector<RawPoint> got;
    ValueType t;
    ASSERT_OK(DecodeChunkRange(old, &t, &got, pts[300].ts, pts[400].ts));
    EXPECT_EQ(got, std::vector<RawPoint>(pts.begin() + 300, pts.begin() + 401));
    ASSERT_OK_AND_ASSIGN(std::optional<RawPoint> last, ChunkLastPoint(old));
    EXPECT_EQ(*last, pts.back());
  }
}

// Chunks the version-3 encoder wrote (bytes kept from before version 4): an int chunk with an
// index, the int64 range's ends and a jittered timestamp, and a bool chunk. They read, and the
// version-3 encoder still writes them byte for byte (DecodeChunk checks an index that way).
TEST(ChunkIndexTest, VersionThreeIntAndBoolChunksStillRead) {
  const std::string int_chunk(
      "\x03\x01\x0c\x18\x86\x75\x52\x45\x4d\xe8\x00\x00\x00\x00\x00\x00\x00\x00\x02\x31\x88\x0e"
      "\x02\x00\x06\x05\xc3\x84\x3d\x01\x06\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\xff\xff\xff"
      "\xff\xff\xff\xff\xff\xff\x01\x9f\x02\xef\xef\x92\xcb\xdd\x08\x91\xf0\x92\xcb\xdd\x08\x01"
      "\x81\x89\x7a\x18\x86\x72\x51\xed\xfa\x00\x00\x80\x05\xf0\x00\x00\x04\x5d\x96\x4b\x80\x0b"
      "\xff\x34\x00\x92\xff\xd9\xc0\x01\xe8\x47\x30\x02\x3d\xff\xc2\xf7\x0d\x7f\xbd\xc0\x01\xe8"
      "\x48\x50\x02\x30\x05\x2f\x7f\xff\xff\xff\xff\xff\xff\xac\x7c\x00\x00\x00\x00\x00\x00\x01"
      "\x4b\xe0\x00\x00\x00\x00\x00\x00\x01\x5e\xff\xff\xff\xff\xff\xff\xff\xf6",
      150);
  std::vector<RawPoint> ints;
  const int64_t vals[] = {5, -3, 7, 7, 1000000, -1, 0, 42, INT64_MIN, INT64_MAX, 3, 2};
  for (int i = 0; i < 12; ++i) {
    ints.push_back(
        {kBase + int64_t{i} * 300 * kSec + (i == 5 ? 17 : 0), static_cast<uint64_t>(vals[i])});
  }
  const std::string bool_chunk(
      "\x03\x02\x03\x18\x86\x75\x98\x1e\xb2\xa0\x00\x00\x00\x00\x00\x00\x00\x00\x01\x1a\x88\x0e"
      "\x02\x00\x02\x00\x01\x02\x01\x02\x00\x84\x01\x80\xac\xf7\xa8\xdf\x68\x80\x94\xeb\xdc\x03"
      "\x00\x01\x18\x86\x72\x51\xed\xfa\x00\x00\x80\x01\xe3\xb9\xac\xa0\x0b\xff\xef\x00\x00\x03"
      "\x45\xb9\x83\x0c\x00\x80\x02",
      73);
  const std::vector<RawPoint> bools = {
      {kBase, 1}, {kBase + kSec, 0}, {kBase + 2 * kIndexWidthNs, 1}};
  for (const auto& [chunk, pts] : {std::pair(int_chunk, ints), std::pair(bool_chunk, bools)}) {
    ASSERT_OK_AND_ASSIGN(DecodedChunk d, DecodeChunk(chunk));
    EXPECT_EQ(d.points, pts);
    ChunkInfo info;
    ASSERT_OK(ParseChunk(chunk, &info));
    EXPECT_EQ(info.version, 3);
    EXPECT_FALSE(info.blocks.empty());
    ChunkEncoder v3(d.type, 3);
    ASSERT_OK(v3.Append(pts.data(), pts.size()));
    EXPECT_EQ(v3.Chunk(), chunk);
    std::vector<RawPoint> got;
    ValueType t;
    ASSERT_OK(DecodeChunkRange(chunk, &t, &got, pts[1].ts, pts.back().ts));
    EXPECT_EQ(got, std::vector<RawPoint>(pts.begin() + 1, pts.end()));
    ASSERT_OK_AND_ASSIGN(std::optional<RawPoint> last, ChunkLastPoint(chunk));
    EXPECT_EQ(*last, pts.back());
    // Today's encoder writes version 4, which reads back the same.
    ASSERT_OK_AND_ASSIGN(std::string v4, EncodeChunk(d.type, pts));
    EXPECT_EQ(v4[0], 4);
    ASSERT_OK_AND_ASSIGN(DecodedChunk d4, DecodeChunk(v4));
    EXPECT_EQ(d4.points, pts);
  }
}

TEST(ChunkIndexTest, CorruptIndexIsDataLossNeverACrash) {
  std::mt19937_64 rng(8);
  for (ValueType type : {ValueType::kFloat, ValueType::kInt, ValueType::kBool}) {
    std::vector<RawPoint> pts = RandomSeries(type, rng, 720);
    ASSERT_OK_AND_ASSIGN(std::string enc, EncodeChunk(type, pts));
    ChunkInfo info;
    ASSERT_OK(ParseChunk(enc, &info));
    ASSERT_FALSE(info.blocks.empty());
    const size_t index_end = enc.size() - info.stream.size();
    // Every truncation.
    for (size_t len = 0; len < enc.size(); ++len) {
      EXPECT_TRUE(absl::IsDataLoss(DecodeChunk(std::string_view(enc).substr(0, len)).status()))
          << len;
    }
    // Every byte of the header and index changed, alone: DecodeChunk reports DataLoss; parsing
    // and decoding from any checkpoint of what still parses stays inside the value.
    for (size_t at = 0; at < index_end; ++at) {
      for (int flip : {1, 0x80, 0xff}) {
        std::string bad = enc;
        bad[at] = static_cast<char>(bad[at] ^ flip);
        auto d = DecodeChunk(bad);
        if (d.ok()) {
          // Only a change the points do not see (none in the index): re-encoding gives it back.
          ASSERT_OK_AND_ASSIGN(std::string again, EncodeChunk(d->type, d->points));
          EXPECT_EQ(again, bad) << at;
        } else {
          EXPECT_TRUE(absl::IsDataLoss(d.status())) << at << ": " << d.status();
        }
        ChunkInfo bi;
        if (!ParseChunk(bad, &bi).ok()) continue;
        for (size_t b = 0; b < bi.blocks.size(); ++b) {
          std::vector<RawPoint> out;
          absl::Status s = DecodeChunkBlocks(bi, b, INT64_MIN, INT64_MAX, &out);
          EXPECT_TRUE(s.ok() || absl::IsDataLoss(s)) << s;
          for (size_t i = 1; i < out.size(); ++i) EXPECT_LT(out[i - 1].ts, out[i].ts);
        }
      }
    }
  }
}

// VarintAt (the chunk codec's varint reader) gives codec::GetVarint64's answers: every length
// from 1 to 10 bytes, 64-bit overflow in the tenth byte, truncation, and junk after the varint,
// with 0 to 12 bytes readable (the one-load path needs 8).
TEST(ChunkIndexTest, VarintAtEqualsGetVarint64) {
  std::mt19937_64 rng(5);
  int long_ones = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string buf;
    const int kind = round % 4;
    if (kind == 0) {  // a valid varint of a random bit length, then junk
      codec::PutVarint64(&buf, rng() >> (rng() % 64));
    } else if (kind == 1) {  // random bytes, continuation bits likely
      for (int i = 0; i < 12; ++i)
        buf.push_back(static_cast<char>(rng() | 0x80 * (rng() % 4 != 0)));
    } else if (kind == 2) {  // ten bytes, the last one over 1 or not
      for (int i = 0; i < 9; ++i) buf.push_back(static_cast<char>(0x80 | rng()));
      buf.push_back(static_cast<char>(rng() % 4));
    } else {
      codec::PutVarint64(&buf, rng());
    }
    while (buf.size() < 12) buf.push_back(static_cast<char>(rng()));
    for (size_t avail = 0; avail <= 12; ++avail) {
      std::string_view in(buf.data(), avail);
      uint64_t want = 0, got = 0;
      const bool want_ok = codec::GetVarint64(&in, &want);
      size_t len = 0;
      const bool got_ok = chunk_internal::VarintAt(buf.data(), avail, &got, &len);
      ASSERT_EQ(got_ok, want_ok) << round << " " << avail;
      if (!want_ok) continue;
      ASSERT_EQ(got, want) << round << " " << avail;
      ASSERT_EQ(len, avail - in.size()) << round << " " << avail;
      long_ones += len >= 5;
    }
  }
  EXPECT_GT(long_ones, 10000);
}

}  // namespace
}  // namespace tessera::ts
