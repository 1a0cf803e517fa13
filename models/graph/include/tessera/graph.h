// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The graph model: named property graphs of vertices (string id, label, JSON properties) and
// directed, typed, weighted edges (several may join the same pair; each has its own id).
// Adjacency is stored in both directions, so the out- or in-edges of a vertex, optionally of one
// type, are one prefix scan that needs no further lookup.
//
//   ASSIGN_OR_RETURN(auto g, tessera::GraphStore::Open(db));
//   RETURN_IF_ERROR(g->AddVertex("social", "alice", "Person", R"({"age": 30})"));
//   RETURN_IF_ERROR(g->AddVertex("social", "bob"));
//   ASSIGN_OR_RETURN(uint64_t eid, g->AddEdge("social", "alice", "knows", "bob"));
//   ASSIGN_OR_RETURN(auto near, g->KHop("social", "alice", 2));
//
// Every write is its own transaction. Writing to a graph that does not exist creates it; reading
// one that does not exist finds no vertex. Traversals and algorithms read one consistent snapshot.
// Limits: vertex ids 1..1024 bytes, edge type names 1..255 bytes, graph names as the catalog's.
// docs/models/graph.md gives the exact semantics (hops, multi-edges, self-loops, path modes).
//
// Thread safety: a GraphStore is safe for concurrent use from many threads. It must not outlive
// its DB.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tessera/cursor.h"
#include "tessera/db.h"

namespace tessera {

inline constexpr size_t kMaxVertexIdBytes = 1024;
inline constexpr size_t kMaxEdgeTypeBytes = 255;
inline constexpr int kDefaultMaxHops = 30;

// Which edges of a vertex a hop follows. The values of kOut and kIn are stored in keys.
enum class Direction : uint8_t {
  kOut = 0,   // edges leaving the vertex
  kIn = 1,    // edges arriving at the vertex
  kBoth = 2,  // both (each edge is one hop, whichever way it points)
};

// A vertex as stored, with its maintained degrees.
struct Vertex {
  std::string id;          // the vertex id
  std::string label;       // the label ("" when none)
  std::string props;       // the properties as JSON object text
  int64_t out_degree = 0;  // edges leaving (a self-loop counts once here and once in in_degree)
  int64_t in_degree = 0;   // edges arriving
};

// An edge as stored.
struct Edge {
  uint64_t id = 0;      // the edge id: unique in its graph, never reused
  std::string src;      // the source vertex
  std::string dst;      // the destination vertex
  std::string type;     // the edge type
  double weight = 1.0;  // the weight (1 when not given)
  std::string props;    // the properties as JSON object text
};

// One adjacency entry seen from a vertex. The views stay valid until the cursor moves.
struct AdjEntry {
  Direction dir = Direction::kOut;  // kOut: vertex -> other; kIn: other -> vertex
  std::string_view type;            // the edge type
  std::string_view other;           // the vertex at the other end
  uint64_t edge_id = 0;             // the edge id
  double weight = 1.0;              // the edge weight
};

// Filters shared by every traversal.
struct TraversalOptions {
  Direction direction = Direction::kOut;  // which edges a hop follows
  std::vector<std::string> types;         // only edges of these types (empty: every type)
  size_t limit = 0;                       // the most results returned (0: no limit)
  // Neighbors only: a MongoDB-style filter (JSON text, the query module's language) that the
  // neighbour's properties must match ("" = none).
  std::string where;
  // Polled as the traversal goes (per vertex expanded, every few thousand edges): once it returns
  // true, the traversal returns Cancelled ("graph ... cancelled"). Empty: never cancelled.
  std::function<bool()> cancelled;
};

// The result of a shortest-path search.
struct GraphPath {
  double length = 0;              // hops, or the total weight for a weighted search
  std::vector<std::string> path;  // the vertices from source to destination
};

// How a variable-length expansion may repeat itself.
enum class PathMode {
  kWalk,     // anything may repeat
  kTrail,    // no edge repeats
  kAcyclic,  // no vertex repeats (the start included)
};

struct ExpandOptions {
  TraversalOptions traversal;       // direction, types, limit (the most paths; 0: no limit)
  int min_hops = 1;                 // the shortest path returned (0 returns the start alone)
  int max_hops = kDefaultMaxHops;   // the longest path followed (0..1000; default 30 as Kuzu)
  PathMode mode = PathMode::kWalk;  // what may repeat along a path
};

// One path of an expansion: vertices[0] is the start, edges[i] joins vertices[i] and [i+1].
struct GraphWalk {
  std::vector<std::string> vertices;  // the vertices visited, in order
  std::vector<uint64_t> edges;        // the edge ids followed, in order
};

// Which part of the graph an algorithm runs on.
struct SubgraphOptions {
  std::string vertex_label;        // only vertices with this label ("" = every vertex)
  std::vector<std::string> types;  // only edges of these types (empty: every type); an edge is
                                   // kept only when both its ends are kept
  // Polled between the loading phases and as the algorithm runs (per PageRank iteration, every
  // few thousand vertices): once it returns true, the algorithm returns Cancelled. Empty: never.
  std::function<bool()> cancelled;
};

struct PageRankOptions {
  SubgraphOptions subgraph;  // the vertices and edges ranked
  double damping = 0.85;     // the probability of following an edge
  int iterations = 20;       // the most iterations
  double tolerance = 1e-9;   // stop once the L1 change of one iteration is below this
  size_t top = 0;            // return only the K best (0: every vertex)
};

struct RankedVertex {
  std::string id;   // the vertex
  double rank = 0;  // its PageRank; ranks sum to 1 over the (sub)graph
};

struct ComponentsResult {
  int64_t count = 0;    // how many components
  int64_t largest = 0;  // the size of the largest one (0 for an empty graph)
  // Every vertex (sorted by id) with its component number; components are numbered 0.. in the
  // order of their smallest vertex id.
  std::vector<std::pair<std::string, int64_t>> membership;
};

// What DeleteVertex removed.
struct VertexDeletion {
  bool deleted = false;       // whether the vertex existed
  int64_t edges_deleted = 0;  // its incident edges, removed with it
};

// Bulk load of an edge list.
struct GraphLoadOptions {
  std::string default_type = "edge";  // the type of rows that have no type column
  size_t batch_edges = 100000;        // edges per atomic batch (the load is not atomic as a whole)
  bool progress = true;               // report progress on stderr when it is a terminal
  // Called after each committed batch with the edges loaded so far and the input bytes consumed;
  // when set, the loader prints nothing itself (the caller draws the progress).
  std::function<void(int64_t edges, uint64_t bytes_read)> on_progress;
  // Polled before each batch; when it returns true the load stops with Cancelled (the batches
  // committed so far stay). Empty: never cancelled.
  std::function<bool()> cancelled;
};

struct GraphLoadResult {
  int64_t vertices = 0;  // vertices created
  int64_t edges = 0;     // edges added
};

class GraphStore {
 public:
  // A handle on the graph model of `db`. `db` must outlive the handle.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<GraphStore>> Open(DB* db);

  GraphStore(const GraphStore&) = delete;
  GraphStore& operator=(const GraphStore&) = delete;
  virtual ~GraphStore() = default;

  // --- Graphs ---
  // Drops a graph and everything in it. NotFound if it does not exist.
  [[nodiscard]] virtual absl::Status DropGraph(std::string_view graph) = 0;
  // The names of every graph, in order.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::string>> ListGraphs() = 0;

  // --- Vertices and edges ---
  // Creates a vertex, or replaces the label and properties of an existing one (edges and degrees
  // kept). `props` must be a JSON object ("" means {}).
  [[nodiscard]] virtual absl::Status AddVertex(std::string_view graph, std::string_view id,
                                               std::string_view label = "",
                                               std::string_view props = "") = 0;
  // The vertex, or nullopt.
  [[nodiscard]] virtual absl::StatusOr<std::optional<Vertex>> GetVertex(std::string_view graph,
                                                                        std::string_view id) = 0;
  // Deletes a vertex and every edge incident to it, in one transaction.
  [[nodiscard]] virtual absl::StatusOr<VertexDeletion> DeleteVertex(std::string_view graph,
                                                                    std::string_view id) = 0;
  // Adds an edge and returns its id. NotFound if an endpoint does not exist; InvalidArgument for a
  // weight that is not finite or props that are not a JSON object.
  [[nodiscard]] virtual absl::StatusOr<uint64_t> AddEdge(std::string_view graph,
                                                         std::string_view src,
                                                         std::string_view type,
                                                         std::string_view dst, double weight = 1.0,
                                                         std::string_view props = "") = 0;
  // The edge, or nullopt.
  [[nodiscard]] virtual absl::StatusOr<std::optional<Edge>> GetEdge(std::string_view graph,
                                                                    uint64_t edge_id) = 0;
  // Deletes an edge; returns whether it existed.
  [[nodiscard]] virtual absl::StatusOr<bool> DeleteEdge(std::string_view graph,
                                                        uint64_t edge_id) = 0;
  // The same four writes inside `txn`: they commit or roll back with it, together with the
  // transaction's writes to other models (creating a graph's catalog entry still commits on its
  // own, as for every model).
  [[nodiscard]] virtual absl::Status AddVertex(Transaction& txn, std::string_view graph,
                                               std::string_view id, std::string_view label = "",
                                               std::string_view props = "") = 0;
  [[nodiscard]] virtual absl::StatusOr<VertexDeletion> DeleteVertex(Transaction& txn,
                                                                    std::string_view graph,
                                                                    std::string_view id) = 0;
  [[nodiscard]] virtual absl::StatusOr<uint64_t> AddEdge(Transaction& txn, std::string_view graph,
                                                         std::string_view src,
                                                         std::string_view type,
                                                         std::string_view dst, double weight = 1.0,
                                                         std::string_view props = "") = 0;
  [[nodiscard]] virtual absl::StatusOr<bool> DeleteEdge(Transaction& txn, std::string_view graph,
                                                        uint64_t edge_id) = 0;
  // The adjacency of `vertex` in `dir` (kBoth: out-edges then in-edges), restricted to `type`
  // when it is not empty, in key order. A streaming scan of a consistent snapshot; destroy the
  // cursor before DB::Close.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<AdjEntry>>> Edges(
      std::string_view graph, std::string_view vertex, Direction dir,
      std::string_view type = "") = 0;
  // Every vertex id of the graph, in byte order.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::string>> VertexIds(
      std::string_view graph) = 0;

  // Loads an edge list (CSV or TSV rows `src,dst[,type][,weight]`; '#' comments and blank lines
  // skipped), creating missing vertices (no label, no properties). Commits every `batch_edges`
  // edges: not atomic as a whole (a failure leaves the batches before it loaded).
  [[nodiscard]] virtual absl::StatusOr<GraphLoadResult> LoadEdgeList(
      std::string_view graph, const std::string& file, const GraphLoadOptions& options = {}) = 0;

  // --- Traversals: NotFound when a start or end vertex does not exist ---
  // The distinct vertices one hop from `id`, sorted. A self-loop makes a vertex its own neighbour.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::string>> Neighbors(
      std::string_view graph, std::string_view id, const TraversalOptions& options = {}) = 0;
  // The distinct vertices within `k` hops of `id` (breadth-first), the start excluded, sorted.
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::string>> KHop(
      std::string_view graph, std::string_view id, int k, const TraversalOptions& options = {}) = 0;
  // The fewest-hops path (or with `weighted`, the least total weight: Dijkstra; a negative weight
  // met on the way is InvalidArgument). nullopt when `dst` is unreachable.
  [[nodiscard]] virtual absl::StatusOr<std::optional<GraphPath>> ShortestPath(
      std::string_view graph, std::string_view src, std::string_view dst, bool weighted,
      const TraversalOptions& options = {}) = 0;
  // Every path of min_hops..max_hops hops from `id` allowed by the mode, depth first, in
  // adjacency order, at most options.traversal.limit of them.
  [[nodiscard]] virtual absl::StatusOr<std::vector<GraphWalk>> Expand(
      std::string_view graph, std::string_view id, const ExpandOptions& options = {}) = 0;

  // --- Algorithms on the whole graph or a subgraph ---
  [[nodiscard]] virtual absl::StatusOr<std::vector<RankedVertex>> PageRank(
      std::string_view graph, const PageRankOptions& options = {}) = 0;
  // Weakly (`strong` false) or strongly connected components.
  [[nodiscard]] virtual absl::StatusOr<ComponentsResult> Components(
      std::string_view graph, bool strong, const SubgraphOptions& options = {}) = 0;
  // Triangles of the subgraph seen as an undirected simple graph (directions, self-loops and
  // parallel edges ignored).
  [[nodiscard]] virtual absl::StatusOr<int64_t> Triangles(std::string_view graph,
                                                          const SubgraphOptions& options = {}) = 0;

 protected:
  GraphStore() = default;
};

}  // namespace tessera
