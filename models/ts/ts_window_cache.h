// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// WindowCache: the encoder states of the open windows this store wrote, so that the next write of
// such a window rewrites its chunk from memory, encoding only its new points when they come after
// the window's (ChunkEncoder resumes), instead of reading and decoding it (or adding a head block
// that a later write must read back, merge and delete).
//
// An entry (measurement id, series id, window start) holds the window's chunk encoder, holding
// every point of the window, in the state after change `change` = the sequence number of the change
// event of the write that stored it: the window is then exactly one chunk with those points, with
// no head block and no open-window marker. It is used only while ChangeLog::LastSeqOf(mid) is still
// `change`, read while the writer holds the row locks of the window's chunk key and marker key:
// every write that adds points to a window locks those keys and records a change event of the
// measurement, so a later write of the window would have moved LastSeqOf past `change`, and none
// can start while the locks are held. The writes that record no event do not change the window's
// points: sealing (which needs a head block or marker, and the entry's window has neither until an
// evented write adds one), retention while it stays the same (it deletes windows older than its
// cutoff, which every write drops points before; the store forgets those entries too) and series
// creation. A retention change (lowered or lifted, from any store handle) could leave an entry
// holding points that were deleted, so an entry is also used only while Catalog::generation(),
// which every retention change bumps, is still the one read before the write that stored it.
// Databases without a change log, and writes in a caller's transaction, never use it. Entries of
// windows a write closes are dropped; the cache holds at most kMaxBytes bytes of encoders and
// entries (then it starts over).
//
// Thread safety: safe for concurrent use; entries are immutable once stored.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include "core/util/mutex.h"
#include "models/ts/chunk_codec.h"

namespace tessera::ts {

class WindowCache {
 public:
  using Encoder = std::shared_ptr<const ChunkEncoder>;
  struct Entry {
    uint64_t change = 0;  // LastSeqOf(mid) for which `enc` holds the window's content
    // Catalog::generation() read before the write that stored it: retention deletes record no
    // change event, but every retention change bumps the generation, so the entry is used only
    // while the generation is still this one.
    uint64_t gen = 0;
    Encoder enc;  // every point of the window, encoded
  };
  static constexpr size_t kMaxBytes = size_t{64} << 20;
  // What an entry costs beside its encoder: the map node and the shared pointer's control block.
  static constexpr size_t kEntryBytes = 128;

  // The entry of a window, if any (it may be stale: compare `change` with LastSeqOf).
  std::optional<Entry> Find(uint64_t mid, uint64_t sid, int64_t window) {
    util::MutexLock l(&mu_);
    auto it = entries_.find({mid, sid, window});
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  // Stores (or replaces) a window's entry.
  void Put(uint64_t mid, uint64_t sid, int64_t window, uint64_t change, uint64_t gen, Encoder enc) {
    util::MutexLock l(&mu_);
    auto [it, inserted] = entries_.try_emplace({mid, sid, window});
    if (!inserted) bytes_ -= Bytes(it->second);
    const size_t add = kEntryBytes + enc->MemoryBytes();
    if (bytes_ + add > kMaxBytes) {
      entries_.clear();
      bytes_ = 0;
      it = entries_.try_emplace({mid, sid, window}).first;
    }
    bytes_ += add;
    it->second = Entry{change, gen, std::move(enc)};
  }
  // Forgets a window.
  void Erase(uint64_t mid, uint64_t sid, int64_t window) {
    util::MutexLock l(&mu_);
    auto it = entries_.find({mid, sid, window});
    if (it == entries_.end()) return;
    bytes_ -= Bytes(it->second);
    entries_.erase(it);
  }
  // Forgets the windows of a series that start before `limit` (closed, or past retention).
  void EraseBefore(uint64_t mid, uint64_t sid, int64_t limit) {
    util::MutexLock l(&mu_);
    auto it = entries_.lower_bound({mid, sid, INT64_MIN});
    const auto end = entries_.lower_bound({mid, sid, limit});
    while (it != end) {
      bytes_ -= Bytes(it->second);
      it = entries_.erase(it);
    }
  }
  // Forgets every window of a measurement (dropped).
  void EraseMeasurement(uint64_t mid) {
    util::MutexLock l(&mu_);
    auto it = entries_.lower_bound({mid, 0, INT64_MIN});
    while (it != entries_.end() && std::get<0>(it->first) == mid) {
      bytes_ -= Bytes(it->second);
      it = entries_.erase(it);
    }
  }
  // Forgets every window of a measurement that starts before `limit` (retention).
  void EraseMeasurementBefore(uint64_t mid, int64_t limit) {
    util::MutexLock l(&mu_);
    auto it = entries_.lower_bound({mid, 0, INT64_MIN});
    while (it != entries_.end() && std::get<0>(it->first) == mid) {
      if (std::get<2>(it->first) < limit) {
        bytes_ -= Bytes(it->second);
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
  }

 private:
  static size_t Bytes(const Entry& e) { return kEntryBytes + e.enc->MemoryBytes(); }

  util::Mutex mu_;
  std::map<std::tuple<uint64_t, uint64_t, int64_t>, Entry> entries_ ABSL_GUARDED_BY(mu_);
  size_t bytes_ ABSL_GUARDED_BY(mu_) = 0;  // of the entries, as Bytes counts them
};

}  // namespace tessera::ts
