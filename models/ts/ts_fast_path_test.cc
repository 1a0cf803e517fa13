// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The fast paths of the time-series model against their reference: line protocol's fast parser
// against the batch API, the writers' series-key cache across drops and retention, Last against a
// naive model, QueryFields / LastFields against one Query / Last per field.
#include <chrono>
#include <map>
#include <random>

#include "gtest/gtest.h"
#include "models/ts/ts_test_util.h"
#include "tessera/ts.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

using test::kBase;
using test::kHour;
using test::kSec;

class TsFastPathTest : public test::TsDbTest {
 protected:
  std::vector<TsRow> Q(TsQuery q) {
    auto r = ts_->Query(q);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : std::vector<TsRow>{};
  }
};

bool SameRows(const std::vector<TsRow>& a, const std::vector<TsRow>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].time != b[i].time || a[i].value != b[i].value || a[i].tags != b[i].tags) return false;
  }
  return true;
}

TEST_F(TsFastPathTest, LineProtocolFastPathMatchesTheBatchApi) {
  // The same points as line protocol (in "lp") and as batch points (in "api"): tag orders that
  // name one series, escapes, a repeated field (last wins), a line without the tag set seen
  // before, out-of-order and duplicate timestamps, every value type.
  const std::string text =
      "lp,host=a,dc=x u=1i,f=0.5,b=t 1000\n"
      "lp,dc=x,host=a u=2i,f=1.5,b=f 2000\n"  // the same series, tags in another order
      "lp,host=a,dc=x u=3i,f=2.5,b=true 500\n"
      "lp,host=a,dc=x u=4i,u=5i,f=3.5 3000\n"  // repeated field: 5 wins
      "lp,host=a,dc=x f=9.5,u=6i 1000\n"       // fields in another order; rewrites t=1000
      "lp,host=b\\ c,dc=x u=7u,f=-1e3 1000\n"  // escaped tag value, unsigned
      "  lp,host=a,dc=x u=8i 4000\n"           // leading blanks
      "lp,host=a,dc=x u=9i,f=+2 5000\r\n";
  ASSERT_OK_AND_ASSIGN(size_t n, ts_->WriteLineProtocol(text));
  EXPECT_EQ(n, 8u);
  auto pt = [](TsTags tags, std::vector<std::pair<std::string, TsValue>> f, int64_t t) {
    return TsPoint{"api", std::move(tags), std::move(f), t};
  };
  const TsTags a = {{"host", "a"}, {"dc", "x"}}, a2 = {{"dc", "x"}, {"host", "a"}};
  const TsTags b = {{"host", "b c"}, {"dc", "x"}};
  ASSERT_OK(ts_->Write({
      pt(a, {{"u", int64_t{1}}, {"f", 0.5}, {"b", true}}, 1000),
      pt(a2, {{"u", int64_t{2}}, {"f", 1.5}, {"b", false}}, 2000),
      pt(a, {{"u", int64_t{3}}, {"f", 2.5}, {"b", true}}, 500),
      pt(a, {{"u", int64_t{5}}, {"f", 3.5}}, 3000),
      pt(a, {{"f", 9.5}, {"u", int64_t{6}}}, 1000),
      pt(b, {{"u", int64_t{7}}, {"f", -1000.0}}, 1000),
      pt(a, {{"u", int64_t{8}}}, 4000),
      pt(a, {{"u", int64_t{9}}, {"f", 2.0}}, 5000),
  }));
  for (const char* field : {"u", "f", "b"}) {
    auto lp = Q({.measurement = "lp", .field = field, .by = {"host", "dc"}});
    auto api = Q({.measurement = "api", .field = field, .by = {"host", "dc"}});
    EXPECT_TRUE(SameRows(lp, api)) << field;
    EXPECT_FALSE(lp.empty()) << field;
  }
  auto u = Q({.measurement = "lp", .field = "u", .where = {{"host", TsTagFilter::Op::kEq, {"a"}}}});
  ASSERT_EQ(u.size(), 6u);
  EXPECT_EQ(u[1].time, 1000);
  EXPECT_EQ(std::get<int64_t>(u[1].value), 6);
  EXPECT_EQ(std::get<int64_t>(u[3].value), 5);
  ASSERT_OK_AND_ASSIGN(auto series, ts_->ListSeries("lp", {}));
  EXPECT_EQ(series.size(), 5u);  // a: u f b; "b c": u f
}

TEST_F(TsFastPathTest, LineProtocolErrorsAndTypeConflictsWriteNothing) {
  ASSERT_OK(ts_->WriteLineProtocol("m,h=a v=1i 1\n").status());
  // The series key is cached by now; a later line of the same key with a bad value is still
  // reported with its line number, and nothing of the batch is written.
  auto r = ts_->WriteLineProtocol("m,h=a v=2i 2\nm,h=a v=2x 3\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("line 2"), std::string::npos) << r.status();
  // A refused point (a string) in an early line and a malformed later line: the parse error wins.
  r = ts_->WriteLineProtocol("m,h=a s=\"x\" 4\nm,h=a v=1i 5\nm,h=a v= 6\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("line 3"), std::string::npos) << r.status();
  // Two types for one series in one batch.
  r = ts_->WriteLineProtocol("m,h=new v=1i 7\nm,h=new v=1.5 8\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  // Another type than the stored one, for a cached series.
  r = ts_->WriteLineProtocol("m,h=a v=1.5 9\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("integer"), std::string::npos) << r.status();
  auto rows = Q({.measurement = "m", .field = "v", .where = {{"h", TsTagFilter::Op::kEq, {"a"}}}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].time, 1);
}

TEST_F(TsFastPathTest, SeriesKeyCacheSurvivesDropRetentionAndReopen) {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto line = [](int64_t t, std::string v) {
    return "cpu,host=a usage=" + v + " " + std::to_string(t) + "\n";
  };
  // Created, then dropped with its measurement: the same key then makes a new series, even of
  // another type.
  ASSERT_OK(ts_->WriteLineProtocol(line(now - kHour, "1i")).status());
  ASSERT_OK(ts_->DropMeasurement("cpu"));
  ASSERT_OK(ts_->WriteLineProtocol(line(now - kHour, "2.5")).status());
  auto rows = Q({.measurement = "cpu", .field = "usage"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(std::get<double>(rows[0].value), 2.5);
  // Its points removed by retention, then written again: visible again, old ones not.
  ASSERT_OK(ts_->WriteLineProtocol(line(now - 30 * kHour, "1.0")).status());
  ASSERT_OK(ts_->Flush("cpu"));
  ASSERT_OK(ts_->SetRetention("cpu", 2 * kHour));
  EXPECT_EQ(Q({.measurement = "cpu", .field = "usage"}).size(), 1u);
  ASSERT_OK(ts_->SetRetention("cpu", 0));
  EXPECT_EQ(Q({.measurement = "cpu", .field = "usage"}).size(), 1u);  // range-deleted for good
  ASSERT_OK(ts_->WriteLineProtocol(line(now - 30 * kHour, "3.0") + line(now, "4.0")).status());
  rows = Q({.measurement = "cpu", .field = "usage"});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(std::get<double>(rows[0].value), 3.0);
  ASSERT_OK_AND_ASSIGN(auto last, ts_->Last({.measurement = "cpu", .field = "usage"}));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(std::get<double>(last[0].value), 4.0);
  // After a restart (an empty cache) the same key finds the same series.
  ReopenTs();
  ASSERT_OK(ts_->WriteLineProtocol(line(now + 1, "5.0")).status());
  ASSERT_OK_AND_ASSIGN(auto series, ts_->ListSeries("cpu", {}));
  EXPECT_EQ(series.size(), 1u);
  EXPECT_EQ(Q({.measurement = "cpu", .field = "usage"}).size(), 4u);
  EXPECT_FALSE(ts_->WriteLineProtocol(line(now + 2, "5i")).ok());  // still a float series
}

// Last (and LastFields) against a naive model: random writes, out of order and duplicated, over
// many windows, some sealed, with and without a time range.
TEST_F(TsFastPathTest, LastAgreesWithANaiveModel) {
  std::mt19937_64 rng(7);
  std::map<std::pair<std::string, std::string>, std::map<int64_t, double>> model;  // (host, f)
  const std::vector<std::string> hosts = {"a", "b", "c"}, fields = {"x", "y"};
  for (int batch = 0; batch < 25; ++batch) {
    std::vector<TsPoint> pts;
    for (int i = 0; i < 20; ++i) {
      const std::string& h = hosts[rng() % hosts.size()];
      // Mostly moving forward, sometimes far back (into sealed windows), sometimes a repeat.
      const int64_t t = kBase + static_cast<int64_t>(rng() % (batch + 1)) * kHour +
                        static_cast<int64_t>(rng() % 4) * 600 * kSec;
      const double v = static_cast<double>(rng() % 1000);
      TsPoint p{"m", {{"host", h}}, {}, t};
      for (const std::string& f : fields) {
        if (rng() % 3 != 0) {
          p.fields.emplace_back(f, v + (f == "y" ? 0.5 : 0));
          model[{h, f}][t] = v + (f == "y" ? 0.5 : 0);
        }
      }
      if (!p.fields.empty()) pts.push_back(std::move(p));
    }
    ASSERT_OK(ts_->Write(pts));
    if (batch == 12) ReopenTs();
    for (int probe = 0; probe < 3; ++probe) {
      std::optional<int64_t> to;
      if (probe > 0) to = kBase + static_cast<int64_t>(rng() % (batch + 2)) * kHour;
      TsQuery q{.measurement = "m", .to = to};
      ASSERT_OK_AND_ASSIGN(auto got, ts_->LastFields(q, fields));
      ASSERT_EQ(got.size(), fields.size());
      for (size_t fi = 0; fi < fields.size(); ++fi) {
        std::vector<TsRow> want;
        for (const std::string& h : hosts) {
          auto it = model.find({h, fields[fi]});
          if (it == model.end()) continue;
          auto end = to ? it->second.lower_bound(*to) : it->second.end();
          if (end == it->second.begin()) continue;
          --end;
          want.push_back(TsRow{end->first, end->second, {{"host", h}}});
        }
        EXPECT_TRUE(SameRows(got[fi], want)) << "batch " << batch << " field " << fields[fi];
        q.field = fields[fi];
        ASSERT_OK_AND_ASSIGN(auto one, ts_->Last(q));
        EXPECT_TRUE(SameRows(one, want)) << "batch " << batch << " field " << fields[fi];
      }
    }
  }
}

TEST_F(TsFastPathTest, QueryFieldsEqualsOneQueryPerField) {
  std::mt19937_64 rng(3);
  std::vector<TsPoint> pts;
  for (int i = 0; i < 600; ++i) {
    TsPoint p{"m", {{"host", std::string(1, static_cast<char>('a' + rng() % 3))}}, {}, 0};
    p.time = kBase + static_cast<int64_t>(rng() % (6 * 3600)) * kSec;
    p.fields.emplace_back("x", static_cast<int64_t>(rng() % 100));
    if (rng() % 2) p.fields.emplace_back("y", static_cast<double>(rng() % 100) / 4);
    if (rng() % 5 == 0) p.fields.emplace_back("z", rng() % 2 == 0);
    pts.push_back(std::move(p));
  }
  ASSERT_OK(ts_->Write(pts));
  const std::vector<std::string> fields = {"x", "y", "z", "none"};
  std::vector<TsQuery> queries = {
      {.measurement = "m"},
      {.measurement = "m", .from = kBase + kHour, .to = kBase + 4 * kHour, .desc = true},
      {.measurement = "m",
       .where = {{"host", TsTagFilter::Op::kIn, {"a", "c"}}},
       .aggregate = TsAggregate{TsAggFn::kMax},
       .every = 600 * kSec},
      {.measurement = "m",
       .aggregate = TsAggregate{TsAggFn::kMean},
       .every = kHour,
       .by = {"host"},
       .limit = 3},
      {.measurement = "m",
       .where = {{"host", TsTagFilter::Op::kNe, {"b"}}},
       .aggregate = TsAggregate{TsAggFn::kPercentile, 90},
       .every = kHour},
  };
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    ASSERT_OK_AND_ASSIGN(auto all, ts_->QueryFields(queries[qi], fields));
    ASSERT_EQ(all.size(), fields.size());
    for (size_t fi = 0; fi < fields.size(); ++fi) {
      TsQuery q = queries[qi];
      q.field = fields[fi];
      EXPECT_TRUE(SameRows(all[fi], Q(q))) << "query " << qi << " field " << fields[fi];
    }
    EXPECT_TRUE(all[3].empty());
  }
  EXPECT_FALSE(ts_->QueryFields({.measurement = "m"}, {}).ok());
  EXPECT_FALSE(ts_->LastFields({.measurement = "m"}, {"x", ""}).ok());
}

}  // namespace
}  // namespace tessera
