// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// graph.load, graph.neighbors, graph.khop2, graph.khop3, graph.path, graph.pagerank on a
// power-law graph (preferential attachment: each new vertex adds 10 edges to endpoints of
// earlier edges, pointing either way at random; default 10k vertices, 100k edges), written once
// as an edge-list CSV. Out-edges are followed everywhere.
// - tessera-graph: LoadEdgeList (the bulk load API), Neighbors, KHop, ShortestPath, PageRank.
// - sqlite: edges(s INTEGER, d INTEGER) with indexes on (s, d) and (d, s) (Tessera keeps both
//   directions too); k-hop as a recursive CTE (UNION); shortest path as a breadth-first search in
//   the harness over the indexed table (SQL has no shortest path); no PageRank (an iterative
//   algorithm: it would be the harness's code, not SQLite's).
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include "bench/harness/bench.h"
#include "bench/harness/common.h"
#include "bench/harness/generators.h"
#include "bench/harness/measure.h"
#include "bench/harness/stores.h"
#include "tessera/graph.h"
#include "tessera/status.h"

namespace tessera::bench {
namespace {

constexpr int64_t kDefaultVertices = 10000;
constexpr int kEdgesPerVertex = 10;
constexpr char kGraph[] = "social";
const std::vector<std::string> kGraphEngines = {"tessera-graph", "sqlite"};

// Writes (once) the edge list of `n` vertices; returns its path and edge count.
absl::StatusOr<std::pair<std::string, int64_t>> EdgeFile(const Config& c, int64_t n) {
  std::string path = c.dir + "/graph-" + std::to_string(n) + ".csv";
  std::vector<std::pair<int64_t, int64_t>> edges;
  std::mt19937_64 rng(c.seed);
  std::vector<int64_t> ends = {0, 1};
  edges.emplace_back(0, 1);
  for (int64_t v = 2; v < n; ++v) {
    for (int i = 0; i < kEdgesPerVertex && i < v; ++i) {
      int64_t u = ends[rng() % ends.size()];
      if (rng() & 1) {
        edges.emplace_back(v, u);
      } else {
        edges.emplace_back(u, v);
      }
      ends.push_back(u);
      ends.push_back(v);
    }
  }
  if (!std::filesystem::exists(path)) {
    std::ofstream out(path + ".tmp");
    for (const auto& [s, d] : edges) out << 'v' << s << ",v" << d << '\n';
    out.close();
    if (!out) return absl::InternalError("cannot write " + path);
    std::filesystem::rename(path + ".tmp", path);
  }
  return std::make_pair(path, static_cast<int64_t>(edges.size()));
}

class GraphEngine {
 public:
  virtual ~GraphEngine() = default;
  // Loads the edge list; returns (vertices, edges) created.
  virtual absl::StatusOr<std::pair<int64_t, int64_t>> Load(const std::string& csv) = 0;
  virtual absl::StatusOr<int64_t> Neighbors(int64_t v) = 0;
  virtual absl::StatusOr<int64_t> KHop(int64_t v, int k) = 0;
  // Hops of the shortest path, or -1.
  virtual absl::StatusOr<int64_t> Path(int64_t from, int64_t to) = 0;
  // (vertices ranked, the id of the best one).
  virtual absl::StatusOr<std::pair<int64_t, std::string>> PageRank() = 0;
  virtual absl::Status Close() = 0;
};

std::string Vid(int64_t v) { return "v" + std::to_string(v); }

class TesseraGraphEngine : public GraphEngine {
 public:
  static absl::StatusOr<std::unique_ptr<GraphEngine>> Open(const std::string& dir) {
    auto e = std::make_unique<TesseraGraphEngine>();
    ASSIGN_OR_RETURN(e->db_, OpenTessera(dir));
    ASSIGN_OR_RETURN(e->g_, GraphStore::Open(e->db_.get()));
    return std::unique_ptr<GraphEngine>(std::move(e));
  }
  absl::StatusOr<std::pair<int64_t, int64_t>> Load(const std::string& csv) override {
    GraphLoadOptions o;
    o.progress = false;
    ASSIGN_OR_RETURN(auto r, g_->LoadEdgeList(kGraph, csv, o));
    return std::make_pair(r.vertices, r.edges);
  }
  absl::StatusOr<int64_t> Neighbors(int64_t v) override {
    ASSIGN_OR_RETURN(auto n, g_->Neighbors(kGraph, Vid(v)));
    return static_cast<int64_t>(n.size());
  }
  absl::StatusOr<int64_t> KHop(int64_t v, int k) override {
    ASSIGN_OR_RETURN(auto n, g_->KHop(kGraph, Vid(v), k));
    return static_cast<int64_t>(n.size());
  }
  absl::StatusOr<int64_t> Path(int64_t from, int64_t to) override {
    ASSIGN_OR_RETURN(auto p, g_->ShortestPath(kGraph, Vid(from), Vid(to), false));
    return p ? static_cast<int64_t>(std::llround(p->length)) : -1;
  }
  absl::StatusOr<std::pair<int64_t, std::string>> PageRank() override {
    ASSIGN_OR_RETURN(auto ranks, g_->PageRank(kGraph, {}));
    std::string best;
    double top = -1;
    for (const auto& r : ranks) {
      if (r.rank > top) {
        top = r.rank;
        best = r.id;
      }
    }
    return std::make_pair(static_cast<int64_t>(ranks.size()), best);
  }
  absl::Status Close() override {
    g_.reset();
    return db_ ? db_->Close() : absl::OkStatus();
  }

 private:
  std::unique_ptr<DB> db_;
  std::unique_ptr<GraphStore> g_;
};

class SqliteGraphEngine : public GraphEngine {
 public:
  static absl::StatusOr<std::unique_ptr<GraphEngine>> Open(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    auto e = std::make_unique<SqliteGraphEngine>();
    ASSIGN_OR_RETURN(e->db_, Sqlite::Open(dir + "/graph.sqlite"));
    RETURN_IF_ERROR(e->db_->Exec("CREATE TABLE IF NOT EXISTS edges(s INTEGER, d INTEGER)"));
    sqlite3* db = e->db_->db();
    e->out_ = std::make_unique<Stmt>(db, "SELECT DISTINCT d FROM edges WHERE s = ?");
    e->khop_ = std::make_unique<Stmt>(
        db,
        "WITH RECURSIVE r(v, depth) AS (SELECT ?1, 0 UNION SELECT e.d, r.depth + 1 FROM r JOIN "
        "edges e ON e.s = r.v WHERE r.depth < ?2) SELECT count(DISTINCT v) FROM r WHERE v != ?1");
    for (Stmt* s : {e->out_.get(), e->khop_.get()}) {
      if (!s->ok()) return s->status();
    }
    return std::unique_ptr<GraphEngine>(std::move(e));
  }
  absl::StatusOr<std::pair<int64_t, int64_t>> Load(const std::string& csv) override {
    std::ifstream in(csv);
    if (!in) return absl::NotFoundError("cannot read " + csv);
    Stmt insert(db_->db(), "INSERT INTO edges(s, d) VALUES(?, ?)");
    RETURN_IF_ERROR(db_->Exec("BEGIN"));
    std::string line;
    int64_t edges = 0;
    std::unordered_set<int64_t> vertices;
    while (std::getline(in, line)) {
      auto comma = line.find(',');
      if (line.size() < 4 || line[0] != 'v' || comma == std::string::npos) {
        return absl::InvalidArgumentError("bad edge line: " + line);
      }
      int64_t s = std::stoll(line.substr(1, comma - 1));
      int64_t d = std::stoll(line.substr(comma + 2));
      vertices.insert(s);
      vertices.insert(d);
      RETURN_IF_ERROR(insert.Reset().Bind(1, s).Bind(2, d).Run());
      if (++edges % 20000 == 0) RETURN_IF_ERROR(db_->Exec("COMMIT; BEGIN"));
    }
    RETURN_IF_ERROR(db_->Exec("COMMIT"));
    RETURN_IF_ERROR(
        db_->Exec("CREATE INDEX edges_sd ON edges(s, d); "
                  "CREATE INDEX edges_ds ON edges(d, s)"));
    return std::make_pair(static_cast<int64_t>(vertices.size()), edges);
  }
  absl::StatusOr<int64_t> Neighbors(int64_t v) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    out_->Reset().Bind(1, v);
    int64_t n = 0;
    while (out_->Step()) ++n;
    RETURN_IF_ERROR(out_->status());
    return n;
  }
  absl::StatusOr<int64_t> KHop(int64_t v, int k) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    khop_->Reset().Bind(1, v).Bind(2, static_cast<int64_t>(k));
    if (!khop_->Step()) return khop_->status();
    return khop_->Int(0);
  }
  absl::StatusOr<int64_t> Path(int64_t from, int64_t to) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    if (from == to) return 0;
    std::unordered_map<int64_t, int64_t> depth = {{from, 0}};
    std::deque<int64_t> queue = {from};
    while (!queue.empty()) {
      int64_t v = queue.front();
      queue.pop_front();
      out_->Reset().Bind(1, v);
      while (out_->Step()) {
        int64_t w = out_->Int(0);
        if (depth.emplace(w, depth[v] + 1).second) {
          if (w == to) return depth[w];
          queue.push_back(w);
        }
      }
      RETURN_IF_ERROR(out_->status());
    }
    return -1;
  }
  absl::StatusOr<std::pair<int64_t, std::string>> PageRank() override {
    return absl::UnimplementedError("sqlite does not run PageRank");
  }
  absl::Status Close() override {
    out_.reset();
    khop_.reset();
    db_.reset();
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<Sqlite> db_;
  std::unique_ptr<Stmt> out_, khop_;
};

absl::StatusOr<std::unique_ptr<GraphEngine>> OpenGraphEngine(const std::string& engine,
                                                             const std::string& dir) {
  if (engine == "tessera-graph") return TesseraGraphEngine::Open(dir);
  if (engine == "sqlite") return SqliteGraphEngine::Open(dir);
  return absl::InvalidArgumentError("engine " + engine + " does not serve graphs");
}

absl::StatusOr<RunResult> LoadWorkload(const std::string& engine, const Config& c) {
  const int64_t n = ScaleOr(c, kDefaultVertices);
  ASSIGN_OR_RETURN(auto file, EdgeFile(c, n));
  // The loaded database stays as the prepared dataset of the query workloads.
  std::string dir = PreparedDir(c, "graph", engine);
  std::filesystem::remove_all(dir + ".ready");
  std::filesystem::remove_all(dir);
  ASSIGN_OR_RETURN(auto e, OpenGraphEngine(engine, dir));
  Stopwatch sw;
  ASSIGN_OR_RETURN(auto counts, e->Load(file.first));
  RETURN_IF_ERROR(e->Close());
  double s = sw.Seconds();
  if (counts.second != file.second) {
    return absl::DataLossError("graph.load loaded " + std::to_string(counts.second) + " edges of " +
                               std::to_string(file.second));
  }
  RETURN_IF_ERROR(MarkPrepared(dir));
  RunResult r;
  r.metrics = {{"edges_per_sec", counts.second / s, "edges/s"},
               {"load_s", s, "s"},
               {"edges", static_cast<double>(counts.second), "edges"}};
  r.check = std::to_string(counts.first) + " vertices, " + std::to_string(counts.second) + " edges";
  return r;
}

enum class GraphQuery { kNeighbors, kKhop2, kKhop3, kPath, kPageRank };

absl::StatusOr<RunResult> QueryWorkload(GraphQuery q, const std::string& engine, const Config& c) {
  const int64_t n = ScaleOr(c, kDefaultVertices);
  std::string dir = PreparedDir(c, "graph", engine);
  if (!IsPrepared(dir)) {
    std::filesystem::remove_all(dir);
    ASSIGN_OR_RETURN(auto file, EdgeFile(c, n));
    ASSIGN_OR_RETURN(auto e, OpenGraphEngine(engine, dir));
    RETURN_IF_ERROR(e->Load(file.first).status());
    RETURN_IF_ERROR(e->Close());
    RETURN_IF_ERROR(MarkPrepared(dir));
  }
  ASSIGN_OR_RETURN(auto e, OpenGraphEngine(engine, dir));
  auto run = [&](std::mt19937_64& rng) -> absl::StatusOr<int64_t> {
    int64_t v = static_cast<int64_t>(rng() % n);
    switch (q) {
      case GraphQuery::kNeighbors:
        return e->Neighbors(v);
      case GraphQuery::kKhop2:
        return e->KHop(v, 2);
      case GraphQuery::kKhop3:
        return e->KHop(v, 3);
      case GraphQuery::kPath:
        return e->Path(v, static_cast<int64_t>(rng() % n));
      case GraphQuery::kPageRank: {
        ASSIGN_OR_RETURN(auto pr, e->PageRank());
        if (pr.first != n) return absl::DataLossError("pagerank ranked a wrong vertex count");
        return pr.first;
      }
    }
    return 0;
  };
  Digest d;
  std::mt19937_64 fixed(c.seed + 99);
  for (int i = 0; i < (q == GraphQuery::kPageRank ? 1 : 20); ++i) {
    ASSIGN_OR_RETURN(int64_t got, run(fixed));
    d.Add(got);
  }
  ASSIGN_OR_RETURN(PhaseResult r, RunOps(c, {"query"}, [&](OpContext& ctx) -> absl::StatusOr<int> {
                     ASSIGN_OR_RETURN(int64_t got, run(*ctx.rng));
                     if (got < -1) return absl::DataLossError("negative answer");
                     return 0;
                   }));
  RETURN_IF_ERROR(e->Close());
  return RunResult{r.metrics, d.Hex()};
}

}  // namespace

std::vector<Workload> GraphWorkloads() {
  auto query = [](GraphQuery q) {
    return [q](const std::string& e, const Config& c) { return QueryWorkload(q, e, c); };
  };
  return {
      {"graph.load", "bulk load of a power-law edge list (default 10k vertices, 100k edges)",
       kGraphEngines, LoadWorkload},
      {"graph.neighbors", "distinct out-neighbours of a random vertex", kGraphEngines,
       query(GraphQuery::kNeighbors)},
      {"graph.khop2", "distinct vertices within 2 out-hops", kGraphEngines,
       query(GraphQuery::kKhop2)},
      {"graph.khop3", "distinct vertices within 3 out-hops", kGraphEngines,
       query(GraphQuery::kKhop3)},
      {"graph.path", "fewest-hops path between random vertices", kGraphEngines,
       query(GraphQuery::kPath)},
      {"graph.pagerank",
       "PageRank, 20 iterations, whole graph (not on sqlite: see docs)",
       {"tessera-graph"},
       query(GraphQuery::kPageRank)},
  };
}

}  // namespace tessera::bench
