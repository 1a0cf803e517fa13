// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The graph model (public API in tessera/graph.h, layout in graph_codec.h). Writes go through
// GraphWriter in one transaction each; traversals and algorithms read one snapshot.
#include <cmath>

#include "core/engine/engine.h"
#include "core/engine/txn_impl.h"
#include "core/util/strings.h"
#include "models/graph/graph_algorithms.h"
#include "models/graph/graph_codec.h"
#include "models/graph/graph_loader.h"
#include "models/graph/graph_reader.h"
#include "models/graph/graph_topology.h"
#include "models/graph/graph_traversal.h"
#include "models/graph/graph_writer.h"
#include "tessera/graph.h"
#include "tessera/status.h"

namespace tessera {
namespace {

using graph::GraphReader;
using graph::GraphWriter;
using internal::Engine;
using internal::ScopedOpTimer;
using internal::TxnImpl;

template <typename T>
T Track(ScopedOpTimer& t, T r) {
  if (!r.ok()) t.Fail();
  return r;
}

class GraphStoreImpl final : public GraphStore {
 public:
  explicit GraphStoreImpl(DB* db) : db_(db), engine_(&db->engine()) {
    auto& m = engine_->metrics();
    h_addv_ = m.GetHistogram("graph.addv");
    h_getv_ = m.GetHistogram("graph.getv");
    h_delv_ = m.GetHistogram("graph.delv");
    h_adde_ = m.GetHistogram("graph.adde");
    h_dele_ = m.GetHistogram("graph.dele");
    h_traverse_ = m.GetHistogram("graph.traverse");
    h_algo_ = m.GetHistogram("graph.algorithm");
    h_load_ = m.GetHistogram("graph.load");
  }

  absl::Status DropGraph(std::string_view graph) override {
    std::optional<uint64_t> id = engine_->catalog().FindId(Model::kGraph, graph);
    RETURN_IF_ERROR(engine_->catalog().Drop(Model::kGraph, graph));
    if (id) topologies_.Erase(*id);  // ids are never reused: this only frees the memory
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<std::string>> ListGraphs() override {
    RETURN_IF_ERROR(engine_->CheckOpen());
    return engine_->catalog().Names(Model::kGraph);
  }

  absl::Status AddVertex(std::string_view graph, std::string_view id, std::string_view label,
                         std::string_view props) override {
    ScopedOpTimer t(h_addv_);
    return Track(t, AddVertexImpl(graph, id, label, props));
  }

  absl::StatusOr<std::optional<Vertex>> GetVertex(std::string_view graph,
                                                  std::string_view id) override {
    ScopedOpTimer t(h_getv_);
    return Track(t, GetVertexImpl(graph, id));
  }

  absl::StatusOr<VertexDeletion> DeleteVertex(std::string_view graph,
                                              std::string_view id) override {
    ScopedOpTimer t(h_delv_);
    return Track(t, DeleteVertexImpl(graph, id));
  }

  absl::StatusOr<uint64_t> AddEdge(std::string_view graph, std::string_view src,
                                   std::string_view type, std::string_view dst, double weight,
                                   std::string_view props) override {
    ScopedOpTimer t(h_adde_);
    return Track(t, AddEdgeImpl(graph, src, type, dst, weight, props));
  }

  absl::Status AddVertex(Transaction& txn, std::string_view graph, std::string_view id,
                         std::string_view label, std::string_view props) override {
    ScopedOpTimer t(h_addv_);
    return Track(t, AddVertexImpl(graph, id, label, props, &txn));
  }
  absl::StatusOr<VertexDeletion> DeleteVertex(Transaction& txn, std::string_view graph,
                                              std::string_view id) override {
    ScopedOpTimer t(h_delv_);
    return Track(t, DeleteVertexImpl(graph, id, &txn));
  }
  absl::StatusOr<uint64_t> AddEdge(Transaction& txn, std::string_view graph, std::string_view src,
                                   std::string_view type, std::string_view dst, double weight,
                                   std::string_view props) override {
    ScopedOpTimer t(h_adde_);
    return Track(t, AddEdgeImpl(graph, src, type, dst, weight, props, &txn));
  }
  absl::StatusOr<bool> DeleteEdge(Transaction& txn, std::string_view graph, uint64_t eid) override {
    ScopedOpTimer t(h_dele_);
    return Track(t, DeleteEdgeImpl(graph, eid, &txn));
  }

  absl::StatusOr<std::optional<Edge>> GetEdge(std::string_view graph, uint64_t eid) override {
    ScopedOpTimer t(h_getv_);
    return Track(t, GetEdgeImpl(graph, eid));
  }

  absl::StatusOr<bool> DeleteEdge(std::string_view graph, uint64_t eid) override {
    ScopedOpTimer t(h_dele_);
    return Track(t, DeleteEdgeImpl(graph, eid));
  }

  absl::StatusOr<std::unique_ptr<Cursor<AdjEntry>>> Edges(std::string_view graph,
                                                          std::string_view vertex, Direction dir,
                                                          std::string_view type) override {
    RETURN_IF_ERROR(graph::ValidateVertexId(vertex));
    if (!type.empty()) RETURN_IF_ERROR(graph::ValidateEdgeType(type));
    ASSIGN_OR_RETURN(std::optional<uint64_t> id, ResolveForRead(graph));
    std::vector<std::string> types;
    if (!type.empty()) types.emplace_back(type);
    std::vector<std::string> prefixes;
    if (id) prefixes = graph::AdjPrefixes(*id, vertex, dir, types);
    return graph::NewAdjCursor(engine_, &engine_->latest(), std::move(prefixes));
  }

  absl::StatusOr<std::vector<std::string>> VertexIds(std::string_view graph) override {
    std::vector<std::string> out;
    RETURN_IF_ERROR(WithReader(graph, [&](GraphReader& r) {
      return r.ForEachVertex(
          [&](std::string_view id, const graph::VertexRecord&) { out.emplace_back(id); });
    }));
    return out;
  }

  absl::StatusOr<GraphLoadResult> LoadEdgeList(std::string_view graph, const std::string& file,
                                               const GraphLoadOptions& options) override {
    ScopedOpTimer t(h_load_);
    auto info = engine_->catalog().GetOrCreate(Model::kGraph, graph);
    if (!info.ok()) return Track(t, absl::StatusOr<GraphLoadResult>(info.status()));
    return Track(t, graph::LoadEdgeListFile(engine_, *info, file, options));
  }

  absl::StatusOr<std::vector<std::string>> Neighbors(std::string_view graph, std::string_view id,
                                                     const TraversalOptions& o) override {
    ScopedOpTimer t(h_traverse_);
    return Track(t, ReadValue<std::vector<std::string>>(
                        graph, id, [&](GraphReader& r) -> absl::StatusOr<std::vector<std::string>> {
                          if (auto topo = CachedTopology(r, o)) {
                            return graph::TopologyNeighbors(*topo, graph, id, o);
                          }
                          return graph::Neighbors(r, id, o);
                        }));
  }

  absl::StatusOr<std::vector<std::string>> KHop(std::string_view graph, std::string_view id, int k,
                                                const TraversalOptions& o) override {
    ScopedOpTimer t(h_traverse_);
    return Track(t, ReadValue<std::vector<std::string>>(
                        graph, id, [&](GraphReader& r) -> absl::StatusOr<std::vector<std::string>> {
                          if (k >= 0 && k <= graph::kMaxHopsLimit) {
                            if (auto topo = CachedTopology(r, o)) {
                              return graph::TopologyKHop(*topo, graph, id, k, o);
                            }
                          }
                          return graph::KHop(r, id, k, o);
                        }));
  }

  absl::StatusOr<std::optional<GraphPath>> ShortestPath(std::string_view graph,
                                                        std::string_view src, std::string_view dst,
                                                        bool weighted,
                                                        const TraversalOptions& o) override {
    ScopedOpTimer t(h_traverse_);
    RETURN_IF_ERROR(graph::ValidateVertexId(dst));
    return Track(t, ReadValue<std::optional<GraphPath>>(graph, src, [&](GraphReader& r) {
                   return graph::ShortestPath(r, src, dst, weighted, o);
                 }));
  }

  absl::StatusOr<std::vector<GraphWalk>> Expand(std::string_view graph, std::string_view id,
                                                const ExpandOptions& o) override {
    ScopedOpTimer t(h_traverse_);
    return Track(t, ReadValue<std::vector<GraphWalk>>(
                        graph, id, [&](GraphReader& r) { return graph::Expand(r, id, o); }));
  }

  absl::StatusOr<std::vector<RankedVertex>> PageRank(std::string_view graph,
                                                     const PageRankOptions& o) override {
    ScopedOpTimer t(h_algo_);
    std::vector<RankedVertex> out;
    absl::Status s = WithSubgraph(graph, o.subgraph, [&](const graph::Subgraph& g) -> absl::Status {
      ASSIGN_OR_RETURN(out, graph::RunPageRank(g, o));
      return absl::OkStatus();
    });
    if (!s.ok()) return Track(t, absl::StatusOr<std::vector<RankedVertex>>(s));
    return out;
  }

  absl::StatusOr<ComponentsResult> Components(std::string_view graph, bool strong,
                                              const SubgraphOptions& o) override {
    ScopedOpTimer t(h_algo_);
    ComponentsResult out;
    absl::Status s = WithSubgraph(graph, o, [&](const graph::Subgraph& g) -> absl::Status {
      ASSIGN_OR_RETURN(out, graph::RunComponents(g, strong, o));
      return absl::OkStatus();
    });
    if (!s.ok()) return Track(t, absl::StatusOr<ComponentsResult>(s));
    return out;
  }

  absl::StatusOr<int64_t> Triangles(std::string_view graph, const SubgraphOptions& o) override {
    ScopedOpTimer t(h_algo_);
    int64_t out = 0;
    absl::Status s = WithSubgraph(graph, o, [&](const graph::Subgraph& g) -> absl::Status {
      ASSIGN_OR_RETURN(out, graph::RunTriangles(g, o));
      return absl::OkStatus();
    });
    if (!s.ok()) return Track(t, absl::StatusOr<int64_t>(s));
    return out;
  }

 private:
  absl::Status Autocommit(std::string_view label, absl::FunctionRef<absl::Status(TxnImpl&)> body) {
    return engine_->RunInTxn(label, /*snapshot=*/false, RetryOptions(), body);
  }
  // Runs `body` in the caller's transaction, or in its own (retried on conflicts) without one.
  absl::Status InTxn(Transaction* user, std::string_view label,
                     absl::FunctionRef<absl::Status(TxnImpl&)> body) {
    if (user != nullptr) return body(user->impl());
    return Autocommit(label, body);
  }

  absl::StatusOr<std::optional<uint64_t>> ResolveForRead(std::string_view graph) {
    RETURN_IF_ERROR(engine_->CheckOpen());
    std::optional<uint64_t> id = engine_->catalog().FindId(Model::kGraph, graph);
    if (!id) RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kGraph, graph));
    return id;
  }

  // Runs fn over a reader of one snapshot of `graph`. A graph that does not exist reads as empty
  // (its id is then one no key can carry).
  absl::Status WithReader(std::string_view graph,
                          absl::FunctionRef<absl::Status(GraphReader&)> fn) {
    ASSIGN_OR_RETURN(std::optional<uint64_t> id, ResolveForRead(graph));
    ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snap, db_->GetSnapshot());
    GraphReader r(&snap->source(), id.value_or(0), std::string(graph));
    r.set_position(id ? snap->sequence() : 0);
    return fn(r);
  }

  // The in-memory topology of r's graph when it provably matches r's snapshot and the traversal
  // can use it (no limit, no property filter, valid filters); else null (graph_topology.h).
  std::shared_ptr<const graph::Topology> CachedTopology(GraphReader& r, const TraversalOptions& o) {
    if (!engine_->options().change_log || r.position() == 0 || o.limit != 0 || !o.where.empty()) {
      return nullptr;
    }
    if (o.direction != Direction::kOut && o.direction != Direction::kIn &&
        o.direction != Direction::kBoth) {
      return nullptr;
    }
    for (const std::string& type : o.types) {
      if (type.empty() || type.size() > kMaxEdgeTypeBytes) return nullptr;
    }
    // Read after the snapshot was taken (graph_topology.h says why that order matters).
    const uint64_t last_change = engine_->change_log().LastSeqOf(r.graph_id());
    return topologies_.Get(r.graph_id(), r.position(), last_change,
                           [&] { return graph::BuildTopology(r, r.position()); });
  }

  // A traversal from `start`: validates it, then runs fn on a snapshot reader.
  template <typename T>
  absl::StatusOr<T> ReadValue(std::string_view graph, std::string_view start,
                              absl::FunctionRef<absl::StatusOr<T>(GraphReader&)> fn) {
    RETURN_IF_ERROR(graph::ValidateVertexId(start));
    absl::StatusOr<T> result(absl::InternalError("graph: traversal did not run"));
    RETURN_IF_ERROR(WithReader(graph, [&](GraphReader& r) {
      result = fn(r);
      return absl::OkStatus();
    }));
    return result;
  }

  absl::Status WithSubgraph(std::string_view graph, const SubgraphOptions& o,
                            absl::FunctionRef<absl::Status(const graph::Subgraph&)> fn) {
    if (!o.vertex_label.empty()) {
      // Labels are free text; only the size is limited, like vertex ids.
      if (o.vertex_label.size() > kMaxVertexIdBytes) {
        return absl::InvalidArgumentError("graph subgraph: vertex label too long");
      }
    }
    for (const std::string& t : o.types) RETURN_IF_ERROR(graph::ValidateEdgeType(t));
    return WithReader(graph, [&](GraphReader& r) -> absl::Status {
      ASSIGN_OR_RETURN(graph::Subgraph g, graph::LoadSubgraph(r, o));
      return fn(g);
    });
  }

  absl::Status AddVertexImpl(std::string_view graph, std::string_view id, std::string_view label,
                             std::string_view props, Transaction* user = nullptr) {
    RETURN_IF_ERROR(graph::ValidateVertexId(id));
    if (label.size() > kMaxVertexIdBytes) {
      return absl::InvalidArgumentError(util::StrCat("graph vertex label is ", label.size(),
                                                     " bytes; the limit is ", kMaxVertexIdBytes));
    }
    graph::VertexRecord rec;
    rec.label = std::string(label);
    ASSIGN_OR_RETURN(rec.props, graph::NormalizeProps(props, "vertex"));
    ASSIGN_OR_RETURN(ObjectInfo info, engine_->catalog().GetOrCreate(Model::kGraph, graph));
    return InTxn(user, "graph.addv", [&](TxnImpl& txn) {
      GraphWriter w(&txn, info);
      return w.PutVertex(id, rec).status();
    });
  }

  absl::StatusOr<std::optional<Vertex>> GetVertexImpl(std::string_view graph, std::string_view id) {
    RETURN_IF_ERROR(graph::ValidateVertexId(id));
    ASSIGN_OR_RETURN(std::optional<uint64_t> gid, ResolveForRead(graph));
    if (!gid) return std::optional<Vertex>();
    ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snap, db_->GetSnapshot());
    GraphReader r(&snap->source(), *gid, std::string(graph));
    ASSIGN_OR_RETURN(auto rec, r.GetVertex(id));
    if (!rec) return std::optional<Vertex>();
    Vertex v;
    v.id = std::string(id);
    v.label = std::move(rec->label);
    v.props = std::move(rec->props);
    ASSIGN_OR_RETURN(auto deg, r.Degrees(id));
    v.out_degree = deg.first;
    v.in_degree = deg.second;
    return std::optional<Vertex>(std::move(v));
  }

  absl::StatusOr<VertexDeletion> DeleteVertexImpl(std::string_view graph, std::string_view id,
                                                  Transaction* user = nullptr) {
    RETURN_IF_ERROR(graph::ValidateVertexId(id));
    RETURN_IF_ERROR(engine_->CheckOpen());
    auto info = engine_->catalog().Find(Model::kGraph, graph);
    if (!info) {
      RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kGraph, graph));
      return VertexDeletion();
    }
    VertexDeletion out;
    RETURN_IF_ERROR(InTxn(user, "graph.delv", [&](TxnImpl& txn) -> absl::Status {
      GraphWriter w(&txn, *info);
      ASSIGN_OR_RETURN(out, w.RemoveVertex(id));
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<uint64_t> AddEdgeImpl(std::string_view graph, std::string_view src,
                                       std::string_view type, std::string_view dst, double weight,
                                       std::string_view props, Transaction* user = nullptr) {
    RETURN_IF_ERROR(graph::ValidateVertexId(src));
    RETURN_IF_ERROR(graph::ValidateVertexId(dst));
    RETURN_IF_ERROR(graph::ValidateEdgeType(type));
    if (!std::isfinite(weight)) {
      return absl::InvalidArgumentError(
          util::StrCat("graph edge weight must be a finite number, got ", weight));
    }
    Edge e;
    e.src = std::string(src);
    e.dst = std::string(dst);
    e.type = std::string(type);
    e.weight = weight;
    ASSIGN_OR_RETURN(e.props, graph::NormalizeProps(props, "edge"));
    RETURN_IF_ERROR(engine_->CheckOpen());
    auto info = engine_->catalog().Find(Model::kGraph, graph);
    if (!info) {
      RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kGraph, graph));
      return absl::NotFoundError(util::StrCat("graph ", graph, " does not exist, so vertex \"",
                                              src.substr(0, 128), "\" does not exist"));
    }
    RETURN_IF_ERROR(InTxn(user, "graph.adde", [&](TxnImpl& txn) -> absl::Status {
      GraphWriter w(&txn, *info);
      for (std::string_view v : {src, dst}) {
        ASSIGN_OR_RETURN(auto rec, w.LockVertex(v));
        if (!rec) {
          return absl::NotFoundError(util::StrCat("graph ", graph, ": cannot add edge, vertex \"",
                                                  v.substr(0, 128), "\" does not exist"));
        }
      }
      ASSIGN_OR_RETURN(e.id, w.AllocateEdgeIds(1));
      return w.WriteEdge(e);
    }));
    return e.id;
  }

  absl::StatusOr<std::optional<Edge>> GetEdgeImpl(std::string_view graph, uint64_t eid) {
    ASSIGN_OR_RETURN(std::optional<uint64_t> gid, ResolveForRead(graph));
    if (!gid) return std::optional<Edge>();
    std::string raw;
    bool found = false;
    RETURN_IF_ERROR(
        engine_->latest().Get(internal::Cf::kData, graph::EdgeKey(*gid, eid), &raw, &found));
    if (!found) return std::optional<Edge>();
    auto e = graph::DecodeEdge(raw, eid);
    if (!e) return absl::DataLossError(util::StrCat("graph ", graph, ": malformed edge ", eid));
    return e;
  }

  absl::StatusOr<bool> DeleteEdgeImpl(std::string_view graph, uint64_t eid,
                                      Transaction* user = nullptr) {
    RETURN_IF_ERROR(engine_->CheckOpen());
    auto info = engine_->catalog().Find(Model::kGraph, graph);
    if (!info) {
      RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kGraph, graph));
      return false;
    }
    bool deleted = false;
    RETURN_IF_ERROR(InTxn(user, "graph.dele", [&](TxnImpl& txn) -> absl::Status {
      GraphWriter w(&txn, *info);
      ASSIGN_OR_RETURN(deleted, w.RemoveEdge(eid));
      return absl::OkStatus();
    }));
    return deleted;
  }

  DB* const db_;
  Engine* const engine_;
  graph::TopologyCache topologies_;
  internal::Histogram* h_addv_;
  internal::Histogram* h_getv_;
  internal::Histogram* h_delv_;
  internal::Histogram* h_adde_;
  internal::Histogram* h_dele_;
  internal::Histogram* h_traverse_;
  internal::Histogram* h_algo_;
  internal::Histogram* h_load_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<GraphStore>> GraphStore::Open(DB* db) {
  if (db == nullptr) return absl::InvalidArgumentError("GraphStore::Open: db is null");
  RETURN_IF_ERROR(db->engine().CheckOpen());
  return std::unique_ptr<GraphStore>(new GraphStoreImpl(db));
}

}  // namespace tessera
