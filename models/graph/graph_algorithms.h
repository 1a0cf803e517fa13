// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Whole-graph algorithms over an in-memory copy of a (sub)graph read from one snapshot:
// PageRank, weakly / strongly connected components, triangle count. Semantics in
// docs/models/graph.md.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "models/graph/graph_reader.h"
#include "tessera/graph.h"

namespace tessera::graph {

// A (sub)graph in memory: vertices sorted by id, edges as index pairs (multi-edges and
// self-loops kept).
struct Subgraph {
  std::vector<std::string> ids;                      // sorted
  std::vector<std::pair<uint32_t, uint32_t>> edges;  // (src, dst) indexes into ids
};

absl::StatusOr<Subgraph> LoadSubgraph(GraphReader& r, const SubgraphOptions& o);

// Each returns Cancelled once the options' `cancelled` returns true (SubgraphOptions).
absl::StatusOr<std::vector<RankedVertex>> RunPageRank(const Subgraph& g, const PageRankOptions& o);
absl::StatusOr<ComponentsResult> RunComponents(const Subgraph& g, bool strong,
                                               const SubgraphOptions& o = {});
absl::StatusOr<int64_t> RunTriangles(const Subgraph& g, const SubgraphOptions& o = {});

}  // namespace tessera::graph
