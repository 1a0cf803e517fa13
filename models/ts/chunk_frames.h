// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The frames of a version-4 time-series chunk (int64 and bool values; chunk_codec.h draws the
// chunk): up to kFramePoints points, frame-of-reference bit packed, so that decoding unpacks
// fixed-width fields with one load, shift and mask each instead of reading a bit-serial stream.
//
//   frame of n points (n is implied by the block's count: frames of 128, the last one shorter):
//   +-------------------+-------------------+ first point, against the previous point of the
//   | zigzag(t0 - prev) | zigzag(v0 - prev) | chunk (0 and 0 for the chunk's first point)
//   | (varint)          | (varint)          |
//   +-------------------+-------------------+------------------------------------------+
//   | n > 1: timestamps: min delta (varint) | width (1B, 0..64) | n-1 fields (d_i - min) |
//   |        values: mode|width (1B) | base (zigzag varint) | n-1 fields (x_i - base)    |
//   +-----------------------------------------------------------------------------------+
//   d_i = t_i - t_{i-1}; mode (bit 7) 0: x_i = v_i - v_{i-1} (deltas), 1: x_i = v_i (values);
//   the low 7 bits are the width (0..64); base is the least x_i (as int64). Fields are packed
//   little-endian, least significant bit first, each run zero-padded to a byte; width 0 takes no
//   bytes (a regular interval costs nothing per point). The encoder takes, per frame, the shorter
//   of deltas and values (deltas on a tie). All arithmetic is modulo 2^64.
//
// Pure functions; thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

#include "models/ts/chunk_codec.h"

namespace tessera::ts {

// Most points in a frame.
inline constexpr size_t kFramePoints = 128;
// Fewest bytes a frame takes (its first point's two varints).
inline constexpr size_t kMinFrameBytes = 2;
// The fewest bytes of a frame of two points or more: two varints of its first point, the
// timestamps' minimum delta and width byte, the values' mode byte and base.
inline constexpr size_t kMinFullFrameBytes = 6;

// Appends the frame of points p[0..n) (1 <= n <= kFramePoints, strictly ascending timestamps),
// which follow the point (prev_ts, prev_value) of the chunk (0, 0 for its first frame).
void PutFrame(const RawPoint* p, size_t n, uint64_t prev_ts, uint64_t prev_value, std::string* out);

// Decodes the frame of `n` points (1 <= n <= kFramePoints) at data[*pos] (data[0, size) is the
// whole readable value: nothing outside it is read) into out[0..n), and moves *pos past it.
// `after_prev`: the frame follows the point (prev_ts, prev_value) (false for the chunk's first
// frame, whose prev_ts and prev_value are 0). nullptr on success, else what is malformed
// (truncation, a width over 64, non-zero padding, timestamps not ascending); bool values are the
// caller's to check.
const char* GetFrame(const char* data, size_t size, size_t* pos, size_t n, bool after_prev,
                     uint64_t prev_ts, uint64_t prev_value, RawPoint* out);

// Decodes the frames of a parsed version-4 chunk (ParseChunk) from block `first_block` (no index:
// from the start) and appends the points with min_ts <= ts <= max_ts to *out; stops after
// max_ts. DataLoss on a malformed frame, timestamps not ascending, a bool other than 0/1, a later
// block's checkpoint that differs from the stream, and (when decoding to the end) frames that do
// not end exactly at the value's end.
[[nodiscard]] absl::Status DecodeFrames(const ChunkInfo& info, size_t first_block, int64_t min_ts,
                                        int64_t max_ts, std::vector<RawPoint>* out);

// The same, except that the points in range go to visit(points, n), a frame's part at a time
// (n >= 1, ascending, each call after the last), straight from a stack buffer (valid only during
// the call): no vector. Decoding stops after max_ts or when visit returns false (the rest is then
// neither decoded nor checked).
[[nodiscard]] absl::Status VisitFrames(const ChunkInfo& info, size_t first_block, int64_t min_ts,
                                       int64_t max_ts,
                                       absl::FunctionRef<bool(const RawPoint*, size_t)> visit);

// Sets bits[i] to the point's bits and fnd[i] to 1 for each t[i] (i in [k, end), ascending) at
// which the points [p, p_end) (ascending, unique times, not empty) have a point; leaves the others
// as they are.
// Returns the first k whose time is after the last point (those are left for later points).
// Raw pointers: stores through `b` (uint64_t) may alias a RawPoint's fields as far as the
// compiler knows, so indexing vectors would reload their data and sizes on every step.
inline size_t PickPoints(const RawPoint* p, const RawPoint* const p_end, const int64_t* const t,
                         size_t k, size_t end, uint64_t* const b, uint8_t* const fnd) {
  const int64_t last = p_end[-1].ts;
  for (; k < end; ++k) {
    const int64_t tk = t[k];
    if (tk > last) return k;
    if (p->ts < tk) {
      // Galloping: matched times are often far apart (rows of a condition), so a gap of g
      // points costs ~2 log2(g) steps rather than g. (p_end[-1].ts >= tk: p stays inside.)
      const RawPoint* below = p;  // below->ts < tk
      size_t step = 1;
      while (static_cast<size_t>(p_end - below) > step && below[step].ts < tk) {
        below += step;
        step *= 2;
      }
      const RawPoint* const bound =
          static_cast<size_t>(p_end - below) > step ? below + step : p_end;
      p = std::partition_point(below + 1, bound, [tk](const RawPoint& x) { return x.ts < tk; });
    }
    if (p->ts == tk) {
      b[k] = p->bits;
      fnd[k] = 1;
      if (++p == p_end) return k + 1;
    }
  }
  return k;
}

// The values of a parsed chunk (any version) at times[k, end) (k < end, strictly ascending):
// bits[i] and found[i] = 1 for each times[i] at which the chunk has a point, the others left as
// they are. Exactly VisitChunkBlocks(info, first_block, times[k], times[end - 1], visit) with a
// visitor picking each run's points at the times (PickPoints): the same frames decoded, the same
// checks and errors. For a version-4 int64 chunk it saves the work no check needs: a frame of
// regular timestamps (width 0, the common case) is not unpacked into points; a time's position
// in it is (t - t0) / step, its value a field of the frame (values mode) or the running sum of
// the deltas up to it, and the deltas after the last picked position are summed only when a
// later frame is decoded (its first point is coded against the frame's last).
[[nodiscard]] absl::Status PickChunkBlocks(const ChunkInfo& info, size_t first_block,
                                           const int64_t* times, size_t k, size_t end,
                                           uint64_t* bits, uint8_t* found);

}  // namespace tessera::ts
