// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The bulk loader's fast path: one batch of edge rows written as sorted SST files and ingested
// atomically with its change events (core/engine/bulk_ingest.h), instead of a transaction.
//
// A batch, start to end:
//   1. a short transaction reserves the batch's edge ids and commits (ids are never reused, so a
//      batch that fails later only leaves a gap);
//   2. learn which endpoints exist, holding off what could change that. When the IngestMemo is
//      current (a later batch of a load), a lock transaction tries once to take the graph's
//      load guard (LoadGuardKey) exclusively: each DeleteVertex holds it shared until its
//      transaction ends, so while the batch holds it no vertex of the graph is deleted, and
//      lock transactions L (4096 vertices each) lock only the endpoints the memo does not vouch
//      for. Otherwise (a first batch, a stale memo, the guard busy) the L lock every endpoint,
//      so the guard never makes a batch wait or fail. Locks are taken without a read, in byte
//      order; one batched read learns which locked endpoints the memo does not vouch for exist
//      (the absent ones are the batch's to create and stay locked until their records are in);
//      meanwhile a second thread already builds the files of step 3 that do not depend on it
//      (the edge records from step 1 on, while this thread interns the batch);
//   3. the data keys (degree merges, edges, new vertices: three files), the adjacency keys (two
//      files split by vertex; laid out by a counting sort on degrees, no string comparisons) and
//      the events (vertex creates, then each edge's create, in row order, as the transactional
//      path orders them) are built on two threads, each file finished (and synced) on a thread
//      of its own as soon as it is complete, and ingested in one atomic step;
//   4. only if a snapshot older than the ingestion is still live, the guard's transaction (if
//      the batch took the guard) writes the guard key and each L rewrites the vertex records it
//      locked with the bytes they have (no-ops) and commits; otherwise they roll back (on the
//      memo's thread while the loader prepares the next batch). Either unlocks them. The writes'
//      only effect: a transaction with an older snapshot that later takes the guard (DeleteVertex,
//      which reads edges at its snapshot) or locks a created vertex sees a newer version and aborts
//      (RocksDB checks write conflicts against the memtable, which ingested files bypass). Existing
//      vertices' records are not written by a batch, and their edges matter only to DeleteVertex,
//      so the guard covers them; degree counters need no marker: they change by merge operands,
//      which commute. The argument in full: docs/models/graph.md, "Bulk load".
// A crash at any point leaves the batch wholly in or wholly out (the no-op of step 4 aside).
#pragma once

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "core/engine/engine.h"
#include "models/graph/graph_loader.h"

namespace tessera::graph {

// What one load remembers from batch to batch: the vertices its batches left existing, and the
// sequence number of its last batch's last event. While the change log shows no later change of
// the graph (ChangeLog::LastSeqOf equals it: every graph write records an event), those vertices
// still exist, so the next batch neither reads them nor, when it gets the load guard, locks them.
// Cleared when stale or when a batch's conflict markers failed, and bounded
// (kMaxIngestMemoVertices). It also carries the previous batch's unlocking
// (a rollback of its lock transaction), which runs on a thread of its own while the loader reads
// the next batch; IngestEdgeBatch, WaitUnlock and the destructor wait for it.
struct IngestMemo {
  IngestMemo() = default;
  IngestMemo(const IngestMemo&) = delete;
  IngestMemo& operator=(const IngestMemo&) = delete;
  ~IngestMemo() { WaitUnlock(); }
  void WaitUnlock() {
    if (unlock.joinable()) unlock.join();
  }
  // Trusts nothing remembered any more (stale, or a batch's conflict markers failed).
  void Forget() {
    vertices.clear();
    graph_seq = 0;
  }

  absl::flat_hash_set<std::string> vertices;
  uint64_t graph_seq = 0;  // 0: nothing remembered
  std::thread unlock;      // the previous batch's unlocking, if still running
};
inline constexpr size_t kMaxIngestMemoVertices = size_t{1} << 22;

// Writes `rows` (types already defaulted) into `graph`; returns how many vertices it created.
// `memo` (optional) carries what the previous batches of the same load learned.
absl::StatusOr<int64_t> IngestEdgeBatch(internal::Engine* engine, const ObjectInfo& graph,
                                        const std::vector<EdgeRow>& rows,
                                        IngestMemo* memo = nullptr);

// The stored forms of a loaded edge, byte for byte what the transactional path writes:
// the msgpack record (EncodeEdge with empty props) and the change event's JSON image.
void AppendLoadedEdgeRecord(std::string_view src, std::string_view dst, std::string_view type,
                            double weight, std::string* out);
void AppendLoadedEdgeImage(std::string_view src, std::string_view dst, std::string_view type,
                           double weight, std::string* out);

}  // namespace tessera::graph
