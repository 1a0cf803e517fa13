// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "gtest/gtest.h"
#include "models/ts/ts_test_util.h"
#include "tessera/kv.h"
#include "tessera/ts.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

using test::kBase;
using test::kHour;
using test::kSec;

class TsStoreTest : public test::TsDbTest {
 protected:
  static TsPoint P(std::string host, int64_t t, TsValue v, std::string m = "cpu") {
    return TsPoint{std::move(m), {{"host", std::move(host)}}, {{"usage", v}}, t};
  }
  std::vector<TsRow> Q(TsQuery q) {
    auto r = ts_->Query(q);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : std::vector<TsRow>{};
  }
};

double D(const TsValue& v) {
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return std::get<bool>(v) ? 1 : 0;
}

TEST_F(TsStoreTest, WritesAndReadsEveryValueTypeBitExactly) {
  const double nan_payload = std::bit_cast<double>(uint64_t{0x7ff8000000000abcULL});
  std::vector<TsPoint> pts{
      {"m", {{"k", "v"}}, {{"f", -0.0}, {"i", int64_t{INT64_MIN}}, {"b", true}}, kBase},
      {"m", {{"k", "v"}}, {{"f", nan_payload}, {"i", int64_t{INT64_MAX}}, {"b", false}}, kBase + 1},
      {"m", {{"k", "v"}}, {{"f", -INFINITY}, {"i", int64_t{0}}, {"b", true}}, kBase + 3 * kHour}};
  ASSERT_OK(ts_->Write(pts));
  for (int pass = 0; pass < 3; ++pass) {
    auto f = Q({.measurement = "m", .field = "f"});
    ASSERT_EQ(f.size(), 3u);
    EXPECT_EQ(std::bit_cast<uint64_t>(std::get<double>(f[0].value)), std::bit_cast<uint64_t>(-0.0));
    EXPECT_EQ(std::bit_cast<uint64_t>(std::get<double>(f[1].value)), 0x7ff8000000000abcULL);
    EXPECT_EQ(std::get<double>(f[2].value), -INFINITY);
    auto i = Q({.measurement = "m", .field = "i"});
    ASSERT_EQ(i.size(), 3u);
    EXPECT_EQ(std::get<int64_t>(i[0].value), INT64_MIN);
    EXPECT_EQ(std::get<int64_t>(i[1].value), INT64_MAX);
    auto b = Q({.measurement = "m", .field = "b"});
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(std::get<bool>(b[1].value), false);
    EXPECT_EQ(b[2].time, kBase + 3 * kHour);
    if (pass == 0) ASSERT_OK(ts_->Flush(""));
    if (pass == 1) ReopenTs();
  }
}

TEST_F(TsStoreTest, LastWriteWinsIncludingInSealedWindows) {
  // 10 hours of points: the early windows are sealed by the later writes.
  std::vector<TsPoint> pts;
  for (int i = 0; i < 600; ++i) pts.push_back(P("a", kBase + i * 60 * kSec, double(i)));
  ASSERT_OK(ts_->Write(pts));
  // Overwrite a point of the first (sealed) window and add one out of order into it.
  ASSERT_OK(ts_->Write({P("a", kBase + 60 * kSec, 1000.0), P("a", kBase + 30 * kSec, -1.0)}));
  auto check = [&] {
    auto rows = Q({.measurement = "cpu", .field = "usage", .to = kBase + 3 * 60 * kSec});
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(D(rows[0].value), 0);
    EXPECT_EQ(rows[1].time, kBase + 30 * kSec);
    EXPECT_EQ(D(rows[1].value), -1);
    EXPECT_EQ(D(rows[2].value), 1000);
    EXPECT_EQ(D(rows[3].value), 2);
    EXPECT_EQ(Q({.measurement = "cpu", .field = "usage"}).size(), 601u);
  };
  check();
  ASSERT_OK(ts_->Flush("cpu"));
  check();
  ReopenTs();
  check();
}

TEST_F(TsStoreTest, LaterHeadBlocksWinInOpenWindowsAndAfterRestart) {
  // Every write of an open window is a head block of its own; on equal timestamps the later
  // block wins, within a batch the later point wins, and a restart keeps numbering above.
  ASSERT_OK(ts_->Write({P("a", kBase, 1.0), P("a", kBase + kSec, 5.0), P("a", kBase, 2.0)}));
  ASSERT_OK(ts_->Write({P("a", kBase, 3.0)}));
  auto value_at_base = [&] {
    auto rows = Q({.measurement = "cpu", .field = "usage"});
    EXPECT_EQ(rows.size(), 2u);
    return rows.empty() ? -1.0 : D(rows[0].value);
  };
  EXPECT_EQ(value_at_base(), 3.0);
  auto last = ts_->Last({.measurement = "cpu", .field = "usage"});
  ASSERT_TRUE(last.ok()) << last.status();
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ(D((*last)[0].value), 5.0);
  ReopenTs();
  EXPECT_EQ(value_at_base(), 3.0);
  ASSERT_OK(ts_->Write({P("a", kBase, 4.0)}));
  EXPECT_EQ(value_at_base(), 4.0);
  ASSERT_OK(ts_->Flush("cpu"));
  EXPECT_EQ(value_at_base(), 4.0);
}

TEST_F(TsStoreTest, ReadsAtASnapshotDoNotSeeLaterWrites) {
  ASSERT_OK(ts_->Write({P("a", kBase, 1.0), P("a", kBase + kSec, 2.0)}));
  ASSERT_OK_AND_ASSIGN(auto snap, db_->GetSnapshot());
  ASSERT_OK(ts_->Write({P("a", kBase + 2 * kSec, 3.0), P("a", kBase, 9.0), P("b", kBase, 4.0)}));
  ASSERT_OK(ts_->Flush("cpu"));  // sealing after the snapshot must not change what it sees
  auto at_snap = ts_->Query(*snap, {.measurement = "cpu", .field = "usage"});
  ASSERT_TRUE(at_snap.ok()) << at_snap.status();
  ASSERT_EQ(at_snap->size(), 2u);
  EXPECT_EQ(D((*at_snap)[0].value), 1.0);
  EXPECT_EQ(D((*at_snap)[1].value), 2.0);
  auto last = ts_->Last(*snap, {.measurement = "cpu", .field = "usage"});
  ASSERT_TRUE(last.ok()) << last.status();
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ((*last)[0].time, kBase + kSec);
  auto series = ts_->ListSeries(*snap, "cpu", {});
  ASSERT_TRUE(series.ok()) << series.status();
  EXPECT_EQ(series->size(), 1u);                                      // host=b did not exist yet
  EXPECT_EQ(Q({.measurement = "cpu", .field = "usage"}).size(), 4u);  // now: a x3, b x1
}

TEST_F(TsStoreTest, WritesInsideAUserTransactionCommitOrRollBackWithIt) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  {
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
    ASSERT_OK(ts_->Write(*txn, {P("a", kBase, 1.0), P("a", kBase + kSec, 2.0)}));
    ASSERT_OK(kv->Put(*txn, "side", "k", "v"));
    EXPECT_TRUE(Q({.measurement = "cpu", .field = "usage"}).empty());  // not committed yet
    ASSERT_OK(txn->Rollback());
  }
  EXPECT_TRUE(Q({.measurement = "cpu", .field = "usage"}).empty());
  ASSERT_OK(ts_->Flush("cpu"));  // sealing the rolled-back window's marker changes nothing
  EXPECT_TRUE(Q({.measurement = "cpu", .field = "usage"}).empty());
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK(ts_->Write(*txn, {P("a", kBase, 1.0)}));
  ASSERT_OK(ts_->Write(*txn, {P("a", kBase, 5.0), P("a", kBase + kSec, 2.0)}));  // later wins
  ASSERT_OK(kv->Put(*txn, "side", "k", "v"));
  ASSERT_OK(txn->Commit());
  auto rows = Q({.measurement = "cpu", .field = "usage"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(D(rows[0].value), 5.0);
  ASSERT_OK(ts_->Flush("cpu"));
  EXPECT_EQ(Q({.measurement = "cpu", .field = "usage"}).size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto side, kv->Get("side", "k"));
  EXPECT_EQ(side, std::optional<std::string>("v"));
  // A transaction reads its own points of series that existed when it began.
  {
    ASSERT_OK_AND_ASSIGN(auto reader, db_->Begin());
    ASSERT_OK(ts_->Write(*reader, {P("a", kBase + 9 * kSec, 9.0)}));
    auto own = ts_->Query(*reader, {.measurement = "cpu", .field = "usage"});
    ASSERT_TRUE(own.ok()) << own.status();
    EXPECT_EQ(own->size(), 3u);
    ASSERT_OK(reader->Rollback());
  }
  // Continuous aggregation runs after a commit, so a measurement with rules refuses it.
  ASSERT_OK(ts_->AddDownsample("cpu", "cpu_1h", {TsAggFn::kMean}, int64_t{3600} * kSec));
  ASSERT_OK_AND_ASSIGN(auto txn2, db_->Begin());
  auto refused = ts_->Write(*txn2, {P("a", kBase + 2 * kSec, 3.0)});
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << refused;
}

TEST_F(TsStoreTest, SealedChunksCostFewBytesPerPoint) {
  // One day of a regular 10 s float series with a slowly varying value.
  std::vector<TsPoint> pts;
  for (int i = 0; i < 8640; ++i) {
    pts.push_back(P("a", kBase + int64_t{i} * 10 * kSec, double((i / 7) % 50) * 0.5));
  }
  // In batches, as an agent would send them: closed windows are sealed as writes move on, so
  // only the newest two windows (4 of 24 hours) are still head blocks.
  for (size_t i = 0; i < pts.size(); i += 1000) {
    ASSERT_OK(ts_->Write(
        std::vector<TsPoint>(pts.begin() + i, pts.begin() + std::min(pts.size(), i + 1000))));
  }
  ASSERT_OK_AND_ASSIGN(TsStats open, ts_->Stats("cpu"));
  EXPECT_EQ(open.points, 8640);
  EXPECT_LT(open.bytes_per_point, 10.0) << open.bytes << " bytes";
  ASSERT_OK(ts_->Flush(""));
  ASSERT_OK_AND_ASSIGN(TsStats st, ts_->Stats("cpu"));
  EXPECT_EQ(st.points, 8640);
  EXPECT_EQ(st.series, 1);
  EXPECT_LT(st.bytes_per_point, 2.0) << st.bytes << " bytes";
  EXPECT_GT(st.bytes, 0);
}

TEST_F(TsStoreTest, SelectsSeriesByTagsThroughTheIndex) {
  std::vector<TsPoint> pts;
  const std::vector<std::pair<std::string, std::string>> hosts{
      {"web1", "eu"}, {"web2", "eu"}, {"db1", "us"}, {"db2", ""}};
  for (size_t i = 0; i < hosts.size(); ++i) {
    TsTags tags{{"host", hosts[i].first}};
    if (!hosts[i].second.empty()) tags.emplace_back("region", hosts[i].second);
    pts.push_back({"cpu", tags, {{"usage", double(i)}, {"idle", 1.0}}, kBase});
  }
  ASSERT_OK(ts_->Write(pts));
  using Op = TsTagFilter::Op;
  auto hosts_of = [&](std::vector<TsTagFilter> where) {
    std::vector<std::string> out;
    auto rows = ts_->ListSeries("cpu", where);
    EXPECT_TRUE(rows.ok()) << rows.status();
    for (const auto& s : *rows) {
      if (s.field == "usage") out.push_back(s.tags[0].second);
    }
    return out;
  };
  EXPECT_EQ(hosts_of({{"region", Op::kEq, {"eu"}}}), (std::vector<std::string>{"web1", "web2"}));
  EXPECT_EQ(hosts_of({{"region", Op::kNe, {"eu"}}}), (std::vector<std::string>{"db1", "db2"}));
  EXPECT_EQ(hosts_of({{"host", Op::kIn, {"db1", "web2", "nope"}}}),
            (std::vector<std::string>{"db1", "web2"}));
  EXPECT_EQ(hosts_of({{"host", Op::kRegex, {"^web"}}}), (std::vector<std::string>{"web1", "web2"}));
  EXPECT_EQ(hosts_of({{"region", Op::kRegex, {"^$"}}}), (std::vector<std::string>{"db2"}));
  EXPECT_EQ(hosts_of({{"host", Op::kRegex, {"1$"}}, {"region", Op::kEq, {"us"}}}),
            (std::vector<std::string>{"db1"}));
  EXPECT_FALSE(ts_->ListSeries("cpu", {{"host", Op::kRegex, {"("}}}).ok());
  EXPECT_FALSE(ts_->ListSeries("cpu", {{"host", Op::kEq, {}}}).ok());
  ASSERT_OK_AND_ASSIGN(auto all, ts_->ListSeries("", {}));
  EXPECT_EQ(all.size(), 8u);
  // Query through the same selection.
  auto rows = Q({.measurement = "cpu",
                 .field = "usage",
                 .where = {{"region", Op::kEq, {"eu"}}},
                 .by = {"host"}});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].tags, (TsTags{{"host", "web1"}}));
  EXPECT_EQ(D(rows[1].value), 1);
}

TEST_F(TsStoreTest, LastPointPerSeriesAndPerGroup) {
  ASSERT_OK(ts_->Write({P("a", kBase + 5 * kHour, 1.0), P("a", kBase, 2.0), P("b", kBase + 1, 3.0),
                        P("b", kBase + 7 * kHour, 4.0)}));
  ASSERT_OK(ts_->Write({P("a", kBase + 2, 5.0)}));
  ASSERT_OK_AND_ASSIGN(auto rows, ts_->Last({.measurement = "cpu", .field = "usage"}));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].tags, (TsTags{{"host", "a"}}));
  EXPECT_EQ(rows[0].time, kBase + 5 * kHour);
  EXPECT_EQ(D(rows[1].value), 4);
  ASSERT_OK_AND_ASSIGN(
      rows,
      ts_->Last({.measurement = "cpu", .field = "usage", .to = kBase + 6 * kHour, .by = {"dc"}}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].tags, (TsTags{{"dc", ""}}));
  EXPECT_EQ(D(rows[0].value), 1);
  ASSERT_OK_AND_ASSIGN(rows, ts_->Last({.measurement = "nope", .field = "usage"}));
  EXPECT_TRUE(rows.empty());
}

TEST_F(TsStoreTest, DescendingAndLimitPerGroup) {
  std::vector<TsPoint> pts;
  for (int i = 0; i < 10; ++i) {
    pts.push_back(P("a", kBase + i * kSec, double(i)));
    pts.push_back(P("b", kBase + i * kSec, double(100 + i)));
  }
  ASSERT_OK(ts_->Write(pts));
  auto rows = Q({.measurement = "cpu", .field = "usage", .by = {"host"}, .limit = 3, .desc = true});
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(D(rows[0].value), 9);
  EXPECT_EQ(D(rows[2].value), 7);
  EXPECT_EQ(D(rows[3].value), 109);
  rows = Q({.measurement = "cpu",
            .field = "usage",
            .from = kBase + 2 * kSec,
            .to = kBase + 4 * kSec,
            .where = {{"host", TsTagFilter::Op::kEq, {"a"}}}});
  ASSERT_EQ(rows.size(), 2u);  // from inclusive, to exclusive
  EXPECT_EQ(D(rows[0].value), 2);
}

TEST_F(TsStoreTest, RejectsBadInputWithClearErrors) {
  EXPECT_FALSE(ts_->Write({TsPoint{"cpu", {}, {}, 1}}).ok());
  EXPECT_FALSE(ts_->Write({TsPoint{"bad name", {}, {{"f", 1.0}}, 1}}).ok());
  EXPECT_FALSE(ts_->Write({TsPoint{"cpu", {{"a", "1"}, {"a", "2"}}, {{"f", 1.0}}, 1}}).ok());
  ASSERT_OK(ts_->Write({P("a", kBase, 1.0)}));
  absl::Status s = ts_->Write({P("a", kBase, int64_t{1})});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.message()).find("float"), std::string::npos) << s;
  EXPECT_FALSE(ts_->Query({.measurement = "cpu",
                           .field = "usage",
                           .aggregate = TsAggregate{TsAggFn::kSum},
                           .every = 0})
                   .ok());
}

TEST_F(TsStoreTest, LineProtocolBatchIsAllOrNothing) {
  auto r = ts_->WriteLineProtocol(
      "# comment\ncpu,host=a usage=1 1000\n\ncpu,host=b usage=2i,idle=t 2000\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, 2u);
  r = ts_->WriteLineProtocol("cpu,host=c usage=1 1000\ncpu,host=c usage= 2000\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("line 2"), std::string::npos) << r.status();
  r = ts_->WriteLineProtocol("cpu,host=c usage=1 1000\ncpu,host=c usage=x 2000\n",
                             TsPrecision::kNanoseconds, 41);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("line 42"), std::string::npos) << r.status();
  r = ts_->WriteLineProtocol("cpu,host=d usage=1 1000\ncpu,host=d name=\"x\" 2000\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("string"), std::string::npos);
  r = ts_->WriteLineProtocol("cpu,host=e big=18446744073709551615u 1\n");
  EXPECT_FALSE(r.ok());
  ASSERT_OK_AND_ASSIGN(auto series, ts_->ListSeries("cpu", {}));
  EXPECT_EQ(series.size(), 3u);  // a.usage, b.usage, b.idle; nothing of c, d or e
  ASSERT_OK_AND_ASSIGN(size_t n,
                       ts_->WriteLineProtocol("cpu,host=s usage=1 5\n", TsPrecision::kSeconds));
  EXPECT_EQ(n, 1u);
  auto rows =
      Q({.measurement = "cpu", .field = "usage", .where = {{"host", TsTagFilter::Op::kEq, {"s"}}}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].time, 5 * kSec);
  rows = Q({.measurement = "cpu", .field = "idle"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<bool>(rows[0].value), true);
}

TEST_F(TsStoreTest, WritesOneChangeEventPerMeasurementPerBatch) {
  const uint64_t before = db_->LastSequence();
  std::vector<TsPoint> pts;
  for (int i = 0; i < 100; ++i) pts.push_back(P(std::to_string(i % 4), kBase + i, 1.0));
  pts.push_back(P("x", kBase, 1.0, "mem"));
  ASSERT_OK(ts_->Write(pts));
  EXPECT_EQ(db_->LastSequence(), before + 2);
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadChanges({.from_seq = before + 1}));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].model, Model::kTimeSeries);
  EXPECT_EQ(events[0].object, "cpu");
  EXPECT_NE(events[0].after->find("\"points\":100"), std::string::npos) << *events[0].after;
}

// Random data with gaps, duplicates and out-of-order writes, in several batches; the naive model
// keeps the last write per (host, time).
TEST_F(TsStoreTest, EveryAggregationAgreesWithNaiveComputation) {
  std::mt19937_64 rng(42);
  std::map<std::string, std::map<int64_t, double>> truth;
  const std::vector<std::string> hosts{"h0", "h1", "h2"};
  for (int batch = 0; batch < 12; ++batch) {
    std::vector<TsPoint> pts;
    for (int i = 0; i < 300; ++i) {
      const size_t h = rng() % hosts.size();
      // Times over ~30 hours in 1-minute steps, offset per host so hosts never share a time.
      int64_t step = static_cast<int64_t>(rng() % 1800);
      if (step % 10 == 3) step = 700;             // a hot spot: many duplicates
      if (step >= 1000 && step < 1200) continue;  // a gap
      const int64_t t = kBase + step * 60 * kSec + static_cast<int64_t>(h);
      const double v = std::round(std::uniform_real_distribution<double>(-50, 50)(rng) * 8) / 8;
      pts.push_back(P(hosts[h], t, v));
      truth[hosts[h]][t] = v;
    }
    ASSERT_OK(ts_->Write(pts));
    if (batch == 6) ASSERT_OK(ts_->Flush("cpu"));
  }
  const std::vector<std::string> fns{"count", "sum",    "min", "max", "mean", "first",
                                     "last",  "stddev", "p50", "p90", "p99"};
  const int64_t every = 17 * 60 * kSec;
  auto naive = [&](const std::vector<std::pair<int64_t, double>>& s, const TsAggregate& a) {
    std::vector<double> v;
    for (auto& p : s) v.push_back(p.second);
    const double n = static_cast<double>(v.size());
    double sum = 0;
    for (double x : v) sum += x;
    switch (a.fn) {
      case TsAggFn::kCount:
        return n;
      case TsAggFn::kSum:
        return sum;
      case TsAggFn::kMean:
        return sum / n;
      case TsAggFn::kMin:
        return *std::min_element(v.begin(), v.end());
      case TsAggFn::kMax:
        return *std::max_element(v.begin(), v.end());
      case TsAggFn::kFirst:
        return v.front();
      case TsAggFn::kLast:
        return v.back();
      case TsAggFn::kStddev: {
        if (v.size() < 2) return std::nan("");
        double m = sum / n, ss = 0;
        for (double x : v) ss += (x - m) * (x - m);
        return std::sqrt(ss / (n - 1));
      }
      case TsAggFn::kPercentile: {
        std::sort(v.begin(), v.end());
        size_t rank = static_cast<size_t>(std::ceil(a.percentile / 100 * n));
        rank = std::max<size_t>(rank, 1);
        return v[rank - 1];
      }
    }
    return 0.0;
  };
  auto check = [&] {
    for (const std::string& name : fns) {
      ASSERT_OK_AND_ASSIGN(TsAggregate agg, ParseTsAggregate(name));
      for (bool grouped : {false, true}) {
        // Expected: per group, samples in time order, bucketed.
        std::map<std::string, std::map<int64_t, std::vector<std::pair<int64_t, double>>>> exp;
        for (const auto& [host, pts] : truth) {
          for (const auto& [t, v] : pts) {
            if (t < kBase + 3 * kHour) continue;  // the query's from
            int64_t b = (t / every) * every;
            exp[grouped ? host : ""][b].emplace_back(t, v);
          }
        }
        std::vector<TsRow> rows =
            Q({.measurement = "cpu",
               .field = "usage",
               .from = kBase + 3 * kHour,
               .aggregate = agg,
               .every = every,
               .by = grouped ? std::vector<std::string>{"host"} : std::vector<std::string>{}});
        size_t i = 0;
        for (auto& [group, buckets] : exp) {
          for (auto& [b, samples] : buckets) {
            std::sort(samples.begin(), samples.end());
            ASSERT_LT(i, rows.size()) << name;
            const TsRow& r = rows[i++];
            EXPECT_EQ(r.time, b) << name;
            if (grouped) {
              EXPECT_EQ(r.tags, (TsTags{{"host", group}})) << name;
            }
            const double want = naive(samples, agg);
            if (std::isnan(want)) {
              EXPECT_TRUE(std::isnan(D(r.value))) << name;
            } else {
              EXPECT_NEAR(D(r.value), want, 1e-9 * std::max(1.0, std::fabs(want))) << name;
            }
          }
        }
        EXPECT_EQ(i, rows.size()) << name;
      }
    }
  };
  check();
  ASSERT_OK(ts_->Flush(""));
  check();
  ReopenTs();
  check();
}

TEST_F(TsStoreTest, RetentionHidesAndDropsOldWindowsAcrossRestarts) {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::vector<TsPoint> pts;
  for (int h = 0; h < 48; ++h) pts.push_back(P("a", now - h * kHour - kSec, double(h)));
  ASSERT_OK(ts_->Write(pts));
  ASSERT_OK(ts_->Flush(""));
  ASSERT_OK_AND_ASSIGN(TsStats before, ts_->Stats("cpu"));
  EXPECT_EQ(before.points, 48);
  ASSERT_OK(ts_->SetRetention("cpu", 10 * kHour));
  auto rows = Q({.measurement = "cpu", .field = "usage"});
  ASSERT_EQ(rows.size(), 10u);  // hours 0..9 are younger than 10 h
  ASSERT_OK_AND_ASSIGN(TsStats after, ts_->Stats("cpu"));
  EXPECT_EQ(after.points, 10);
  EXPECT_LT(after.bytes, before.bytes / 2);  // whole old windows were range-deleted
  ReopenTs();
  EXPECT_EQ(Q({.measurement = "cpu", .field = "usage"}).size(), 10u);
  // A write older than the retention is not stored.
  ASSERT_OK(ts_->Write({P("a", now - 20 * kHour, 1.0)}));
  EXPECT_EQ(Q({.measurement = "cpu", .field = "usage"}).size(), 10u);
  ASSERT_OK(ts_->SetRetention("cpu", 0));
  EXPECT_FALSE(ts_->SetRetention("cpu", -1).ok());
}

// Guards the read path's per-measurement caches (options, scopes, last points): lifting a
// retention must make an old point written afterwards visible at once, not only after a reopen.
TEST_F(TsStoreTest, LiftedRetentionShowsLaterOldWritesWithoutReopen) {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  ASSERT_OK(ts_->Write({P("a", now - kSec, 1.0)}));
  ASSERT_OK(ts_->SetRetention("cpu", 10 * kHour));
  ASSERT_EQ(Q({.measurement = "cpu", .field = "usage"}).size(), 1u);
  ASSERT_OK(ts_->Write({P("a", now - 20 * kHour, 2.0)}));  // older than the retention
  EXPECT_EQ(Q({.measurement = "cpu", .field = "usage"}).size(), 1u);
  ASSERT_OK(ts_->SetRetention("cpu", 0));
  ASSERT_OK(ts_->Write({P("a", now - 30 * kHour, 3.0)}));
  auto rows = Q({.measurement = "cpu", .field = "usage"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].time, now - 30 * kHour);
  EXPECT_DOUBLE_EQ(D(rows[0].value), 3.0);
  ReopenTs();
  EXPECT_EQ(Q({.measurement = "cpu", .field = "usage"}).size(), 2u);
}

// Guards the last-point cache against retention deletes (which record no change event): a newest
// point cached before a retention deleted it must not come back when the retention is lifted.
TEST_F(TsStoreTest, LastAfterALiftedRetentionDoesNotShowDeletedPoints) {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  ASSERT_OK(ts_->Write({P("a", now - 5 * kHour, 1.0), P("b", now - kSec, 2.0)}));
  ASSERT_OK_AND_ASSIGN(auto rows, ts_->Last({.measurement = "cpu", .field = "usage"}));
  ASSERT_EQ(rows.size(), 2u);  // cached now
  ASSERT_OK_AND_ASSIGN(auto multi, ts_->LastRows({.measurement = "cpu"}, {"usage"}));
  ASSERT_EQ(multi.size(), 2u);                 // and the whole result
  ASSERT_OK(ts_->SetRetention("cpu", kHour));  // deletes a's window
  ASSERT_OK(ts_->SetRetention("cpu", 0));
  ASSERT_OK_AND_ASSIGN(rows, ts_->Last({.measurement = "cpu", .field = "usage"}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].tags, (TsTags{{"host", "b"}}));
  ASSERT_OK_AND_ASSIGN(multi, ts_->LastRows({.measurement = "cpu"}, {"usage"}));
  EXPECT_EQ(multi.size(), 1u);
  ReopenTs();
  ASSERT_OK_AND_ASSIGN(rows, ts_->Last({.measurement = "cpu", .field = "usage"}));
  EXPECT_EQ(rows.size(), 1u);
}

TEST_F(TsStoreTest, DownsamplingFollowsWritesAcrossRestarts) {
  std::vector<TsPoint> pts;
  for (int i = 0; i < 120; ++i) pts.push_back(P("a", kBase + i * 60 * kSec, double(i)));
  ASSERT_OK(ts_->Write(pts));
  ASSERT_OK(ts_->AddDownsample("cpu", "cpu_1h", {TsAggFn::kMean}, kHour));
  auto rows = Q({.measurement = "cpu_1h", .field = "usage"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(D(rows[0].value), 29.5);
  EXPECT_DOUBLE_EQ(D(rows[1].value), 89.5);
  EXPECT_EQ(rows[1].time, kBase + kHour);
  ReopenTs();
  // A later write updates its bucket, and a new bucket appears.
  ASSERT_OK(ts_->Write({P("a", kBase + 30 * 60 * kSec, 1000.0), P("a", kBase + 2 * kHour, 7.0)}));
  rows = Q({.measurement = "cpu_1h", .field = "usage"});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_DOUBLE_EQ(D(rows[0].value), (29.5 * 60 - 30 + 1000) / 60);
  EXPECT_DOUBLE_EQ(D(rows[2].value), 7);
  ASSERT_OK_AND_ASSIGN(auto series, ts_->ListSeries("cpu_1h", {}));
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].tags, (TsTags{{"host", "a"}}));
  EXPECT_FALSE(ts_->AddDownsample("cpu_1h", "cpu", {TsAggFn::kMax}, kHour).ok());  // a cycle
  EXPECT_FALSE(ts_->AddDownsample("cpu", "x", {TsAggFn::kMax}, 0).ok());
}

TEST_F(TsStoreTest, DropMeasurementRemovesEverything) {
  ASSERT_OK(ts_->Write({P("a", kBase, 1.0)}));
  ASSERT_OK(ts_->DropMeasurement("cpu"));
  EXPECT_TRUE(Q({.measurement = "cpu", .field = "usage"}).empty());
  EXPECT_EQ(ts_->DropMeasurement("cpu").code(), absl::StatusCode::kNotFound);
  ASSERT_OK(ts_->Write({P("b", kBase, 2.0)}));
  auto rows = Q({.measurement = "cpu", .field = "usage", .by = {"host"}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].tags, (TsTags{{"host", "b"}}));
}

}  // namespace
}  // namespace tessera
