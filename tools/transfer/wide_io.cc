// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Wide-column records, one per row with every kept version of every cell:
//   {"row": R, "cells": [{"family": F, "qualifier": Q, "ts": MICROS, "value": V}, ...]
//    [, "encoding": "base64"]}
// R, Q and V are text when all of the row's are valid UTF-8, else all base64 ("encoding").
// Definition: {"families": [{"name", "max_versions", "ttl_seconds", "min_versions"}]}.
#include "core/codec/value_envelope.h"
#include "core/util/strings.h"
#include "tessera/status.h"
#include "tessera/wide.h"
#include "tools/transfer/model_io.h"

namespace tessera::transfer::io {
namespace {

absl::StatusOr<Json> WideDefinition(DB* db, const ObjectInfo& info, const Snapshot&) {
  ASSIGN_OR_RETURN(auto wide, WideStore::Open(db));
  ASSIGN_OR_RETURN(std::vector<WideFamily> families, wide->ListFamilies(info.name));
  Json list = Json::array();
  for (const WideFamily& f : families) {
    list.push_back({{"name", f.name},
                    {"max_versions", f.options.max_versions},
                    {"ttl_seconds", f.options.ttl_seconds},
                    {"min_versions", f.options.min_versions}});
  }
  return Json{{"families", std::move(list)}};
}

absl::Status WideForEach(DB* db, const ObjectInfo& info, const Snapshot& snap, const RecordFn& fn) {
  ASSIGN_OR_RETURN(auto wide, WideStore::Open(db));
  WideScanOptions o;
  o.max_versions = 0;  // every version the GC policy keeps
  ASSIGN_OR_RETURN(auto cursor, wide->Scan(snap, info.name, o));
  for (; cursor->Valid(); cursor->Next()) {
    const WideRow& row = cursor->entry();
    bool b64 = !IsValidUtf8(row.key);
    for (const WideCell& c : row.cells) {
      b64 = b64 || !IsValidUtf8(c.qualifier) || !IsValidUtf8(c.value);
    }
    Json rec = Json::object();
    SetBytesField(&rec, "row", row.key, b64);
    Json cells = Json::array();
    for (const WideCell& c : row.cells) {
      Json cell = {{"family", c.family}};
      SetBytesField(&cell, "qualifier", c.qualifier, b64);
      cell["ts"] = c.timestamp;
      SetBytesField(&cell, "value", c.value, b64);
      cells.push_back(std::move(cell));
    }
    rec["cells"] = std::move(cells);
    if (b64) rec["encoding"] = "base64";
    RETURN_IF_ERROR(fn(std::move(rec)));
  }
  return cursor->status();
}

absl::Status WideDefine(DB* db, std::string_view name, const Json& def) {
  ASSIGN_OR_RETURN(auto wide, WideStore::Open(db));
  auto it = def.find("families");
  if (it == def.end() || !it->is_array() || it->empty()) {
    return absl::InvalidArgumentError(
        util::StrCat("wide table ", name, ": the definition has no \"families\""));
  }
  for (const Json& f : *it) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string()) {
      return absl::InvalidArgumentError("a family definition needs a \"name\"");
    }
    WideFamilyOptions o;
    o.max_versions = f.value("max_versions", 1u);
    o.ttl_seconds = f.value("ttl_seconds", int64_t{0});
    o.min_versions = f.value("min_versions", 0u);
    RETURN_IF_ERROR(wide->CreateFamily(name, f["name"].get<std::string>(), o));
  }
  return absl::OkStatus();
}

struct PendingRow {
  std::string key;
  std::vector<WideCellWrite> cells;
};

class WideSink final : public RecordSink {
 public:
  WideSink(DB* db, std::unique_ptr<WideStore> wide, std::string table, size_t batch)
      : db_(db), wide_(std::move(wide)), table_(std::move(table)), batch_(batch) {}

  absl::Status Add(Json rec, size_t line) override {
    absl::StatusOr<PendingRow> row = Parse(rec);
    if (!row.ok()) {
      return absl::Status(row.status().code(),
                          util::StrCat("line ", line, ": ", row.status().message()));
    }
    if (rows_.empty()) first_line_ = line;
    last_line_ = line;
    // Consecutive records of one row (CSV: one line per cell) join into one write.
    if (!rows_.empty() && rows_.back().key == row->key) {
      for (WideCellWrite& c : row->cells) rows_.back().cells.push_back(std::move(c));
    } else {
      rows_.push_back(std::move(*row));
    }
    ++pending_records_;
    if (pending_records_ >= batch_) return Flush();
    return absl::OkStatus();
  }

  absl::Status Flush() override {
    if (rows_.empty()) return absl::OkStatus();
    absl::Status s = db_->RunTransaction([&](Transaction& txn) -> absl::Status {
      for (const PendingRow& r : rows_) RETURN_IF_ERROR(wide_->Put(txn, table_, r.key, r.cells));
      return absl::OkStatus();
    });
    if (!s.ok()) {
      return absl::Status(s.code(), util::StrCat("the batch of lines ", first_line_, "..",
                                                 last_line_, " was not written (", written_,
                                                 " records before it were): ", s.message()));
    }
    written_ += pending_records_;
    pending_records_ = 0;
    rows_.clear();
    return absl::OkStatus();
  }

 private:
  static absl::StatusOr<PendingRow> Parse(const Json& rec) {
    if (!rec.is_object()) return absl::InvalidArgumentError("not a JSON object");
    PendingRow row;
    ASSIGN_OR_RETURN(row.key, BytesField(rec, "row"));
    auto cells = rec.find("cells");
    if (cells == rec.end() || !cells->is_array() || cells->empty()) {
      return absl::InvalidArgumentError("\"cells\" must be a non-empty array");
    }
    const bool b64 = rec.value("encoding", "") == "base64";
    for (const Json& c : *cells) {
      if (!c.is_object()) return absl::InvalidArgumentError("a cell must be a JSON object");
      Json cell = c;
      if (b64) cell["encoding"] = "base64";
      WideCellWrite w;
      auto f = cell.find("family");
      if (f == cell.end() || !f->is_string()) {
        return absl::InvalidArgumentError("a cell needs a string \"family\"");
      }
      w.family = f->get<std::string>();
      ASSIGN_OR_RETURN(w.qualifier, BytesField(cell, "qualifier"));
      ASSIGN_OR_RETURN(w.value, BytesField(cell, "value"));
      if (auto ts = cell.find("ts"); ts != cell.end() && !ts->is_null()) {
        if (!ts->is_number_integer() || ts->get<int64_t>() < 0) {
          return absl::InvalidArgumentError("a cell's \"ts\" must be an integer >= 0 (micros)");
        }
        w.timestamp = ts->get<int64_t>();
      }
      row.cells.push_back(std::move(w));
    }
    return row;
  }

  DB* db_;
  std::unique_ptr<WideStore> wide_;
  std::string table_;
  size_t batch_;
  std::vector<PendingRow> rows_;
  size_t pending_records_ = 0;
  size_t first_line_ = 0;
  size_t last_line_ = 0;
};

}  // namespace

const ModelIo& WideIo() {
  static const ModelIo io{
      .definition = WideDefinition,
      .for_each = WideForEach,
      .define = WideDefine,
      .finish = [](DB*, std::string_view, const Json&) { return absl::OkStatus(); },
      .sink = [](DB* db, std::string_view name,
                 const SinkOptions& o) -> absl::StatusOr<std::unique_ptr<RecordSink>> {
        ASSIGN_OR_RETURN(auto wide, WideStore::Open(db));
        return std::unique_ptr<RecordSink>(
            new WideSink(db, std::move(wide), std::string(name), o.batch_records));
      },
  };
  return io;
}

std::vector<std::string> WideCsvHeader() {
  return {"row", "family", "qualifier", "timestamp", "value"};
}

absl::StatusOr<std::vector<std::vector<std::string>>> WideRecordToCsv(const Json& rec) {
  ASSIGN_OR_RETURN(std::string row, BytesField(rec, "row"));
  const bool b64 = rec.value("encoding", "") == "base64";
  std::vector<std::vector<std::string>> out;
  for (const Json& c : rec["cells"]) {
    Json cell = c;
    if (b64) cell["encoding"] = "base64";
    ASSIGN_OR_RETURN(std::string q, BytesField(cell, "qualifier"));
    ASSIGN_OR_RETURN(std::string v, BytesField(cell, "value"));
    out.push_back({row, cell["family"].get<std::string>(), std::move(q),
                   std::to_string(cell["ts"].get<int64_t>()), std::move(v)});
  }
  return out;
}

absl::StatusOr<Json> WideCsvToRecord(const std::vector<std::string>& f) {
  if (f.size() != 5) {
    return absl::InvalidArgumentError(
        util::StrCat("expected 5 fields (row,family,qualifier,timestamp,value), found ", f.size()));
  }
  bool b64 = !IsValidUtf8(f[0]) || !IsValidUtf8(f[2]) || !IsValidUtf8(f[4]);
  Json rec = Json::object();
  SetBytesField(&rec, "row", f[0], b64);
  Json cell = {{"family", f[1]}};
  SetBytesField(&cell, "qualifier", f[2], b64);
  if (!f[3].empty()) {
    std::optional<int64_t> ts = codec::ParseDecimalInt64(f[3]);
    if (!ts) {
      return absl::InvalidArgumentError(
          util::StrCat("timestamp '", f[3], "' is not an integer (microseconds)"));
    }
    cell["ts"] = *ts;
  }
  SetBytesField(&cell, "value", f[4], b64);
  rec["cells"] = Json::array({std::move(cell)});
  if (b64) rec["encoding"] = "base64";
  return rec;
}

}  // namespace tessera::transfer::io
