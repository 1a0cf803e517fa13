// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Topology: an in-memory copy of one graph's adjacency (compressed sparse rows over dense vertex
// numbers) as of one change-log position, and the cache that decides when a traversal may use it.
//
// Why it is exact. A Topology is read from a snapshot at change-log position P (a snapshot is
// taken between commits, so it holds exactly the commits numbered up to P). Every commit that
// changes a graph's adjacency records at least one change event of that graph (GraphWriter and
// the bulk loader always do), and the change log sets LastSeqOf(graph) under its commit mutex
// before the commit can be seen by any later snapshot. A traversal takes its snapshot at position
// T, then reads L = LastSeqOf(graph): if P <= T and L <= P, no commit in (P, T] changed the graph
// (one would have set L above P before T's snapshot could be taken), so the adjacency at T is
// the Topology's. Otherwise the traversal scans RocksDB as usual. With the change log off no
// events are recorded, so the cache is never used.
//
// When it is built: a graph read repeatedly without writes gets one, built from the traversal's
// own snapshot; a graph being written never does. The first copy is built after kBuildAfterReads
// traversals in a row that see the same L. Once a copy has been built and a write made it stale,
// the next one waits until the traversals since the last write have cost about as much as a
// build (ReadsBeforeBuild: a build reads every adjacency entry, a traversal without the copy
// reads a few), so a graph that is written every few reads (models.followers: 10% writes) keeps
// scanning instead of rebuilding its copy after every write. Graphs with more than
// kMaxTopologyEntries adjacency entries are never cached.
//
// Thread safety: TopologyCache is thread-safe; a Topology is immutable once built and shared.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "core/util/mutex.h"
#include "models/graph/graph_reader.h"
#include "tessera/graph.h"

namespace tessera::graph {

inline constexpr int kBuildAfterReads = 4;
inline constexpr size_t kMaxTopologyEntries = size_t{16} << 20;
// A build costs about as much as this many adjacency entries per scanning traversal (measured:
// ~22 ms to copy a 2k-vertex, 80k-entry graph, ~5 us for a neighbour scan without the copy).
inline constexpr size_t kEntriesPerScanRead = 16;

// Reads in a row that must see the same last change before a copy is built, when the previous
// copy of the graph held `last_entries` adjacency entries (0: none built yet).
int64_t ReadsBeforeBuild(size_t last_entries);

struct Topology {
  uint64_t position = 0;           // P: the change-log position it was read at
  std::vector<std::string> names;  // vertex ids in byte order; a vertex's number is its index
  absl::flat_hash_map<std::string, uint32_t> number;  // id -> number
  std::vector<std::string> types;                     // edge type names; an entry holds an index
  // Per direction (0 out, 1 in): the entries of vertex v are [offsets[v], offsets[v + 1]) of
  // `other` (the neighbour's number) and `type`, in adjacency-key order.
  std::vector<uint32_t> offsets[2];
  std::vector<uint32_t> other[2];
  std::vector<uint32_t> type[2];

  // The number of vertex `id`, or -1.
  int64_t Find(std::string_view id) const;
};

// Reads the whole graph of `r` (its snapshot). ResourceExhausted past kMaxTopologyEntries.
absl::StatusOr<std::shared_ptr<const Topology>> BuildTopology(GraphReader& r, uint64_t position);

// KHop and Neighbors over a Topology, with the semantics of graph_traversal.h (o.limit and
// o.where must be unset: callers scan RocksDB for those). NotFound for a missing start.
absl::StatusOr<std::vector<std::string>> TopologyKHop(const Topology& t, std::string_view graph,
                                                      std::string_view id, int k,
                                                      const TraversalOptions& o);
absl::StatusOr<std::vector<std::string>> TopologyNeighbors(const Topology& t,
                                                           std::string_view graph,
                                                           std::string_view id,
                                                           const TraversalOptions& o);

class TopologyCache {
 public:
  // The topology of `graph_id` if it provably matches a snapshot at position `snapshot_pos`
  // whose graph last changed at `last_change` (ChangeLog::LastSeqOf read after the snapshot was
  // taken). Otherwise the read counts towards building one: after ReadsBeforeBuild reads that
  // saw the same last change, `build` (which must read the caller's snapshot, at snapshot_pos)
  // runs with no lock held and its result is kept and returned; else null.
  std::shared_ptr<const Topology> Get(
      uint64_t graph_id, uint64_t snapshot_pos, uint64_t last_change,
      absl::FunctionRef<absl::StatusOr<std::shared_ptr<const Topology>>()> build);
  // Forgets a graph (dropped).
  void Erase(uint64_t graph_id);

 private:
  struct Entry {
    std::shared_ptr<const Topology> topology;
    uint64_t seen_change = 0;  // the last L seen by a read that found no usable topology
    int64_t reads = 0;         // reads in a row that saw seen_change
    size_t entries = 0;        // adjacency entries of the last copy built (0: none yet)
    bool building = false;
  };
  util::Mutex mu_;
  absl::flat_hash_map<uint64_t, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tessera::graph
