// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// BulkIngest: a bulk write that bypasses the write-ahead log and the memtables. A model adds each
// column family's keys in ascending byte order; Commit writes them as SST files (with the column
// family's own table options: blooms, compression) and RocksDB ingests them together with a file
// of the change events, in one atomic step: after Commit returns OK every key and every event is
// visible, and after a failure or a crash none is (IngestExternalFiles records all files in one
// MANIFEST edit). The events get the next sequence numbers under the change log's commit mutex,
// so they stay in commit order with no gaps, and subscribers are woken as for any commit.
//
// No row locks are taken and no conflicts are checked: the caller holds whatever locks keep
// concurrent writers correct (for example GetForUpdate in a transaction it rolls back after
// Commit). Snapshots taken before Commit do not see the keys. A reader without a snapshot may see
// one column family's keys before another's while Commit runs.
//
// A column family's keys may be split into several files ("parts", SetParts), each written by its
// own thread; their key ranges must not overlap (checked at Commit). Files are written with the
// column family's table options and its upper-level compression (LZ4, what a memtable flush
// writes), not the bottommost level's (ZSTD): compaction recompresses them later, as it does
// flushed files, and the load does not pay ZSTD for every block.
//
// Finishing a file (its last blocks, index and filter, then an fsync) waits for the disk: each
// part is finished on a thread of its own, either when the caller says it is complete
// (FinishPart, so that the wait overlaps the building of other parts) or at Commit.
//
// Thread safety: not thread-safe, except that Put/Merge/FinishPart calls for different (column
// family, part) pairs, and AddEvent, may run on different threads at the same time.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "core/engine/column_families.h"
#include "tessera/change_event.h"

namespace rocksdb {
class SstFileWriter;
}

namespace tessera::internal {

class Engine;

class BulkIngest {
 public:
  explicit BulkIngest(Engine* engine);
  ~BulkIngest();  // removes the files of an ingestion that did not commit
  BulkIngest(const BulkIngest&) = delete;
  BulkIngest& operator=(const BulkIngest&) = delete;

  // Splits `cf`'s keys into `n` files (parts 0..n-1; default 1). Call before any Put or Merge.
  void SetParts(Cf cf, size_t n);
  // Adds a key to part `part` of `cf` (not the feed). Keys of one part must come in strictly
  // ascending byte order (InvalidArgument otherwise) and each key once, as a value or a merge
  // operand; the parts of a column family must cover disjoint key ranges.
  absl::Status Put(Cf cf, std::string_view key, std::string_view value) {
    return Put(cf, 0, key, value);
  }
  absl::Status Merge(Cf cf, std::string_view key, std::string_view operand) {
    return Merge(cf, 0, key, operand);
  }
  absl::Status Put(Cf cf, size_t part, std::string_view key, std::string_view value);
  absl::Status Merge(Cf cf, size_t part, std::string_view key, std::string_view operand);
  // Records a change event (in order; encoded now, so `event` may be reused); its seq, commit
  // time and transaction fields are set at Commit. Nothing is recorded when the database's
  // change log is off.
  absl::Status AddEvent(const ChangeEvent& event);
  // Declares part `part` of `cf` complete: its file is finished (and synced) on a thread of its
  // own while the caller goes on; Commit waits for it. No key may be added to the part after.
  void FinishPart(Cf cf, size_t part);
  size_t events() const { return event_ends_.size(); }
  // Room for `n` more events of about `bytes` encoded bytes in all (saves reallocation).
  void ReserveEvents(size_t n, size_t bytes);

  // Ingests everything added, atomically. Once only.
  absl::Status Commit();

  // After a successful Commit: whether a snapshot that may predate the ingestion was still live
  // just after it (conservative: true when unsure). Transactions with such a snapshot are the
  // only ones whose conflict checks (which look at the memtables, and ingested files bypass
  // them) could miss the ingested keys; a caller that needs them to conflict writes a marker
  // only when this is true.
  bool older_snapshots_live() const { return older_snapshots_live_; }
  // After a successful Commit: the sequence number of the last event (0 if none).
  uint64_t last_seq() const { return last_seq_; }

 private:
  struct Part {
    Part();
    Part(Part&&) noexcept;
    ~Part();
    std::unique_ptr<rocksdb::SstFileWriter> writer;
    std::string file;
    std::thread finisher;  // running writer->Finish, once FinishPart or Commit started it
    absl::Status finished = absl::UnknownError("bulk ingest: file not finished");
    uint64_t entries = 0;  // after a successful finish: the file's keys and key range
    std::string smallest, largest;
  };
  // Starts finishing `p`'s file on a thread of its own (no-op if started or never opened).
  static void StartFinish(Part* p);
  absl::Status Writer(Cf cf, size_t part, rocksdb::SstFileWriter** out);
  std::string NewFileName();
  // Writes the events first_seq.. into `parts` files of the feed (under the commit mutex).
  absl::Status WriteEventFiles(uint64_t first_seq, int64_t commit_us, uint64_t txn_id,
                               size_t parts);

  Engine* const engine_;
  std::array<std::vector<Part>, kNumCfs> parts_;
  std::string event_tails_;              // EncodeEventTail of every event, back to back
  std::vector<size_t> event_ends_;       // where each one ends in event_tails_
  std::vector<uint64_t> event_objects_;  // the distinct object ids of the events
  bool done_ = false;
  bool older_snapshots_live_ = true;
  uint64_t last_seq_ = 0;
};

}  // namespace tessera::internal
