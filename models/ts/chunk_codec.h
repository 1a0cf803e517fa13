// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The time-series chunk codec: one series' points of one time window in one value. Pure; no
// database. Timestamps are int64 nanoseconds coded as delta-of-delta (Gorilla, with buckets
// widened for nanoseconds); float64 values are XOR-coded (Gorilla); int64 and bool values use the
// same delta-of-delta coding as timestamps. All arithmetic is modulo 2^64, so the whole int64
// range round-trips without overflow.
//
// Chunk layout (value of the data column family):
//
//   +------------+----------+----------------+------------------------+---------------------------+
//   | version 1B | type 1B  | count (varint) | last point (count > 0) | bit stream, MSB first,    |
//   | = 2        | 0 f64    |                | ts 8B BE | bits 8B BE  | zero-padded to a byte     |
//   |            | 1 i64    |                | (the stream's last     |                           |
//   |            | 2 bool   |                |  point, again)         |                           |
//   +------------+----------+----------------+------------------------+---------------------------+
//
//   Version 1 (written before 2026-11-30) has no last point; it is still read. The last point lets
//   Last answer from a chunk's first bytes (ChunkLastPoint) instead of decoding it.
//
//   bit stream: for each point i in ascending timestamp order:
//     timestamp  i = 0: 64 bits raw;  i >= 1: dod(t_i - t_{i-1}, previous delta; delta_0 = 0)
//     value      f64: i = 0: 64 raw bits; then xor with the previous bits:
//                       0                          xor == 0
//                       10 + meaningful bits       fits the previous leading/trailing window
//                       11 + lead(5) + len(6, 64 coded as 0) + len bits
//                i64/bool: dod(v_i - v_{i-1}, previous delta), with v_{-1} = 0 and delta = 0
//   dod(D), D as a two's-complement int64:
//       0                    D == 0
//       10   + 14 bits       -2^13 <= D < 2^13
//       110  + 20 bits       -2^19 <= D < 2^19
//       1110 + 32 bits       -2^31 <= D < 2^31
//       1111 + 64 bits       otherwise
//
// Points in a chunk are strictly ascending by timestamp (one value per timestamp); the encoder
// refuses anything else and the decoder reports it as corruption.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tessera::ts {

// The value type a chunk stores (the type byte of the layout).
enum class ValueType : uint8_t { kFloat = 0, kInt = 1, kBool = 2 };

// One point of a series. `bits` holds the value: the IEEE-754 bits of a double for kFloat, the
// two's-complement int64 for kInt, 0 or 1 for kBool. Carrying bits keeps NaN payloads exact.
struct RawPoint {
  int64_t ts = 0;     // nanoseconds since the epoch
  uint64_t bits = 0;  // the value's bits, see above
  bool operator==(const RawPoint&) const = default;
};

// Helpers between doubles / ints and RawPoint::bits.
uint64_t DoubleBits(double v);
double BitsDouble(uint64_t bits);

// Encodes `points` (strictly ascending timestamps, may be empty) into a chunk.
// InvalidArgument if the timestamps are not strictly ascending or a bool is not 0/1.
[[nodiscard]] absl::StatusOr<std::string> EncodeChunk(ValueType type,
                                                      const std::vector<RawPoint>& points);

// A decoded chunk.
struct DecodedChunk {
  ValueType type = ValueType::kFloat;  // the chunk's value type
  std::vector<RawPoint> points;        // strictly ascending timestamps
};

// Decodes a chunk. DataLoss on any malformed input (truncation, bad header, trailing garbage,
// non-ascending timestamps); never reads outside `chunk`.
[[nodiscard]] absl::StatusOr<DecodedChunk> DecodeChunk(std::string_view chunk);

// The same, appending the points to `*out` (which may hold other points) and setting `*type`;
// on error `*out` may hold some of the chunk's points. Stops at the first point after `max_ts`
// (the rest of the stream is then neither decoded nor checked).
[[nodiscard]] absl::Status DecodeChunkInto(std::string_view chunk, ValueType* type,
                                           std::vector<RawPoint>* out, int64_t max_ts = INT64_MAX);

// The last (newest) point of a chunk, or nullopt when it is empty: read from a version-2 header
// without decoding the stream (a version-1 chunk is decoded). DataLoss on a malformed header.
[[nodiscard]] absl::StatusOr<std::optional<RawPoint>> ChunkLastPoint(std::string_view chunk);

// Sorts `points` by timestamp and keeps the last occurrence of each timestamp (last write wins,
// "last" meaning latest position in the input).
void SortDedupLastWins(std::vector<RawPoint>* points);

}  // namespace tessera::ts
