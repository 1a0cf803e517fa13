// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The time-series query caches against their references: the last-point cache against a naive
// model under interleaved writes, old snapshots, transactions, other handles, retention, drops and
// restarts; the scope cache against series created after it was filled; LastRows (served by the
// caches) against the same reads made without them.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "gtest/gtest.h"
#include "models/ts/ts_test_util.h"
#include "tessera/ts.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

using test::kBase;
using test::kHour;
using test::kSec;
using test::RandomHosts;
using test::SameRows;

class TsLastRowsTest : public test::TsDbTest {};

// (host, field) -> time -> value.
using ExpectedPoints = std::map<std::pair<std::string, std::string>, std::map<int64_t, double>>;

// What Last per host gives for `field` in `model` (times < to), as (host -> (time, value)).
std::map<std::string, std::pair<int64_t, double>> NaiveLast(const ExpectedPoints& model,
                                                            const std::string& field,
                                                            std::optional<int64_t> to) {
  std::map<std::string, std::pair<int64_t, double>> out;
  for (const auto& [key, pts] : model) {
    if (key.second != field) continue;
    auto end = to ? pts.lower_bound(*to) : pts.end();
    if (end == pts.begin()) continue;
    --end;
    out[key.first] = {end->first, end->second};
  }
  return out;
}

std::map<std::string, std::pair<int64_t, double>> AsMap(const std::vector<TsRow>& rows) {
  std::map<std::string, std::pair<int64_t, double>> out;
  for (const TsRow& r : rows) {
    out[r.tags.at(0).second] = {r.time, std::get<double>(r.value)};
  }
  return out;
}

// The last-point cache gives exactly what reading RocksDB gives: random writes (forward, older
// than the last point, duplicates of it with new values) through this handle, a second handle
// and user transactions (committed and rolled back), reads at the latest state (repeated, so the
// cache serves them), at older snapshots and inside a transaction, across a reopen.
TEST_F(TsLastRowsTest, LastPointCacheAgreesWithANaiveModelUnderInterleavedWrites) {
  std::mt19937_64 rng(11);
  ASSERT_OK_AND_ASSIGN(auto other, TsStore::Open(db_.get()));
  ExpectedPoints model;
  const std::vector<std::string> hosts = {"a", "b", "c", "d"}, fields = {"x", "y"};
  std::vector<std::pair<std::unique_ptr<Snapshot>, ExpectedPoints>> snaps;
  int64_t newest = kBase;
  auto random_points = [&](ExpectedPoints* m) {
    std::vector<TsPoint> pts;
    const int n = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < n; ++i) {
      const std::string& h = hosts[rng() % hosts.size()];
      int64_t t;
      switch (rng() % 4) {
        case 0:  // older than the last point, maybe into a sealed window
          t = kBase + static_cast<int64_t>(rng() % static_cast<uint64_t>(newest - kBase + 1));
          break;
        case 1:  // the newest time again: replaces the last point's value
          t = newest;
          break;
        default:  // forward
          t = newest + static_cast<int64_t>(rng() % 3) * 1800 * kSec;
      }
      newest = std::max(newest, t);
      const double v = static_cast<double>(rng() % 10000);
      TsPoint p{"m", {{"host", h}}, {}, t};
      for (const std::string& f : fields) {
        if (rng() % 3 != 0) {
          p.fields.emplace_back(f, v);
          if (m != nullptr) (*m)[{h, f}][t] = v;
        }
      }
      if (!p.fields.empty()) pts.push_back(std::move(p));
    }
    return pts;
  };
  auto check = [&](const ExpectedPoints& m, const ReadView* view, const std::string& what) {
    for (int probe = 0; probe < 3; ++probe) {
      std::optional<int64_t> to;
      if (probe == 2) {
        to = kBase + static_cast<int64_t>(rng() % static_cast<uint64_t>(newest - kBase + 2));
      }
      TsQuery q{.measurement = "m", .to = to, .by = {"host"}};
      auto rows = view ? ts_->LastRows(*view, q, fields) : ts_->LastRows(q, fields);
      ASSERT_OK(rows.status());
      // LastRows: one row per host, values[i] the last of fields[i], time the newest of them.
      std::map<std::string, std::pair<int64_t, std::vector<std::optional<double>>>> want;
      for (size_t fi = 0; fi < fields.size(); ++fi) {
        for (const auto& [h, tv] : NaiveLast(m, fields[fi], to)) {
          auto& w = want[h];
          if (w.second.empty()) {
            w.second.resize(fields.size());
            w.first = tv.first;
          }
          w.first = std::max(w.first, tv.first);
          w.second[fi] = tv.second;
        }
      }
      ASSERT_EQ(rows->size(), want.size()) << what;
      size_t i = 0;
      for (const auto& [h, w] : want) {
        const TsFieldsRow& r = (*rows)[i++];
        EXPECT_EQ(r.tags, (TsTags{{"host", h}})) << what;
        EXPECT_EQ(r.time, w.first) << what << " host " << h;
        for (size_t fi = 0; fi < fields.size(); ++fi) {
          ASSERT_EQ(r.values[fi].has_value(), w.second[fi].has_value()) << what;
          if (w.second[fi]) {
            EXPECT_EQ(std::get<double>(*r.values[fi]), *w.second[fi]) << what;
          }
        }
      }
      // Last and LastFields through the same cache.
      q.by.clear();
      for (const std::string& f : fields) {
        q.field = f;
        auto last = view ? ts_->Last(*view, q) : ts_->Last(q);
        ASSERT_OK(last.status());
        EXPECT_EQ(AsMap(*last), NaiveLast(m, f, to)) << what << " field " << f;
      }
    }
  };
  for (int step = 0; step < 60; ++step) {
    const int op = static_cast<int>(rng() % 10);
    if (op < 4) {
      ASSERT_OK(ts_->Write(random_points(&model)));
    } else if (op < 6) {
      ASSERT_OK(other->Write(random_points(&model)));
    } else if (op == 6) {
      // A transaction that writes and reads its own points, then commits or rolls back.
      ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
      ExpectedPoints mine = model;
      ASSERT_OK(ts_->Write(*txn, random_points(&mine)));
      check(mine, txn.get(), "in a transaction");
      if (rng() % 2) {
        ASSERT_OK(txn->Commit());
        model = std::move(mine);
      } else {
        ASSERT_OK(txn->Rollback());
      }
    } else if (op == 7) {
      ASSERT_OK_AND_ASSIGN(auto snap, db_->GetSnapshot());
      snaps.emplace_back(std::move(snap), model);
    } else if (op == 8 && !snaps.empty()) {
      const auto& [snap, m] = snaps[rng() % snaps.size()];
      check(m, snap.get(), "at a snapshot");
    } else if (op == 9 && step % 20 == 9) {
      snaps.clear();
      other.reset();
      ReopenTs();
      ASSERT_OK_AND_ASSIGN(other, TsStore::Open(db_.get()));
    }
    check(model, nullptr, "latest, step " + std::to_string(step));
  }
}

// Readers racing a writer never get a last point older than one acknowledged before they began
// (a stale cache entry), and a snapshot keeps answering as of its own time while writes go on.
TEST_F(TsLastRowsTest, LastPointCacheIsNeverStaleUnderConcurrentWrites) {
  constexpr int kWrites = 400;
  std::atomic<int64_t> acked{-1};
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (int i = 0; i < kWrites && !failed; ++i) {
      const int64_t t = kBase + int64_t{i} * 10 * kSec;
      if (!ts_->Write({{"m", {{"host", "a"}}, {{"x", static_cast<double>(i)}}, t}}).ok()) {
        failed = true;
      }
      acked.store(t);
    }
  });
  auto reader = [&] {
    const TsQuery q{.measurement = "m", .field = "x"};
    while (acked.load() < kBase + int64_t{kWrites - 1} * 10 * kSec && !failed) {
      const int64_t before = acked.load();
      auto rows = ts_->LastRows(q, {"x"});
      if (!rows.ok() || (before >= 0 && (rows->size() != 1 || (*rows)[0].time < before))) {
        failed = true;
      }
      auto snap = db_->GetSnapshot();
      if (!snap.ok()) failed = true;
      if (!snap.ok()) continue;
      auto first = ts_->Last(**snap, q);
      auto again = ts_->Last(**snap, q);  // after more writes
      if (!first.ok() || !again.ok() || first->size() != again->size() ||
          (!first->empty() && (*first)[0].time != (*again)[0].time)) {
        failed = true;
      }
    }
  };
  std::thread r1(reader), r2(reader);
  writer.join();
  r1.join();
  r2.join();
  EXPECT_FALSE(failed);
  ASSERT_OK_AND_ASSIGN(auto rows, ts_->Last({.measurement = "m", .field = "x"}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].time, kBase + int64_t{kWrites - 1} * 10 * kSec);
}

// Retention hides a cached last point once it is older than the cutoff; a dropped and recreated
// measurement answers with its new points only.
TEST_F(TsLastRowsTest, LastPointCacheFollowsRetentionAndDrops) {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  ASSERT_OK(ts_->Write({{"m", {{"host", "old"}}, {{"x", 1.0}}, now - 5 * kHour},
                        {"m", {{"host", "new"}}, {{"x", 2.0}}, now - 5 * kHour},
                        {"m", {{"host", "new"}}, {{"x", 3.0}}, now - 60 * kSec}}));
  TsQuery q{.measurement = "m", .field = "x"};
  for (int i = 0; i < 2; ++i) {  // the second read is served by the cache
    ASSERT_OK_AND_ASSIGN(auto rows, ts_->Last(q));
    ASSERT_EQ(rows.size(), 2u);
  }
  ASSERT_OK(ts_->SetRetention("m", 2 * kHour));
  ASSERT_OK_AND_ASSIGN(auto rows, ts_->Last(q));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].tags, (TsTags{{"host", "new"}}));
  EXPECT_EQ(std::get<double>(rows[0].value), 3.0);
  ASSERT_OK(ts_->EnforceRetention());
  ASSERT_OK_AND_ASSIGN(rows, ts_->Last(q));
  ASSERT_EQ(rows.size(), 1u);

  ASSERT_OK(ts_->DropMeasurement("m"));
  ASSERT_OK_AND_ASSIGN(rows, ts_->Last(q));
  EXPECT_TRUE(rows.empty());
  ASSERT_OK(ts_->Write({{"m", {{"host", "new"}}, {{"x", 4.0}}, kBase}}));
  ASSERT_OK_AND_ASSIGN(rows, ts_->Last(q));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].time, kBase);
  EXPECT_EQ(std::get<double>(rows[0].value), 4.0);
}

// A cached scope (the series a tag filter selects) never hides a series created later, through
// this handle or another one.
TEST_F(TsLastRowsTest, ScopeCacheSeesSeriesCreatedLater) {
  ASSERT_OK_AND_ASSIGN(auto other, TsStore::Open(db_.get()));
  ASSERT_OK(ts_->Write({{"m", {{"host", "a"}}, {{"x", 1.0}}, kBase}}));
  TsQuery q{.measurement = "m",
            .field = "x",
            .where = {{"host", TsTagFilter::Op::kIn, {"a", "b"}}},
            .aggregate = TsAggregate{TsAggFn::kCount},
            .every = kHour};
  auto count = [&] {
    auto rows = ts_->Query(q);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() && !rows->empty() ? std::get<int64_t>((*rows)[0].value) : 0;
  };
  EXPECT_EQ(count(), 1);
  EXPECT_EQ(count(), 1);
  ASSERT_OK(ts_->Write({{"m", {{"host", "b"}}, {{"x", 1.0}}, kBase}}));
  EXPECT_EQ(count(), 2);
  ASSERT_OK(other->Write({{"m", {{"host", "a"}, {"rack", "1"}}, {{"x", 1.0}}, kBase}}));
  EXPECT_EQ(count(), 3);
  ASSERT_OK(other->Write({{"m", {{"host", "c"}}, {{"x", 1.0}}, kBase}}));
  EXPECT_EQ(count(), 3);
  ASSERT_OK_AND_ASSIGN(auto last, ts_->LastRows({.measurement = "m"}, {"x"}));
  EXPECT_EQ(last.size(), 4u);  // one row per tag set
}

// The LastRows result cache, the measurement cache (catalog id and retention per name), the
// recent scope and the scope keys never answer for a state they do not hold: every LastRows
// (asked twice, so the second comes from the caches) equals the same query read through a new
// handle in a transaction, which uses none of them. Writes through this handle and another one,
// fields in other orders and repeated, IN lists in any order, desc and limits, ranges, snapshots
// read after later writes, a retention set and cleared, the measurement dropped and recreated by
// the other handle, sealing, reopens.
TEST_F(TsLastRowsTest, LastRowsCachesEqualUncachedReads) {
  std::mt19937_64 rng(23);
  ASSERT_OK_AND_ASSIGN(auto other, TsStore::Open(db_.get()));
  const std::vector<std::vector<std::string>> field_sets = {
      {"x", "y", "z"}, {"z", "x"}, {"y", "y", "none"}, {"x"}};
  struct Probe {
    TsQuery q;
    std::vector<std::string> fields;
  };
  auto random_probe = [&] {
    Probe p{{.measurement = "m"}, field_sets[rng() % field_sets.size()]};
    switch (rng() % 4) {
      case 0:
        p.q.by = {"host"};
        break;
      case 1: {
        std::vector<std::string> in = {"a", "c", "b"};
        std::shuffle(in.begin(), in.end(), rng);
        in.resize(1 + rng() % 3);
        p.q.where = {{"host", TsTagFilter::Op::kIn, in}};
        break;
      }
      case 2:
        p.q.where = {{"host", TsTagFilter::Op::kNe, {"b"}}};
        p.q.by = {"host"};
        break;
      default:
        break;  // one row per tag set
    }
    if (rng() % 3 == 0) p.q.to = kBase + static_cast<int64_t>(rng() % 8) * kHour;
    if (rng() % 4 == 0) p.q.from = kBase + static_cast<int64_t>(rng() % 4) * kHour;
    p.q.desc = rng() % 2 == 0;
    p.q.limit = rng() % 3;
    return p;
  };
  // The same query through a new handle (empty caches) in a transaction (no last-point cache):
  // read from the catalog, the series index and RocksDB, past every cache.
  auto uncached = [&](const Probe& p) {
    auto fresh = TsStore::Open(db_.get());
    EXPECT_TRUE(fresh.ok()) << fresh.status();
    auto txn = db_->Begin();
    EXPECT_TRUE(txn.ok()) << txn.status();
    auto rows = (*fresh)->LastRows(**txn, p.q, p.fields);
    EXPECT_TRUE(rows.ok()) << rows.status();
    EXPECT_OK((*txn)->Rollback());
    return rows.ok() ? *rows : std::vector<TsFieldsRow>{};
  };
  std::vector<
      std::pair<std::unique_ptr<Snapshot>, std::vector<std::pair<Probe, std::vector<TsFieldsRow>>>>>
      snaps;
  for (int step = 0; step < 90; ++step) {
    const int op = static_cast<int>(rng() % 12);
    if (op < 4) {
      ASSERT_OK(ts_->Write(RandomHosts(rng, 1 + static_cast<int>(rng() % 20))));
    } else if (op == 4) {
      ASSERT_OK(other->Write(RandomHosts(rng, 1 + static_cast<int>(rng() % 20))));
    } else if (op == 5) {
      ASSERT_OK_AND_ASSIGN(auto snap, db_->GetSnapshot());
      std::vector<std::pair<Probe, std::vector<TsFieldsRow>>> want;
      for (int i = 0; i < 3; ++i) {
        Probe p = random_probe();
        auto rows = uncached(p);  // no write in between: the snapshot's state
        want.emplace_back(std::move(p), std::move(rows));
      }
      snaps.emplace_back(std::move(snap), std::move(want));
    } else if (op == 6 && !snaps.empty()) {
      const auto& [snap, want] = snaps[rng() % snaps.size()];
      for (const auto& [p, rows] : want) {
        for (int again = 0; again < 2; ++again) {
          ASSERT_OK_AND_ASSIGN(auto got, ts_->LastRows(*snap, p.q, p.fields));
          EXPECT_TRUE(SameRows(got, rows)) << "at a snapshot, step " << step;
        }
      }
    } else if (op == 7 && step % 3 == 0) {
      // Through the other handle: this one learns of it only from the catalog.
      absl::Status s = other->DropMeasurement("m");
      ASSERT_TRUE(s.ok() || absl::IsNotFound(s)) << s;
      snaps.clear();  // the catalog is not versioned: a dropped name reads as absent everywhere
    } else if (op == 8) {
      // Long enough to hide nothing (kBase is in 2026), short enough to move `from` with the
      // clock; or cleared again.
      absl::Status s = other->SetRetention("m", rng() % 2 ? int64_t{100000} * kHour : 0);
      ASSERT_TRUE(s.ok() || absl::IsNotFound(s)) << s;
    } else if (op == 9) {
      absl::Status s = ts_->Flush("m");
      ASSERT_TRUE(s.ok() || absl::IsNotFound(s)) << s;
    } else if (op == 10 && step % 4 == 0) {
      snaps.clear();
      other.reset();
      ReopenTs();
      ASSERT_OK_AND_ASSIGN(other, TsStore::Open(db_.get()));
    }
    for (int i = 0; i < 3; ++i) {
      const Probe p = random_probe();
      const std::vector<TsFieldsRow> want = uncached(p);
      for (int again = 0; again < 2; ++again) {
        ASSERT_OK_AND_ASSIGN(auto got, ts_->LastRows(p.q, p.fields));
        ASSERT_TRUE(SameRows(got, want)) << "step " << step << " probe " << i << " read " << again;
      }
    }
  }
}

}  // namespace
}  // namespace tessera
