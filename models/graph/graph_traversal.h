// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Traversals over one GraphReader (one consistent read source): neighbours, k-hop, shortest paths
// (BFS and Dijkstra) and variable-length expansion. Semantics in docs/models/graph.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "models/graph/graph_reader.h"
#include "tessera/graph.h"

namespace tessera::graph {

// The most paths (or expansion steps, times 10) Expand may produce before it gives up with
// ResourceExhausted when no limit is set.
inline constexpr size_t kMaxExpandPaths = 100000;
inline constexpr int kMaxHopsLimit = 1000;

absl::StatusOr<std::vector<std::string>> Neighbors(GraphReader& r, std::string_view id,
                                                   const TraversalOptions& o);
absl::StatusOr<std::vector<std::string>> KHop(GraphReader& r, std::string_view id, int k,
                                              const TraversalOptions& o);
absl::StatusOr<std::optional<GraphPath>> ShortestPath(GraphReader& r, std::string_view src,
                                                      std::string_view dst, bool weighted,
                                                      const TraversalOptions& o);
absl::StatusOr<std::vector<GraphWalk>> Expand(GraphReader& r, std::string_view id,
                                              const ExpandOptions& o);

}  // namespace tessera::graph
