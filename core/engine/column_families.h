// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The column families of a Tessera database, chosen by access pattern rather than by model
// (docs/architecture.md explains the choice):
//
//   default  catalog, format version, id allocators, consumer positions   (small, point reads)
//   data     kv entries, documents, wide-column cells, time-series chunks (point reads: blooms)
//   index    secondary-index entries, series index                        (range scans only)
//   adj      graph adjacency, both directions                             (short prefix scans)
//   feed     the change log, keyed by sequence number                     (append, tail, purge)
//
// Every key of data, index and adj starts with the 8-byte big-endian id of its catalog object.
#pragma once

#include <array>
#include <cstddef>

namespace tessera::internal {

enum class Cf : int { kMeta = 0, kData = 1, kIndex = 2, kAdj = 3, kFeed = 4 };

inline constexpr size_t kNumCfs = 5;
inline constexpr std::array<const char*, kNumCfs> kCfNames = {"default", "data", "index", "adj",
                                                              "feed"};

}  // namespace tessera::internal
