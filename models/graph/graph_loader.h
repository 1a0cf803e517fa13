// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Bulk load of an edge list (CSV or TSV) into a graph, in bounded transactions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "core/engine/engine.h"
#include "tessera/graph.h"

namespace tessera::graph {

// One parsed row. The views point into the parsed line (the loader keeps a batch's text alive
// until the batch is written), so parsing allocates nothing per row.
struct EdgeRow {
  std::string_view src;
  std::string_view dst;
  std::string_view type;  // "" = the default type
  double weight = 1.0;
};

// Parses one line: fields split on a tab when the line has one, else on commas; fields trimmed.
// Returns false for a blank or '#' comment line; InvalidArgument (naming the line number) for a
// malformed one. The row's views point into `line`.
absl::StatusOr<bool> ParseEdgeRow(std::string_view line, size_t line_no, EdgeRow* row);

// Batches of fewer rows than this are written as a transaction: an ingestion costs a few files
// and possibly a memtable flush, which small batches do not repay.
inline constexpr size_t kMinIngestEdges = 4096;

// Loads `file` into `graph` (created if needed). Each batch of options.batch_edges rows commits
// as a whole: by bulk ingestion (graph_ingest.h) when it has at least `min_ingest_edges` rows,
// else as one transaction.
absl::StatusOr<GraphLoadResult> LoadEdgeListFile(internal::Engine* engine, const ObjectInfo& graph,
                                                 const std::string& file,
                                                 const GraphLoadOptions& options,
                                                 size_t min_ingest_edges = kMinIngestEdges);

}  // namespace tessera::graph
