// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// GraphReader: the read side of one graph over one ReadSource (the latest state, a snapshot or a
// transaction): adjacency scans, vertex records, degrees. Traversals and algorithms use it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "core/engine/read_source.h"
#include "models/graph/graph_codec.h"
#include "tessera/graph.h"

namespace tessera::graph {

// An adjacency cursor over a list of key ranges of the adj column family, visited in order.
// Not thread-safe. Holds a live-handle count on the engine so the database cannot close under it.
std::unique_ptr<Cursor<AdjEntry>> NewAdjCursor(internal::Engine* engine, internal::ReadSource* src,
                                               std::vector<std::string> prefixes);

// The prefixes to scan for the edges of `vid` in `dir` restricted to `types` (empty: all).
std::vector<std::string> AdjPrefixes(uint64_t g, std::string_view vid, Direction dir,
                                     const std::vector<std::string>& types);

// Not thread-safe (it borrows a ReadSource that may be a transaction).
class GraphReader {
 public:
  GraphReader(internal::ReadSource* src, uint64_t graph_id, std::string name)
      : src_(src), g_(graph_id), name_(std::move(name)) {}

  uint64_t graph_id() const { return g_; }
  const std::string& name() const { return name_; }
  // The change-log position of the reader's snapshot, when it reads one (0: unknown).
  uint64_t position() const { return position_; }
  void set_position(uint64_t p) { position_ = p; }

  // Calls fn for every adjacency entry of `vid` in `dir` restricted to `types`; fn returns false
  // to stop early. The reader keeps one iterator over the graph's adjacency and seeks it to each
  // vertex (creating an iterator costs more than a seek); a call made from inside fn gets an
  // iterator of its own. `vid` is not read after the first call of fn.
  absl::Status ForEachEdge(std::string_view vid, Direction dir,
                           const std::vector<std::string>& types,
                           absl::FunctionRef<bool(const AdjEntry&)> fn);
  // The vertex record, or nullopt.
  absl::StatusOr<std::optional<VertexRecord>> GetVertex(std::string_view vid);
  // NotFound naming the vertex and graph unless it exists.
  absl::Status RequireVertex(std::string_view vid);
  // The out and in degrees of a vertex.
  absl::StatusOr<std::pair<int64_t, int64_t>> Degrees(std::string_view vid);
  // Every vertex in id order; fn(id, record).
  absl::Status ForEachVertex(absl::FunctionRef<void(std::string_view, const VertexRecord&)> fn);
  // Every out-edge of the graph (one entry per edge): fn(src, entry) with entry.other the dst.
  absl::Status ForEachOutEdge(absl::FunctionRef<void(std::string_view, const AdjEntry&)> fn);
  // Every adjacency entry of the graph, both directions, in key order: fn(vertex, entry); fn
  // returns false to stop.
  absl::Status ForEachAdjEntry(absl::FunctionRef<bool(std::string_view, const AdjEntry&)> fn);

 private:
  internal::ReadSource* const src_;
  const uint64_t g_;
  const std::string name_;
  uint64_t position_ = 0;
  std::unique_ptr<internal::BoundedIterator> adj_it_;  // over the graph's adjacency, reused
  bool adj_busy_ = false;                              // adj_it_ is in use (ForEachEdge runs)
  std::vector<std::string> prefixes_;                  // reused by ForEachEdge
};

}  // namespace tessera::graph
