// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Keys of the time-series model. Every key starts with the measurement's catalog id (8 B BE), so
// dropping a measurement is the catalog's range delete. Timestamps and window starts are int64
// written big-endian with the sign bit flipped, so they sort in time order.
//
// data column family:
//
//   chunk   +------------+-----------+-------------------+
//           | mid 8B BE  | sid 8B BE | window start 8B   |  -> chunk (chunk_codec.h)
//           +------------+-----------+-------------------+
//   head    +------------+-----------+-------------------+----------------+
//   block   | mid 8B BE  | sid 8B BE | window start 8B   | block seq 8B BE|  -> chunk
//   (chunk_codec.h)
//           +------------+-----------+-------------------+----------------+
//
//   A write puts the points it has for one series and window as the window's chunk when the
//   window holds nothing, merged into a rewritten chunk when the write closes the window, and
//   otherwise as one head block (a chunk of its own), numbered by a per-store counter that only
//   grows (seeded from the clock at open). A
//   window's chunk key is a prefix of its head block keys, so one range scan of a series yields,
//   per window, the sealed chunk followed by the blocks not yet sealed into it, oldest first; on
//   equal timestamps the later block wins over earlier ones and over the chunk.
//
// index column family (tag byte after the measurement id):
//
//   mid | 0x01                                   -> next series id (8B BE)
//   mid | 0x02 | identity                        -> series id (8B BE)
//   mid | 0x03 | sid                             -> series record
//   mid | 0x04 | lp(tag key) | lp(tag value) | sid -> ""   (tag posting)
//   mid | 0x05 | lp(field) | sid                 -> ""     (field posting)
//   mid | 0x06 | sid | window start              -> ""     (window with unsealed head points)
//
//   identity = lp(field) | varint(#tags) | (lp(key) lp(value))* with tags sorted by key;
//   series record = type 1B | identity; lp = varint length + bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/codec/coding.h"

namespace tessera::ts {

inline constexpr uint8_t kIdxCounter = 0x01;
inline constexpr uint8_t kIdxIdentity = 0x02;
inline constexpr uint8_t kIdxSeries = 0x03;
inline constexpr uint8_t kIdxTag = 0x04;
inline constexpr uint8_t kIdxField = 0x05;
inline constexpr uint8_t kIdxOpenWindow = 0x06;

inline constexpr size_t kChunkKeyBytes = 24;
inline constexpr size_t kHeadKeyBytes = 32;

inline void PutTime(std::string* out, int64_t t) {
  codec::PutFixed64BE(out, static_cast<uint64_t>(t) ^ (uint64_t{1} << 63));
}
inline int64_t DecodeTime(const char* p) {
  return static_cast<int64_t>(codec::DecodeFixed64BE(p) ^ (uint64_t{1} << 63));
}

// floor(t / width) * width, exact for negative t; clamps at the int64 minimum.
inline int64_t FloorTo(int64_t t, int64_t width) {
  int64_t q = t / width;
  if (t % width != 0 && t < 0) --q;
  int64_t r;
  if (__builtin_mul_overflow(q, width, &r)) return INT64_MIN;
  return r;
}

inline std::string SeriesPrefix(uint64_t mid, uint64_t sid) {
  std::string k;
  codec::PutFixed64BE(&k, mid);
  codec::PutFixed64BE(&k, sid);
  return k;
}
inline std::string ChunkKey(uint64_t mid, uint64_t sid, int64_t window) {
  std::string k = SeriesPrefix(mid, sid);
  PutTime(&k, window);
  return k;
}
inline std::string HeadBlockKey(uint64_t mid, uint64_t sid, int64_t window, uint64_t block_seq) {
  std::string k = ChunkKey(mid, sid, window);
  codec::PutFixed64BE(&k, block_seq);
  return k;
}

inline std::string IndexPrefix(uint64_t mid, uint8_t tag) {
  std::string k;
  codec::PutFixed64BE(&k, mid);
  k.push_back(static_cast<char>(tag));
  return k;
}
inline std::string IdentityKey(uint64_t mid, std::string_view identity) {
  std::string k = IndexPrefix(mid, kIdxIdentity);
  k.append(identity);
  return k;
}
inline std::string SeriesRecordKey(uint64_t mid, uint64_t sid) {
  std::string k = IndexPrefix(mid, kIdxSeries);
  codec::PutFixed64BE(&k, sid);
  return k;
}
// With `with_value` false: the prefix of every posting of the tag key.
inline std::string TagPostingPrefix(uint64_t mid, std::string_view key, std::string_view value,
                                    bool with_value) {
  std::string k = IndexPrefix(mid, kIdxTag);
  codec::PutLengthPrefixed(&k, key);
  if (with_value) codec::PutLengthPrefixed(&k, value);
  return k;
}
inline std::string FieldPostingPrefix(uint64_t mid, std::string_view field) {
  std::string k = IndexPrefix(mid, kIdxField);
  codec::PutLengthPrefixed(&k, field);
  return k;
}
inline std::string OpenWindowKey(uint64_t mid, uint64_t sid, int64_t window) {
  std::string k = IndexPrefix(mid, kIdxOpenWindow);
  codec::PutFixed64BE(&k, sid);
  PutTime(&k, window);
  return k;
}

// Appends the tag-set part of an identity: varint(number of tags) | (lp(key) lp(value))*
// (tags must be sorted by key).
inline void AppendTagSet(std::string* out,
                         const std::vector<std::pair<std::string, std::string>>& tags) {
  codec::PutVarint64(out, tags.size());
  for (const auto& [k, v] : tags) {
    codec::PutLengthPrefixed(out, k);
    codec::PutLengthPrefixed(out, v);
  }
}

// The identity of a series from its field and encoded tag set (AppendTagSet).
inline std::string IdentityOf(std::string_view field, std::string_view tagset) {
  std::string out;
  codec::PutLengthPrefixed(&out, field);
  out.append(tagset);
  return out;
}

// The identity of a series (tags must be sorted by key).
inline std::string EncodeIdentity(std::string_view field,
                                  const std::vector<std::pair<std::string, std::string>>& tags) {
  std::string out;
  codec::PutLengthPrefixed(&out, field);
  AppendTagSet(&out, tags);
  return out;
}

// Decodes an identity; false when malformed.
inline bool DecodeIdentity(std::string_view in, std::string* field,
                           std::vector<std::pair<std::string, std::string>>* tags) {
  std::string_view f;
  uint64_t n = 0;
  if (!codec::GetLengthPrefixed(&in, &f) || !codec::GetVarint64(&in, &n) || n > in.size()) {
    return false;
  }
  field->assign(f);
  tags->clear();
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view k, v;
    if (!codec::GetLengthPrefixed(&in, &k) || !codec::GetLengthPrefixed(&in, &v)) return false;
    tags->emplace_back(std::string(k), std::string(v));
  }
  return in.empty();
}

}  // namespace tessera::ts
