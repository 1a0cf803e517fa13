// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The time-series chunk codec: one series' points of one time window in one value. Pure; no
// database. Version 4 (int64 and bool chunks, since 2026-11-30 session 9) packs points in frames
// of up to 128 (chunk_frames.h): timestamp deltas and value deltas (or values) bit-packed from
// their frame's least, so that decoding unpacks fixed-width fields. Version 3 (float64 chunks,
// and int64/bool chunks written before) is one bit stream: timestamps coded as delta-of-delta
// (Gorilla, with buckets widened for nanoseconds), float64 values XOR-coded (Gorilla), int64 and
// bool values delta-of-delta. Versions 1 to 3 are still read. All arithmetic is modulo 2^64, so
// the whole int64 range round-trips without overflow.
//
// Chunk layout (value of the data column family), versions 3 and 4:
//
//   +-----------+---------+---------------+------------------------+---------------+--------------+
//   | version 1B| type 1B | count         | last point (count > 0) | index length  | block index  |
//   | = 3 (f64) | 0 f64   | (varint)      | ts 8B BE | bits 8B BE  | (varint, 0 =  | (see below)  |
//   | = 4 (i64, | 1 i64   |               | (the stream's last     |  no index;    |              |
//   |    bool)  | 2 bool  |               |  point, again)         |  count > 0)   |              |
//   +-----------+---------+---------------+------------------------+---------------+--------------+
//   | v3: bit stream, MSB first, zero-padded to a byte (unchanged since version 1)         |
//   | v4: frames (chunk_frames.h): each block's points (the whole chunk's without an      |
//   |     index) in frames of 128, the last one shorter                                   |
//   +--------------------------------------------------------------------------------------+
//
//   block index: the points grouped by aligned sub-window (blocks), each with a summary and, after
//   the first, a decoder checkpoint (the state before its first point), so that a range decodes
//   from the block before its start and a bucket covering a whole block takes its summary:
//
//   +----------------+-------------+------------------------------------------------------------+
//   | width (varint, | blocks      | per block: gap (varint: sub-window number minus the        |
//   | seconds)       | (varint)    |   previous block's; 0 for the first, whose sub-window is   |
//   |                |             |   floor(first ts / width)) | count (varint, >= 1) |         |
//   |                |             |   summary | checkpoint (blocks after the first)            |
//   +----------------+-------------+------------------------------------------------------------+
//   summary     i64/bool: zigzag(min) varint | max - min varint      f64: min 8B BE | max 8B BE
//               (f64: NaN excluded, the earliest of equal values; an all-NaN block: its first)
//   checkpoint  v3: bit offset - previous block's (varint) | block start - previous ts (varint) |
//                   previous timestamp delta (varint) |
//                   i64/bool: zigzag(previous value) varint | zigzag(previous value delta) varint
//                   f64: previous bits 8B BE | XOR window lead + 1 (1B, 0: none yet) | trail (1B)
//               v4: byte offset of the block's first frame - previous block's (varint) |
//                   block start - previous ts (varint) | zigzag(previous value) (varint)
//
//   Written when the points span two sub-windows or more (width kIndexWidthNs: 30 minutes).
//   Version 2 (2026-11-30) has no index length and no index; version 1 (before) neither the last
//   point. Both are still read. The last point lets Last answer from a chunk's first bytes
//   (ChunkLastPoint) instead of decoding it.
//
//   v3 bit stream: for each point i in ascending timestamp order:
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

#include "absl/functional/function_ref.h"
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

// Encodes a chunk point by point, resumably: the points come in one or more Append calls and
// Chunk() gives, at any time, exactly the bytes EncodeChunk gives for every point appended so far
// (EncodeChunk is one Append and one Chunk). Copyable, so that a writer can resume a state that a
// cache keeps (ts_window_cache.h) without changing it. Not thread-safe.
class ChunkEncoder {
 public:
  // Writes the current version: 4 for kInt and kBool, 3 for kFloat.
  explicit ChunkEncoder(ValueType type) : ChunkEncoder(type, DefaultVersion(type)) {}
  // Writes `version`: 3 (any type) or 4 (kInt and kBool; Append refuses anything else). Version
  // 3 for kInt/kBool is kept for DecodeChunk, which checks an indexed chunk by encoding its points
  // again in the chunk's own version, and for tests.
  ChunkEncoder(ValueType type, uint8_t version) : type_(type), version_(version) {}
  static uint8_t DefaultVersion(ValueType type) { return type == ValueType::kFloat ? 3 : 4; }

  // Appends `n` points, strictly ascending by timestamp and after every point appended before.
  // InvalidArgument (and nothing appended) otherwise, for a bool not 0/1 or an unknown type.
  [[nodiscard]] absl::Status Append(const RawPoint* points, size_t n);
  // The chunk of every point appended so far.
  std::string Chunk() const;

  ValueType type() const { return type_; }
  uint64_t count() const { return count_; }
  // The newest point (count() > 0).
  const RawPoint& last() const { return last_; }
  // The bytes this encoder holds, itself included (for caches that bound their memory).
  size_t MemoryBytes() const {
    return sizeof(*this) + stream_.capacity() + blocks_.capacity() * sizeof(Block) +
           frame_.capacity() * sizeof(RawPoint);
  }
  uint8_t version() const { return version_; }

  // A block of the index being built (an implementation detail of the codec).
  struct Block {
    uint64_t sub = 0;  // sub-window number from the chunk's first one
    uint64_t count = 0;
    uint64_t min_bits = 0, max_bits = 0;
    bool have_number = false;  // f64: a non-NaN value seen
    // Checkpoint (version 4: bit_offset is the first frame's byte offset times 8; the deltas 0).
    uint64_t bit_offset = 0, prev_ts = 0, ts_delta = 0, prev_value = 0, value_delta = 0;
    int lead = -1, trail = 0;
  };

 private:
  // Version 4: the frames before the open one are in stream_ and the open frame's points
  // (fewer than kFramePoints, chunk_frames.h) in frame_; Chunk() packs them without changing
  // the encoder.
  void AppendFrames(const RawPoint* points, size_t n);
  void AppendStream(const RawPoint* points, size_t n);  // version 3: the bit stream
  void FlushFrame();

  ValueType type_;
  uint8_t version_;
  uint64_t count_ = 0;
  RawPoint last_;
  std::string stream_;           // v3: the bit stream's whole 64-bit words; v4: the finished frames
  std::vector<RawPoint> frame_;  // v4: the open frame's points
  uint64_t frame_prev_ts_ = 0;   // v4: the point before the open frame (0, 0: none)
  uint64_t frame_prev_value_ = 0;
  uint64_t pending_ = 0;  // and its last pending_bits_ bits after them
  int pending_bits_ = 0;
  uint64_t ts_delta_ = 0;  // timestamp delta to the previous point
  uint64_t iv_prev_ = 0;   // kInt/kBool: previous value and delta
  uint64_t iv_delta_ = 0;
  uint64_t fv_prev_ = 0;  // kFloat: previous bits and XOR window
  int fv_lead_ = -1;
  int fv_trail_ = 0;
  bool index_ = false;      // the block index is still being built
  int64_t origin_ = 0;      // its first sub-window's start
  uint64_t block_end_ = 0;  // offset from origin_ where the current block's sub-window ends
  std::vector<Block> blocks_;
};

// A decoded chunk.
struct DecodedChunk {
  ValueType type = ValueType::kFloat;  // the chunk's value type
  std::vector<RawPoint> points;        // strictly ascending timestamps
};

// Decodes a chunk and checks all of it, the block index against the stream included. DataLoss on
// any malformed input (truncation, bad header, trailing garbage, non-ascending timestamps, an
// index that differs from the one the points give); never reads outside `chunk`.
[[nodiscard]] absl::StatusOr<DecodedChunk> DecodeChunk(std::string_view chunk);

// The same, appending the points to `*out` (which may hold other points) and setting `*type`;
// on error `*out` may hold some of the chunk's points. Stops at the first point after `max_ts`
// (the rest of the stream is then neither decoded nor checked). The block index is not checked
// against the stream (DecodeChunk does).
[[nodiscard]] absl::Status DecodeChunkInto(std::string_view chunk, ValueType* type,
                                           std::vector<RawPoint>* out, int64_t max_ts = INT64_MAX);

// The last (newest) point of a chunk, or nullopt when it is empty: read from a version-2 header
// without decoding the stream (a version-1 chunk is decoded). DataLoss on a malformed header.
[[nodiscard]] absl::StatusOr<std::optional<RawPoint>> ChunkLastPoint(std::string_view chunk);

// The sub-window width of the block index EncodeChunk writes: 30 minutes.
inline constexpr int64_t kIndexWidthNs = int64_t{30} * 60 * 1000000000;

// One block of a chunk's index: its sub-window, its summary and its decoder checkpoint.
struct ChunkBlock {
  int64_t start = 0;         // first ns of the block's sub-window
  int64_t last = 0;          // last ns of it (INT64_MAX if the sub-window reaches past it)
  uint64_t count = 0;        // points in the block (>= 1)
  uint64_t first_point = 0;  // the chunk's index of the block's first point
  // Summary. kInt/kBool: the least and greatest value. kFloat: the least and greatest non-NaN
  // value (of equal ones, such as -0.0 and 0.0, the earliest); both the first value's bits when
  // every value is NaN.
  uint64_t min_bits = 0;
  uint64_t max_bits = 0;
  // Checkpoint: the decoder state before the block's first point.
  uint64_t bit_offset = 0;   // into the bit stream (version 4: the frame's byte offset * 8)
  uint64_t prev_ts = 0;      // previous point's timestamp
  uint64_t ts_delta = 0;     // previous timestamp delta
  uint64_t prev_value = 0;   // previous value bits
  uint64_t value_delta = 0;  // previous value delta (kInt/kBool)
  int lead = -1;             // XOR window (kFloat; -1: none yet)
  int trail = 0;
};

// A chunk's header, parsed: what DecodeChunkBlocks needs. `stream` points into the chunk.
struct ChunkInfo {
  uint8_t version = 0;
  ValueType type = ValueType::kFloat;
  uint64_t count = 0;
  std::optional<RawPoint> last;    // version >= 2 and count > 0
  std::string_view stream;         // the bit stream
  int64_t width = 0;               // the index's sub-window width (ns); 0: no index
  std::vector<ChunkBlock> blocks;  // ascending; empty: no index
};

// Parses a chunk's header and block index, checking the index's structure (block counts add up
// to the count, sub-windows and offsets ascend, values in range) but not the stream. DataLoss on
// any malformed input. Reuses info->blocks' storage.
[[nodiscard]] absl::Status ParseChunk(std::string_view chunk, ChunkInfo* info);

// Decodes a parsed chunk's points with min_ts <= ts <= max_ts, appended to *out, starting from
// the checkpoint of block `first_block` (no index: from the start; the caller picks the block,
// see FirstBlockFor): the points before it are not decoded. Stops after max_ts. DataLoss on a
// malformed stream (and on a checkpoint that disagrees with it where that shows: non-ascending
// timestamps, a stream ending early, a bool other than 0/1).
[[nodiscard]] absl::Status DecodeChunkBlocks(const ChunkInfo& info, size_t first_block,
                                             int64_t min_ts, int64_t max_ts,
                                             std::vector<RawPoint>* out);

// DecodeChunkBlocks, except that the points go to visit(points, n) in ascending runs (n >= 1,
// valid only during the call) instead of a vector: version 4 a frame's part at a time, straight
// from the decoder's stack buffer; older versions decoded first and visited in one run. A
// version-4 decode stops when visit returns false.
[[nodiscard]] absl::Status VisitChunkBlocks(const ChunkInfo& info, size_t first_block,
                                            int64_t min_ts, int64_t max_ts,
                                            absl::FunctionRef<bool(const RawPoint*, size_t)> visit);

// The block to start decoding from for points at or after `min_ts`: the last block starting at or
// before it (0 without an index).
size_t FirstBlockFor(const ChunkInfo& info, int64_t min_ts);

// Decodes the points with min_ts <= ts <= max_ts of a chunk (from the checkpoint before min_ts),
// appended to *out; sets *type.
[[nodiscard]] absl::Status DecodeChunkRange(std::string_view chunk, ValueType* type,
                                            std::vector<RawPoint>* out, int64_t min_ts,
                                            int64_t max_ts);

// Sorts `points` by timestamp and keeps the last occurrence of each timestamp (last write wins,
// "last" meaning latest position in the input).
void SortDedupLastWins(std::vector<RawPoint>* points);

}  // namespace tessera::ts
