// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The per-model halves of export, import, dump and restore. Every model reads its objects into
// JSON records (the records of its JSON Lines format and of the dump) and writes records back
// through a RecordSink that batches them into transactions. Internal to tessera_transfer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tessera/db.h"
#include "tools/transfer/text.h"
#include "tools/transfer/transfer.h"

namespace tessera::transfer::io {

using Json = nlohmann::ordered_json;
// Receives one record; an error stops the walk and is returned.
using RecordFn = std::function<absl::Status(Json record)>;

// Writes records into one object in batches of a chosen size, each batch one transaction.
// Not thread-safe.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Adds a record that came from `line` of the input (for errors); writes a batch when full.
  // InvalidArgument "line N: ..." for a malformed record.
  virtual absl::Status Add(Json record, size_t line) = 0;
  // Writes what is pending.
  virtual absl::Status Flush() = 0;
  uint64_t written() const { return written_; }
  uint64_t skipped_expired() const { return skipped_expired_; }

 protected:
  uint64_t written_ = 0;
  uint64_t skipped_expired_ = 0;
};

// How records are written: `restore` keeps identities a plain import renumbers (graph edge ids).
struct SinkOptions {
  size_t batch_records = 1000;  // records per transaction
  bool restore = false;         // dump restore (vs. import)
};

// The models' halves. Definitions are the per-object JSON of the dump (options, indexes, ...).
struct ModelIo {
  // The object's definition (options) as of `snap`.
  std::function<absl::StatusOr<Json>(DB*, const ObjectInfo&, const Snapshot&)> definition;
  // Every record of the object as of `snap`, in a deterministic order.
  std::function<absl::Status(DB*, const ObjectInfo&, const Snapshot&, const RecordFn&)> for_each;
  // Creates the object `name` from its definition (before its records).
  std::function<absl::Status(DB*, std::string_view, const Json&)> define;
  // Completes the object once every object is restored (rules that refer to other objects).
  std::function<absl::Status(DB*, std::string_view, const Json&)> finish;
  // A sink writing into `name` (created if missing).
  std::function<absl::StatusOr<std::unique_ptr<RecordSink>>(DB*, std::string_view,
                                                            const SinkOptions&)>
      sink;
};

const ModelIo& KvIo();
const ModelIo& DocIo();
const ModelIo& WideIo();
const ModelIo& GraphIo();
const ModelIo& TsIo();
const ModelIo& IoOf(Model model);

// --- Record conversions for the CSV and line-protocol formats ---

// kv CSV columns: key,value,expires_us.
std::vector<std::string> KvCsvHeader();
absl::StatusOr<std::vector<std::string>> KvRecordToCsv(const Json& record);
absl::StatusOr<Json> KvCsvToRecord(const std::vector<std::string>& fields);
// wide CSV columns: row,family,qualifier,timestamp,value (one line per cell).
std::vector<std::string> WideCsvHeader();
absl::StatusOr<std::vector<std::vector<std::string>>> WideRecordToCsv(const Json& record);
absl::StatusOr<Json> WideCsvToRecord(const std::vector<std::string>& fields);
// graph CSV: edges src,dst,type,weight,props; vertices id,label,props.
std::vector<std::string> GraphEdgeCsvHeader();
std::vector<std::string> GraphVertexCsvHeader();
std::vector<std::string> GraphRecordToCsv(const Json& record);  // either kind
absl::StatusOr<Json> GraphEdgeCsvToRecord(const std::vector<std::string>& fields);
absl::StatusOr<Json> GraphVertexCsvToRecord(const std::vector<std::string>& fields);
// ts: one line-protocol line per point of a series record.
absl::StatusOr<std::vector<std::string>> TsRecordToLines(std::string_view measurement,
                                                         const Json& record);

// Bytes of a record field: base64-decoded when the record has "encoding": "base64".
absl::StatusOr<std::string> BytesField(const Json& record, std::string_view key);
// Sets record[key] to `bytes` as text (the caller sets "encoding" first when any field needs it).
void SetBytesField(Json* record, std::string_view key, std::string_view bytes, bool base64);

}  // namespace tessera::transfer::io
