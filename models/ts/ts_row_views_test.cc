// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The row cursors of the time-series model (QueryRowViews, LastRowViews) against the row reads
// they view (QueryRows, LastRows): the same rows, order and errors, and the rows of the state the
// call read while the store is written during the iteration.
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "models/ts/ts_test_util.h"
#include "tessera/ts.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

using test::kBase;
using test::kHour;
using test::kSec;

class TsRowViewsTest : public test::TsDbTest {};

// Points of hosts a..c over 3 hours: x (int) always, y (float) mostly, z (bool) sometimes.
std::vector<TsPoint> SomeHosts(std::mt19937_64& rng, int n) {
  std::vector<TsPoint> pts;
  for (int i = 0; i < n; ++i) {
    TsPoint p{"m", {{"host", std::string(1, static_cast<char>('a' + rng() % 3))}}, {}, 0};
    p.time = kBase + static_cast<int64_t>(rng() % (3 * 3600)) * kSec;
    p.fields.emplace_back("x", static_cast<int64_t>(rng() % 100));
    if (rng() % 4 != 0) p.fields.emplace_back("y", static_cast<double>(rng() % 400) / 4);
    if (rng() % 5 == 0) p.fields.emplace_back("z", rng() % 2 == 0);
    pts.push_back(std::move(p));
  }
  return pts;
}

// Every row of a cursor, copied out of its views (the cursor must end without an error).
std::vector<TsFieldsRow> Collect(Cursor<TsRowView>& c) {
  std::vector<TsFieldsRow> out;
  for (; c.Valid(); c.Next()) {
    const TsRowView& v = c.entry();
    EXPECT_NE(v.tags, nullptr);
    out.push_back(TsFieldsRow{v.time, *v.tags, {v.values.begin(), v.values.end()}});
  }
  EXPECT_TRUE(c.status().ok()) << c.status();
  return out;
}

void ExpectSameRows(const std::vector<TsFieldsRow>& got, const std::vector<TsFieldsRow>& want,
                    const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].time, want[i].time) << what << " row " << i;
    EXPECT_EQ(got[i].tags, want[i].tags) << what << " row " << i;
    EXPECT_EQ(got[i].values, want[i].values) << what << " row " << i;
  }
}

TEST_F(TsRowViewsTest, QueryRowViewsGiveQueryRowsRowsAndErrors) {
  std::mt19937_64 rng(21);
  ASSERT_OK(ts_->Write(SomeHosts(rng, 300)));
  ASSERT_OK(ts_->Flush("m"));
  ASSERT_OK(ts_->Write(SomeHosts(rng, 60)));  // heads over sealed chunks
  const std::vector<std::string> fields = {"x", "y", "z", "none"};
  using Op = TsValueFilter::Op;
  const std::vector<TsQuery> queries = {
      {.measurement = "m", .by = {"host"}},
      {.measurement = "m",
       .from = kBase + kHour,
       .where = {{"host", TsTagFilter::Op::kEq, {"b"}}},
       .desc = true},
      {.measurement = "m", .by = {"host"}, .limit = 3, .desc = true},
      {.measurement = "m", .by = {"host"}, .value_where = {{"x", Op::kGt, 80}}},
      {.measurement = "m", .by = {"host"}, .desc = true, .value_where = {{"y", Op::kLe, 10}}},
      {.measurement = "m",
       .by = {"host"},
       .limit = 2,
       .value_where = {{"x", Op::kGe, 50}, {"y", Op::kLt, 50}}},
      {.measurement = "m", .by = {"host"}, .value_where = {{"x", Op::kGt, 1000}}},  // no row
      {.measurement = "m",
       .where = {{"host", TsTagFilter::Op::kIn, {"a", "c"}}},
       .aggregate = TsAggregate{TsAggFn::kMax},
       .every = 600 * kSec},
      {.measurement = "m",
       .aggregate = TsAggregate{TsAggFn::kMean},
       .every = kHour,
       .by = {"host"},
       .limit = 2,
       .desc = true},
      {.measurement = "m", .from = kBase, .to = kBase, .by = {"host"}},  // empty range
      {.measurement = "nothing", .by = {"host"}},                        // no such measurement
  };
  ASSERT_OK_AND_ASSIGN(auto snap, db_->GetSnapshot());
  std::vector<std::vector<TsFieldsRow>> wants;
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    const std::string what = "query " + std::to_string(qi);
    ASSERT_OK_AND_ASSIGN(auto want, ts_->QueryRows(queries[qi], fields));
    ASSERT_OK_AND_ASSIGN(auto cursor, ts_->QueryRowViews(queries[qi], fields));
    ExpectSameRows(Collect(*cursor), want, what);
    wants.push_back(std::move(want));
  }
  // Points written after the snapshot (they change the latest rows): the snapshot's views
  // still give the rows of its time.
  ASSERT_OK(ts_->Write(SomeHosts(rng, 40)));
  ASSERT_OK_AND_ASSIGN(auto latest, ts_->QueryRows(queries[0], fields));
  ASSERT_NE(latest.size(), wants[0].size());
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    ASSERT_OK_AND_ASSIGN(auto at_snap, ts_->QueryRowViews(*snap, queries[qi], fields));
    ExpectSameRows(Collect(*at_snap), wants[qi], "query " + std::to_string(qi) + " at a snapshot");
  }
  // Errors: the same status as QueryRows, from the call.
  const std::vector<std::pair<TsQuery, std::vector<std::string>>> bad = {
      {{.measurement = "m"}, fields},  // raw rows need one series per field in a group
      {{.measurement = "m", .by = {"host"}}, {}},
      {{.measurement = "m", .by = {"host"}}, {"x", ""}},
      {{.measurement = "", .by = {"host"}}, fields},
      {{.measurement = "m",
        .aggregate = TsAggregate{TsAggFn::kMax},
        .every = kHour,
        .value_where = {{"x", Op::kGt, 1}}},
       fields},
      {{.measurement = "m", .by = {"host"}, .value_where = {{"", Op::kGt, 1}}}, fields},
      {{.measurement = "m", .by = {"host"}, .cancelled = [] { return true; }}, fields},
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    auto rows = ts_->QueryRows(bad[i].first, bad[i].second);
    ASSERT_FALSE(rows.ok()) << "bad query " << i;
    auto cursor = ts_->QueryRowViews(bad[i].first, bad[i].second);
    EXPECT_EQ(cursor.status(), rows.status()) << "bad query " << i;
  }
}

TEST_F(TsRowViewsTest, LastRowViewsGiveLastRowsRowsAndErrors) {
  std::mt19937_64 rng(22);
  ASSERT_OK(ts_->Write(SomeHosts(rng, 200)));
  ASSERT_OK(ts_->Flush("m"));
  ASSERT_OK(ts_->Write(SomeHosts(rng, 30)));
  const std::vector<std::string> fields = {"x", "y", "z", "none"};
  const std::vector<TsQuery> queries = {
      {.measurement = "m", .by = {"host"}},
      {.measurement = "m"},  // per tag set
      {.measurement = "m", .to = kBase + kHour, .by = {"host"}, .limit = 2, .desc = true},
      {.measurement = "m", .where = {{"host", TsTagFilter::Op::kEq, {"c"}}}},
      {.measurement = "m", .from = kBase + 10 * kHour},  // nothing that new
      {.measurement = "nothing"},
  };
  ASSERT_OK_AND_ASSIGN(auto snap, db_->GetSnapshot());
  std::vector<std::vector<TsFieldsRow>> wants;
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    const std::string what = "query " + std::to_string(qi);
    ASSERT_OK_AND_ASSIGN(auto want, ts_->LastRows(queries[qi], fields));
    // Twice: the second call is served by the last-point cache (its rows viewed, not copied).
    for (int round = 0; round < 2; ++round) {
      ASSERT_OK_AND_ASSIGN(auto cursor, ts_->LastRowViews(queries[qi], fields));
      ExpectSameRows(Collect(*cursor), want, what + " round " + std::to_string(round));
    }
    ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
    ASSERT_OK_AND_ASSIGN(auto in_txn, ts_->LastRowViews(*txn, queries[qi], fields));
    ExpectSameRows(Collect(*in_txn), want, what + " in a transaction");
    wants.push_back(std::move(want));
  }
  // A newer point of every host after the snapshot (it changes the latest rows): the
  // snapshot's views still give the rows of its time.
  for (const char* host : {"a", "b", "c"}) {
    ASSERT_OK(ts_->Write({{"m", {{"host", host}}, {{"x", int64_t{7}}}, kBase + 5 * kHour}}));
  }
  ASSERT_OK_AND_ASSIGN(auto latest, ts_->LastRows(queries[0], fields));
  ASSERT_FALSE(latest.empty());
  ASSERT_NE(latest[0].time, wants[0][0].time);
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    ASSERT_OK_AND_ASSIGN(auto at_snap, ts_->LastRowViews(*snap, queries[qi], fields));
    ExpectSameRows(Collect(*at_snap), wants[qi], "query " + std::to_string(qi) + " at a snapshot");
  }
  for (const std::vector<std::string>& f : {std::vector<std::string>{}, {"x", ""}}) {
    auto rows = ts_->LastRows({.measurement = "m"}, f);
    ASSERT_FALSE(rows.ok());
    EXPECT_EQ(ts_->LastRowViews({.measurement = "m"}, f).status(), rows.status());
  }
}

// A cursor's rows are those of the state its call read: points written (new times, and new
// values at times already read) while it is iterated change neither the rows still to come nor
// the view in hand; a new call sees them.
TEST_F(TsRowViewsTest, RowViewsKeepTheCallsStateWhileTheStoreIsWritten) {
  std::mt19937_64 rng(23);
  ASSERT_OK(ts_->Write(SomeHosts(rng, 120)));
  ASSERT_OK(ts_->Flush("m"));
  ASSERT_OK(ts_->Write(SomeHosts(rng, 20)));
  const std::vector<std::string> fields = {"x", "y"};
  const TsQuery q{.measurement = "m", .by = {"host"}};
  ASSERT_OK_AND_ASSIGN(auto before, ts_->QueryRows(q, fields));
  ASSERT_OK_AND_ASSIGN(auto last_before, ts_->LastRows(q, fields));
  ASSERT_GT(before.size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto rows, ts_->QueryRowViews(q, fields));
  ASSERT_OK_AND_ASSIGN(auto last, ts_->LastRowViews(q, fields));
  ASSERT_TRUE(rows->Valid());
  ASSERT_TRUE(last->Valid());
  const TsRowView& first = rows->entry();
  // Overwrite every row's values, and add newer points to every host.
  std::vector<TsPoint> more;
  for (const TsFieldsRow& r : before) {
    more.push_back({"m", r.tags, {{"x", int64_t{-1}}, {"y", -1.0}}, r.time});
    more.push_back({"m", r.tags, {{"x", int64_t{-2}}}, r.time + 5 * kHour});
  }
  ASSERT_OK(ts_->Write(more));
  ASSERT_OK(ts_->Flush("m"));
  EXPECT_EQ(first.time, before[0].time);
  EXPECT_EQ(std::vector<std::optional<TsValue>>(first.values.begin(), first.values.end()),
            before[0].values);
  ExpectSameRows(Collect(*rows), before, "QueryRowViews");
  ExpectSameRows(Collect(*last), last_before, "LastRowViews");
  ASSERT_OK_AND_ASSIGN(auto after, ts_->QueryRowViews(q, fields));
  ASSERT_TRUE(after->Valid());
  EXPECT_EQ(after->entry().values[0], std::optional<TsValue>(int64_t{-1}));
  ASSERT_OK_AND_ASSIGN(auto last_after, ts_->LastRowViews(q, fields));
  ASSERT_TRUE(last_after->Valid());
  EXPECT_EQ(last_after->entry().values[0], std::optional<TsValue>(int64_t{-2}));
}

}  // namespace
}  // namespace tessera
