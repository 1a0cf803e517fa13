// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Dump and restore of a whole database. The format (docs/format/dump.md), one JSON object per
// line:
//
//   +-----------------------------------------------------------------------------------+
//   | {"format":"tessera-dump","version":1,"created_us":T,"sequence":S}        header   |
//   +-----------------------------------------------------------------------------------+
//   | {"object":NAME,"model":"kv|doc|wide|graph|ts","definition":{...}}      per object |
//   | {"r":RECORD}                                                 its records, 0 or more |
//   | ...                                                                               |
//   +-----------------------------------------------------------------------------------+
//   | {"end":{"objects":N,"records":M}}                                       trailer   |
//   +-----------------------------------------------------------------------------------+
//
// Objects come in catalog order (model, then name). A RECORD is the model's JSON Lines record
// (model_io.h, docs/shell.md). The trailer's counts detect a truncated file.
#include <filesystem>
#include <fstream>

#include "core/engine/engine.h"
#include "core/util/strings.h"
#include "tessera/status.h"
#include "tools/transfer/model_io.h"
#include "tools/transfer/transfer.h"

namespace tessera::transfer {

using io::Json;

namespace {
constexpr int kDumpVersion = 1;
}  // namespace

absl::StatusOr<DumpResult> Dump(DB* db, const std::string& path, const ProgressFn& progress,
                                const CancelFn& cancelled) {
  ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snap, db->GetSnapshot());
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, db->ListObjects());
  std::ofstream out(path, std::ios::trunc | std::ios::binary);
  if (!out) return absl::PermissionDeniedError(util::StrCat("cannot open ", path, " for writing"));
  auto write = [&](const Json& j) {
    out << j.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
  };
  write(Json{{"format", "tessera-dump"},
             {"version", kDumpVersion},
             {"created_us", internal::Engine::NowMicros()},
             {"sequence", snap->sequence()}});
  DumpResult result;
  for (const ObjectInfo& info : objects) {
    const io::ModelIo& mio = io::IoOf(info.model);
    ASSIGN_OR_RETURN(Json def, mio.definition(db, info, *snap));
    write(Json{{"object", info.name}, {"model", ModelName(info.model)}, {"definition", def}});
    ++result.objects;
    RETURN_IF_ERROR(mio.for_each(db, info, *snap, [&](Json rec) {
      write(Json{{"r", std::move(rec)}});
      ++result.records;
      if (result.records % 1000 == 0) {
        if (progress) progress(result.records);
        if (cancelled && cancelled()) {
          return absl::CancelledError(
              util::StrCat("dump cancelled after ", result.records, " records"));
        }
      }
      return absl::OkStatus();
    }));
  }
  write(Json{{"end", {{"objects", result.objects}, {"records", result.records}}}});
  out.flush();
  out.close();
  if (!out) return absl::DataLossError(util::StrCat("writing ", path, " failed"));
  if (progress) progress(result.records);
  return result;
}

absl::StatusOr<DumpResult> Restore(DB* db, const std::string& path, const ProgressFn& progress,
                                   size_t batch_records, const CancelFn& cancelled,
                                   BytesRead bytes_read) {
  if (batch_records == 0) return absl::InvalidArgumentError("restore: batch size must be >= 1");
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> existing, db->ListObjects());
  if (!existing.empty()) {
    return absl::FailedPreconditionError(util::StrCat(
        "restore needs an empty database; this one holds ", existing.size(),
        " objects (first: ", ModelName(existing[0].model), " ", existing[0].name, ")"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(util::StrCat("cannot open ", path, " for reading"));
  auto bad = [&](size_t line, std::string_view what) {
    return absl::InvalidArgumentError(util::StrCat(path, ":", line, ": ", what));
  };
  std::string line;
  size_t line_no = 0;
  if (!std::getline(in, line)) return bad(1, "empty file, not a tessera dump");
  ++line_no;
  Json header = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object() ||
      header.value("format", "") != "tessera-dump") {
    return bad(1, "not a tessera dump (the first line lacks \"format\":\"tessera-dump\")");
  }
  int version = header.value("version", 0);
  if (version < 1 || version > kDumpVersion) {
    return absl::FailedPreconditionError(util::StrCat(path, ": dump format version ", version,
                                                      " is not supported (this build reads 1..",
                                                      kDumpVersion, ")"));
  }

  struct Pending {
    Model model;
    std::string name;
    Json definition;
  };
  std::vector<Pending> to_finish;
  std::unique_ptr<io::RecordSink> sink;
  std::string current;  // "" before the first object
  DumpResult result;
  auto close_sink = [&]() -> absl::Status {
    if (sink == nullptr) return absl::OkStatus();
    absl::Status s = sink->Flush();
    if (!s.ok()) return absl::Status(s.code(), util::StrCat(path, ": ", s.message()));
    result.skipped_expired += sink->skipped_expired();
    sink.reset();
    return absl::OkStatus();
  };
  bool ended = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (ended) return bad(line_no, "a line after the end line");
    Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return bad(line_no, "not a JSON object");
    if (auto r = j.find("r"); r != j.end()) {
      if (sink == nullptr) return bad(line_no, "a record before any object line");
      absl::Status s = sink->Add(std::move(*r), line_no);
      if (!s.ok()) {
        std::string_view m = util::ToStd(s.message());
        if (m.starts_with("line ")) m.remove_prefix(5);
        return absl::Status(s.code(), util::StrCat(path, ":", m, " (object ", current, ")"));
      }
      ++result.records;
      if (result.records % 1000 == 0) {
        if (bytes_read != nullptr && in.tellg() >= 0) *bytes_read = in.tellg();
        if (progress) progress(result.records);
        if (cancelled && cancelled()) {
          return absl::CancelledError(util::StrCat("restore cancelled after ", result.records,
                                                   " records (those before the current batch "
                                                   "were written)"));
        }
      }
      continue;
    }
    if (auto o = j.find("object"); o != j.end()) {
      RETURN_IF_ERROR(close_sink());
      if (!o->is_string()) return bad(line_no, "\"object\" must be the object's name");
      std::optional<Model> model = ParseModel(j.value("model", ""));
      if (!model) return bad(line_no, util::StrCat("unknown model '", j.value("model", ""), "'"));
      Json def = j.value("definition", Json::object());
      if (!def.is_object()) return bad(line_no, "\"definition\" must be an object");
      std::string name = o->get<std::string>();
      const io::ModelIo& mio = io::IoOf(*model);
      absl::Status s = mio.define(db, name, def);
      if (!s.ok()) {
        return absl::Status(
            s.code(), util::StrCat(path, ":", line_no, ": creating ", ModelName(*model), " ", name,
                                   ": ", s.message()));
      }
      ASSIGN_OR_RETURN(sink, mio.sink(db, name, {.batch_records = batch_records, .restore = true}));
      current = util::StrCat(ModelName(*model), " ", name);
      to_finish.push_back({*model, std::move(name), std::move(def)});
      ++result.objects;
      continue;
    }
    if (auto e = j.find("end"); e != j.end()) {
      RETURN_IF_ERROR(close_sink());
      uint64_t objects = e->value("objects", uint64_t{0});
      uint64_t records = e->value("records", uint64_t{0});
      if (objects != result.objects || records != result.records) {
        return absl::DataLossError(util::StrCat(
            path, ":", line_no, ": the end line counts ", objects, " objects and ", records,
            " records but the file held ", result.objects, " and ", result.records));
      }
      ended = true;
      continue;
    }
    return bad(line_no, "expected an \"object\", \"r\" or \"end\" line");
  }
  if (in.bad()) return absl::DataLossError(util::StrCat("read error in ", path));
  if (!ended) {
    return absl::DataLossError(util::StrCat(path,
                                            ": the dump is truncated (no end line after line ",
                                            line_no, "); what was read is restored"));
  }
  for (const Pending& p : to_finish) {
    absl::Status s = io::IoOf(p.model).finish(db, p.name, p.definition);
    if (!s.ok()) {
      return absl::Status(s.code(), util::StrCat("restore: completing ", ModelName(p.model), " ",
                                                 p.name, ": ", s.message()));
    }
  }
  if (bytes_read != nullptr) {
    std::error_code ec;
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec) *bytes_read = size;
  }
  if (progress) progress(result.records);
  return result;
}

}  // namespace tessera::transfer
