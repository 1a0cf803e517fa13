// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Bulk ingestion of sorted SST files (see bulk_ingest.h).
#include "core/engine/bulk_ingest.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "core/changelog/event_codec.h"
#include "core/codec/coding.h"
#include "core/engine/engine.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "rocksdb/sst_file_writer.h"

namespace tessera::internal {
namespace {

std::atomic<uint64_t> g_file_counter{0};

// Events per feed file part: a large batch's event file is written by two threads.
constexpr size_t kEventsPerPart = 4096;

}  // namespace

BulkIngest::BulkIngest(Engine* engine) : engine_(engine) {
  for (auto& p : parts_) p.resize(1);
}

BulkIngest::Part::Part() = default;
BulkIngest::Part::Part(Part&&) noexcept = default;
BulkIngest::Part::~Part() {
  if (finisher.joinable()) finisher.join();
}

void BulkIngest::StartFinish(Part* p) {
  if (p->writer == nullptr || p->finisher.joinable()) return;
  p->finisher = std::thread([p] {
    rocksdb::ExternalSstFileInfo info;
    p->finished = FromRocks(p->writer->Finish(&info), "bulk ingest: finish file");
    if (p->finished.ok()) {
      p->entries = info.num_entries;
      p->smallest = std::move(info.smallest_key);
      p->largest = std::move(info.largest_key);
    }
  });
}

void BulkIngest::FinishPart(Cf cf, size_t part) {
  std::vector<Part>& cf_parts = parts_[static_cast<size_t>(cf)];
  if (part < cf_parts.size()) StartFinish(&cf_parts[part]);
}

BulkIngest::~BulkIngest() {
  for (auto& cf_parts : parts_) {
    for (Part& p : cf_parts) {
      if (p.finisher.joinable()) p.finisher.join();
      p.writer.reset();
      // Ingested files were moved (hard-linked) into the database: the names here are spare
      // links, or leftovers of an ingestion that failed.
      if (!p.file.empty()) std::remove(p.file.c_str());
    }
  }
}

void BulkIngest::SetParts(Cf cf, size_t n) {
  parts_[static_cast<size_t>(cf)].resize(std::max<size_t>(n, 1));
}

void BulkIngest::ReserveEvents(size_t n, size_t bytes) {
  event_ends_.reserve(event_ends_.size() + n);
  event_tails_.reserve(event_tails_.size() + bytes);
}

std::string BulkIngest::NewFileName() {
  return util::StrCat(engine_->path(), "/bulk-", static_cast<long long>(getpid()), "-",
                      g_file_counter.fetch_add(1) + 1, ".sst.tmp");
}

absl::Status BulkIngest::Writer(Cf cf, size_t part, rocksdb::SstFileWriter** out) {
  std::vector<Part>& cf_parts = parts_[static_cast<size_t>(cf)];
  if (cf == Cf::kFeed && !done_) {
    return absl::InvalidArgumentError("bulk ingest: the feed is written by Commit");
  }
  if (part >= cf_parts.size()) {
    return absl::InvalidArgumentError(util::StrCat("bulk ingest: no part ", part));
  }
  Part& p = cf_parts[part];
  if (p.finisher.joinable()) {
    return absl::InvalidArgumentError(util::StrCat("bulk ingest: part ", part, " is finished"));
  }
  if (p.writer == nullptr) {
    RETURN_IF_ERROR(engine_->CheckOpen());
    rocksdb::Options o = engine_->db()->GetOptions(engine_->cf(cf));
    // The upper levels' compression (LZ4), as a flush writes: see bulk_ingest.h.
    o.bottommost_compression = rocksdb::kDisableCompressionOption;
    o.compression_per_level.clear();
    // The files are read soon after (the load's queries): keep them in the page cache.
    auto w = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), o, engine_->cf(cf),
                                                      /*invalidate_page_cache=*/false);
    std::string name = NewFileName();
    RETURN_IF_ERROR(FromRocks(w->Open(name), "bulk ingest: create file"));
    p.file = std::move(name);
    p.writer = std::move(w);
  }
  *out = p.writer.get();
  return absl::OkStatus();
}

absl::Status BulkIngest::Put(Cf cf, size_t part, std::string_view key, std::string_view value) {
  if (done_) return absl::FailedPreconditionError("bulk ingest: already committed");
  rocksdb::SstFileWriter* w = nullptr;
  RETURN_IF_ERROR(Writer(cf, part, &w));
  rocksdb::Status s = w->Put(rocksdb::Slice(key), rocksdb::Slice(value));
  return s.ok() ? absl::OkStatus() : FromRocks(s, "bulk ingest: put");
}

absl::Status BulkIngest::Merge(Cf cf, size_t part, std::string_view key, std::string_view operand) {
  if (done_) return absl::FailedPreconditionError("bulk ingest: already committed");
  rocksdb::SstFileWriter* w = nullptr;
  RETURN_IF_ERROR(Writer(cf, part, &w));
  rocksdb::Status s = w->Merge(rocksdb::Slice(key), rocksdb::Slice(operand));
  return s.ok() ? absl::OkStatus() : FromRocks(s, "bulk ingest: merge");
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

absl::Status BulkIngest::WriteEventFiles(uint64_t first_seq, int64_t commit_us, uint64_t txn_id,
                                         size_t parts) {
  const uint32_t n = static_cast<uint32_t>(event_ends_.size());
  auto write_part = [&](size_t part) -> absl::Status {
    const uint32_t from = static_cast<uint32_t>(n * part / parts);
    const uint32_t to = static_cast<uint32_t>(n * (part + 1) / parts);
    rocksdb::SstFileWriter* w = nullptr;
    RETURN_IF_ERROR(Writer(Cf::kFeed, part, &w));
    std::string key, value;
    size_t begin = from == 0 ? 0 : event_ends_[from - 1];
    for (uint32_t i = from; i < to; ++i) {
      key.clear();
      value.clear();
      codec::PutFixed64BE(&key, first_seq + i);
      EncodeEventHead(commit_us, txn_id, i, n, &value);
      value.append(event_tails_, begin, event_ends_[i] - begin);
      begin = event_ends_[i];
      rocksdb::Status s = w->Put(key, value);
      if (!s.ok()) return FromRocks(s, "bulk ingest: event");
    }
    return FromRocks(w->Finish(), "bulk ingest: finish event file");
  };
  std::vector<absl::Status> status(parts);
  std::vector<std::thread> helpers;
  for (size_t p = 1; p < parts; ++p) helpers.emplace_back([&, p] { status[p] = write_part(p); });
  status[0] = write_part(0);
  for (std::thread& t : helpers) t.join();
  for (const absl::Status& s : status) RETURN_IF_ERROR(s);
  return absl::OkStatus();
}

absl::Status BulkIngest::Commit() {
  if (done_) return absl::FailedPreconditionError("bulk ingest: already committed");
  RETURN_IF_ERROR(engine_->CheckOpen());
  done_ = true;
  // Finish the data files outside the commit mutex (each on a thread of its own, unless
  // FinishPart started it already); only the feed file needs the numbers.
  for (auto& cf_parts : parts_) {
    for (Part& p : cf_parts) StartFinish(&p);
  }
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (size_t i = 0; i < kNumCfs; ++i) {
    struct Range {
      std::string smallest, largest;
    };
    std::vector<Range> ranges;
    rocksdb::IngestExternalFileArg a;
    for (Part& p : parts_[i]) {
      if (p.writer == nullptr) continue;
      p.finisher.join();
      RETURN_IF_ERROR(p.finished);
      p.writer.reset();
      if (p.entries == 0) continue;
      ranges.push_back({p.smallest, p.largest});
      a.external_files.push_back(p.file);
    }
    if (a.external_files.empty()) continue;
    std::sort(ranges.begin(), ranges.end(),
              [](const Range& x, const Range& y) { return x.smallest < y.smallest; });
    for (size_t r = 1; r < ranges.size(); ++r) {
      if (ranges[r - 1].largest >= ranges[r].smallest) {
        return absl::InvalidArgumentError(
            util::StrCat("bulk ingest: the parts of column family ", kCfNames[i], " overlap"));
      }
    }
    a.column_family = engine_->cf(static_cast<Cf>(i));
    a.options.move_files = true;
    a.options.write_global_seqno = false;  // kept in the MANIFEST instead (RocksDB's advice)
    args.push_back(std::move(a));
  }
  if (event_ends_.size() > UINT32_MAX) {
    return absl::InvalidArgumentError("bulk ingest: too many events");
  }
  const uint32_t n = static_cast<uint32_t>(event_ends_.size());
  const uint64_t txn_id = engine_->NextTxnId();
  const size_t event_parts = n >= 2 * kEventsPerPart ? 2 : 1;
  if (n > 0) SetParts(Cf::kFeed, event_parts);
  return engine_->change_log().CommitExternal(
      n, event_objects_, [&](uint64_t first, int64_t now) -> absl::Status {
        std::vector<rocksdb::IngestExternalFileArg> all = args;
        if (n > 0) {
          RETURN_IF_ERROR(WriteEventFiles(first, now, txn_id, event_parts));
          rocksdb::IngestExternalFileArg a;
          a.column_family = engine_->cf(Cf::kFeed);
          for (Part& p : parts_[static_cast<size_t>(Cf::kFeed)]) {
            p.writer.reset();
            a.external_files.push_back(p.file);
          }
          a.options.move_files = true;
          a.options.write_global_seqno = false;
          all.push_back(std::move(a));
        }
        if (all.empty()) return absl::OkStatus();
        RETURN_IF_ERROR(FromRocks(engine_->db()->IngestExternalFiles(all), "bulk ingest"));
        if (n > 0) last_seq_ = first + n - 1;
        // Snapshots older than the ingestion (see older_snapshots_live()). A snapshot taken from
        // here on sees the ingested keys; one released meanwhile only makes this conservative.
        rocksdb::DB* db = engine_->db();
        uint64_t live = 1, oldest = 0;
        const uint64_t latest = db->GetLatestSequenceNumber();
        if (db->GetIntProperty(rocksdb::DB::Properties::kNumSnapshots, &live) && live == 0) {
          older_snapshots_live_ = false;
        } else if (db->GetIntProperty(rocksdb::DB::Properties::kOldestSnapshotSequence, &oldest) &&
                   oldest >= latest && oldest != 0) {
          older_snapshots_live_ = false;
        }
        return absl::OkStatus();
      });
}

}  // namespace tessera::internal
