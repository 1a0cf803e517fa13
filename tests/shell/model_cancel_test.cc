// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Cancellation of the long model calls that the shell's Ctrl-C reaches through the models' option
// structs (TraversalOptions / SubgraphOptions::cancelled, TsQuery::cancelled,
// FeedReadOptions::cancelled): a check that is already true, or that turns true after a few
// polls, makes each call return Cancelled; one that stays false changes nothing. Then the same
// through the shell's commands with the session's cancel token set.
#include <atomic>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tessera/feed.h"
#include "tessera/graph.h"
#include "tessera/kv.h"
#include "tessera/ts.h"
#include "tests/shell/shell_fixture.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

using ::testing::HasSubstr;

// A check that returns false `polls_before` times, then true.
std::function<bool()> CancelAfter(int polls_before, std::shared_ptr<int> polls = nullptr) {
  if (polls == nullptr) polls = std::make_shared<int>(0);
  return [polls, polls_before] { return (*polls)++ >= polls_before; };
}

std::function<bool()> Never() {
  return [] { return false; };
}

template <typename T>
void ExpectCancelled(const absl::StatusOr<T>& result, std::string_view what) {
  ASSERT_FALSE(result.ok()) << what << " was not cancelled";
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled)
      << what << ": " << result.status();
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("cancelled")) << what;
}

class ModelCancelTest : public test::DbTest {};

// A ring of 200 vertices with chords, both ways: every traversal has work to do.
void BuildGraph(GraphStore& g) {
  for (int i = 0; i < 200; ++i) ASSERT_OK(g.AddVertex("g", "v" + std::to_string(i)));
  for (int i = 0; i < 200; ++i) {
    const std::string v = "v" + std::to_string(i);
    const std::string next = "v" + std::to_string((i + 1) % 200);
    const std::string chord = "v" + std::to_string((i + 7) % 200);
    ASSERT_OK(g.AddEdge("g", v, "e", next).status());
    ASSERT_OK(g.AddEdge("g", v, "e", chord, 2.0).status());
    ASSERT_OK(g.AddEdge("g", next, "e", v).status());
  }
}

TEST_F(ModelCancelTest, GraphTraversalsAndAlgorithmsStopWhenCancelled) {
  ASSERT_OK_AND_ASSIGN(auto g, GraphStore::Open(db_.get()));
  BuildGraph(*g);

  for (int after : {0, 2}) {  // cancelled from the start, and after two polls
    SCOPED_TRACE(after);
    TraversalOptions t;
    t.cancelled = CancelAfter(after);
    ExpectCancelled(g->KHop("g", "v0", 50, t), "khop");
    t.cancelled = CancelAfter(after);
    ExpectCancelled(g->ShortestPath("g", "v0", "v100", /*weighted=*/false, t), "path");
    t.cancelled = CancelAfter(after);
    ExpectCancelled(g->ShortestPath("g", "v0", "v100", /*weighted=*/true, t), "weighted path");
    ExpandOptions e;
    e.max_hops = 9;  // about 30000 steps: several polls
    e.traversal.cancelled = CancelAfter(after);
    ExpectCancelled(g->Expand("g", "v0", e), "expand");

    PageRankOptions pr;
    pr.iterations = 1000;
    pr.tolerance = 0;
    pr.subgraph.cancelled = CancelAfter(after + 3);  // past the loading phases
    ExpectCancelled(g->PageRank("g", pr), "pagerank");
    SubgraphOptions s;
    s.cancelled = CancelAfter(after);
    ExpectCancelled(g->Components("g", /*strong=*/false, s), "components");
    s.cancelled = CancelAfter(after);
    ExpectCancelled(g->Components("g", /*strong=*/true, s), "strong components");
    s.cancelled = CancelAfter(after);
    ExpectCancelled(g->Triangles("g", s), "triangles");
  }
  TraversalOptions t;
  t.cancelled = CancelAfter(0);
  ExpectCancelled(g->Neighbors("g", "v0", t), "neighbors");

  // A check that stays false changes nothing.
  TraversalOptions never;
  never.cancelled = Never();
  ASSERT_OK_AND_ASSIGN(auto plain, g->KHop("g", "v0", 3));
  ASSERT_OK_AND_ASSIGN(auto polled, g->KHop("g", "v0", 3, never));
  EXPECT_EQ(plain, polled);
  ASSERT_OK_AND_ASSIGN(auto n1, g->Neighbors("g", "v0"));
  ASSERT_OK_AND_ASSIGN(auto n2, g->Neighbors("g", "v0", never));
  EXPECT_EQ(n1, n2);
  SubgraphOptions never_s;
  never_s.cancelled = Never();
  ASSERT_OK_AND_ASSIGN(int64_t tri1, g->Triangles("g"));
  ASSERT_OK_AND_ASSIGN(int64_t tri2, g->Triangles("g", never_s));
  EXPECT_EQ(tri1, tri2);
  PageRankOptions pr;
  pr.subgraph.cancelled = Never();
  ASSERT_OK_AND_ASSIGN(auto r1, g->PageRank("g"));
  ASSERT_OK_AND_ASSIGN(auto r2, g->PageRank("g", pr));
  ASSERT_EQ(r1.size(), r2.size());
  for (size_t i = 0; i < r1.size(); ++i) EXPECT_EQ(r1[i].id, r2[i].id);
}

// PageRank polls once per iteration: a check flipped after 10 polls stops a run of 100000
// iterations (which would otherwise take minutes on this periodic graph, where tolerance never
// ends it).
TEST_F(ModelCancelTest, PageRankStopsBetweenIterations) {
  ASSERT_OK_AND_ASSIGN(auto g, GraphStore::Open(db_.get()));
  for (const char* v : {"hub", "a", "b"}) ASSERT_OK(g->AddVertex("g", v));
  ASSERT_OK(g->AddEdge("g", "hub", "e", "a").status());
  ASSERT_OK(g->AddEdge("g", "a", "e", "hub").status());
  ASSERT_OK(g->AddEdge("g", "hub", "e", "b").status());
  ASSERT_OK(g->AddEdge("g", "b", "e", "hub").status());
  PageRankOptions pr;
  pr.iterations = 100000;
  pr.damping = 1.0;
  auto polls = std::make_shared<int>(0);
  pr.subgraph.cancelled = CancelAfter(10, polls);
  ExpectCancelled(g->PageRank("g", pr), "pagerank");
  EXPECT_EQ(*polls, 11);  // the 11th poll said stop: nothing ran past it
}

TEST_F(ModelCancelTest, TimeSeriesQueryAndLastStopWhenCancelled) {
  ASSERT_OK_AND_ASSIGN(auto ts, TsStore::Open(db_.get()));
  std::string lines;
  for (int s = 0; s < 20; ++s) {
    for (int i = 0; i < 50; ++i) {
      lines += "cpu,host=h" + std::to_string(s) + " usage=" + std::to_string(i) + " " +
               std::to_string(1700000000000000000LL + i * 1000000000LL) + "\n";
    }
  }
  ASSERT_OK_AND_ASSIGN(size_t n, ts->WriteLineProtocol(lines));
  ASSERT_EQ(n, 1000u);
  for (int after : {0, 5}) {
    SCOPED_TRACE(after);
    TsQuery q;
    q.measurement = "cpu";
    q.field = "usage";
    q.cancelled = CancelAfter(after);
    ExpectCancelled(ts->Query(q), "ts query");
    q.cancelled = CancelAfter(after);
    ExpectCancelled(ts->Last(q), "ts last");
    q.cancelled = CancelAfter(after);
    q.aggregate = TsAggregate();
    q.every = 60000000000LL;
    ExpectCancelled(ts->Query(q), "ts query agg");
  }
  TsQuery q;
  q.measurement = "cpu";
  q.field = "usage";
  q.cancelled = Never();
  ASSERT_OK_AND_ASSIGN(auto rows, ts->Query(q));
  EXPECT_EQ(rows.size(), 1000u);
  ASSERT_OK_AND_ASSIGN(auto last, ts->Last(q));
  EXPECT_EQ(last.size(), 20u);
}

TEST_F(ModelCancelTest, FeedReadStopsWhenCancelled) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  for (int i = 0; i < 1500; ++i) ASSERT_OK(kv->Put("ns", "k" + std::to_string(i), "v"));
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::Open(db_.get()));
  FeedReadOptions read;
  read.limit = 10;
  read.filter.models = {Model::kDocument};  // nothing matches: the whole log is scanned
  read.cancelled = CancelAfter(0);
  ExpectCancelled(feed->Read(read), "feed read");
  auto polls = std::make_shared<int>(0);
  read.cancelled = CancelAfter(1, polls);  // stops at the second batch of the scan
  ExpectCancelled(feed->Read(read), "feed read");
  EXPECT_EQ(*polls, 2);
  read.cancelled = Never();
  read.filter = {};
  ASSERT_OK_AND_ASSIGN(auto events, feed->Read(read));
  EXPECT_EQ(events.size(), 10u);
}

}  // namespace

namespace shell {
namespace {

using ::testing::HasSubstr;

// The shell passes the session's cancel token to the models: with it set (as Ctrl-C or SIGINT
// sets it), every long non-scan command fails with `cancelled: interrupted by Ctrl-C`.
TEST_F(ShellTest, LongNonScanCommandsStopWhenCancelled) {
  for (const char* v : {"a", "b", "c"}) Run(std::string("graph addv g ") + v);
  Run("graph adde g a e b");
  Run("graph adde g b e c");
  Run("graph adde g c e a");
  Run("ts write cpu,host=a usage=1 1700000000000000000");
  session_->cancel_token().Cancel();
  for (const char* command :
       {"graph neighbors g a", "graph khop g a 3", "graph path g a c", "graph path g a c weighted",
        "graph pagerank g", "graph components g", "graph components g strong", "graph triangles g",
        "ts query cpu usage", "ts query cpu usage agg mean every 1m", "ts last cpu usage",
        "changes", "feed read from 1 model doc", "feed tail"}) {
    ExpectError(command, absl::StatusCode::kCancelled, "interrupted by Ctrl-C");
  }
  session_->cancel_token().Reset();
  EXPECT_EQ(Run("graph khop g a 3")["count"], 2);
  EXPECT_EQ(Run("ts last cpu usage").size(), 1u);
  EXPECT_EQ(Run("changes limit 1").size(), 1u);
}

// import / export / dump / restore poll the token every 1000 records (transfer::CancelFn).
TEST_F(ShellTest, TransfersStopWhenCancelled) {
  const std::string file = dir_->path() + "/kv.jsonl";
  {
    std::ofstream out(file);
    for (int i = 0; i < 2500; ++i)
      out << R"({"key":"k)" << i << R"(","value":"v"})"
          << "\n";
  }
  EXPECT_EQ(Run("import kv big " + file)["imported"], 2500);
  const std::string dump = dir_->path() + "/all.tdump";
  EXPECT_EQ(Run("dump " + dump)["records"], 2500);
  session_->cancel_token().Cancel();
  ExpectError("import kv big2 " + file, absl::StatusCode::kCancelled,
              "interrupted by Ctrl-C (import cancelled after");
  ExpectError("export kv big " + dir_->path() + "/out.jsonl", absl::StatusCode::kCancelled,
              "interrupted by Ctrl-C (export cancelled after 1000 records)");
  ExpectError("dump " + dir_->path() + "/partial.tdump", absl::StatusCode::kCancelled,
              "interrupted by Ctrl-C (dump cancelled after 1000 records)");
  session_->cancel_token().Reset();

  test::TempDir other;
  Options options;
  options.log_destination = LogDestination::kNone;
  auto db2 = DB::Open(other.path() + "/db", options);
  ASSERT_TRUE(db2.ok()) << db2.status();
  {
    auto s2 = Session::Open(db2->get(), Format::kJson);
    ASSERT_TRUE(s2.ok()) << s2.status();
    (*s2)->cancel_token().Cancel();
    absl::StatusOr<Json> restored = (*s2)->Execute("restore " + dump);
    ASSERT_FALSE(restored.ok());
    EXPECT_EQ(restored.status().code(), absl::StatusCode::kCancelled) << restored.status();
    EXPECT_THAT(std::string(restored.status().message()),
                HasSubstr("interrupted by Ctrl-C (restore cancelled after 1000 records"));
  }
  ASSERT_TRUE((*db2)->Close().ok());
}

}  // namespace
}  // namespace shell
}  // namespace tessera
