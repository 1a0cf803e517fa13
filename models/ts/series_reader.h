// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Reads one series' points from the data column family: per window, the sealed chunk merged with
// the head blocks not yet sealed into it (a block's point replaces a chunk point, or an earlier
// block's point, of the same time: it is the later write). Layout in ts_keys.h.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "core/engine/read_source.h"
#include "models/ts/chunk_codec.h"

namespace tessera::ts {

// The width of a chunk's time window: 2 hours of nanoseconds (Gorilla's and Prometheus' block).
inline constexpr int64_t kWindowNs = int64_t{2} * 3600 * 1000000000;

// Points of series `sid` of measurement `mid` with lo <= ts <= hi, ascending.
absl::StatusOr<std::vector<RawPoint>> ReadSeries(internal::ReadSource& src, uint64_t mid,
                                                 uint64_t sid, int64_t lo, int64_t hi);

// The same, appended to *out (a buffer the caller reuses).
absl::Status ReadSeriesInto(internal::ReadSource& src, uint64_t mid, uint64_t sid, int64_t lo,
                            int64_t hi, std::vector<RawPoint>* out);

// The same through `it`, an unpositioned or positioned iterator over the data column family whose
// bounds hold the series' keys (one iterator over a whole measurement serves all its series: a
// Seek per series instead of an iterator each).
absl::Status ReadSeriesWith(internal::BoundedIterator& it, uint64_t mid, uint64_t sid, int64_t lo,
                            int64_t hi, std::vector<RawPoint>* out);

// One block of a sealed chunk's index (chunk_codec.h), as ReadSeriesBlocks offers it.
struct BlockSummary {
  int64_t start = 0;  // the block's sub-window [start, last]
  int64_t last = 0;
  uint64_t count = 0;                  // its points
  ValueType type = ValueType::kFloat;  // the chunk's value type
  uint64_t min_bits = 0;               // ChunkBlock's summary
  uint64_t max_bits = 0;
};

// What to do with a block: decode its points, take its summary instead, or leave it out.
enum class BlockUse { kDecode, kSummary, kSkip };

// ReadSeriesWith, except that every index block of a window held by its sealed chunk alone (no
// head block: its points are the window's) that lies wholly inside [lo, hi] is offered to
// `policy`: kSummary appends it to *summaries instead of its points, kSkip leaves it out.
// Decoding starts at the block before lo (a chunk's checkpoint), not at the window's start.
absl::Status ReadSeriesBlocks(internal::BoundedIterator& it, uint64_t mid, uint64_t sid, int64_t lo,
                              int64_t hi, absl::FunctionRef<BlockUse(const BlockSummary&)> policy,
                              std::vector<RawPoint>* out, std::vector<BlockSummary>* summaries);

// ReadSeriesBlocks, except that the points go to visit(points, n) in ascending runs (n >= 1, valid
// only during the call; a sealed chunk's a frame's part at a time, straight from the decoder) and
// no block is taken as a summary (kSummary is taken as kDecode).
absl::Status ReadSeriesVisit(internal::BoundedIterator& it, uint64_t mid, uint64_t sid, int64_t lo,
                             int64_t hi, absl::FunctionRef<BlockUse(const BlockSummary&)> policy,
                             absl::FunctionRef<void(const RawPoint*, size_t)> visit);

// The values of series `sid` at `times` (strictly ascending): for each k, (*found)[k] is 1 and
// bits[k] the value's bits when the series has a point at times[k], else (*found)[k] is 0 and
// bits[k] unspecified (`found` is resized to times.size(); `bits` holds times.size() values
// and need not be initialized: a query allocates it without zero-filling). Reads through `it`
// (as ReadSeriesWith: one Seek per window holding a time, none when the iterator already stands
// at the window's first key) and decodes only around the times: per run of adjacent index blocks
// holding one of them, from the checkpoint before the run's first time to its last, the values
// picked out of each frame (PickChunkBlocks, chunk_frames.h: no point vector; a regular int
// frame is not even unpacked into points). A window with head blocks is merged as
// ReadSeriesWith merges it (the latest write wins).
absl::Status ReadSeriesAt(internal::BoundedIterator& it, uint64_t mid, uint64_t sid,
                          const std::vector<int64_t>& times, uint64_t* bits,
                          std::vector<uint8_t>* found);

// Sets bits[k] and (*found)[k] to 1 for each times[k] (k in [first, end), times ascending)
// at which `pts` (ascending, unique times) has a point; leaves the others as they are.
void PickPointsAt(const std::vector<RawPoint>& pts, const std::vector<int64_t>& times, size_t first,
                  size_t end, uint64_t* bits, std::vector<uint8_t>* found);

// The latest point with lo <= ts <= hi, or nullopt.
absl::StatusOr<std::optional<RawPoint>> ReadLastPoint(internal::ReadSource& src, uint64_t mid,
                                                      uint64_t sid, int64_t lo, int64_t hi);

// Merges a window's chunk points (ascending) with its head points (ascending): head wins.
std::vector<RawPoint> MergeWindow(std::vector<RawPoint> chunk, const std::vector<RawPoint>& head);

// Collects one window's sealed chunk and head blocks, added in any key order, and merges them.
class WindowAccumulator {
 public:
  // Adds one data key/value of the window (its chunk or one of its head blocks); sets *type (if
  // not null) to the value type the chunk or block was encoded with. Points after `max_ts` are
  // left out (and not decoded); so may be (not all) points before `min_ts`: decoding starts at
  // the chunk's checkpoint before it.
  absl::Status Add(std::string_view key, std::string_view value, ValueType* type = nullptr,
                   int64_t max_ts = INT64_MAX, int64_t min_ts = INT64_MIN);
  bool empty() const { return points_.empty(); }
  // The window's points, ascending, the latest write winning on equal timestamps; clears.
  std::vector<RawPoint> Take();
  // The same, appended to *out.
  void TakeInto(std::vector<RawPoint>* out);

 private:
  struct Versioned {
    RawPoint p;
    uint64_t order;  // 0 for the chunk, 1 + block seq for a head block
  };
  std::vector<RawPoint> points_;                   // every source's points, as added
  std::vector<std::pair<size_t, uint64_t>> runs_;  // (first index, order) of each source
  bool sorted_ = true;  // sources added in write order without overlap: points_ is the answer
  std::vector<Versioned> scratch_;
};

}  // namespace tessera::ts
