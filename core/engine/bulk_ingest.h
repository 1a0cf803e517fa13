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
// Thread safety: not thread-safe (one thread at a time).
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
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

  // Adds a key to `cf` (not the feed). Keys of one column family must come in strictly ascending
  // byte order (InvalidArgument otherwise) and each key once, as a value or a merge operand.
  // Calls for different column families may run on different threads at the same time.
  absl::Status Put(Cf cf, std::string_view key, std::string_view value);
  absl::Status Merge(Cf cf, std::string_view key, std::string_view operand);
  // Records a change event (in order; encoded now, so `event` may be reused); its seq, commit
  // time and transaction fields are set at Commit. Nothing is recorded when the database's
  // change log is off.
  absl::Status AddEvent(const ChangeEvent& event);
  size_t events() const { return event_ends_.size(); }

  // Ingests everything added, atomically. Once only.
  absl::Status Commit();

 private:
  absl::Status Writer(Cf cf, rocksdb::SstFileWriter** out);
  std::string NewFileName();

  Engine* const engine_;
  std::array<std::unique_ptr<rocksdb::SstFileWriter>, kNumCfs> writers_;
  std::array<std::string, kNumCfs> files_;
  std::string event_tails_;              // EncodeEventTail of every event, back to back
  std::vector<size_t> event_ends_;       // where each one ends in event_tails_
  std::vector<uint64_t> event_objects_;  // the distinct object ids of the events
  bool done_ = false;
};

}  // namespace tessera::internal
