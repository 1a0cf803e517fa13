// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Bulk ingestion of sorted SST files (see bulk_ingest.h).
#include "core/engine/bulk_ingest.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "core/changelog/event_codec.h"
#include "core/codec/coding.h"
#include "core/engine/engine.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "rocksdb/sst_file_writer.h"

namespace tessera::internal {
namespace {

std::atomic<uint64_t> g_file_counter{0};

}  // namespace

BulkIngest::BulkIngest(Engine* engine) : engine_(engine) {}

BulkIngest::~BulkIngest() {
  for (size_t i = 0; i < kNumCfs; ++i) {
    writers_[i].reset();
    // Ingested files were moved (hard-linked) into the database: the names here are spare links,
    // or leftovers of an ingestion that failed.
    if (!files_[i].empty()) std::remove(files_[i].c_str());
  }
}

std::string BulkIngest::NewFileName() {
  return util::StrCat(engine_->path(), "/bulk-", static_cast<long long>(getpid()), "-",
                      g_file_counter.fetch_add(1) + 1, ".sst.tmp");
}

absl::Status BulkIngest::Writer(Cf cf, rocksdb::SstFileWriter** out) {
  const size_t i = static_cast<size_t>(cf);
  if (cf == Cf::kFeed && !done_) {
    return absl::InvalidArgumentError("bulk ingest: the feed is written by Commit");
  }
  if (writers_[i] == nullptr) {
    RETURN_IF_ERROR(engine_->CheckOpen());
    rocksdb::Options o = engine_->db()->GetOptions(engine_->cf(cf));
    auto w = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), o, engine_->cf(cf));
    std::string name = NewFileName();
    RETURN_IF_ERROR(FromRocks(w->Open(name), "bulk ingest: create file"));
    files_[i] = std::move(name);
    writers_[i] = std::move(w);
  }
  *out = writers_[i].get();
  return absl::OkStatus();
}

absl::Status BulkIngest::Put(Cf cf, std::string_view key, std::string_view value) {
  if (done_) return absl::FailedPreconditionError("bulk ingest: already committed");
  rocksdb::SstFileWriter* w = nullptr;
  RETURN_IF_ERROR(Writer(cf, &w));
  return FromRocks(w->Put(rocksdb::Slice(key), rocksdb::Slice(value)), "bulk ingest: put");
}

absl::Status BulkIngest::Merge(Cf cf, std::string_view key, std::string_view operand) {
  if (done_) return absl::FailedPreconditionError("bulk ingest: already committed");
  rocksdb::SstFileWriter* w = nullptr;
  RETURN_IF_ERROR(Writer(cf, &w));
  return FromRocks(w->Merge(rocksdb::Slice(key), rocksdb::Slice(operand)), "bulk ingest: merge");
}

absl::Status BulkIngest::AddEvent(const ChangeEvent& event) {
  if (done_) return absl::FailedPreconditionError("bulk ingest: already committed");
  if (!engine_->options().change_log) return absl::OkStatus();
  if (event.before && engine_->BeforeImagesOff(event.object_id)) {
    ChangeEvent copy = event;
    copy.before.reset();
    EncodeEventTail(copy, &event_tails_);
  } else {
    EncodeEventTail(event, &event_tails_);
  }
  event_ends_.push_back(event_tails_.size());
  if (std::find(event_objects_.begin(), event_objects_.end(), event.object_id) ==
      event_objects_.end()) {
    event_objects_.push_back(event.object_id);
  }
  return absl::OkStatus();
}

absl::Status BulkIngest::Commit() {
  if (done_) return absl::FailedPreconditionError("bulk ingest: already committed");
  RETURN_IF_ERROR(engine_->CheckOpen());
  done_ = true;
  // Finish the data files outside the commit mutex; only the feed file needs the numbers.
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (size_t i = 0; i < kNumCfs; ++i) {
    if (writers_[i] == nullptr) continue;
    rocksdb::ExternalSstFileInfo info;
    RETURN_IF_ERROR(FromRocks(writers_[i]->Finish(&info), "bulk ingest: finish file"));
    writers_[i].reset();
    if (info.num_entries == 0) continue;
    rocksdb::IngestExternalFileArg a;
    a.column_family = engine_->cf(static_cast<Cf>(i));
    a.external_files = {files_[i]};
    a.options.move_files = true;
    a.options.write_global_seqno = false;  // kept in the MANIFEST instead (RocksDB's advice)
    args.push_back(std::move(a));
  }
  if (event_ends_.size() > UINT32_MAX) {
    return absl::InvalidArgumentError("bulk ingest: too many events");
  }
  const uint32_t n = static_cast<uint32_t>(event_ends_.size());
  const uint64_t txn_id = engine_->NextTxnId();
  return engine_->change_log().CommitExternal(
      n, event_objects_, [&](uint64_t first, int64_t now) -> absl::Status {
        std::vector<rocksdb::IngestExternalFileArg> all = args;
        if (n > 0) {
          rocksdb::SstFileWriter* w = nullptr;
          RETURN_IF_ERROR(Writer(Cf::kFeed, &w));
          std::string key, value;
          size_t begin = 0;
          for (uint32_t i = 0; i < n; ++i) {
            key.clear();
            value.clear();
            codec::PutFixed64BE(&key, first + i);
            EncodeEventHead(now, txn_id, i, n, &value);
            value.append(event_tails_, begin, event_ends_[i] - begin);
            begin = event_ends_[i];
            RETURN_IF_ERROR(FromRocks(w->Put(key, value), "bulk ingest: event"));
          }
          const size_t f = static_cast<size_t>(Cf::kFeed);
          RETURN_IF_ERROR(FromRocks(writers_[f]->Finish(), "bulk ingest: finish event file"));
          writers_[f].reset();
          rocksdb::IngestExternalFileArg a;
          a.column_family = engine_->cf(Cf::kFeed);
          a.external_files = {files_[f]};
          a.options.move_files = true;
          a.options.write_global_seqno = false;
          all.push_back(std::move(a));
        }
        if (all.empty()) return absl::OkStatus();
        return FromRocks(engine_->db()->IngestExternalFiles(all), "bulk ingest");
      });
}

}  // namespace tessera::internal
