// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// GraphWriter: the writes of one graph inside one transaction (vertex upsert and delete, edge add
// and delete), keeping adjacency, degree counters and the change log consistent. The store and
// the bulk loader both write through it.
//
// Change events (model "graph", object = the graph name, images as JSON text):
//   vertex: key "v:" + vertex id, images {"label": ..., "props": {...}}
//   edge:   key "e:" + decimal edge id, images {"src", "dst", "type", "weight", "props"}
// Degree counters and the edge-id allocator are bookkeeping and emit no events.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/engine/txn_impl.h"
#include "models/graph/graph_codec.h"
#include "tessera/graph.h"
#include "tessera/model.h"

namespace tessera::graph {

// Checks a vertex id (1..kMaxVertexIdBytes) and an edge type (1..kMaxEdgeTypeBytes).
absl::Status ValidateVertexId(std::string_view id);
absl::Status ValidateEdgeType(std::string_view type);

// Not thread-safe (one transaction).
class GraphWriter {
 public:
  GraphWriter(internal::TxnImpl* txn, ObjectInfo graph) : txn_(txn), graph_(std::move(graph)) {}

  // Creates or replaces a vertex (props already normalised). Returns whether it was created.
  absl::StatusOr<bool> PutVertex(std::string_view id, const VertexRecord& rec);
  // Locks and reads a vertex record; nullopt when absent.
  absl::StatusOr<std::optional<VertexRecord>> LockVertex(std::string_view id);
  // Reserves `n` edge ids and returns the first (ids are never reused).
  absl::StatusOr<uint64_t> AllocateEdgeIds(uint64_t n);
  // Writes an edge whose endpoints the caller has checked (and locked) and whose id it allocated.
  // Its keys carry that id, so they are written without row locks. With `count_degrees` false
  // the caller adds the endpoints' degrees itself (AddDegree), once per vertex for a batch.
  absl::Status WriteEdge(const Edge& e, bool count_degrees = true);
  // Adds `delta` to the degree counter of `vid` in direction `dir`.
  absl::Status AddDegree(std::string_view vid, Direction dir, int64_t delta);
  // Deletes an edge; returns whether it existed. `skip_degree_of` names a vertex whose degree
  // counters are about to be deleted anyway (DeleteVertex), or is empty.
  absl::StatusOr<bool> RemoveEdge(uint64_t eid, std::string_view skip_degree_of = {});
  // Deletes a vertex and its incident edges.
  absl::StatusOr<VertexDeletion> RemoveVertex(std::string_view id);

 private:
  absl::Status VertexEvent(std::string_view id, const std::optional<VertexRecord>& before,
                           const std::optional<VertexRecord>& after);
  absl::Status EdgeEvent(const Edge& e, bool created);

  internal::TxnImpl* const txn_;
  const ObjectInfo graph_;
};

}  // namespace tessera::graph
