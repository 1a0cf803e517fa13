// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Moving data in and out of a Tessera database: export and import of one object per model in
// portable text formats, and dump / restore of the whole database in a versioned logical format
// (docs/format/dump.md). The formats of every model are described in docs/shell.md, "Moving data
// in and out".
//
//   ASSIGN_OR_RETURN(auto n, transfer::Export(db, Model::kKeyValue, "users", "u.jsonl", {}));
//   ASSIGN_OR_RETURN(auto r, transfer::Dump(db, "all.tdump", {}));
//   ASSIGN_OR_RETURN(auto r2, transfer::Restore(empty_db, "all.tdump", {}));
//
// Imports write in batches, each batch one transaction: a failure leaves the batches before it
// committed and writes nothing of its own batch; the error names the file, the line and what was
// wrong. Nothing is skipped silently.
//
// Thread safety: the functions may run concurrently with other users of the DB (exports and
// dumps read one snapshot); none of them is meant to run twice at once on the same file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "tessera/db.h"
#include "tessera/model.h"

namespace tessera::transfer {

// File formats of export and import.
enum class FileFormat {
  kJsonl,         // JSON Lines: one JSON object per line
  kCsv,           // RFC 4180 CSV with a header row
  kLineProtocol,  // InfluxDB line protocol (time-series only)
};

// Parses "jsonl", "csv" or "lp"; InvalidArgument naming the text otherwise.
[[nodiscard]] absl::StatusOr<FileFormat> ParseFileFormat(std::string_view text);
std::string_view FileFormatName(FileFormat format);
// The default format of a model: jsonl for kv, doc and wide; csv for graph; lp for ts.
FileFormat DefaultFormat(Model model);

// Called now and then with the number of records done so far.
using ProgressFn = std::function<void(uint64_t records)>;
// Where imports and restore keep the input bytes consumed so far (updated before each progress
// call; the input's whole size at the end), for a progress bar; may be null.
using BytesRead = uint64_t*;
// Polled every 1000 records: once it returns true, the transfer stops with Cancelled
// ("import cancelled after N records"). What an import or restore committed before stays; an
// export or dump leaves a partial file (a dump without its end line, which restore refuses).
using CancelFn = std::function<bool()>;

struct ExportOptions {
  FileFormat format = FileFormat::kJsonl;  // must be one the model supports
  std::string vertices_file;               // graph csv only: where vertices go ("" = none)
  ProgressFn progress;                     // may be empty
  CancelFn cancelled;                      // may be empty (never cancelled)
};

struct ImportOptions {
  FileFormat format = FileFormat::kJsonl;  // must be one the model supports
  size_t batch_records = 1000;             // records per transaction (>= 1)
  std::string vertices_file;               // graph csv only: vertices read first ("" = none)
  ProgressFn progress;                     // may be empty
  BytesRead bytes_read = nullptr;  // input bytes consumed (vertices file first); may be null
  CancelFn cancelled;              // may be empty (never cancelled)
};

struct TransferResult {
  uint64_t records = 0;  // records written or read (kv entries, documents, wide rows in jsonl /
                         // cells in csv, vertices + edges, time-series points)
  uint64_t skipped_expired = 0;  // kv entries whose expiry had passed when imported
};

// Writes object `name` of `model` to `path` (created or truncated), read from one snapshot.
// NotFound if the object does not exist; InvalidArgument for a format the model lacks.
[[nodiscard]] absl::StatusOr<TransferResult> Export(DB* db, Model model, std::string_view name,
                                                    const std::string& path,
                                                    const ExportOptions& options);

// Reads `path` into object `name` of `model` (created if missing; a wide-column table's families
// must exist). InvalidArgument "PATH:LINE: ..." for a malformed record.
[[nodiscard]] absl::StatusOr<TransferResult> Import(DB* db, Model model, std::string_view name,
                                                    const std::string& path,
                                                    const ImportOptions& options);

struct DumpResult {
  uint64_t objects = 0;          // object definitions
  uint64_t records = 0;          // record lines
  uint64_t skipped_expired = 0;  // restore: kv entries whose expiry had passed
};

// Writes the whole database to `path` (created or truncated), streaming.
[[nodiscard]] absl::StatusOr<DumpResult> Dump(DB* db, const std::string& path,
                                              const ProgressFn& progress = {},
                                              const CancelFn& cancelled = {});

// Reads a dump into `db`, which must hold no object (FailedPrecondition otherwise).
// InvalidArgument "PATH:LINE: ..." for a malformed line; DataLoss for a truncated dump (no end
// line). Not atomic: a failure leaves what was restored before it.
[[nodiscard]] absl::StatusOr<DumpResult> Restore(DB* db, const std::string& path,
                                                 const ProgressFn& progress = {},
                                                 size_t batch_records = 1000,
                                                 const CancelFn& cancelled = {},
                                                 BytesRead bytes_read = nullptr);

}  // namespace tessera::transfer
