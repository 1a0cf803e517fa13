// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The block index of a time-series chunk (versions 3 and 4; chunk_codec.h draws it beside the
// chunk): built by the encoder (SummaryAdd, PutIndex) and parsed with the header (ParseIndex).
// Internal to the chunk codec (chunk_codec.cc, chunk_frames.cc). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

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
