// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The block index of a chunk (chunk_index.h).

#include "models/ts/chunk_index.h"

#include <cmath>

#include "core/codec/coding.h"
#include "core/util/strings.h"
#include "models/ts/chunk_frames.h"

namespace tessera::ts::chunk_internal {

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(util::StrCat("corrupt time-series chunk: ", what));
}

// floor(t / width) * width, or false when it does not fit an int64.
bool FloorWidth(int64_t t, int64_t width, int64_t* out) {
  int64_t q = t / width;
  if (t % width != 0 && t < 0) --q;
  return !__builtin_mul_overflow(q, width, out);
}

void SummaryAdd(ValueType type, ChunkEncoder::Block* b, uint64_t bits) {
  if (type == ValueType::kFloat) {
    const double v = BitsDouble(bits);
    if (b->count == 0) b->min_bits = b->max_bits = bits;  // all NaN: the first
    if (std::isnan(v)) return;
    if (!b->have_number) {
      b->min_bits = b->max_bits = bits;
      b->have_number = true;
      return;
    }
    // Strict comparisons: of equal values the earliest stays.
    if (v < BitsDouble(b->min_bits)) b->min_bits = bits;
    if (v > BitsDouble(b->max_bits)) b->max_bits = bits;
    return;
  }
  const int64_t v = static_cast<int64_t>(bits);
  if (b->count == 0 || v < static_cast<int64_t>(b->min_bits)) b->min_bits = bits;
  if (b->count == 0 || v > static_cast<int64_t>(b->max_bits)) b->max_bits = bits;
}

void PutIndex(uint8_t version, ValueType type, int64_t width,
              const std::vector<ChunkEncoder::Block>& blocks, int64_t origin, std::string* out) {
  codec::PutVarint64(out, static_cast<uint64_t>(width / kNsPerSecond));
  codec::PutVarint64(out, blocks.size());
  for (size_t k = 0; k < blocks.size(); ++k) {
    const ChunkEncoder::Block& b = blocks[k];
    codec::PutVarint64(out, k == 0 ? 0 : b.sub - blocks[k - 1].sub);
    codec::PutVarint64(out, b.count);
    if (type == ValueType::kFloat) {
      codec::PutFixed64BE(out, b.min_bits);
      codec::PutFixed64BE(out, b.max_bits);
    } else {
      codec::PutVarsint64(out, static_cast<int64_t>(b.min_bits));
      codec::PutVarint64(out, b.max_bits - b.min_bits);
    }
    if (k == 0) continue;
    const uint64_t start = static_cast<uint64_t>(origin) + b.sub * static_cast<uint64_t>(width);
    if (version == kChunkVersion4) {  // byte offset, time back, previous value
      codec::PutVarint64(out, (b.bit_offset - blocks[k - 1].bit_offset) / 8);
      codec::PutVarint64(out, start - b.prev_ts);
      codec::PutVarsint64(out, static_cast<int64_t>(b.prev_value));
      continue;
    }
    codec::PutVarint64(out, b.bit_offset - blocks[k - 1].bit_offset);
    codec::PutVarint64(out, start - b.prev_ts);
    codec::PutVarint64(out, b.ts_delta);
    if (type == ValueType::kFloat) {
      codec::PutFixed64BE(out, b.prev_value);
      out->push_back(static_cast<char>(b.lead + 1));
      out->push_back(static_cast<char>(b.trail));
    } else {
      codec::PutVarsint64(out, static_cast<int64_t>(b.prev_value));
      codec::PutVarsint64(out, static_cast<int64_t>(b.value_delta));
    }
  }
}

namespace {

// codec::GetVarint64 with the one-byte case first (an index is mostly one-byte varints: parsed
// once per chunk read, ~35 varints for a 2-hour window of 30-minute blocks).
inline bool GetVarint(std::string_view* in, uint64_t* v) {
  if (!in->empty() && static_cast<uint8_t>(in->front()) < 0x80) {
    *v = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    return true;
  }
  return codec::GetVarint64(in, v);
}

inline bool GetVarsint(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetVarint(in, &u)) return false;
  *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

}  // namespace

absl::Status ParseIndex(std::string_view index, ChunkInfo* info) {
  auto& blocks = info->blocks;
  uint64_t width_s = 0, n = 0;
  if (!GetVarint(&index, &width_s) || width_s == 0 ||
      width_s > static_cast<uint64_t>(INT64_MAX / kNsPerSecond)) {
    return Corrupt("bad index width");
  }
  const int64_t width = static_cast<int64_t>(width_s) * kNsPerSecond;
  // Every block takes at least 4 bytes: bound the number before allocating.
  if (!GetVarint(&index, &n) || n == 0 || n > info->count || n > index.size() / 4 + 1) {
    return Corrupt("bad index block count");
  }
  const bool v4 = info->version == kChunkVersion4;
  int64_t first_ts = 0;
  if (v4) {  // the first frame's first timestamp: zigzag(t0 - 0)
    std::string_view s = info->stream;
    if (!GetVarsint(&s, &first_ts)) return Corrupt("truncated first frame");
  } else {
    first_ts = static_cast<int64_t>(codec::DecodeFixed64BE(info->stream.data()));
  }
  int64_t origin;
  if (!FloorWidth(first_ts, width, &origin)) return Corrupt("index sub-windows out of range");
  const uint64_t stream_bits = info->stream.size() * 8;
  blocks.resize(n);
  uint64_t sub = 0, points = 0;
  for (uint64_t k = 0; k < n; ++k) {
    ChunkBlock& b = blocks[k];
    b = ChunkBlock();
    uint64_t gap = 0;
    if (!GetVarint(&index, &gap) || (k == 0) != (gap == 0) ||
        __builtin_add_overflow(sub, gap, &sub)) {
      return Corrupt(util::StrCat("bad sub-window of index block ", k));
    }
    uint64_t off;
    if (__builtin_mul_overflow(sub, static_cast<uint64_t>(width), &off) ||
        off > static_cast<uint64_t>(INT64_MAX) - static_cast<uint64_t>(origin)) {
      return Corrupt(util::StrCat("index block ", k, " starts out of range"));
    }
    b.start = static_cast<int64_t>(static_cast<uint64_t>(origin) + off);
    if (__builtin_add_overflow(b.start, width - 1, &b.last)) b.last = INT64_MAX;
    if (!GetVarint(&index, &b.count) || b.count == 0 || b.count > info->count - points) {
      return Corrupt(util::StrCat("bad point count of index block ", k));
    }
    b.first_point = points;
    points += b.count;
    if (info->type == ValueType::kFloat) {
      if (index.size() < 16) return Corrupt("truncated index");
      b.min_bits = codec::DecodeFixed64BE(index.data());
      b.max_bits = codec::DecodeFixed64BE(index.data() + 8);
      index.remove_prefix(16);
    } else {
      int64_t lo = 0;
      uint64_t span = 0;
      if (!GetVarsint(&index, &lo) || !GetVarint(&index, &span) ||
          span > static_cast<uint64_t>(INT64_MAX) - static_cast<uint64_t>(lo)) {
        return Corrupt(util::StrCat("bad summary of index block ", k));
      }
      b.min_bits = static_cast<uint64_t>(lo);
      b.max_bits = static_cast<uint64_t>(lo) + span;
      if (info->type == ValueType::kBool && (lo < 0 || b.max_bits > 1)) {
        return Corrupt(util::StrCat("bad bool summary of index block ", k));
      }
    }
    if (k == 0) continue;
    const ChunkBlock& prev = blocks[k - 1];
    uint64_t delta = 0, back = 0;
    // Version 4: a byte offset (each block's frames take kMinFrameBytes or more).
    if (!GetVarint(&index, &delta) || delta < (v4 ? kMinFrameBytes : 1) ||
        delta >= (v4 ? (stream_bits - prev.bit_offset) / 8 : stream_bits - prev.bit_offset)) {
      return Corrupt(util::StrCat("bad bit offset of index block ", k));
    }
    b.bit_offset = prev.bit_offset + (v4 ? delta * 8 : delta);
    // The previous point lies in an earlier block: in [prev.start, b.start).
    // (A time back in ns: ~5 bytes, read in one load, chunk_index.h.)
    size_t back_len = 0;
    if (!VarintAt(index.data(), index.size(), &back, &back_len) || back == 0 ||
        back > static_cast<uint64_t>(b.start) - static_cast<uint64_t>(prev.start)) {
      return Corrupt(util::StrCat("bad checkpoint time of index block ", k));
    }
    index.remove_prefix(back_len);
    b.prev_ts = static_cast<uint64_t>(b.start) - back;
    if (v4) {
      int64_t pv = 0;
      if (!GetVarsint(&index, &pv)) return Corrupt("truncated index");
      b.prev_value = static_cast<uint64_t>(pv);
      if (info->type == ValueType::kBool && b.prev_value > 1) {
        return Corrupt(util::StrCat("bad bool checkpoint of index block ", k));
      }
      continue;
    }
    if (!GetVarint(&index, &b.ts_delta)) return Corrupt("truncated index");
    if (info->type == ValueType::kFloat) {
      if (index.size() < 10) return Corrupt("truncated index");
      b.prev_value = codec::DecodeFixed64BE(index.data());
      b.lead = static_cast<uint8_t>(index[8]) - 1;
      b.trail = static_cast<uint8_t>(index[9]);
      index.remove_prefix(10);
      if (b.lead > 31 || b.trail > 63 || (b.lead >= 0 && b.lead + b.trail > 63)) {
        return Corrupt(util::StrCat("bad XOR window of index block ", k));
      }
    } else {
      int64_t pv = 0, pd = 0;
      if (!GetVarsint(&index, &pv) || !GetVarsint(&index, &pd)) {
        return Corrupt("truncated index");
      }
      b.prev_value = static_cast<uint64_t>(pv);
      b.value_delta = static_cast<uint64_t>(pd);
      if (info->type == ValueType::kBool && b.prev_value > 1) {
        return Corrupt(util::StrCat("bad bool checkpoint of index block ", k));
      }
    }
  }
  if (points != info->count) return Corrupt("index block counts differ from the point count");
  if (!index.empty()) return Corrupt("bytes after the index");
  info->width = width;
  return absl::OkStatus();
}

}  // namespace tessera::ts::chunk_internal
