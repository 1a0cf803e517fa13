// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/series_reader.h"

#include <algorithm>

#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/ts/ts_keys.h"
#include "tessera/status.h"

namespace tessera::ts {
using internal::Cf;

absl::Status WindowAccumulator::Add(std::string_view key, std::string_view value, ValueType* type) {
  uint64_t order = 0;
  if (key.size() == kHeadKeyBytes) {
    order = 1 + codec::DecodeFixed64BE(key.data() + kChunkKeyBytes);
  } else if (key.size() != kChunkKeyBytes) {
    return absl::DataLossError("time-series: malformed data key");
  }
  ASSIGN_OR_RETURN(DecodedChunk c, DecodeChunk(value));
  if (type != nullptr) *type = c.type;
  points_.reserve(points_.size() + c.points.size());
  for (const RawPoint& p : c.points) points_.push_back(Versioned{p, order});
  return absl::OkStatus();
}

std::vector<RawPoint> WindowAccumulator::Take() {
  std::sort(points_.begin(), points_.end(), [](const Versioned& a, const Versioned& b) {
    return a.p.ts != b.p.ts ? a.p.ts < b.p.ts : a.order < b.order;
  });
  std::vector<RawPoint> out;
  out.reserve(points_.size());
  for (size_t i = 0; i < points_.size(); ++i) {
    // Of equal timestamps keep the last (the highest order: the latest write).
    if (i + 1 < points_.size() && points_[i + 1].p.ts == points_[i].p.ts) continue;
    out.push_back(points_[i].p);
  }
  points_.clear();
  return out;
}

std::vector<RawPoint> MergeWindow(std::vector<RawPoint> chunk, const std::vector<RawPoint>& head) {
  if (head.empty()) return chunk;
  std::vector<RawPoint> out;
  out.reserve(chunk.size() + head.size());
  size_t i = 0, j = 0;
  while (i < chunk.size() || j < head.size()) {
    if (j == head.size() || (i < chunk.size() && chunk[i].ts < head[j].ts)) {
      out.push_back(chunk[i++]);
    } else {
      if (i < chunk.size() && chunk[i].ts == head[j].ts) ++i;  // replaced by the head point
      out.push_back(head[j++]);
    }
  }
  return out;
}

absl::StatusOr<std::vector<RawPoint>> ReadSeries(internal::ReadSource& src, uint64_t mid,
                                                 uint64_t sid, int64_t lo, int64_t hi) {
  std::vector<RawPoint> out;
  if (lo > hi) return out;
  auto it = src.NewIterator(Cf::kData, ChunkKey(mid, sid, FloorTo(lo, kWindowNs)),
                            codec::PrefixSuccessor(ChunkKey(mid, sid, FloorTo(hi, kWindowNs))));
  WindowAccumulator acc;
  int64_t current = 0;
  auto flush = [&] {
    for (const RawPoint& p : acc.Take()) {
      if (p.ts >= lo && p.ts <= hi) out.push_back(p);
    }
  };
  for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
    const rocksdb::Slice k = (*it)->key();
    const rocksdb::Slice v = (*it)->value();
    if (k.size() < kChunkKeyBytes) return absl::DataLossError("time-series: malformed data key");
    const int64_t w = DecodeTime(k.data() + 16);
    if (!acc.empty() && w != current) flush();
    current = w;
    RETURN_IF_ERROR(
        acc.Add(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size())));
  }
  RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "time-series read"));
  flush();
  return out;
}

absl::StatusOr<std::optional<RawPoint>> ReadLastPoint(internal::ReadSource& src, uint64_t mid,
                                                      uint64_t sid, int64_t lo, int64_t hi) {
  if (lo > hi) return std::optional<RawPoint>();
  auto it = src.NewIterator(Cf::kData, ChunkKey(mid, sid, FloorTo(lo, kWindowNs)),
                            codec::PrefixSuccessor(ChunkKey(mid, sid, FloorTo(hi, kWindowNs))));
  (*it)->SeekToLast();
  // Windows from the newest back: the first window with a point in range holds the answer.
  while ((*it)->Valid()) {
    const rocksdb::Slice first = (*it)->key();
    if (first.size() < kChunkKeyBytes) return absl::DataLossError("time-series: malformed key");
    const int64_t w = DecodeTime(first.data() + 16);
    WindowAccumulator acc;
    while ((*it)->Valid()) {
      const rocksdb::Slice k = (*it)->key();
      if (k.size() < kChunkKeyBytes || DecodeTime(k.data() + 16) != w) break;
      const rocksdb::Slice v = (*it)->value();
      RETURN_IF_ERROR(
          acc.Add(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size())));
      (*it)->Prev();
    }
    std::vector<RawPoint> pts = acc.Take();
    for (auto p = pts.rbegin(); p != pts.rend(); ++p) {
      if (p->ts >= lo && p->ts <= hi) return std::optional<RawPoint>(*p);
    }
  }
  RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "time-series read"));
  return std::optional<RawPoint>();
}

}  // namespace tessera::ts
