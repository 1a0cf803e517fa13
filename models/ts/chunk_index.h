// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The block index of a time-series chunk (versions 3 and 4; chunk_codec.h draws it beside the
// chunk): built by the encoder (SummaryAdd, PutIndex) and parsed with the header (ParseIndex).
// Internal to the chunk codec (chunk_codec.cc, chunk_frames.cc). Pure functions; thread-safe.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/codec/coding.h"

#include "models/ts/chunk_codec.h"

namespace tessera::ts::chunk_internal {

// Chunk versions. Version 4 packs int and bool points in frames (chunk_frames.h); version 3
// added the block index; version 2 added the last point after the count (so Last reads it without
// decoding); version 1 chunks, written before 2026-11-30, are still read. Floats are written as
// version 3.
inline constexpr uint8_t kChunkVersion4 = 4;
inline constexpr uint8_t kChunkVersion = 3;
inline constexpr uint8_t kChunkVersion2 = 2;
inline constexpr uint8_t kChunkVersion1 = 1;
inline constexpr int64_t kNsPerSecond = 1000000000;

// DataLoss "corrupt time-series chunk: <what>": the codec's error for a malformed chunk.
absl::Status Corrupt(std::string_view what);

// codec::GetVarint64 of the varint at p[0, avail): its length in bytes into *len, or false
// (truncated, over 64 bits). The same answers, faster for the multi-byte varints a chunk is full
// of (a timestamp delta in ns takes 5 bytes: the byte loop took ~80 instructions a varint): a
// varint that ends within 8 readable bytes is one load, its end found by the continuation bits,
// and its 7-bit groups joined in three steps. Used by the frames' decoders, and by ParseIndex for
// a checkpoint's time back (~5 bytes) only: its other varints are mostly 1-2 bytes, and with
// this one inlined for all of them it took 0.5 M more instructions of high-cpu-1's 49 M
// (session 12; so did a pointer-based reader in session 10).
inline bool VarintAt(const char* p, size_t avail, uint64_t* v, size_t* len) {
  if (avail >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);  // little-endian hosts only (x86-64, aarch64), as the frames
    const uint64_t stops = ~w & 0x8080808080808080ULL;
    if (stops != 0) {
      const int bytes = (std::countr_zero(stops) >> 3) + 1;
      uint64_t x = w & (~uint64_t{0} >> (64 - 8 * bytes)) & 0x7F7F7F7F7F7F7F7FULL;
      x = ((x & 0x7F007F007F007F00ULL) >> 1) | (x & 0x007F007F007F007FULL);
      x = ((x & 0x3FFF00003FFF0000ULL) >> 2) | (x & 0x00003FFF00003FFFULL);
      x = ((x & 0x0FFFFFFF00000000ULL) >> 4) | (x & 0x000000000FFFFFFFULL);
      *v = x;
      *len = static_cast<size_t>(bytes);
      return true;
    }
  }
  std::string_view in(p, avail);
  if (!codec::GetVarint64(&in, v)) return false;
  *len = avail - in.size();
  return true;
}

// floor(t / width) * width (width > 0) into *out, or false when it does not fit an int64.
bool FloorWidth(int64_t t, int64_t width, int64_t* out);

// Adds the value `bits` of a point to the summary of block *b, before b->count counts it.
void SummaryAdd(ValueType type, ChunkEncoder::Block* b, uint64_t bits);

// Appends the block index of a chunk of `version` and value `type`: `blocks` in sub-windows of
// `width` ns counted from `origin`.
void PutIndex(uint8_t version, ValueType type, int64_t width,
              const std::vector<ChunkEncoder::Block>& blocks, int64_t origin, std::string* out);

// Parses the block index `index` of the chunk whose version, type, count and stream are already
// in *info, into info->blocks and info->width; checks the index's structure (see ParseChunk).
// DataLoss on a malformed index.
[[nodiscard]] absl::Status ParseIndex(std::string_view index, ChunkInfo* info);

}  // namespace tessera::ts::chunk_internal
