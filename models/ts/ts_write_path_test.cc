// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The write path's storage decisions (docs/models/time-series.md, "Head and sealing policy"): a
// window that holds nothing is written as its chunk, a window the write closes is sealed in the
// write's own transaction, other windows get head blocks. Checked against the keys it leaves and
// against a naive model through random writes (out of order, duplicates, late points into closed
// windows, writes in user transactions, rollbacks, flushes, restarts), failed writes, retention
// and concurrent writers of one series.
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "core/catalog/catalog.h"
#include "core/changelog/change_log.h"
#include "core/engine/engine.h"
#include "gtest/gtest.h"
#include "models/ts/chunk_codec.h"
#include "models/ts/ts_keys.h"
#include "models/ts/ts_test_util.h"
#include "tessera/ts.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

using internal::Cf;

using test::kBase;
using test::kHour;
using test::kSec;

class TsWritePathTest : public test::TsDbTest {
 protected:
  static TsPoint P(const std::string& host, int64_t t, int64_t v) {
    return TsPoint{"cpu", {{"host", host}}, {{"v", TsValue(v)}}, t};
  }
  // (time, value) of every point of host's series.
  std::map<int64_t, int64_t> Read(const std::string& host) {
    std::map<int64_t, int64_t> out;
    auto rows = ts_->Query(
        {.measurement = "cpu", .field = "v", .where = {{"host", TsTagFilter::Op::kEq, {host}}}});
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (!rows.ok()) return out;
    for (const TsRow& r : *rows) {
      EXPECT_TRUE(out.emplace(r.time, std::get<int64_t>(r.value)).second) << r.time;
    }
    return out;
  }
  // The data keys of measurement "cpu": how many chunks and head blocks; and its markers.
  struct Keys {
    int chunks = 0, heads = 0, markers = 0;
  };
  Keys CountKeys() {
    Keys k;
    auto info = db_->engine().catalog().Find(Model::kTimeSeries, "cpu");
    if (!info) return k;
    const std::string lo = ts::ChunkKey(info->id, 0, INT64_MIN);
    const std::string hi = ts::ChunkKey(info->id + 1, 0, INT64_MIN);
    auto it = db_->engine().latest().NewIterator(Cf::kData, lo, hi);
    for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
      ((*it)->key().size() == ts::kChunkKeyBytes ? k.chunks : k.heads)++;
    }
    const std::string mp = ts::IndexPrefix(info->id, ts::kIdxOpenWindow);
    auto m = db_->engine().latest().NewIterator(Cf::kIndex, mp, codec::PrefixSuccessor(mp));
    for ((*m)->SeekToFirst(); (*m)->Valid(); (*m)->Next()) ++k.markers;
    return k;
  }
};

TEST_F(TsWritePathTest, EachWindowIsWrittenOnceWhenWritesMoveForward) {
  // 6 hours in one write: three windows that held nothing become three chunks, nothing to seal.
  std::vector<TsPoint> pts;
  for (int64_t i = 0; i < 6 * 360; ++i) pts.push_back(P("a", kBase + i * 10 * kSec, i % 7));
  ASSERT_OK(ts_->Write(pts));
  Keys k = CountKeys();
  EXPECT_EQ(k.chunks, 3);
  EXPECT_EQ(k.heads, 0);
  EXPECT_EQ(k.markers, 0);
  // Two more hours, starting inside the newest window: a head block there (it is still open, and
  // 60 points are too few to rewrite its 720 from the window cache) and a chunk for the new one.
  std::vector<TsPoint> more;
  for (int64_t i = 6 * 360 - 60; i < 8 * 360; ++i) {
    more.push_back(P("a", kBase + i * 10 * kSec, 100 + i % 5));
  }
  ASSERT_OK(ts_->Write(more));
  k = CountKeys();
  EXPECT_EQ(k.chunks, 4);
  EXPECT_EQ(k.heads, 1);
  EXPECT_EQ(k.markers, 1);
  // Writing 4 hours further closes that window: it is sealed by the write itself.
  ASSERT_OK(ts_->Write({P("a", kBase + 12 * kHour, 1)}));
  k = CountKeys();
  EXPECT_EQ(k.chunks, 5);
  EXPECT_EQ(k.heads, 0);
  EXPECT_EQ(k.markers, 0);
  // A late point into a closed window rewrites its chunk at once.
  ASSERT_OK(ts_->Write({P("a", kBase + 5 * kSec, -5), P("a", kBase + 10 * kSec, -10)}));
  k = CountKeys();
  EXPECT_EQ(k.heads, 0);
  EXPECT_EQ(k.markers, 0);
  std::map<int64_t, int64_t> got = Read("a");
  EXPECT_EQ(got.size(), 8u * 360 + 2);
  EXPECT_EQ(got[kBase + 5 * kSec], -5);
  EXPECT_EQ(got[kBase + 10 * kSec], -10);  // replaced
  EXPECT_EQ(got[kBase + (6 * 360 - 60) * 10 * kSec], 100 + (6 * 360 - 60) % 5);
  ReopenTs();
  EXPECT_EQ(Read("a"), got);
}

TEST_F(TsWritePathTest, AWriteSealsTheWindowsItClosesInItsOwnTransaction) {
  // Head blocks from a caller's transaction in the first window; a rolled-back write in the
  // second (nothing stored, though the store had noted the window as open). A write 10 hours
  // later closes both: the first is sealed by that write, the second seals to nothing.
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
    ASSERT_OK(ts_->Write(*txn, {P("a", kBase + kHour, 1)}));
    ASSERT_OK(txn->Commit());
  }
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
    ASSERT_OK(ts_->Write(*txn, {P("a", kBase + 3 * kHour, 2)}));
    ASSERT_OK(txn->Rollback());
  }
  Keys k = CountKeys();
  EXPECT_EQ(k.heads, 1);
  EXPECT_EQ(k.markers, 1);
  ASSERT_OK(ts_->Write({P("a", kBase + 10 * kHour, 3)}));
  k = CountKeys();
  EXPECT_EQ(k.chunks, 2);
  EXPECT_EQ(k.heads, 0);
  EXPECT_EQ(k.markers, 0);
  EXPECT_EQ(Read("a"), (std::map<int64_t, int64_t>{{kBase + kHour, 1}, {kBase + 10 * kHour, 3}}));
}

TEST_F(TsWritePathTest, AgreesWithANaiveModel) {
  // Random batches over two series: mostly moving forward, with duplicates in a batch, late
  // points into closed windows, writes inside user transactions (committed or rolled back),
  // flushes and restarts. After every step each series reads as the model says.
  std::mt19937_64 rng(7);
  std::map<std::string, std::map<int64_t, int64_t>> model;
  int64_t frontier = kBase;
  int64_t value = 0;
  for (int round = 0; round < 60; ++round) {
    std::vector<TsPoint> batch;
    const int n = 1 + static_cast<int>(rng() % 200);
    for (int i = 0; i < n; ++i) {
      const std::string host = rng() % 3 == 0 ? "b" : "a";
      int64_t t;
      switch (rng() % 10) {
        case 0:  // late: anywhere since the start
          t = kBase + static_cast<int64_t>(rng() % static_cast<uint64_t>(frontier - kBase + 1));
          break;
        case 1:  // a duplicate of a recent time
          t = frontier - static_cast<int64_t>(rng() % 5) * 10 * kSec;
          break;
        default:
          frontier += static_cast<int64_t>(rng() % 40) * 10 * kSec;  // up to ~6.5 min
          t = frontier;
      }
      batch.push_back(P(host, t, ++value));
    }
    const int how = static_cast<int>(rng() % 10);
    if (how == 0 || how == 1) {
      ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
      ASSERT_OK(ts_->Write(*txn, batch));
      if (how == 0) {
        ASSERT_OK(txn->Rollback());
        batch.clear();
      } else {
        ASSERT_OK(txn->Commit());
      }
    } else {
      ASSERT_OK(ts_->Write(batch));
    }
    for (const TsPoint& p : batch) {
      model[p.tags[0].second][p.time] = std::get<int64_t>(p.fields[0].second);
    }
    if (rng() % 15 == 0) ASSERT_OK(ts_->Flush("cpu"));
    if (rng() % 20 == 0) ReopenTs();
    for (const auto& [host, points] : model) {
      ASSERT_EQ(Read(host), points) << "round " << round << " host " << host;
    }
  }
  ASSERT_OK(ts_->Flush("cpu"));
  Keys k = CountKeys();
  EXPECT_EQ(k.heads, 0);
  EXPECT_EQ(k.markers, 0);
  for (const auto& [host, points] : model) EXPECT_EQ(Read(host), points) << host;
  // The last point of each series.
  auto last = ts_->Last({.measurement = "cpu", .field = "v", .by = {"host"}});
  ASSERT_TRUE(last.ok()) << last.status();
  ASSERT_EQ(last->size(), model.size());
  for (const TsRow& r : *last) {
    const auto& points = model[r.tags[0].second];
    EXPECT_EQ(r.time, points.rbegin()->first);
    EXPECT_EQ(std::get<int64_t>(r.value), points.rbegin()->second);
  }
}

TEST_F(TsWritePathTest, AFailedWriteLeavesNothingAndLaterWritesStillMerge) {
  // A write too large for one transaction fails whole: not its chunks, not its merges into
  // closed windows, not its head blocks; what was there before reads the same, and the store
  // keeps writing correctly afterwards.
  std::vector<TsPoint> pts;
  for (int64_t i = 0; i < 1000; ++i) pts.push_back(P("a", kBase + i * 10 * kSec, i));
  ASSERT_OK(ts_->Write(pts));
  const std::map<int64_t, int64_t> before = Read("a");
  const uint64_t events_before = db_->engine().change_log().last_seq();
  options_.max_transaction_bytes = 2048;
  ReopenTs();
  std::vector<TsPoint> big;
  for (int64_t i = 0; i < 200; ++i) {
    big.push_back(P("a", kBase + i * 10 * kSec + 1, -i));           // late, into the closed window
    big.push_back(P("a", kBase + 4 * kHour + i * 10 * kSec, -i));   // open window
    big.push_back(P("a", kBase + 9 * kHour + i * 997 * kSec, -i));  // new windows
  }
  auto s = ts_->Write(big);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_EQ(Read("a"), before);
  EXPECT_EQ(db_->engine().change_log().last_seq(), events_before);
  options_.max_transaction_bytes = 64 << 20;
  ReopenTs();
  EXPECT_EQ(Read("a"), before);
  ASSERT_OK(ts_->Write(big));
  std::map<int64_t, int64_t> want = before;
  for (const TsPoint& p : big) want[p.time] = std::get<int64_t>(p.fields[0].second);
  EXPECT_EQ(Read("a"), want);
  ASSERT_OK(ts_->Flush("cpu"));
  EXPECT_EQ(Read("a"), want);
}

TEST_F(TsWritePathTest, TypeConflictsWriteNothing) {
  ASSERT_OK(ts_->Write({P("a", kBase, 1)}));
  // A float into the int series, in a batch that would also close and merge windows.
  std::vector<TsPoint> batch = {P("a", kBase + 6 * kHour, 2), P("a", kBase + 1, 3)};
  batch.push_back(TsPoint{"cpu", {{"host", "a"}}, {{"v", TsValue(0.5)}}, kBase + 7 * kHour});
  auto s = ts_->Write(batch);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(Read("a"), (std::map<int64_t, int64_t>{{kBase, 1}}));
  auto lp = ts_->WriteLineProtocol("cpu,host=a v=2i 1767247200000000000\ncpu,host=a v=1.5 5");
  EXPECT_EQ(lp.status().code(), absl::StatusCode::kInvalidArgument) << lp.status();
  EXPECT_EQ(Read("a"), (std::map<int64_t, int64_t>{{kBase, 1}}));
}

TEST_F(TsWritePathTest, RetentionDropsWholeWindowsWrittenAsChunks) {
  const int64_t now = static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
  const int64_t start = (now - 3 * 24 * kHour) / (2 * kHour) * (2 * kHour);
  std::vector<TsPoint> pts;
  for (int64_t t = start; t < now - kHour; t += 60 * kSec) pts.push_back(P("a", t, t / kSec));
  ASSERT_OK(ts_->Write(pts));
  ASSERT_OK(ts_->SetRetention("cpu", 24 * kHour));
  std::map<int64_t, int64_t> got = Read("a");
  ASSERT_FALSE(got.empty());
  EXPECT_GE(got.begin()->first, now - 24 * kHour - kHour);  // the reading moment is later
  // Only windows that may still hold visible points are left on disk.
  EXPECT_LE(CountKeys().chunks, 13 + 1);
  // A write of points past retention stores nothing of them.
  ASSERT_OK(ts_->Write({P("a", start + kSec, 1)}));
  EXPECT_EQ(Read("a").count(start + kSec), 0u);
  ReopenTs();
  EXPECT_EQ(Read("a"), got);
}

TEST_F(TsWritePathTest, ConcurrentWritersOfOneSeriesLoseNothing) {
  // Two writers interleave points of one series (even and odd seconds), moving forward through
  // several windows in batches, so they lock the same chunks and markers, create, extend and
  // seal the same windows.
  constexpr int kBatches = 30;
  constexpr int kPerBatch = 120;
  auto writer = [&](int parity, absl::Status* out) {
    for (int b = 0; b < kBatches; ++b) {
      std::vector<TsPoint> batch;
      for (int i = 0; i < kPerBatch; ++i) {
        const int64_t s = (int64_t{b} * kPerBatch + i) * 20 + parity;
        batch.push_back(P("a", kBase + s * 10 * kSec, s));
      }
      // A write that met the other's locks for too long reports a conflict after its own
      // retries; the application retries it (nothing of it was written).
      absl::Status s = ts_->Write(batch);
      for (int tries = 0; absl::IsAborted(s) && tries < 100; ++tries) s = ts_->Write(batch);
      if (!s.ok()) {
        *out = s;
        return;
      }
    }
  };
  absl::Status s0, s1;
  std::thread t0(writer, 0, &s0), t1(writer, 1, &s1);
  t0.join();
  t1.join();
  ASSERT_OK(s0);
  ASSERT_OK(s1);
  std::map<int64_t, int64_t> got = Read("a");
  EXPECT_EQ(got.size(), size_t{2} * kBatches * kPerBatch);
  for (const auto& [t, v] : got) EXPECT_EQ(t, kBase + v * 10 * kSec);
  ASSERT_OK(ts_->Flush("cpu"));
  EXPECT_EQ(Read("a"), got);
}

// A second store over the same database: it has its own window cache.
std::unique_ptr<TsStore> OtherStore(DB* db) {
  auto ts = TsStore::Open(db);
  EXPECT_TRUE(ts.ok()) << ts.status();
  return ts.ok() ? std::move(ts).value() : nullptr;
}

TEST_F(TsWritePathTest, OpenWindowsAreRewrittenFromTheWindowCache) {
  // Writes into one open window (in order, out of order, duplicate times: the last write wins)
  // leave it one chunk, with no head block and no marker, holding what a naive model holds.
  std::map<int64_t, int64_t> want;
  auto write = [&](std::vector<TsPoint> batch) {
    ASSERT_OK(ts_->Write(batch));
    for (const TsPoint& p : batch) want[p.time] = std::get<int64_t>(p.fields[0].second);
    Keys k = CountKeys();
    EXPECT_EQ(k.chunks, 1);
    EXPECT_EQ(k.heads, 0);
    EXPECT_EQ(k.markers, 0);
    EXPECT_EQ(Read("a"), want);
  };
  write({P("a", kBase + 100 * kSec, 1), P("a", kBase + 200 * kSec, 2)});
  write({P("a", kBase + 300 * kSec, 3)});                                 // appended
  write({P("a", kBase + 150 * kSec, 4), P("a", kBase + 400 * kSec, 5)});  // one out of order
  write({P("a", kBase + 200 * kSec, 6), P("a", kBase + 210 * kSec, 6),    // a duplicate time
         P("a", kBase + 220 * kSec, 6)});
  write({P("a", kBase + 50 * kSec, 7), P("a", kBase + 50 * kSec, 8), P("a", kBase + 60 * kSec, 9),
         P("a", kBase + 70 * kSec, 9), P("a", kBase + 80 * kSec, 9)});  // the last of a time wins
  EXPECT_EQ(want[kBase + 50 * kSec], 8);
  EXPECT_EQ(want[kBase + 200 * kSec], 6);
  // A write of fewer than 1/8 as many points as the window holds appends a head block instead
  // (rewriting a large window for a few points would cost more than the head block).
  ASSERT_OK(ts_->Write({P("a", kBase + 500 * kSec, 10)}));
  want[kBase + 500 * kSec] = 10;
  Keys k = CountKeys();
  EXPECT_EQ(k.chunks, 1);
  EXPECT_EQ(k.heads, 1);
  EXPECT_EQ(k.markers, 1);
  EXPECT_EQ(Read("a"), want);
  // A write that closes the window seals it (merging chunk and head block).
  ASSERT_OK(ts_->Write({P("a", kBase + 6 * kHour, 11)}));
  want[kBase + 6 * kHour] = 11;
  k = CountKeys();
  EXPECT_EQ(k.chunks, 2);
  EXPECT_EQ(k.heads, 0);
  EXPECT_EQ(k.markers, 0);
  EXPECT_EQ(Read("a"), want);
  ReopenTs();  // a new store: empty cache, the same data
  EXPECT_EQ(Read("a"), want);
  ASSERT_OK(ts_->Write({P("a", kBase + 6 * kHour + kSec, 12)}));
  want[kBase + 6 * kHour + kSec] = 12;
  EXPECT_EQ(Read("a"), want);
}

TEST_F(TsWritePathTest, ResumedWindowChunksAreByteForByteFreshEncodes) {
  // Writes appending to cached open windows resume the windows' encoders (out-of-order ones encode
  // again): after every write, each window's one chunk must be exactly the chunk of encoding its
  // points from scratch. Two series in each batch; a failed write in between changes nothing.
  std::mt19937_64 rng(5);
  std::map<std::string, std::map<int64_t, int64_t>> want;
  std::map<std::string, int64_t> next = {{"a", kBase}, {"b", kBase + 7 * kSec}};
  int compared = 0;
  for (int round = 0; round < 8; ++round) {
    std::vector<TsPoint> batch;
    for (const std::string host : {"a", "b"}) {
      // At least 1/8 of the window's points, so that the window is rewritten, not given a head.
      const size_t n = want[host].size() / 4 + 1 + rng() % 6;
      for (size_t i = 0; i < n; ++i) {
        int64_t t;
        if (round % 3 == 2 && i == 0) {  // out of order, or onto an existing time
          t = kBase + static_cast<int64_t>(rng() % static_cast<uint64_t>(next[host] - kBase + 1));
        } else {
          next[host] += static_cast<int64_t>(1 + rng() % (20 * kSec));
          t = next[host];
        }
        const int64_t v = rng() % 4 == 0 ? static_cast<int64_t>(rng()) : rng() % 100;
        batch.push_back(P(host, t, v));
      }
    }
    ASSERT_LT(std::max(next["a"], next["b"]), kBase + 2 * kHour);  // one window each
    ASSERT_OK(ts_->Write(batch));
    for (const TsPoint& p : batch) {
      want[p.tags[0].second][p.time] = std::get<int64_t>(p.fields[0].second);
    }
    if (round == 5) {  // a type conflict fails the whole write before anything is stored
      std::vector<TsPoint> bad = {P("a", next["a"] + kSec, 1)};
      bad.push_back(TsPoint{"cpu", {{"host", "b"}}, {{"v", TsValue(0.5)}}, next["b"] + kSec});
      EXPECT_TRUE(absl::IsInvalidArgument(ts_->Write(bad)));
    }
    const Keys k = CountKeys();
    ASSERT_EQ(k.chunks, 2) << round;
    if (k.heads != 0) continue;  // (a write too small for a rewrite)
    std::multiset<std::string> chunks, fresh;
    auto info = db_->engine().catalog().Find(Model::kTimeSeries, "cpu");
    ASSERT_TRUE(info.has_value());
    const std::string lo = ts::ChunkKey(info->id, 0, INT64_MIN);
    const std::string hi = ts::ChunkKey(info->id + 1, 0, INT64_MIN);
    auto it = db_->engine().latest().NewIterator(Cf::kData, lo, hi);
    for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
      chunks.insert((*it)->value().ToString());
    }
    for (const auto& [host, pts] : want) {
      std::vector<ts::RawPoint> raw;
      for (const auto& [t, v] : pts) raw.push_back({t, static_cast<uint64_t>(v)});
      ASSERT_OK_AND_ASSIGN(std::string enc, ts::EncodeChunk(ts::ValueType::kInt, raw));
      fresh.insert(enc);
    }
    EXPECT_EQ(chunks, fresh) << round;
    EXPECT_EQ(Read("a"), want["a"]);
    EXPECT_EQ(Read("b"), want["b"]);
    ++compared;
  }
  EXPECT_GE(compared, 6);
}

// Retention deletes record no change event: the catalog generation, which every retention change
// bumps, keeps a store's window cache from rewriting a window with points another store's
// retention deleted.
TEST_F(TsWritePathTest, ACachedWindowDoesNotBringBackPointsARetentionDeleted) {
  ASSERT_OK(ts_->Write({P("a", kBase + 100 * kSec, 1), P("a", kBase + 200 * kSec, 2)}));
  auto other = OtherStore(db_.get());
  ASSERT_NE(other, nullptr);
  ASSERT_OK(other->SetRetention("cpu", kHour));  // kBase is long past: the window is deleted
  ASSERT_OK(other->SetRetention("cpu", 0));
  EXPECT_TRUE(Read("a").empty());
  ASSERT_OK(ts_->Write({P("a", kBase + 300 * kSec, 3), P("a", kBase + 400 * kSec, 4)}));
  const std::map<int64_t, int64_t> want = {{kBase + 300 * kSec, 3}, {kBase + 400 * kSec, 4}};
  EXPECT_EQ(Read("a"), want);
  other.reset();
  ReopenTs();
  EXPECT_EQ(Read("a"), want);
}

TEST_F(TsWritePathTest, WritesTheCacheDidNotSeeMakeItStale) {
  // The window is cached by ts_; another store, a caller's transaction (committed and rolled
  // back) and a failed write change it (or not) behind the cache's back; every later write of
  // ts_ still keeps every point.
  std::map<int64_t, int64_t> want;
  auto note = [&](const std::vector<TsPoint>& batch) {
    for (const TsPoint& p : batch) want[p.time] = std::get<int64_t>(p.fields[0].second);
  };
  std::vector<TsPoint> b1 = {P("a", kBase + 10 * kSec, 1), P("a", kBase + 20 * kSec, 2)};
  ASSERT_OK(ts_->Write(b1));
  note(b1);
  // Another store writes the same window (a head block: it knows nothing of the window).
  std::unique_ptr<TsStore> other = OtherStore(db_.get());
  ASSERT_NE(other, nullptr);
  std::vector<TsPoint> b2 = {P("a", kBase + 30 * kSec, 3), P("a", kBase + 20 * kSec, 22)};
  ASSERT_OK(other->Write(b2));
  note(b2);
  std::vector<TsPoint> b3 = {P("a", kBase + 40 * kSec, 4)};
  ASSERT_OK(ts_->Write(b3));
  note(b3);
  EXPECT_EQ(Read("a"), want);
  // Cached again by that write (if it could rewrite the window) or not: a caller's transaction.
  std::vector<TsPoint> b4 = {P("a", kBase + 50 * kSec, 5), P("a", kBase + 10 * kSec, 11)};
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
    ASSERT_OK(ts_->Write(*txn, b4));
    ASSERT_OK(txn->Commit());
  }
  note(b4);
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
    ASSERT_OK(ts_->Write(*txn, {P("a", kBase + 60 * kSec, 666)}));
    ASSERT_OK(txn->Rollback());
  }
  std::vector<TsPoint> b5 = {P("a", kBase + 70 * kSec, 7)};
  ASSERT_OK(ts_->Write(b5));
  note(b5);
  EXPECT_EQ(Read("a"), want);
  // A failed write (a type conflict) changes nothing; the next one still merges.
  auto bad =
      ts_->Write({P("a", kBase + 80 * kSec, 8),
                  TsPoint{"cpu", {{"host", "a"}}, {{"v", TsValue(0.5)}}, kBase + 90 * kSec}});
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument) << bad;
  std::vector<TsPoint> b6 = {P("a", kBase + 100 * kSec, 10)};
  ASSERT_OK(ts_->Write(b6));
  note(b6);
  EXPECT_EQ(Read("a"), want);
  ASSERT_OK(other->Write({P("a", kBase + 110 * kSec, 11)}));
  want[kBase + 110 * kSec] = 11;
  ASSERT_OK(ts_->Flush("cpu"));
  EXPECT_EQ(Read("a"), want);
  std::vector<TsPoint> b7 = {P("a", kBase + 120 * kSec, 12)};
  ASSERT_OK(ts_->Write(b7));
  note(b7);
  other.reset();
  ReopenTs();
  EXPECT_EQ(Read("a"), want);
}

TEST_F(TsWritePathTest, ConcurrentStoresOfOneWindowLoseNothing) {
  // Two stores (two window caches) write interleaved points of one series from two threads,
  // through the same open windows; each write of one makes the other's cache stale.
  std::unique_ptr<TsStore> other = OtherStore(db_.get());
  ASSERT_NE(other, nullptr);
  constexpr int kBatches = 40;
  constexpr int kPerBatch = 30;
  auto writer = [&](TsStore* store, int parity, absl::Status* out) {
    for (int b = 0; b < kBatches; ++b) {
      std::vector<TsPoint> batch;
      for (int i = 0; i < kPerBatch; ++i) {
        const int64_t s = (int64_t{b} * kPerBatch + i) * 2 + parity;
        batch.push_back(P("a", kBase + s * 10 * kSec, s));
      }
      absl::Status s = store->Write(batch);
      for (int tries = 0; absl::IsAborted(s) && tries < 100; ++tries) s = store->Write(batch);
      if (!s.ok()) {
        *out = s;
        return;
      }
    }
  };
  absl::Status s0, s1;
  std::thread t0(writer, ts_.get(), 0, &s0), t1(writer, other.get(), 1, &s1);
  t0.join();
  t1.join();
  ASSERT_OK(s0);
  ASSERT_OK(s1);
  std::map<int64_t, int64_t> got = Read("a");
  EXPECT_EQ(got.size(), size_t{2} * kBatches * kPerBatch);
  for (const auto& [t, v] : got) EXPECT_EQ(t, kBase + v * 10 * kSec);
  ASSERT_OK(ts_->Flush("cpu"));
  EXPECT_EQ(Read("a"), got);
}

TEST_F(TsWritePathTest, RetentionForgetsCachedWindows) {
  // An open window (cached) falls past a new retention: it is deleted, its cache entry with it,
  // and a later point there is dropped, not merged with the deleted points.
  const int64_t now = static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
  const int64_t w = (now - 10 * kHour) / (2 * kHour) * (2 * kHour);
  ASSERT_OK(ts_->Write({P("a", w + kSec, 1), P("a", w + 2 * kSec, 2)}));
  ASSERT_OK(ts_->SetRetention("cpu", 3 * kHour));
  EXPECT_TRUE(Read("a").empty());
  ASSERT_OK(ts_->Write({P("a", w + 3 * kSec, 3)}));
  EXPECT_TRUE(Read("a").empty());
  ASSERT_OK(ts_->SetRetention("cpu", 0));  // the old points stay gone
  ASSERT_OK(ts_->Write({P("a", w + 4 * kSec, 4)}));
  ReopenTs();  // (read from storage alone)
  EXPECT_EQ(Read("a"), (std::map<int64_t, int64_t>{{w + 4 * kSec, 4}}));
}

}  // namespace
}  // namespace tessera
