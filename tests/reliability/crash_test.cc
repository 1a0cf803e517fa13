// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Crash consistency: a forked writer process runs mixed transactions over every model with
// synchronous commits and reports each acknowledged step to the parent through a pipe after the
// commit returned; the parent SIGKILLs it at a random moment, reopens the database and checks:
//
//   - every acknowledged step is present, and at most one unacknowledged step (the one in
//     flight) committed, whole: its marker is in every model or in none;
//   - the document index agrees with the documents (query through the index = scan);
//   - graph adjacency agrees in both directions, and the degree counters with it;
//   - the wide-column rows and time-series points are exactly the committed ones;
//   - the change log holds every committed transaction's events exactly once, complete
//     (txn_index 0..txn_events-1), with gap-free sequence numbers.
//
// Step i is one transaction writing kv "t<i>" and the counter "count", document {_id: "t<i>",
// n: i} and an update of the document "total", wide row "t<i>", graph vertex "t<i>" and an
// edge t<i> -> hub. The time-series model has no transaction overloads, so each step also writes
// one point (two fields, so two series, atomically) in its own transaction, acknowledged
// separately.
//
// TESSERA_CRASH_KILLS sets the number of kills (default 50; the long mode is 1000 or more),
// TESSERA_CRASH_SEED the random seed (default: time-based, printed).
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "models/graph/graph_writer.h"
#include "tessera/doc.h"
#include "tessera/graph.h"
#include "tessera/kv.h"
#include "tessera/ts.h"
#include "tessera/wide.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

constexpr int64_t kTsBase = 1'700'000'000'000'000'000;  // ns
constexpr int64_t kTsStep = 60'000'000'000;             // one point a minute: windows seal
constexpr int kMaxStepsPerChild = 400;

int EnvInt(const char* name, int def) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : def;
}

std::string Id(int64_t i) { return "t" + std::to_string(i); }

Options CrashOptions() {
  Options o;
  o.log_destination = LogDestination::kNone;
  o.sync_commits = true;
  o.write_buffer_bytes = 256 << 10;  // small memtables: flushes (and SSTs) happen during the run
  return o;
}

void Report(int fd, char kind, int64_t i) {
  std::string line = std::string(1, kind) + " " + std::to_string(i) + "\n";
  if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(3);
}

absl::StatusOr<int64_t> CommittedSteps(KvStore& kv) {
  ASSIGN_OR_RETURN(std::optional<std::string> c, kv.Get("ck", "count"));
  return c ? std::stoll(*c) : 0;
}

absl::StatusOr<int64_t> TsPoints(TsStore& ts) {
  ASSIGN_OR_RETURN(std::vector<TsRow> rows, ts.Last({.measurement = "cm", .field = "v"}));
  if (rows.empty()) return 0;
  return (rows[0].time - kTsBase) / kTsStep + 1;
}

// The writer: runs steps until killed (or kMaxStepsPerChild). Never returns.
absl::Status WriterLoop(const std::string& path, int fd) {
  ASSIGN_OR_RETURN(std::unique_ptr<DB> db, DB::Open(path, CrashOptions()));
  ASSIGN_OR_RETURN(auto kv, KvStore::Open(db.get()));
  ASSIGN_OR_RETURN(auto docs, DocStore::Open(db.get()));
  ASSIGN_OR_RETURN(auto wide, WideStore::Open(db.get()));
  ASSIGN_OR_RETURN(auto ts, TsStore::Open(db.get()));
  ASSIGN_OR_RETURN(ObjectInfo ginfo, db->GetObject(Model::kGraph, "cg"));
  ASSIGN_OR_RETURN(int64_t step, CommittedSteps(*kv));
  ASSIGN_OR_RETURN(int64_t point, TsPoints(*ts));
  for (int n = 0; n < kMaxStepsPerChild; ++n, ++step, ++point) {
    const std::string id = Id(step);
    const std::string value = "v" + std::to_string(step);
    RETURN_IF_ERROR(db->RunTransaction([&](Transaction& txn) -> absl::Status {
      RETURN_IF_ERROR(kv->Put(txn, "ck", id, value));
      ASSIGN_OR_RETURN(int64_t count, kv->Increment(txn, "ck", "count", 1));
      if (count != step + 1) return absl::InternalError("count out of step");
      RETURN_IF_ERROR(docs->Insert(txn, "cd", {{{"_id", id}, {"n", step}}}).status());
      RETURN_IF_ERROR(
          docs->Update(txn, "cd", {{"_id", "total"}}, {{"$inc", {{"count", 1}}}}, {.one = true})
              .status());
      RETURN_IF_ERROR(wide->Put(txn, "cw", id, {{"f", "q", value}}));
      graph::GraphWriter w(&txn.impl(), ginfo);
      RETURN_IF_ERROR(w.PutVertex(id, {.label = "T", .props = "{}"}).status());
      ASSIGN_OR_RETURN(auto hub, w.LockVertex("hub"));
      if (!hub) return absl::InternalError("hub vertex missing");
      Edge e;
      e.src = id;
      e.dst = "hub";
      e.type = "link";
      e.props = "{}";
      ASSIGN_OR_RETURN(e.id, w.AllocateEdgeIds(1));
      return w.WriteEdge(e);
    }));
    Report(fd, 'T', step);
    RETURN_IF_ERROR(
        ts->Write({{.measurement = "cm",
                    .tags = {{"w", "a"}},
                    .fields = {{"v", TsValue(int64_t{point})}, {"m", TsValue(int64_t{2 * point})}},
                    .time = kTsBase + point * kTsStep}}));
    Report(fd, 'S', point);
  }
  return absl::OkStatus();
}

class CrashTest : public test::DbTest {
 protected:
  Options MakeOptions() override { return CrashOptions(); }

  // Objects the writer expects: an index on n, the "total" document, a wide family, the hub.
  void CreateObjects() {
    ASSERT_OK_AND_ASSIGN(auto docs, DocStore::Open(db_.get()));
    ASSERT_OK(docs->Insert("cd", {{{"_id", "total"}, {"count", 0}}}).status());
    ASSERT_OK(docs->CreateIndex("cd", {.keys = {{"n", 1}}}, nullptr).status());
    ASSERT_OK_AND_ASSIGN(auto wide, WideStore::Open(db_.get()));
    ASSERT_OK(wide->CreateFamily("cw", "f"));
    ASSERT_OK_AND_ASSIGN(auto g, GraphStore::Open(db_.get()));
    ASSERT_OK(g->AddVertex("cg", "hub", "Hub"));
  }

  // Forks a writer, reads `acks` acknowledgements (fewer if it stops), waits `delay_us`, kills
  // it. Updates the highest acknowledged step and point.
  void RunAndKill(int acks, int delay_us, int64_t* acked_step, int64_t* acked_point) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      absl::Status s = WriterLoop(db_path(), fds[1]);
      if (!s.ok()) {
        std::string line = "E " + s.ToString() + "\n";
        (void)!write(fds[1], line.data(), line.size());
        _exit(2);
      }
      _exit(0);
    }
    close(fds[1]);
    std::string buf;
    int seen = 0;
    bool eof = false;
    std::string error;
    while (seen < acks && !eof) {
      pollfd p{fds[0], POLLIN, 0};
      if (poll(&p, 1, 120'000) <= 0) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        FAIL() << "writer silent for 120 s";
      }
      char chunk[256];
      ssize_t n = read(fds[0], chunk, sizeof(chunk));
      if (n <= 0) {
        eof = true;
        n = 0;
      }
      buf.append(chunk, n);
      size_t nl;
      while ((nl = buf.find('\n')) != std::string::npos) {
        std::string line = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        if (line[0] == 'T') *acked_step = std::stoll(line.substr(2)), ++seen;
        if (line[0] == 'S') *acked_point = std::stoll(line.substr(2)), ++seen;
        if (line[0] == 'E') error = line;
      }
    }
    if (delay_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    // Acknowledgements written before the kill but not read yet still count.
    char chunk[4096];
    ssize_t n;
    while ((n = read(fds[0], chunk, sizeof(chunk))) > 0) buf.append(chunk, n);
    size_t nl;
    while ((nl = buf.find('\n')) != std::string::npos) {
      std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      if (line[0] == 'T') *acked_step = std::stoll(line.substr(2));
      if (line[0] == 'S') *acked_point = std::stoll(line.substr(2));
      if (line[0] == 'E') error = line;
    }
    close(fds[0]);
    ASSERT_TRUE(error.empty()) << "writer failed: " << error;
  }

  // Opens the database and checks every invariant. Returns the committed steps.
  void Verify(int64_t acked_step, int64_t acked_point, int64_t* steps_out, int64_t* points_out) {
    Reopen();
    ASSERT_TRUE(db_);
    ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(auto docs, DocStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(auto wide, WideStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(auto g, GraphStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(auto ts, TsStore::Open(db_.get()));

    ASSERT_OK_AND_ASSIGN(const int64_t n, CommittedSteps(*kv));
    *steps_out = n;
    // Acknowledged steps are committed; at most the one in flight committed unacknowledged.
    ASSERT_GE(n, acked_step + 1);
    ASSERT_LE(n, acked_step + 2);

    // kv: exactly t0..t(n-1).
    ASSERT_OK_AND_ASSIGN(auto c, kv->Scan("ck", {.prefix = "t"}));
    std::set<std::string> kv_keys;
    for (; c->Valid(); c->Next()) {
      const std::string key(c->entry().key);
      const int64_t i = std::stoll(key.substr(1));
      EXPECT_LT(i, n) << key << " of an uncommitted step is visible";
      EXPECT_EQ(c->entry().value, "v" + std::to_string(i));
      kv_keys.insert(key);
    }
    ASSERT_OK(c->status());
    c.reset();
    ASSERT_EQ(static_cast<int64_t>(kv_keys.size()), n);

    // Documents, through a scan and through the index.
    std::set<std::string> scanned;
    {
      ASSERT_OK_AND_ASSIGN(auto dc, docs->Find("cd", Document::object(), {}));
      for (; dc->Valid(); dc->Next()) {
        const Document& d = dc->entry();
        const std::string id = d["_id"].get<std::string>();
        if (id == "total") {
          EXPECT_EQ(d["count"].get<int64_t>(), n) << "total document disagrees";
          continue;
        }
        EXPECT_EQ(Id(d["n"].get<int64_t>()), id);
        EXPECT_LT(d["n"].get<int64_t>(), n);
        scanned.insert(id);
      }
      ASSERT_OK(dc->status());
    }
    EXPECT_EQ(scanned, kv_keys);
    const Document by_n = {{"n", {{"$gte", 0}}}};
    ASSERT_OK_AND_ASSIGN(DocExplain plan, docs->Explain("cd", by_n, {}));
    EXPECT_EQ(plan.index, std::optional<std::string>("n_1"));
    std::set<std::string> indexed;
    {
      ASSERT_OK_AND_ASSIGN(auto dc, docs->Find("cd", by_n, {}));
      for (; dc->Valid(); dc->Next()) indexed.insert(dc->entry()["_id"].get<std::string>());
      ASSERT_OK(dc->status());
    }
    EXPECT_EQ(indexed, scanned) << "index disagrees with the documents";
    EXPECT_EQ(plan.keys_examined, static_cast<uint64_t>(n)) << "stale index entries";

    // Wide rows.
    std::set<std::string> rows;
    {
      ASSERT_OK_AND_ASSIGN(auto wc, wide->Scan("cw", {}));
      for (; wc->Valid(); wc->Next()) {
        const WideRow& r = wc->entry();
        ASSERT_EQ(r.cells.size(), 1u);
        EXPECT_EQ(r.cells[0].value, "v" + r.key.substr(1));
        rows.insert(r.key);
      }
      ASSERT_OK(wc->status());
    }
    EXPECT_EQ(rows, kv_keys);

    // Graph: vertices, both adjacency directions and the degree counters agree.
    ASSERT_OK_AND_ASSIGN(std::vector<std::string> vids, g->VertexIds("cg"));
    std::set<std::string> vset(vids.begin(), vids.end());
    EXPECT_EQ(vset.erase("hub"), 1u);
    EXPECT_EQ(vset, kv_keys);
    std::map<std::string, uint64_t> in_edges;  // source -> edge id
    {
      ASSERT_OK_AND_ASSIGN(auto ac, g->Edges("cg", "hub", Direction::kIn));
      for (; ac->Valid(); ac->Next()) {
        EXPECT_TRUE(in_edges.emplace(std::string(ac->entry().other), ac->entry().edge_id).second)
            << "two edges from " << ac->entry().other;
      }
      ASSERT_OK(ac->status());
    }
    EXPECT_EQ(static_cast<int64_t>(in_edges.size()), n);
    ASSERT_OK_AND_ASSIGN(std::optional<Vertex> hub, g->GetVertex("cg", "hub"));
    ASSERT_TRUE(hub.has_value());
    EXPECT_EQ(hub->in_degree, n);
    for (const std::string& v : kv_keys) {
      ASSERT_OK_AND_ASSIGN(auto ac, g->Edges("cg", v, Direction::kOut));
      ASSERT_TRUE(ac->Valid()) << v << " has no out-edge";
      EXPECT_EQ(ac->entry().other, "hub");
      EXPECT_EQ(ac->entry().edge_id, in_edges[v]) << v;
      ac->Next();
      EXPECT_FALSE(ac->Valid()) << v << " has several out-edges";
      ASSERT_OK(ac->status());
    }

    // Time series: points 0..m-1 of both fields, nothing else.
    ASSERT_OK_AND_ASSIGN(const int64_t m, TsPoints(*ts));
    *points_out = m;
    EXPECT_GE(m, acked_point + 1);
    EXPECT_LE(m, acked_point + 2);
    for (const auto& [field, factor] : {std::pair<std::string, int64_t>{"v", 1}, {"m", 2}}) {
      ASSERT_OK_AND_ASSIGN(std::vector<TsRow> pts,
                           ts->Query({.measurement = "cm", .field = field}));
      ASSERT_EQ(static_cast<int64_t>(pts.size()), m) << field;
      for (int64_t k = 0; k < m; ++k) {
        EXPECT_EQ(pts[k].time, kTsBase + k * kTsStep);
        EXPECT_EQ(std::get<int64_t>(pts[k].value), factor * k);
      }
    }

    // Change log: gap-free, every transaction complete, every step's kv create exactly once.
    std::map<uint64_t, std::pair<uint32_t, std::set<uint32_t>>> txns;
    std::map<std::string, int> kv_creates;
    uint64_t next = 1;
    for (;;) {
      ASSERT_OK_AND_ASSIGN(std::vector<ChangeEvent> evs,
                           db_->ReadChanges({.from_seq = next, .limit = 1000}));
      if (evs.empty()) break;
      for (const ChangeEvent& e : evs) {
        ASSERT_EQ(e.seq, next) << "gap in the change log";
        ++next;
        auto& t = txns[e.txn_id];
        t.first = e.txn_events;
        EXPECT_TRUE(t.second.insert(e.txn_index).second) << "event twice in txn " << e.txn_id;
        if (e.model == Model::kKeyValue && e.key != "count") ++kv_creates[e.key];
      }
    }
    EXPECT_EQ(next - 1, db_->LastSequence());
    for (const auto& [txn, t] : txns) {
      EXPECT_EQ(t.second.size(), t.first) << "txn " << txn << " incomplete in the change log";
      if (!t.second.empty()) {
        EXPECT_EQ(*t.second.rbegin() + 1, t.first) << "txn " << txn;
      }
    }
    EXPECT_EQ(static_cast<int64_t>(kv_creates.size()), n);
    for (const auto& [key, count] : kv_creates) {
      EXPECT_EQ(count, 1) << key << " has " << count << " events";
      EXPECT_TRUE(kv_keys.count(key)) << "event of uncommitted " << key;
    }
    Close();
  }
};

TEST_F(CrashTest, KilledWriterLosesNothingAcknowledged) {
  const int kills = EnvInt("TESSERA_CRASH_KILLS", 50);
  const unsigned seed = static_cast<unsigned>(
      EnvInt("TESSERA_CRASH_SEED",
             static_cast<int>(std::chrono::steady_clock::now().time_since_epoch().count())));
  std::printf("crash test: %d kills, seed %u (TESSERA_CRASH_SEED to replay)\n", kills, seed);
  std::mt19937 rng(seed);
  CreateObjects();
  Close();

  int64_t acked_step = -1, acked_point = -1, steps = 0, points = 0;
  int64_t acknowledged = 0;
  for (int k = 0; k < kills; ++k) {
    // Mostly a few acknowledgements then a random delay (kills mid-commit, mid-seal, mid-flush);
    // sometimes none (kills during open and WAL recovery).
    const int acks = std::uniform_int_distribution<int>(0, 12)(rng);
    const int delay = std::uniform_int_distribution<int>(0, 3000)(rng);
    const int64_t before = acked_step + acked_point;
    RunAndKill(acks, delay, &acked_step, &acked_point);
    acknowledged += acked_step + acked_point - before;
    if (HasFatalFailure()) return;
    Verify(acked_step, acked_point, &steps, &points);
    if (HasFatalFailure() || HasFailure()) {
      ADD_FAILURE() << "after kill " << k + 1 << " (seed " << seed << ")";
      return;
    }
    // The writer resumes from what committed, which may include the unacknowledged step.
    acked_step = steps - 1;
    acked_point = points - 1;
  }
  std::printf(
      "crash test: %d kills survived; %lld transactions and %lld point writes committed, %lld "
      "acknowledgements checked\n",
      kills, static_cast<long long>(steps), static_cast<long long>(points),
      static_cast<long long>(acknowledged));
}

}  // namespace
}  // namespace tessera
