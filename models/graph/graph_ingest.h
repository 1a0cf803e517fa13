// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The bulk loader's fast path: one batch of edge rows written as sorted SST files and ingested
// atomically with its change events (core/engine/bulk_ingest.h), instead of a transaction.
//
// A batch, start to end:
//   1. a lock transaction L locks every endpoint with GetForUpdate (learning which exist);
//   2. a short transaction reserves the batch's edge ids and commits (ids are never reused, so a
//      batch that fails later only leaves a gap);
//   3. the data keys (degree merges, edges, new vertices), the adjacency keys (sorted by integer
//      ranks, no string comparisons) and the events (vertex creates, then each edge's create, in
//      row order, as the transactional path orders them) are ingested in one atomic step;
//   4. L rewrites every endpoint's vertex record with the bytes it has (a no-op) and commits,
//      which unlocks them. Its only effect: a transaction with an older snapshot that later locks
//      one of these vertices sees a newer version and aborts (RocksDB checks write conflicts
//      against the memtable, which ingested files bypass). Every graph write that depends on an
//      endpoint's edges or existence (DeleteVertex, AddEdge, AddVertex) locks the vertex first,
//      so a DeleteVertex that started before the batch retries instead of missing its new edges.
//      Degree counters need no marker: they change by merge operands, which commute.
// A crash at any point leaves the batch wholly in or wholly out (the no-op of step 4 aside).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/engine/engine.h"
#include "models/graph/graph_loader.h"

namespace tessera::graph {

// Writes `rows` (types already defaulted) into `graph`; returns how many vertices it created.
absl::StatusOr<int64_t> IngestEdgeBatch(internal::Engine* engine, const ObjectInfo& graph,
                                        const std::vector<EdgeRow>& rows);

// The stored forms of a loaded edge, byte for byte what the transactional path writes:
// the msgpack record (EncodeEdge with empty props) and the change event's JSON image.
void AppendLoadedEdgeRecord(std::string_view src, std::string_view dst, std::string_view type,
                            double weight, std::string* out);
void AppendLoadedEdgeImage(std::string_view src, std::string_view dst, std::string_view type,
                           double weight, std::string* out);

}  // namespace tessera::graph
