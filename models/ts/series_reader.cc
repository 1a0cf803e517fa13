// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/series_reader.h"

#include <algorithm>
#include <cstring>

#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/ts/chunk_frames.h"
#include "models/ts/ts_keys.h"
#include "tessera/status.h"

namespace tessera::ts {
using internal::Cf;

namespace {

// Removes the points of (*out)[start, end) outside [lo, hi].
void DropOutside(int64_t lo, int64_t hi, size_t start, std::vector<RawPoint>* out) {
  auto keep = std::remove_if(out->begin() + static_cast<std::ptrdiff_t>(start), out->end(),
                             [&](const RawPoint& p) { return p.ts < lo || p.ts > hi; });
  out->erase(keep, out->end());
}

}  // namespace

absl::Status WindowAccumulator::Add(std::string_view key, std::string_view value, ValueType* type,
                                    int64_t max_ts, int64_t min_ts) {
  uint64_t order = 0;
  if (key.size() == kHeadKeyBytes) {
    order = 1 + codec::DecodeFixed64BE(key.data() + kChunkKeyBytes);
  } else if (key.size() != kChunkKeyBytes) {
    return absl::DataLossError("time-series: malformed data key");
  }
  const size_t start = points_.size();
  ValueType t;
  RETURN_IF_ERROR(DecodeChunkRange(value, &t, &points_, min_ts, max_ts));
  if (type != nullptr) *type = t;
  if (points_.size() == start) return absl::OkStatus();
  // The common case: the chunk, then blocks written later with later points. Then the points
  // are already in order and no point replaces another.
  if (!runs_.empty() &&
      (order <= runs_.back().second || points_[start - 1].ts >= points_[start].ts)) {
    sorted_ = false;
  }
  runs_.emplace_back(start, order);
  return absl::OkStatus();
}

void WindowAccumulator::TakeInto(std::vector<RawPoint>* out) {
  if (sorted_) {
    out->insert(out->end(), points_.begin(), points_.end());
  } else {
    scratch_.clear();
    scratch_.reserve(points_.size());
    for (size_t r = 0; r < runs_.size(); ++r) {
      const size_t end = r + 1 < runs_.size() ? runs_[r + 1].first : points_.size();
      for (size_t i = runs_[r].first; i < end; ++i) {
        scratch_.push_back(Versioned{points_[i], runs_[r].second});
      }
    }
    std::sort(scratch_.begin(), scratch_.end(), [](const Versioned& a, const Versioned& b) {
      return a.p.ts != b.p.ts ? a.p.ts < b.p.ts : a.order < b.order;
    });
    out->reserve(out->size() + scratch_.size());
    for (size_t i = 0; i < scratch_.size(); ++i) {
      // Of equal timestamps keep the last (the highest order: the latest write).
      if (i + 1 < scratch_.size() && scratch_[i + 1].p.ts == scratch_[i].p.ts) continue;
      out->push_back(scratch_[i].p);
    }
  }
  points_.clear();
  runs_.clear();
  sorted_ = true;
}

std::vector<RawPoint> WindowAccumulator::Take() {
  std::vector<RawPoint> out;
  TakeInto(&out);
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

absl::Status ReadSeriesInto(internal::ReadSource& src, uint64_t mid, uint64_t sid, int64_t lo,
                            int64_t hi, std::vector<RawPoint>* out) {
  if (lo > hi) return absl::OkStatus();
  // Only the keys of the windows that meet [lo, hi]: the others are never read.
  auto it = src.NewIterator(Cf::kData, ChunkKey(mid, sid, FloorTo(lo, kWindowNs)),
                            codec::PrefixSuccessor(ChunkKey(mid, sid, FloorTo(hi, kWindowNs))));
  return ReadSeriesWith(*it, mid, sid, lo, hi, out);
}

absl::Status ReadSeriesWith(internal::BoundedIterator& it, uint64_t mid, uint64_t sid, int64_t lo,
                            int64_t hi, std::vector<RawPoint>* out) {
  if (lo > hi) return absl::OkStatus();
  const std::string first = ChunkKey(mid, sid, FloorTo(lo, kWindowNs));
  const int64_t last_window = FloorTo(hi, kWindowNs);
  WindowAccumulator acc;
  int64_t current = 0;
  auto flush = [&] {
    const size_t start = out->size();
    acc.TakeInto(out);
    // Only the first and last windows can hold points outside the range.
    int64_t last_start;  // the last window start whose window ends by hi
    const bool inside = current >= lo && !__builtin_sub_overflow(hi, kWindowNs - 1, &last_start) &&
                        current <= last_start;
    if (!inside) {
      DropOutside(lo, hi, start, out);
    }
  };
  for (it->Seek(first); it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    // The series' keys share its 16-byte prefix; past its last window (or series) we are done.
    if (k.size() < 16 || std::memcmp(k.data(), first.data(), 16) != 0) break;
    if (k.size() < kChunkKeyBytes) return absl::DataLossError("time-series: malformed data key");
    const int64_t w = DecodeTime(k.data() + 16);
    if (w > last_window) break;
    if (!acc.empty() && w != current) flush();
    current = w;
    RETURN_IF_ERROR(acc.Add(std::string_view(k.data(), k.size()),
                            std::string_view(it->value().data(), it->value().size()), nullptr, hi,
                            lo));
  }
  RETURN_IF_ERROR(internal::FromRocks(it->status(), "time-series read"));
  if (!acc.empty()) flush();
  return absl::OkStatus();
}

namespace {

// The points and summaries of a sealed chunk with an index within [lo, hi], by `policy`.
absl::Status ReadIndexedChunk(const ChunkInfo& info, int64_t lo, int64_t hi,
                              absl::FunctionRef<BlockUse(const BlockSummary&)> policy,
                              std::vector<RawPoint>* out, std::vector<BlockSummary>* summaries) {
  const std::vector<ChunkBlock>& blocks = info.blocks;
  for (size_t b = FirstBlockFor(info, lo); b < blocks.size() && blocks[b].start <= hi; ++b) {
    const ChunkBlock& k = blocks[b];
    if (k.start >= lo && k.last <= hi) {
      const BlockSummary s{k.start, k.last, k.count, info.type, k.min_bits, k.max_bits};
      const BlockUse use = policy(s);
      if (use == BlockUse::kSummary) summaries->push_back(s);
      if (use != BlockUse::kDecode) continue;
    }
    // The block's points (the next block's first point is after k.last: decoding stops there).
    RETURN_IF_ERROR(DecodeChunkBlocks(info, b, lo, std::min(hi, k.last), out));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadSeriesBlocks(internal::BoundedIterator& it, uint64_t mid, uint64_t sid, int64_t lo,
                              int64_t hi, absl::FunctionRef<BlockUse(const BlockSummary&)> policy,
                              std::vector<RawPoint>* out, std::vector<BlockSummary>* summaries) {
  if (lo > hi) return absl::OkStatus();
  const std::string first = ChunkKey(mid, sid, FloorTo(lo, kWindowNs));
  const int64_t last_window = FloorTo(hi, kWindowNs);
  thread_local ChunkInfo info;
  WindowAccumulator acc;
  int64_t current = 0;
  bool merging = false;  // reading `current` the general way (it has head blocks)
  auto flush = [&] {
    const size_t start = out->size();
    acc.TakeInto(out);
    DropOutside(lo, hi, start, out);
  };
  it->Seek(first);
  while (it->Valid()) {
    const rocksdb::Slice k = it->key();
    if (k.size() < 16 || std::memcmp(k.data(), first.data(), 16) != 0) break;
    if (k.size() < kChunkKeyBytes) return absl::DataLossError("time-series: malformed data key");
    const int64_t w = DecodeTime(k.data() + 16);
    if (w > last_window) break;
    if (!acc.empty() && w != current) flush();
    if (w != current) merging = false;
    current = w;
    const std::string_view value(it->value().data(), it->value().size());
    if (k.size() == kChunkKeyBytes && !merging) {
      RETURN_IF_ERROR(ParseChunk(value, &info));
      if (!info.blocks.empty()) {
        const size_t points_before = out->size(), summaries_before = summaries->size();
        RETURN_IF_ERROR(ReadIndexedChunk(info, lo, hi, policy, out, summaries));
        char chunk_key[kChunkKeyBytes];
        std::memcpy(chunk_key, k.data(), kChunkKeyBytes);
        it->Next();
        const bool heads = it->Valid() && it->key().size() > kChunkKeyBytes &&
                           std::memcmp(it->key().data(), chunk_key, kChunkKeyBytes) == 0;
        if (!heads) continue;
        // Head blocks follow: their points may replace the chunk's. Read the window again, merged.
        out->resize(points_before);
        summaries->resize(summaries_before);
        merging = true;
        it->Seek(rocksdb::Slice(chunk_key, kChunkKeyBytes));
        continue;
      }
    }
    RETURN_IF_ERROR(acc.Add(std::string_view(k.data(), k.size()), value, nullptr, hi, lo));
    it->Next();
  }
  RETURN_IF_ERROR(internal::FromRocks(it->status(), "time-series read"));
  if (!acc.empty()) flush();
  return absl::OkStatus();
}

absl::Status ReadSeriesVisit(internal::BoundedIterator& it, uint64_t mid, uint64_t sid, int64_t lo,
                             int64_t hi, absl::FunctionRef<BlockUse(const BlockSummary&)> policy,
                             absl::FunctionRef<void(const RawPoint*, size_t)> visit) {
  if (lo > hi) return absl::OkStatus();
  const std::string first = ChunkKey(mid, sid, FloorTo(lo, kWindowNs));
  const int64_t last_window = FloorTo(hi, kWindowNs);
  thread_local ChunkInfo info;
  // A copy of the window's chunk: the iterator moves on to see whether head blocks follow before
  // the chunk is decoded (a visited point cannot be taken back), and the value it pointed at is
  // then no longer valid. (Version-4 int chunks of a 2-hour window are a few hundred bytes.)
  thread_local std::string chunk;
  thread_local std::vector<RawPoint> pts;  // a merged window's points
  WindowAccumulator acc;
  int64_t current = 0;
  bool merging = false;  // reading `current` the general way (it has head blocks)
  auto flush = [&] {
    pts.clear();
    acc.TakeInto(&pts);
    const RawPoint* const all_end = pts.data() + pts.size();
    const RawPoint* b = std::partition_point(static_cast<const RawPoint*>(pts.data()), all_end,
                                             [lo](const RawPoint& p) { return p.ts < lo; });
    const RawPoint* e =
        std::partition_point(b, all_end, [hi](const RawPoint& p) { return p.ts <= hi; });
    if (b != e) visit(b, static_cast<size_t>(e - b));
  };
  auto pass = [&](const RawPoint* p, size_t n) {
    visit(p, n);
    return true;
  };
  it->Seek(first);
  while (it->Valid()) {
    const rocksdb::Slice k = it->key();
    if (k.size() < 16 || std::memcmp(k.data(), first.data(), 16) != 0) break;
    if (k.size() < kChunkKeyBytes) return absl::DataLossError("time-series: malformed data key");
    const int64_t w = DecodeTime(k.data() + 16);
    if (w > last_window) break;
    if (!acc.empty() && w != current) flush();
    if (w != current) merging = false;
    current = w;
    if (k.size() == kChunkKeyBytes && !merging) {
      char chunk_key[kChunkKeyBytes];
      std::memcpy(chunk_key, k.data(), kChunkKeyBytes);
      chunk.assign(it->value().data(), it->value().size());
      it->Next();
      if (it->Valid() && it->key().size() > kChunkKeyBytes &&
          std::memcmp(it->key().data(), chunk_key, kChunkKeyBytes) == 0) {
        // Head blocks follow: their points may replace the chunk's. The window merged.
        merging = true;
        it->Seek(rocksdb::Slice(chunk_key, kChunkKeyBytes));
        continue;
      }
      RETURN_IF_ERROR(ParseChunk(chunk, &info));
      if (info.blocks.empty()) {  // no index: decoded whole, as ReadSeriesWith does
        RETURN_IF_ERROR(
            acc.Add(std::string_view(chunk_key, kChunkKeyBytes), chunk, nullptr, hi, lo));
        continue;
      }
      const std::vector<ChunkBlock>& blocks = info.blocks;
      for (size_t b = FirstBlockFor(info, lo); b < blocks.size() && blocks[b].start <= hi; ++b) {
        const ChunkBlock& x = blocks[b];
        if (x.start >= lo && x.last <= hi &&
            policy(BlockSummary{x.start, x.last, x.count, info.type, x.min_bits, x.max_bits}) ==
                BlockUse::kSkip) {
          continue;
        }
        RETURN_IF_ERROR(VisitChunkBlocks(info, b, lo, std::min(hi, x.last), pass));
      }
      continue;
    }
    RETURN_IF_ERROR(acc.Add(std::string_view(k.data(), k.size()),
                            std::string_view(it->value().data(), it->value().size()), nullptr, hi,
                            lo));
    it->Next();
  }
  RETURN_IF_ERROR(internal::FromRocks(it->status(), "time-series read"));
  if (!acc.empty()) flush();
  // A window of a fast series can hold millions of points: the thread keeps at most 1 MiB.
  if (pts.capacity() * sizeof(RawPoint) > (size_t{1} << 20)) std::vector<RawPoint>().swap(pts);
  if (chunk.capacity() > (size_t{1} << 20)) std::string().swap(chunk);
  return absl::OkStatus();
}

void PickPointsAt(const std::vector<RawPoint>& pts, const std::vector<int64_t>& times, size_t first,
                  size_t end, uint64_t* bits, std::vector<uint8_t>* found) {
  if (pts.empty()) return;
  PickPoints(pts.data(), pts.data() + pts.size(), times.data(), first, end, bits, found->data());
}

absl::Status ReadSeriesAt(internal::BoundedIterator& it, uint64_t mid, uint64_t sid,
                          const std::vector<int64_t>& times, uint64_t* bits,
                          std::vector<uint8_t>* found) {
  found->assign(times.size(), 0);
  thread_local ChunkInfo info;
  thread_local std::vector<RawPoint> pts;
  std::string key = SeriesPrefix(mid, sid);
  const size_t prefix = key.size();
  WindowAccumulator acc;
  bool positioned = false;  // the iterator was moved by this call (else by an earlier read)
  size_t i = 0;
  while (i < times.size()) {
    const int64_t w = FloorTo(times[i], kWindowNs);
    // times[i, end) lie in window w: a binary search (a window holds hundreds of times).
    // (Unsigned: times[k] >= w, and the difference may not fit an int64.)
    const size_t end = static_cast<size_t>(
        std::partition_point(times.begin() + static_cast<std::ptrdiff_t>(i) + 1, times.end(),
                             [w](int64_t t) {
                               return static_cast<uint64_t>(t) - static_cast<uint64_t>(w) <
                                      static_cast<uint64_t>(kWindowNs);
                             }) -
        times.begin());
    key.resize(prefix);
    PutTime(&key, w);
    // The iterator stopped at the first key after the previous window's keys (all of them less
    // than `key`): when that key is `key` or after it, a Seek would land on it again (a Seek costs
    // several thousand instructions; consecutive windows are the common case).
    if (!positioned || !it->Valid() ||
        it->key().compare(rocksdb::Slice(key.data(), key.size())) < 0) {
      it->Seek(key);
    }
    positioned = true;
    auto in_window = [&] {
      if (!it->Valid()) return false;
      const rocksdb::Slice k = it->key();
      return k.size() >= kChunkKeyBytes && std::memcmp(k.data(), key.data(), kChunkKeyBytes) == 0;
    };
    pts.clear();
    bool merge = true;
    if (in_window() && it->key().size() == kChunkKeyBytes) {
      // The sealed chunk: only the blocks around the times, per run of adjacent blocks.
      RETURN_IF_ERROR(ParseChunk(std::string_view(it->value().data(), it->value().size()), &info));
      size_t r = i;
      while (r < end) {
        size_t s = r + 1;
        if (info.width > 0) {
          // Times in the run's last block or the one after it extend the run (one division
          // and one binary search per block, not per time).
          int64_t last = FloorTo(times[r], info.width);
          const uint64_t width = static_cast<uint64_t>(info.width);
          while (s < end) {
            // Past the times in the block starting at `last` (all of times[s, end) are >= last).
            s = static_cast<size_t>(
                std::partition_point(
                    times.begin() + static_cast<std::ptrdiff_t>(s),
                    times.begin() + static_cast<std::ptrdiff_t>(end),
                    [last, width](int64_t t) {
                      return static_cast<uint64_t>(t) - static_cast<uint64_t>(last) < width;
                    }) -
                times.begin());
            if (s == end) break;
            const uint64_t d = static_cast<uint64_t>(times[s]) - static_cast<uint64_t>(last);
            if (d >= 2 * width) break;
            last += info.width;
            ++s;
          }
        } else {
          s = end;  // no index: one decode from the chunk's start
        }
        // The values straight out of each decoded frame (no point vector). Decoding goes on to
        // the run's last time and never stops early: that keeps the stream's checks (a corrupt
        // next frame or trailing bytes), as DecodeChunkBlocks did.
        RETURN_IF_ERROR(PickChunkBlocks(info, FirstBlockFor(info, times[r]), times.data(), r, s,
                                        bits, found->data()));
        r = s;
      }
      it->Next();
      merge = in_window();  // head blocks follow: their points may replace the chunk's
      if (merge) {
        // Picked again from the merged window (a head block never removes a chunk's point, so
        // this only overwrites; cleared all the same).
        std::fill(found->begin() + static_cast<std::ptrdiff_t>(i),
                  found->begin() + static_cast<std::ptrdiff_t>(end), uint8_t{0});
        it->Seek(key);
      }
    }
    if (merge) {
      for (; in_window(); it->Next()) {
        const rocksdb::Slice k = it->key();
        RETURN_IF_ERROR(acc.Add(std::string_view(k.data(), k.size()),
                                std::string_view(it->value().data(), it->value().size()), nullptr,
                                times[end - 1], times[i]));
      }
      RETURN_IF_ERROR(internal::FromRocks(it->status(), "time-series read"));
      acc.TakeInto(&pts);
      PickPointsAt(pts, times, i, end, bits, found);
    }
    RETURN_IF_ERROR(internal::FromRocks(it->status(), "time-series read"));
    i = end;
  }
  // A window of a fast series can hold millions of points: the thread keeps at most 1 MiB.
  if (pts.capacity() * sizeof(RawPoint) > (size_t{1} << 20)) std::vector<RawPoint>().swap(pts);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RawPoint>> ReadSeries(internal::ReadSource& src, uint64_t mid,
                                                 uint64_t sid, int64_t lo, int64_t hi) {
  std::vector<RawPoint> out;
  RETURN_IF_ERROR(ReadSeriesInto(src, mid, sid, lo, hi, &out));
  return out;
}

absl::StatusOr<std::optional<RawPoint>> ReadLastPoint(internal::ReadSource& src, uint64_t mid,
                                                      uint64_t sid, int64_t lo, int64_t hi) {
  if (lo > hi) return std::optional<RawPoint>();
  auto it = src.NewIterator(Cf::kData, ChunkKey(mid, sid, FloorTo(lo, kWindowNs)),
                            codec::PrefixSuccessor(ChunkKey(mid, sid, FloorTo(hi, kWindowNs))));
  (*it)->SeekToLast();
  // Windows from the newest back: the first window with a point in range holds the answer.
  std::vector<RawPoint> pts;
  WindowAccumulator acc;
  while ((*it)->Valid()) {
    const rocksdb::Slice first = (*it)->key();
    if (first.size() < kChunkKeyBytes) return absl::DataLossError("time-series: malformed key");
    const int64_t w = DecodeTime(first.data() + 16);
    // The window's newest point from its sources' stored last points, read in place (no copy,
    // no decoding): the greatest time, and of equal ones the later write (the keys run from the
    // newest block back, so the first seen wins a tie).
    std::optional<RawPoint> newest;
    while ((*it)->Valid()) {
      const rocksdb::Slice k = (*it)->key();
      if (k.size() < kChunkKeyBytes || DecodeTime(k.data() + 16) != w) break;
      if (k.size() != kChunkKeyBytes && k.size() != kHeadKeyBytes) {
        return absl::DataLossError("time-series: malformed data key");
      }
      const rocksdb::Slice v = (*it)->value();
      ASSIGN_OR_RETURN(std::optional<RawPoint> p,
                       ChunkLastPoint(std::string_view(v.data(), v.size())));
      if (p && (!newest || p->ts > newest->ts)) newest = p;
      // A window's chunk is its first key: no need to step back past it (a costly Prev) when
      // the answer is known; the merge below positions the iterator itself.
      if (k.size() == kChunkKeyBytes) break;
      (*it)->Prev();
    }
    RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "time-series read"));
    if (newest && newest->ts <= hi) {
      if (newest->ts >= lo) return newest;
      return std::optional<RawPoint>();  // older windows hold older points still
    }
    // `hi` falls inside the window: merge the window (read forward, the accumulator's fast
    // order), then go on with the window before it.
    const std::string wk = ChunkKey(mid, sid, w);
    for ((*it)->Seek(wk); (*it)->Valid(); (*it)->Next()) {
      const rocksdb::Slice k = (*it)->key();
      if (k.size() < kChunkKeyBytes || DecodeTime(k.data() + 16) != w) break;
      const rocksdb::Slice v = (*it)->value();
      RETURN_IF_ERROR(
          acc.Add(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size())));
    }
    RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "time-series read"));
    pts.clear();
    acc.TakeInto(&pts);
    for (auto p = pts.rbegin(); p != pts.rend(); ++p) {
      if (p->ts >= lo && p->ts <= hi) return std::optional<RawPoint>(*p);
    }
    (*it)->Seek(wk);
    if ((*it)->Valid()) {
      (*it)->Prev();
    } else {
      (*it)->SeekToLast();  // nothing at or after wk within the bounds: wk's window was last
      while ((*it)->Valid() && (*it)->key().size() >= kChunkKeyBytes &&
             DecodeTime((*it)->key().data() + 16) == w) {
        (*it)->Prev();
      }
    }
  }
  RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "time-series read"));
  return std::optional<RawPoint>();
}

}  // namespace tessera::ts
