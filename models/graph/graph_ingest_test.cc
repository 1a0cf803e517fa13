// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The bulk loader's ingestion path (graph_ingest.h): it must store exactly what the
// transactional path stores (records, adjacency, degrees, change events), publish its events
// like any commit, keep snapshots and conflict checks right, and survive a kill mid-load with
// whole batches only.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "core/engine/bulk_ingest.h"
#include "core/engine/engine.h"
#include "core/engine/txn_impl.h"
#include "gtest/gtest.h"
#include "models/graph/graph_codec.h"
#include "models/graph/graph_ingest.h"
#include "models/graph/graph_loader.h"
#include "models/graph/graph_reader.h"
#include "models/graph/graph_test_util.h"
#include "tessera/transaction.h"

namespace tessera::test {
namespace {

constexpr size_t kAlwaysIngest = 1;
constexpr size_t kNeverIngest = SIZE_MAX;

class GraphIngestTest : public GraphDbTest {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_->path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  absl::StatusOr<GraphLoadResult> Load(const std::string& graph, const std::string& file,
                                       size_t batch, size_t min_ingest) {
    auto info = db_->engine().catalog().GetOrCreate(Model::kGraph, graph);
    if (!info.ok()) return info.status();
    GraphLoadOptions o;
    o.batch_edges = batch;
    o.default_type = "rel";
    return graph::LoadEdgeListFile(&db_->engine(), *info, file, o, min_ingest);
  }
  // Everything a reader can see of a graph, in a comparable form.
  std::vector<std::string> Dump(const std::string& graph) {
    std::vector<std::string> out;
    auto ids = graph_->VertexIds(graph);
    EXPECT_TRUE(ids.ok()) << ids.status();
    for (const std::string& v : *ids) {
      auto vx = graph_->GetVertex(graph, v);
      EXPECT_TRUE(vx.ok() && vx->has_value());
      const Vertex& x = **vx;
      out.push_back("V " + v + " " + x.label + " " + x.props + " " + std::to_string(x.out_degree) +
                    "/" + std::to_string(x.in_degree));
      for (Direction d : {Direction::kOut, Direction::kIn}) {
        auto c = graph_->Edges(graph, v, d);
        EXPECT_TRUE(c.ok());
        for (; (*c)->Valid(); (*c)->Next()) {
          const AdjEntry& e = (*c)->entry();
          out.push_back("A " + v + " " + std::to_string(static_cast<int>(e.dir)) + " " +
                        std::string(e.type) + " " + std::string(e.other) + " " +
                        std::to_string(e.edge_id) + " " + std::to_string(e.weight));
          auto edge = graph_->GetEdge(graph, e.edge_id);
          EXPECT_TRUE(edge.ok() && edge->has_value());
          out.push_back("E " + std::to_string(e.edge_id) + " " + (*edge)->src + " " + (*edge)->dst +
                        " " + (*edge)->type + " " + std::to_string((*edge)->weight) + " " +
                        (*edge)->props);
        }
        EXPECT_OK((*c)->status());
      }
    }
    return out;
  }
  // The change events of one graph, without the fields a commit decides.
  std::vector<std::string> Events(const std::string& graph) {
    std::vector<std::string> out;
    ChangeReadOptions o;
    o.limit = 1000000;
    auto events = db_->ReadChanges(o);
    EXPECT_TRUE(events.ok()) << events.status();
    for (const ChangeEvent& e : *events) {
      if (e.object != graph) continue;
      out.push_back(std::string(1, static_cast<char>(e.op)) + " " + e.key + " " +
                    e.after.value_or("-") + " " + e.before.value_or("-"));
    }
    return out;
  }
};

// A part declared complete early (FinishPart, as the loader does after each file) is finished on
// its own thread: it takes no more keys, and Commit ingests it with the other parts; an
// ingestion that never commits leaves no file behind, finished or not.
TEST_F(GraphIngestTest, PartFinishedEarlyTakesNoMoreKeysAndCommits) {
  internal::Engine* engine = &db_->engine();
  const std::vector<std::string> keys = {"zz-bulk-a", "zz-bulk-b", "zz-bulk-c", "zz-bulk-d"};
  {
    internal::BulkIngest abandoned(engine);
    ASSERT_OK(abandoned.Put(internal::Cf::kData, keys[3], "never"));
    abandoned.FinishPart(internal::Cf::kData, 0);
  }
  internal::BulkIngest bulk(engine);
  bulk.SetParts(internal::Cf::kData, 2);
  ASSERT_OK(bulk.Put(internal::Cf::kData, 0, keys[0], "1"));
  bulk.FinishPart(internal::Cf::kData, 0);
  bulk.FinishPart(internal::Cf::kData, 0);  // already finishing: nothing more
  EXPECT_EQ(bulk.Put(internal::Cf::kData, 0, keys[1], "2").code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_OK(bulk.Put(internal::Cf::kData, 1, keys[2], "3"));  // finished by Commit
  ASSERT_OK(bulk.Commit());
  std::vector<std::string> values;
  std::vector<bool> found;
  ASSERT_OK(engine->latest().MultiGet(internal::Cf::kData, keys, &values, &found));
  EXPECT_TRUE(found[0]);
  EXPECT_FALSE(found[1]);
  EXPECT_TRUE(found[2]);
  EXPECT_FALSE(found[3]);
  EXPECT_EQ(values[0], "1");
  EXPECT_EQ(values[2], "3");
  for (const auto& f : std::filesystem::directory_iterator(db_path())) {
    EXPECT_EQ(f.path().filename().string().find("bulk-"), std::string::npos) << f.path();
  }
}

// Ids with commas, quotes, backslashes, control bytes, UTF-8 and invalid UTF-8 (the file is
// tab-separated), weights that msgpack stores as float32 and as float64, and a long type.
std::string AwkwardEdgeList() {
  const std::vector<std::string> ids = {
      "a", "b,c", "q\"uote", "back\\slash", "tab x", "\xc3\xa9t\xc3\xa9", "bad\xff", "ctl\x01", "z",
      std::string(40, 'L'),
      // Ids that share their first 8 bytes (the loader sorts on them first) or differ in length.
      "abcdefgh", "abcdefghi", "abcdefgh\x80", "abcdefg", "abcdefgi"};
  const std::vector<std::string> weights = {"1", "2.5", "0.1", "-3", "1e300", "7"};
  std::string text;
  std::mt19937 rng(7);
  for (int i = 0; i < 160; ++i) {
    const std::string& s = ids[rng() % ids.size()];
    const std::string& d = ids[rng() % ids.size()];
    text += s + "\t" + d;
    switch (rng() % 3) {
      case 0:
        break;
      case 1:
        text += "\tknows";
        break;
      default:
        text += "\t" + std::string(40, rng() % 2 == 0 ? 't' : 'u') + "\t" +
                weights[rng() % weights.size()];
    }
    text += "\n";
  }
  text += "a\ta\n";  // a self-loop, and a multi-edge
  text += "a\ta\n";
  return text;
}

TEST_F(GraphIngestTest, StoresWhatTheTransactionalPathStores) {
  std::string f = Write("awkward.tsv", AwkwardEdgeList());
  ASSERT_OK(graph_->AddVertex("tx", "z", "Keep", R"({"k": 1})"));
  ASSERT_OK(graph_->AddVertex("in", "z", "Keep", R"({"k": 1})"));
  for (size_t batch : {size_t{7}, size_t{1000}}) {
    SCOPED_TRACE(batch);
    ASSERT_OK_AND_ASSIGN(GraphLoadResult t, Load("tx", f, batch, kNeverIngest));
    ASSERT_OK_AND_ASSIGN(GraphLoadResult i, Load("in", f, batch, kAlwaysIngest));
    EXPECT_EQ(t.edges, 162);
    EXPECT_EQ(i.edges, t.edges);
    EXPECT_EQ(i.vertices, t.vertices);
    EXPECT_EQ(Dump("in"), Dump("tx"));
    EXPECT_EQ(Events("in"), Events("tx"));
  }
  // And after a reopen (the ingested files are part of the database).
  ReopenGraph();
  EXPECT_EQ(Dump("in"), Dump("tx"));
}

TEST_F(GraphIngestTest, EdgeRecordIsByteForByteTheCodecs) {
  for (double w : {1.0, 2.5, 0.1, -3.0, 1e300, 0.0}) {
    for (std::string s : {std::string("a"), std::string(31, 'x'), std::string(32, 'x'),
                          std::string(300, 'y'), std::string(70000, 'z')}) {
      Edge e;
      e.src = s;
      e.dst = "d";
      e.type = "t";
      e.weight = w;
      e.props = "{}";
      std::string mine;
      graph::AppendLoadedEdgeRecord(e.src, e.dst, e.type, e.weight, &mine);
      EXPECT_EQ(mine, graph::EncodeEdge(e)) << w << " " << s.size();
    }
  }
}

TEST_F(GraphIngestTest, EventsAreOneTransactionInOrderAndWakeWaiters) {
  std::string text;
  for (int i = 0; i < 50; ++i)
    text += "s" + std::to_string(i % 7) + ",d" + std::to_string(i) + "\n";
  std::string f = Write("e.csv", text);
  ASSERT_OK(graph_->AddVertex("g", "before"));
  const uint64_t last = db_->LastSequence();
  internal::ChangeLog& log = db_->engine().change_log();
  bool woke = false;
  std::thread waiter([&] { woke = log.WaitFor(last + 1, absl::Seconds(30)); });
  ASSERT_OK_AND_ASSIGN(GraphLoadResult r, Load("g", f, 1000, kAlwaysIngest));
  waiter.join();
  EXPECT_TRUE(woke);
  EXPECT_EQ(r.vertices, 57);
  EXPECT_EQ(db_->LastSequence(), last + 57 + 50);
  ChangeReadOptions o;
  o.from_seq = last + 1;
  o.limit = 1000;
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadChanges(o));
  ASSERT_EQ(events.size(), 107u);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].seq, last + 1 + i);
    EXPECT_EQ(events[i].txn_id, events[0].txn_id);
    EXPECT_EQ(events[i].txn_index, i);
    EXPECT_EQ(events[i].txn_events, 107u);
  }
  // Vertex creates come right before the first edge that needs them.
  EXPECT_EQ(events[0].key, "v:s0");
  EXPECT_EQ(events[1].key, "v:d0");
  EXPECT_EQ(events[2].key, "e:1");
  // A later commit continues the numbering.
  ASSERT_OK(graph_->AddVertex("g", "after"));
  EXPECT_EQ(db_->LastSequence(), last + 108);
}

// A batch large enough that its event file is written in two parts by two threads (and its
// adjacency in two files split by vertex): every event once, in order, as one transaction, and
// the stored graph the same as the transactional path's.
TEST_F(GraphIngestTest, LargeBatchEventsStayInOrderAcrossFileParts) {
  std::string text;
  std::mt19937 rng(11);
  constexpr int kEdges = 8300;  // with its vertex events, past two parts of 4096 events
  for (int i = 0; i < kEdges; ++i) {
    text += "v" + std::to_string(rng() % 1000) + ",v" + std::to_string(rng() % 1000) + "\n";
  }
  std::string f = Write("big.csv", text);
  ASSERT_OK(graph_->AddVertex("in", "v7"));
  const uint64_t last = db_->LastSequence();
  ASSERT_OK_AND_ASSIGN(GraphLoadResult r, Load("in", f, kEdges, kAlwaysIngest));
  EXPECT_EQ(r.edges, kEdges);
  const uint64_t n = db_->LastSequence() - last;
  EXPECT_EQ(n, static_cast<uint64_t>(kEdges + r.vertices));
  ChangeReadOptions o;
  o.from_seq = last + 1;
  o.limit = n + 10;
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadChanges(o));
  ASSERT_EQ(events.size(), n);
  uint64_t edge_id = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(events[i].seq, last + 1 + i);
    ASSERT_EQ(events[i].txn_id, events[0].txn_id);
    ASSERT_EQ(events[i].txn_index, i);
    ASSERT_EQ(events[i].txn_events, n);
    if (events[i].key.rfind("e:", 0) == 0) {
      const uint64_t id = std::stoull(events[i].key.substr(2));
      if (edge_id != 0) {
        ASSERT_EQ(id, edge_id + 1) << i;
      }
      edge_id = id;
    }
  }
  // Every adjacency entry is there once: the degrees and the entries agree.
  ASSERT_OK_AND_ASSIGN(auto ids, graph_->VertexIds("in"));
  int64_t out = 0, in = 0, entries = 0;
  for (const std::string& v : ids) {
    ASSERT_OK_AND_ASSIGN(auto x, graph_->GetVertex("in", v));
    out += x->out_degree;
    in += x->in_degree;
    ASSERT_OK_AND_ASSIGN(auto c, graph_->Edges("in", v, Direction::kBoth));
    for (; c->Valid(); c->Next()) ++entries;
  }
  EXPECT_EQ(out, kEdges);
  EXPECT_EQ(in, kEdges);
  EXPECT_EQ(entries, 2 * kEdges);
}

// The conflict markers (the load guard and a rewrite of every locked endpoint's record) are only
// written while a snapshot older than the batch is live: without one, no transaction can miss
// the batch.
TEST_F(GraphIngestTest, MarkersOnlyWhileAnOlderSnapshotIsLive) {
  auto keys_written = [&]() -> int64_t {
    auto m = db_->GetMetrics();
    EXPECT_TRUE(m.ok());
    auto it = m->rocksdb.find("rocksdb.number.keys.written");
    EXPECT_NE(it, m->rocksdb.end());
    return it == m->rocksdb.end() ? 0 : static_cast<int64_t>(it->second);
  };
  ASSERT_OK(graph_->AddVertex("g", "x"));
  int64_t before = keys_written();
  ASSERT_OK(Load("g", Write("a.csv", "a1,a2\na2,a3\n"), 1000, kAlwaysIngest).status());
  const int64_t without = keys_written() - before;
  {
    ASSERT_OK_AND_ASSIGN(auto snap, db_->GetSnapshot());
    before = keys_written();
    ASSERT_OK(Load("g", Write("b.csv", "b1,b2\nb2,b3\n"), 1000, kAlwaysIngest).status());
    // b1, b2, b3 (a one-batch load takes no load guard, so it writes no guard marker)
    EXPECT_EQ(keys_written() - before, without + 3);
  }
  // Both batches are whole, and a writer that starts after a batch sees its edges.
  ASSERT_OK_AND_ASSIGN(VertexDeletion d, graph_->DeleteVertex("g", "a2"));
  EXPECT_EQ(d.edges_deleted, 2);
  ASSERT_OK_AND_ASSIGN(auto b2, graph_->GetVertex("g", "b2"));
  ASSERT_TRUE(b2.has_value());
  EXPECT_EQ(b2->in_degree, 1);
  EXPECT_EQ(b2->out_degree, 1);
}

TEST_F(GraphIngestTest, OlderSnapshotsDoNotSeeTheBatch) {
  ASSERT_OK(graph_->AddVertex("g", "x"));
  ASSERT_OK_AND_ASSIGN(auto snap, db_->GetSnapshot());
  std::string f = Write("e.csv", "x,y\ny,z\n");
  ASSERT_OK(Load("g", f, 1000, kAlwaysIngest).status());
  ASSERT_OK_AND_ASSIGN(ObjectInfo info, db_->engine().catalog().Get(Model::kGraph, "g"));
  graph::GraphReader old(&snap->source(), info.id, "g");
  int seen = 0;
  ASSERT_OK(old.ForEachEdge("x", Direction::kBoth, {}, [&](const AdjEntry&) {
    ++seen;
    return true;
  }));
  EXPECT_EQ(seen, 0);
  ASSERT_OK_AND_ASSIGN(auto y, old.GetVertex("y"));
  EXPECT_FALSE(y.has_value());
  EXPECT_EQ(snap->sequence() + 4, db_->LastSequence());  // y, z and two edges
  ASSERT_OK_AND_ASSIGN(auto n, graph_->Neighbors("g", "x"));
  EXPECT_EQ(n, std::vector<std::string>{"y"});
}

// A transaction that began before the batch must not delete an endpoint while missing the
// batch's new edges: it conflicts (and a retry sees them).
TEST_F(GraphIngestTest, WriterWithAnOlderSnapshotConflicts) {
  ASSERT_OK(graph_->AddVertex("g", "x"));
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  std::string f = Write("e.csv", "x,y\nz,x\n");
  ASSERT_OK(Load("g", f, 1000, kAlwaysIngest).status());
  auto del = graph_->DeleteVertex(*txn, "g", "x");
  EXPECT_TRUE(IsConflict(del.status())) << del.status();
  txn.reset();
  ASSERT_OK_AND_ASSIGN(VertexDeletion d, graph_->DeleteVertex("g", "x"));
  EXPECT_EQ(d.edges_deleted, 2);
  ASSERT_OK_AND_ASSIGN(auto y, graph_->GetVertex("g", "y"));
  EXPECT_EQ(y->in_degree, 0);
  ASSERT_OK_AND_ASSIGN(auto z, graph_->GetVertex("g", "z"));
  EXPECT_EQ(z->out_degree, 0);
}

// A batch with more endpoints than one lock transaction holds (graph_ingest.cc, kLockChunk):
// the markers cover the vertices of every lock transaction, and every lock is released.
TEST_F(GraphIngestTest, ManyEndpointsAllMarkedAndUnlocked) {
  ASSERT_OK(graph_->AddVertex("g", "x"));
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "x,y" + std::to_string(i) + "\n";
  std::string f = Write("wide.csv", text);
  ASSERT_OK(Load("g", f, 10000, kAlwaysIngest).status());  // creates the y's
  // A transaction whose snapshot sees the y's, then a second load of the same edges.
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK_AND_ASSIGN(GraphLoadResult r, Load("g", f, 10000, kAlwaysIngest));
  EXPECT_EQ(r.edges, 5000);
  // "y999" sorts after the first 4096 endpoints, so another lock transaction held it.
  auto del = graph_->DeleteVertex(*txn, "g", "y999");
  EXPECT_TRUE(IsConflict(del.status())) << del.status();
  txn.reset();
  for (const char* v : {"y0", "y999", "y4999"}) {  // each unlocked: no lock timeout
    ASSERT_OK_AND_ASSIGN(VertexDeletion d, graph_->DeleteVertex("g", v));
    EXPECT_EQ(d.edges_deleted, 2) << v;
  }
  ASSERT_OK_AND_ASSIGN(auto x, graph_->GetVertex("g", "x"));
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->out_degree, 9994);
}

// A later batch of one load does not lock the endpoints its memo vouches for (graph_ingest.h):
// the load guard keeps a DeleteVertex out instead. A transaction whose snapshot predates such a
// batch conflicts on the guard instead of missing the batch's new edges of an unlocked vertex.
TEST_F(GraphIngestTest, UnlockedEndpointGuardedAgainstOlderSnapshotDelete) {
  ASSERT_OK_AND_ASSIGN(ObjectInfo info, db_->engine().catalog().GetOrCreate(Model::kGraph, "g"));
  std::vector<graph::EdgeRow> first(8, graph::EdgeRow{"x", "y", "rel", 1.0});
  std::vector<graph::EdgeRow> second(8, graph::EdgeRow{"x", "z", "rel", 1.0});
  graph::IngestMemo memo;
  ASSERT_OK(graph::IngestEdgeBatch(&db_->engine(), info, first, &memo).status());
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK_AND_ASSIGN(auto snap, db_->GetSnapshot());
  ASSERT_OK_AND_ASSIGN(int64_t created,
                       graph::IngestEdgeBatch(&db_->engine(), info, second, &memo));
  EXPECT_EQ(created, 1);  // z; x was vouched for, not locked
  // x's record was not rewritten (only z's and the guard were): the guard makes the conflict.
  graph::GraphReader old(&snap->source(), info.id, "g");
  ASSERT_OK_AND_ASSIGN(auto z_then, old.GetVertex("z"));
  EXPECT_FALSE(z_then.has_value());
  auto del = graph_->DeleteVertex(*txn, "g", "x");
  EXPECT_TRUE(IsConflict(del.status())) << del.status();
  txn.reset();
  ASSERT_OK_AND_ASSIGN(VertexDeletion d, graph_->DeleteVertex("g", "x"));
  EXPECT_EQ(d.edges_deleted, 2 * 8);
  for (const char* v : {"y", "z"}) {
    ASSERT_OK_AND_ASSIGN(auto x, graph_->GetVertex("g", v));
    ASSERT_TRUE(x.has_value());
    EXPECT_EQ(x->in_degree, 0) << v;
  }
}

// A DeleteVertex whose transaction is open when a batch starts holds the load guard and the
// vertex's lock: the batch finds the guard busy, locks every endpoint instead and so waits for
// the vertex, then finds it gone (the memo is stale: the delete recorded events) and creates it
// again with only its own edges. Degrees are exact; no edge dangles.
TEST_F(GraphIngestTest, BatchWaitsForAnOpenDeleteVertex) {
  ASSERT_OK_AND_ASSIGN(ObjectInfo info, db_->engine().catalog().GetOrCreate(Model::kGraph, "g"));
  std::vector<graph::EdgeRow> first(8, graph::EdgeRow{"x", "y", "rel", 1.0});
  std::vector<graph::EdgeRow> second(8, graph::EdgeRow{"x", "z", "rel", 1.0});
  graph::IngestMemo memo;
  ASSERT_OK(graph::IngestEdgeBatch(&db_->engine(), info, first, &memo).status());
  memo.WaitUnlock();
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK_AND_ASSIGN(VertexDeletion d, graph_->DeleteVertex(*txn, "g", "x"));
  EXPECT_EQ(d.edges_deleted, 8);
  absl::StatusOr<int64_t> created;
  std::thread batch([&] { created = graph::IngestEdgeBatch(&db_->engine(), info, second, &memo); });
  ASSERT_OK(txn->Commit());
  batch.join();
  ASSERT_OK(created.status());
  EXPECT_EQ(*created, 2);  // x again, and z
  ASSERT_OK_AND_ASSIGN(auto x, graph_->GetVertex("g", "x"));
  ASSERT_TRUE(x.has_value());
  EXPECT_EQ(x->out_degree, 8);
  EXPECT_EQ(x->in_degree, 0);
  ASSERT_OK_AND_ASSIGN(auto y, graph_->GetVertex("g", "y"));
  ASSERT_TRUE(y.has_value());
  EXPECT_EQ(y->in_degree, 0);
  ASSERT_OK_AND_ASSIGN(auto n, graph_->Neighbors("g", "x"));
  EXPECT_EQ(n, std::vector<std::string>{"z"});
}

// An open transaction that deleted an unrelated vertex holds the load guard shared: a later
// batch of a load (its memo current) does not wait for the guard or fail on it (found by review,
// session 9: it used to retry the guard for over a second and fail the load); it locks every
// endpoint instead and commits at once.
TEST_F(GraphIngestTest, OpenDeleteVertexOfAnotherVertexDoesNotHoldUpABatch) {
  ASSERT_OK(graph_->AddVertex("g", "a", "", "{}"));
  ASSERT_OK_AND_ASSIGN(ObjectInfo info, db_->engine().catalog().GetOrCreate(Model::kGraph, "g"));
  graph::IngestMemo memo;
  std::vector<graph::EdgeRow> first(8, graph::EdgeRow{"x", "y", "rel", 1.0});
  ASSERT_OK(graph::IngestEdgeBatch(&db_->engine(), info, first, &memo).status());
  memo.WaitUnlock();
  ASSERT_NE(memo.graph_seq, 0u);
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK_AND_ASSIGN(VertexDeletion d, graph_->DeleteVertex(*txn, "g", "a"));
  EXPECT_TRUE(d.deleted);
  std::vector<graph::EdgeRow> second = {{"x", "y", "rel", 1.0}, {"y", "z", "rel", 1.0}};
  absl::StatusOr<int64_t> created = graph::IngestEdgeBatch(&db_->engine(), info, second, &memo);
  ASSERT_OK(created.status());
  EXPECT_EQ(*created, 1);  // z
  ASSERT_OK(txn->Commit());
  ASSERT_OK_AND_ASSIGN(auto y, graph_->GetVertex("g", "y"));
  ASSERT_TRUE(y.has_value());
  EXPECT_EQ(y->in_degree, 9);
  EXPECT_EQ(y->out_degree, 1);
  ASSERT_OK_AND_ASSIGN(auto a, graph_->GetVertex("g", "a"));
  EXPECT_FALSE(a.has_value());
}

// A batch holds the load guard for tens to hundreds of milliseconds: an auto-commit DeleteVertex
// of any vertex of the graph waits that out (up to kLoadGuardWaitMs) instead of failing after
// its short lock timeouts and retries (~250 ms; found by review, session 9).
TEST_F(GraphIngestTest, DeleteVertexWaitsOutAHeldLoadGuard) {
  ASSERT_OK(graph_->AddVertex("g", "a", "", "{}"));
  ASSERT_OK_AND_ASSIGN(ObjectInfo info, db_->engine().catalog().GetOrCreate(Model::kGraph, "g"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<internal::TxnImpl> guard,
                       db_->engine().BeginTxn("test", /*snapshot=*/false));
  ASSERT_OK(guard->Lock(internal::Cf::kData, graph::LoadGuardKey(info.id)));  // as a batch does
  absl::StatusOr<VertexDeletion> del;
  std::thread deleter([&] { del = graph_->DeleteVertex("g", "a"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // longer than the old give-up
  ASSERT_OK(guard->Rollback());
  deleter.join();
  ASSERT_OK(del.status());
  EXPECT_TRUE(del->deleted);
}

// Single writes (edges added, vertices deleted with their edges) race the batches of a load:
// afterwards no adjacency entry names a missing vertex and every degree counts its entries.
TEST_F(GraphIngestTest, ConcurrentWritersStayConsistent) {
  std::string text;
  std::mt19937 rng(5);
  for (int i = 0; i < 15000; ++i) {
    text += "v" + std::to_string(rng() % 400) + ",v" + std::to_string(rng() % 400) + "\n";
  }
  std::string f = Write("race.csv", text);
  for (int i = 0; i < 400; i += 2) ASSERT_OK(graph_->AddVertex("g", "v" + std::to_string(i)));
  std::atomic<bool> done{false};
  std::thread writer([&] {
    std::mt19937 r(6);
    while (!done.load()) {
      std::string a = "v" + std::to_string(r() % 400), b = "v" + std::to_string(r() % 400);
      if (r() % 4 == 0) {
        auto d = graph_->DeleteVertex("g", a);
        EXPECT_TRUE(d.ok() || IsConflict(d.status())) << d.status();
      } else {
        auto e = graph_->AddEdge("g", a, "w", b);  // NotFound when an end is missing
        EXPECT_TRUE(e.ok() || absl::IsNotFound(e.status()) || IsConflict(e.status())) << e.status();
      }
    }
  });
  auto loaded = Load("g", f, 5000, kAlwaysIngest);
  done = true;
  writer.join();
  ASSERT_OK(loaded.status());
  ASSERT_OK_AND_ASSIGN(auto ids, graph_->VertexIds("g"));
  std::set<std::string> present(ids.begin(), ids.end());
  for (const std::string& v : ids) {
    ASSERT_OK_AND_ASSIGN(auto x, graph_->GetVertex("g", v));
    ASSERT_TRUE(x.has_value());
    for (Direction d : {Direction::kOut, Direction::kIn}) {
      ASSERT_OK_AND_ASSIGN(auto c, graph_->Edges("g", v, d));
      int64_t n = 0;
      for (; c->Valid(); c->Next(), ++n) {
        EXPECT_EQ(present.count(std::string(c->entry().other)), 1u) << "dangling " << v;
      }
      EXPECT_EQ(n, d == Direction::kOut ? x->out_degree : x->in_degree) << v;
    }
  }
}

// A load killed at a random moment leaves whole batches: edge ids 1..k*batch, each with both
// adjacency entries and its event, degrees that match, and every event exactly once.
TEST_F(GraphIngestTest, KillDuringLoadLeavesWholeBatches) {
  constexpr int kEdges = 24000;
  constexpr size_t kBatch = 6000;
  std::string text;
  std::mt19937 rng(3);
  for (int i = 0; i < kEdges; ++i) {
    text += "v" + std::to_string(rng() % 3000) + ",v" + std::to_string(rng() % 3000) + "\n";
  }
  std::string f = Write("big.csv", text);
  graph_.reset();
  Close();
  std::mt19937 delays(11);
  for (int round = 0; round < 3; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto db = DB::Open(db_path(), options_);
      if (!db.ok()) _exit(2);
      auto info = (*db)->engine().catalog().GetOrCreate(Model::kGraph, "g");
      if (!info.ok()) _exit(3);
      GraphLoadOptions o;
      o.batch_edges = kBatch;
      o.progress = false;
      auto r = graph::LoadEdgeListFile(&(*db)->engine(), *info, f, o, kAlwaysIngest);
      _exit(r.ok() ? 0 : 4);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + delays() % 400));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_OK_AND_ASSIGN(db_, DB::Open(db_path(), options_));
    ASSERT_OK_AND_ASSIGN(graph_, GraphStore::Open(db_.get()));
    // Every edge present has both adjacency entries; degrees add up; events match.
    ASSERT_OK_AND_ASSIGN(auto ids, graph_->VertexIds("g"));
    int64_t out_sum = 0, in_sum = 0, adj_out = 0;
    for (const std::string& v : ids) {
      ASSERT_OK_AND_ASSIGN(auto x, graph_->GetVertex("g", v));
      ASSERT_TRUE(x.has_value());
      out_sum += x->out_degree;
      in_sum += x->in_degree;
      ASSERT_OK_AND_ASSIGN(auto c, graph_->Edges("g", v, Direction::kOut));
      int64_t n = 0;
      for (; c->Valid(); c->Next()) ++n;
      EXPECT_EQ(n, x->out_degree) << v;
      adj_out += n;
    }
    EXPECT_EQ(out_sum, in_sum);
    EXPECT_EQ(out_sum, adj_out);
    EXPECT_EQ(out_sum % static_cast<int64_t>(kBatch), 0) << "a partial batch survived";
    ChangeReadOptions o;
    o.limit = 10000000;
    ASSERT_OK_AND_ASSIGN(auto events, db_->ReadChanges(o));
    std::map<std::string, int> times;
    int64_t edge_events = 0, vertex_events = 0;
    for (size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].seq, i + 1);
      ++times[events[i].key];
      (events[i].key[0] == 'e' ? edge_events : vertex_events)++;
    }
    for (const auto& [key, n] : times) EXPECT_EQ(n, 1) << key;
    EXPECT_EQ(edge_events, out_sum);
    EXPECT_EQ(vertex_events, static_cast<int64_t>(ids.size()));
    graph_.reset();
    Close();
  }
  ASSERT_OK_AND_ASSIGN(db_, DB::Open(db_path(), options_));
  ASSERT_OK_AND_ASSIGN(graph_, GraphStore::Open(db_.get()));
}

}  // namespace
}  // namespace tessera::test
