// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Export and import of one object: the per-model records (model_io.h) rendered as JSON Lines,
// CSV or line protocol.
#include "tools/transfer/transfer.h"

#include <filesystem>
#include <fstream>

#include "core/util/strings.h"
#include "models/ts/line_protocol.h"
#include "tessera/status.h"
#include "tessera/ts.h"
#include "tools/transfer/model_io.h"

namespace tessera::transfer {

using io::Json;

absl::StatusOr<FileFormat> ParseFileFormat(std::string_view text) {
  if (text == "jsonl") return FileFormat::kJsonl;
  if (text == "csv") return FileFormat::kCsv;
  if (text == "lp") return FileFormat::kLineProtocol;
  return absl::InvalidArgumentError(
      util::StrCat("unknown format '", text, "'; expected jsonl, csv or lp"));
}

std::string_view FileFormatName(FileFormat format) {
  switch (format) {
    case FileFormat::kJsonl:
      return "jsonl";
    case FileFormat::kCsv:
      return "csv";
    case FileFormat::kLineProtocol:
      return "lp";
  }
  return "?";
}

FileFormat DefaultFormat(Model model) {
  switch (model) {
    case Model::kGraph:
      return FileFormat::kCsv;
    case Model::kTimeSeries:
      return FileFormat::kLineProtocol;
    default:
      return FileFormat::kJsonl;
  }
}

namespace io {

const ModelIo& IoOf(Model model) {
  switch (model) {
    case Model::kKeyValue:
      return KvIo();
    case Model::kDocument:
      return DocIo();
    case Model::kWideColumn:
      return WideIo();
    case Model::kGraph:
      return GraphIo();
    case Model::kTimeSeries:
      return TsIo();
  }
  return KvIo();
}

absl::StatusOr<std::string> BytesField(const Json& record, std::string_view key) {
  auto it = record.find(std::string(key));
  if (it == record.end() || !it->is_string()) {
    return absl::InvalidArgumentError(util::StrCat("missing string \"", key, "\""));
  }
  const std::string& text = it->get_ref<const std::string&>();
  auto enc = record.find("encoding");
  if (enc == record.end()) return text;
  if (!enc->is_string() || enc->get_ref<const std::string&>() != "base64") {
    return absl::InvalidArgumentError("\"encoding\" must be \"base64\" when present");
  }
  std::optional<std::string> bytes = Base64Decode(text);
  if (!bytes) return absl::InvalidArgumentError(util::StrCat("\"", key, "\" is not valid base64"));
  return *bytes;
}

void SetBytesField(Json* record, std::string_view key, std::string_view bytes, bool base64) {
  (*record)[std::string(key)] = base64 ? Base64Encode(bytes) : std::string(bytes);
}

}  // namespace io

namespace {

bool Supports(Model model, FileFormat f) {
  switch (model) {
    case Model::kKeyValue:
    case Model::kWideColumn:
    case Model::kGraph:
      return f == FileFormat::kJsonl || f == FileFormat::kCsv;
    case Model::kDocument:
      return f == FileFormat::kJsonl;
    case Model::kTimeSeries:
      return f == FileFormat::kLineProtocol || f == FileFormat::kJsonl;
  }
  return false;
}

absl::Status CheckFormat(Model model, FileFormat f) {
  if (Supports(model, f)) return absl::OkStatus();
  return absl::InvalidArgumentError(util::StrCat(ModelName(model), " objects cannot be moved as ",
                                                 FileFormatName(f), " (",
                                                 ModelName(model) == "doc"  ? "jsonl only"
                                                 : ModelName(model) == "ts" ? "lp or jsonl"
                                                                            : "jsonl or csv",
                                                 ")"));
}

absl::Status Prefixed(const absl::Status& s, std::string_view path) {
  if (s.ok()) return s;
  return absl::Status(s.code(), util::StrCat(path, ":", s.message()));
}

// A line's position within an error: "PATH:" + "line N: ..." becomes "PATH:N: ...".
// Cancelled ("import cancelled after N records") once `cancelled` says so.
absl::Status Poll(const CancelFn& cancelled, std::string_view what, uint64_t done) {
  if (cancelled && cancelled()) {
    return absl::CancelledError(util::StrCat(what, " cancelled after ", done, " records"));
  }
  return absl::OkStatus();
}

// Keeps *bytes_read at `base` plus the position of `in` (nothing when bytes_read is null).
void NoteBytes(BytesRead bytes_read, uint64_t base, std::istream& in) {
  if (bytes_read == nullptr) return;
  const std::streamoff pos = in.tellg();
  if (pos >= 0) *bytes_read = base + static_cast<uint64_t>(pos);
}

// The size of `path` in bytes, 0 when it cannot be read.
uint64_t FileBytes(const std::string& path) {
  std::error_code ec;
  const uintmax_t n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<uint64_t>(n);
}

absl::Status AtPath(const absl::Status& s, std::string_view path) {
  if (s.ok()) return s;
  std::string_view m = util::ToStd(s.message());
  if (m.starts_with("line "))
    return Prefixed(absl::Status(s.code(), std::string(m.substr(5))), path);
  return absl::Status(s.code(), util::StrCat(path, ": ", m));
}

class Output {
 public:
  explicit Output(const std::string& path) : path_(path), out_(path, std::ios::trunc) {}
  absl::Status Open() const {
    if (!out_)
      return absl::PermissionDeniedError(util::StrCat("cannot open ", path_, " for writing"));
    return absl::OkStatus();
  }
  void Write(std::string_view s) { out_ << s; }
  absl::Status Close() {
    out_.flush();
    out_.close();
    if (!out_) return absl::DataLossError(util::StrCat("writing ", path_, " failed"));
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::ofstream out_;
};

}  // namespace

absl::StatusOr<TransferResult> Export(DB* db, Model model, std::string_view name,
                                      const std::string& path, const ExportOptions& options) {
  RETURN_IF_ERROR(CheckFormat(model, options.format));
  ASSIGN_OR_RETURN(ObjectInfo info, db->GetObject(model, name));
  ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snap, db->GetSnapshot());
  Output out(path);
  RETURN_IF_ERROR(out.Open());
  std::unique_ptr<Output> vertices;
  const bool csv = options.format == FileFormat::kCsv;
  if (csv) {
    if (model == Model::kKeyValue) out.Write(CsvRecord(io::KvCsvHeader()));
    if (model == Model::kWideColumn) out.Write(CsvRecord(io::WideCsvHeader()));
    if (model == Model::kGraph) {
      out.Write(CsvRecord(io::GraphEdgeCsvHeader()));
      if (!options.vertices_file.empty()) {
        vertices = std::make_unique<Output>(options.vertices_file);
        RETURN_IF_ERROR(vertices->Open());
        vertices->Write(CsvRecord(io::GraphVertexCsvHeader()));
      }
    }
  }
  TransferResult result;
  auto emit = [&](Json rec) -> absl::Status {
    ++result.records;
    if (result.records % 1000 == 0) {
      if (options.progress) options.progress(result.records);
      RETURN_IF_ERROR(Poll(options.cancelled, "export", result.records));
    }
    if (options.format == FileFormat::kJsonl) {
      out.Write(rec.dump(-1, ' ', false, Json::error_handler_t::replace));
      out.Write("\n");
      return absl::OkStatus();
    }
    if (options.format == FileFormat::kLineProtocol) {
      ASSIGN_OR_RETURN(std::vector<std::string> lines, io::TsRecordToLines(name, rec));
      result.records += lines.size() - 1;
      for (const std::string& l : lines) {
        out.Write(l);
        out.Write("\n");
      }
      return absl::OkStatus();
    }
    switch (model) {
      case Model::kKeyValue: {
        ASSIGN_OR_RETURN(std::vector<std::string> f, io::KvRecordToCsv(rec));
        out.Write(CsvRecord(f));
        break;
      }
      case Model::kWideColumn: {
        ASSIGN_OR_RETURN(auto rows, io::WideRecordToCsv(rec));
        result.records += rows.size() - 1;
        for (const auto& f : rows) out.Write(CsvRecord(f));
        break;
      }
      case Model::kGraph:
        if (rec.contains("vertex")) {
          if (vertices != nullptr)
            vertices->Write(CsvRecord(io::GraphRecordToCsv(rec)));
          else
            --result.records;
        } else {
          out.Write(CsvRecord(io::GraphRecordToCsv(rec)));
        }
        break;
      default:
        break;
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(io::IoOf(model).for_each(db, info, *snap, emit));
  RETURN_IF_ERROR(out.Close());
  if (vertices != nullptr) RETURN_IF_ERROR(vertices->Close());
  if (options.progress) options.progress(result.records);
  return result;
}

namespace {

// Reads CSV records of `path` into `sink` through `convert`; the first record is the header,
// checked against `header` (a header-less file is refused with the expected columns).
absl::Status ImportCsv(const std::string& path, const std::vector<std::string>& header,
                       absl::StatusOr<Json> (*convert)(const std::vector<std::string>&),
                       io::RecordSink* sink, const ProgressFn& progress, const CancelFn& cancelled,
                       BytesRead bytes_read, uint64_t base) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(util::StrCat("cannot open ", path, " for reading"));
  CsvReader reader(&in, path);
  std::vector<std::string> fields;
  ASSIGN_OR_RETURN(bool any, reader.Next(&fields));
  if (!any) return absl::OkStatus();
  if (fields.empty() || fields[0] != header[0]) {
    std::string want;
    for (size_t i = 0; i < header.size(); ++i) want += (i ? "," : "") + header[i];
    return absl::InvalidArgumentError(
        util::StrCat(path, ":1: the first line must be the header row (", want, ")"));
  }
  uint64_t n = 0;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&fields));
    if (!more) break;
    if (fields.size() == 1 && fields[0].empty()) continue;  // blank line
    absl::StatusOr<Json> rec = convert(fields);
    if (!rec.ok()) {
      return absl::Status(rec.status().code(),
                          util::StrCat(path, ":", reader.line(), ": ", rec.status().message()));
    }
    RETURN_IF_ERROR(AtPath(sink->Add(std::move(*rec), reader.line()), path));
    if (++n % 1000 == 0) {
      NoteBytes(bytes_read, base, in);
      if (progress) progress(sink->written());
      RETURN_IF_ERROR(Poll(cancelled, "import", sink->written()));
    }
  }
  if (in.bad()) return absl::DataLossError(util::StrCat("read error in ", path));
  return absl::OkStatus();
}

absl::Status ImportJsonl(const std::string& path, io::RecordSink* sink, const ProgressFn& progress,
                         const CancelFn& cancelled, BytesRead bytes_read) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(util::StrCat("cannot open ", path, " for reading"));
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json rec = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (rec.is_discarded() || !rec.is_object()) {
      return absl::InvalidArgumentError(util::StrCat(path, ":", line_no, ": not a JSON object"));
    }
    RETURN_IF_ERROR(AtPath(sink->Add(std::move(rec), line_no), path));
    if (line_no % 1000 == 0) {
      NoteBytes(bytes_read, 0, in);
      if (progress) progress(sink->written());
      RETURN_IF_ERROR(Poll(cancelled, "import", sink->written()));
    }
  }
  if (in.bad()) return absl::DataLossError(util::StrCat("read error in ", path));
  return absl::OkStatus();
}

// Line protocol: batches of lines, each checked to belong to `measurement` and written by
// TsStore::WriteLineProtocol (one atomic batch each).
absl::StatusOr<uint64_t> ImportLineProtocol(DB* db, std::string_view measurement,
                                            const std::string& path, size_t batch,
                                            const ProgressFn& progress, const CancelFn& cancelled,
                                            BytesRead bytes_read) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(util::StrCat("cannot open ", path, " for reading"));
  ASSIGN_OR_RETURN(auto store, TsStore::Open(db));
  uint64_t written = 0;
  std::string text;
  size_t lines = 0;
  size_t first = 1;
  size_t line_no = 0;
  auto flush = [&]() -> absl::Status {
    if (lines == 0) return absl::OkStatus();
    absl::StatusOr<std::vector<ts::LinePoint>> points =
        ts::ParseLines(text, ts::Precision::kNanoseconds, first);
    if (!points.ok()) return Prefixed(points.status(), path);
    for (const ts::LinePoint& p : *points) {
      if (p.measurement != measurement) {
        return absl::InvalidArgumentError(util::StrCat(path, ":", p.line_number, ": measurement '",
                                                       p.measurement, "' is not '", measurement,
                                                       "'"));
      }
    }
    absl::StatusOr<size_t> n = store->WriteLineProtocol(text, TsPrecision::kNanoseconds, first);
    if (!n.ok()) {
      return absl::Status(
          n.status().code(),
          util::StrCat(path, ": the batch of lines ", first, "..", line_no, " was not written (",
                       written, " points before it were): ", n.status().message()));
    }
    written += *n;
    NoteBytes(bytes_read, 0, in);
    if (progress) progress(written);
    RETURN_IF_ERROR(Poll(cancelled, "import", written));
    text.clear();
    lines = 0;
    first = line_no + 1;
    return absl::OkStatus();
  };
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    text += line;
    text.push_back('\n');
    if (++lines >= batch) RETURN_IF_ERROR(flush());
  }
  if (in.bad()) return absl::DataLossError(util::StrCat("read error in ", path));
  RETURN_IF_ERROR(flush());
  return written;
}

}  // namespace

absl::StatusOr<TransferResult> Import(DB* db, Model model, std::string_view name,
                                      const std::string& path, const ImportOptions& options) {
  RETURN_IF_ERROR(CheckFormat(model, options.format));
  if (options.batch_records == 0) {
    return absl::InvalidArgumentError("import: the batch size must be at least 1");
  }
  TransferResult result;
  if (options.format == FileFormat::kLineProtocol) {
    ASSIGN_OR_RETURN(result.records,
                     ImportLineProtocol(db, name, path, options.batch_records, options.progress,
                                        options.cancelled, options.bytes_read));
    if (options.bytes_read != nullptr) *options.bytes_read = FileBytes(path);
    if (options.progress) options.progress(result.records);
    return result;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<io::RecordSink> sink,
                   io::IoOf(model).sink(db, name, {.batch_records = options.batch_records}));
  if (options.format == FileFormat::kJsonl) {
    RETURN_IF_ERROR(
        ImportJsonl(path, sink.get(), options.progress, options.cancelled, options.bytes_read));
  } else if (model == Model::kKeyValue) {
    RETURN_IF_ERROR(ImportCsv(path, io::KvCsvHeader(), io::KvCsvToRecord, sink.get(),
                              options.progress, options.cancelled, options.bytes_read, 0));
  } else if (model == Model::kWideColumn) {
    RETURN_IF_ERROR(ImportCsv(path, io::WideCsvHeader(), io::WideCsvToRecord, sink.get(),
                              options.progress, options.cancelled, options.bytes_read, 0));
  } else {
    uint64_t vertex_bytes = 0;
    if (!options.vertices_file.empty()) {
      RETURN_IF_ERROR(ImportCsv(options.vertices_file, io::GraphVertexCsvHeader(),
                                io::GraphVertexCsvToRecord, sink.get(), options.progress,
                                options.cancelled, options.bytes_read, 0));
      RETURN_IF_ERROR(AtPath(sink->Flush(), options.vertices_file));
      vertex_bytes = FileBytes(options.vertices_file);
    }
    RETURN_IF_ERROR(ImportCsv(path, io::GraphEdgeCsvHeader(), io::GraphEdgeCsvToRecord, sink.get(),
                              options.progress, options.cancelled, options.bytes_read,
                              vertex_bytes));
  }
  RETURN_IF_ERROR(AtPath(sink->Flush(), path));
  result.records = sink->written();
  result.skipped_expired = sink->skipped_expired();
  if (options.bytes_read != nullptr) {
    *options.bytes_read =
        FileBytes(path) + (options.vertices_file.empty() ? 0 : FileBytes(options.vertices_file));
  }
  if (options.progress) options.progress(result.records);
  return result;
}

}  // namespace tessera::transfer
