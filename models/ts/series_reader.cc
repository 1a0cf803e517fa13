// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/series_reader.h"

#include <algorithm>

#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/ts/ts_keys.h"
#include "tessera/status.h"

namespace tessera::ts {
namespace {

using internal::Cf;

// Accumulates the keys of one window, in key order, and yields its merged points.
class WindowAccumulator {
 public:
  // Adds one data key/value of the series; sets *window to the key's window.
  absl::Status Add(std::string_view key, std::string_view value, int64_t* window) {
    if (key.size() == kChunkKeyBytes) {
      *window = DecodeTime(key.data() + 16);
      ASSIGN_OR_RETURN(DecodedChunk c, DecodeChunk(value));
      chunk_ = std::move(c.points);
      return absl::OkStatus();
    }
    if (key.size() != kHeadKeyBytes || value.size() != 8) {
      return absl::DataLossError("time-series: malformed data key");
    }
    *window = DecodeTime(key.data() + 16);
    head_.push_back(RawPoint{DecodeTime(key.data() + 24), codec::DecodeFixed64BE(value.data())});
    return absl::OkStatus();
  }
  bool empty() const { return chunk_.empty() && head_.empty(); }
  std::vector<RawPoint> Take() {
    std::sort(head_.begin(), head_.end(),
              [](const RawPoint& a, const RawPoint& b) { return a.ts < b.ts; });
    std::vector<RawPoint> out = MergeWindow(std::move(chunk_), head_);
    chunk_.clear();
    head_.clear();
    return out;
  }

 private:
  std::vector<RawPoint> chunk_;
  std::vector<RawPoint> head_;
};

}  // namespace

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
    int64_t w = 0;
    if (k.size() >= kChunkKeyBytes) w = DecodeTime(k.data() + 16);
    if (!acc.empty() && w != current) flush();
    RETURN_IF_ERROR(acc.Add(std::string_view(k.data(), k.size()),
                            std::string_view(v.data(), v.size()), &current));
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
    int64_t kw = w;
    while ((*it)->Valid()) {
      const rocksdb::Slice k = (*it)->key();
      if (k.size() < kChunkKeyBytes || DecodeTime(k.data() + 16) != w) break;
      const rocksdb::Slice v = (*it)->value();
      RETURN_IF_ERROR(
          acc.Add(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size()), &kw));
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
