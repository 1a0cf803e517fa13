// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Document records: the documents themselves, with their _id. Definition:
// {"indexes": [{"name", "keys", "unique", "sparse", "partial"}]}.
#include "core/util/strings.h"
#include "tessera/doc.h"
#include "tessera/status.h"
#include "tools/transfer/model_io.h"

namespace tessera::transfer::io {
namespace {

absl::StatusOr<Json> DocDefinition(DB* db, const ObjectInfo& info, const Snapshot&) {
  ASSIGN_OR_RETURN(auto docs, DocStore::Open(db));
  ASSIGN_OR_RETURN(std::vector<DocIndexInfo> indexes, docs->ListIndexes(info.name));
  Json list = Json::array();
  for (const DocIndexInfo& ix : indexes) {
    Json j = {{"name", ix.name}, {"keys", ix.keys}, {"unique", ix.unique}, {"sparse", ix.sparse}};
    if (!ix.partial.is_null()) j["partial"] = ix.partial;
    list.push_back(std::move(j));
  }
  return Json{{"indexes", std::move(list)}};
}

absl::Status DocForEach(DB* db, const ObjectInfo& info, const Snapshot& snap, const RecordFn& fn) {
  ASSIGN_OR_RETURN(auto docs, DocStore::Open(db));
  ASSIGN_OR_RETURN(auto cursor, docs->Find(snap, info.name, Document::object(), {}));
  for (; cursor->Valid(); cursor->Next()) RETURN_IF_ERROR(fn(cursor->entry()));
  return cursor->status();
}

absl::Status DocDefine(DB* db, std::string_view name, const Json& def) {
  ASSIGN_OR_RETURN(auto docs, DocStore::Open(db));
  RETURN_IF_ERROR(docs->CreateCollection(name));
  auto it = def.find("indexes");
  if (it == def.end()) return absl::OkStatus();
  if (!it->is_array()) return absl::InvalidArgumentError("\"indexes\" must be an array");
  for (const Json& ix : *it) {
    if (!ix.is_object() || !ix.contains("keys")) {
      return absl::InvalidArgumentError("an index definition needs \"keys\"");
    }
    DocIndexSpec spec;
    spec.keys = ix["keys"];
    spec.name = ix.value("name", "");
    spec.unique = ix.value("unique", false);
    spec.sparse = ix.value("sparse", false);
    if (ix.contains("partial")) spec.partial = ix["partial"];
    RETURN_IF_ERROR(docs->CreateIndex(name, spec, {}).status());
  }
  return absl::OkStatus();
}

class DocSink final : public RecordSink {
 public:
  DocSink(std::unique_ptr<DocStore> docs, std::string coll, size_t batch)
      : docs_(std::move(docs)), coll_(std::move(coll)), batch_(batch) {}

  absl::Status Add(Json rec, size_t line) override {
    if (!rec.is_object()) {
      return absl::InvalidArgumentError(util::StrCat("line ", line, ": not a JSON object"));
    }
    batch_docs_.push_back(std::move(rec));
    first_line_ = batch_docs_.size() == 1 ? line : first_line_;
    last_line_ = line;
    if (batch_docs_.size() >= batch_) return Flush();
    return absl::OkStatus();
  }

  absl::Status Flush() override {
    if (batch_docs_.empty()) return absl::OkStatus();
    absl::StatusOr<std::vector<Document>> ids = docs_->Insert(coll_, batch_docs_);
    if (!ids.ok()) {
      return absl::Status(
          ids.status().code(),
          util::StrCat("the batch of lines ", first_line_, "..", last_line_, " was not written (",
                       written_, " records before it were): ", ids.status().message()));
    }
    written_ += batch_docs_.size();
    batch_docs_.clear();
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<DocStore> docs_;
  std::string coll_;
  size_t batch_;
  std::vector<Document> batch_docs_;
  size_t first_line_ = 0;
  size_t last_line_ = 0;
};

}  // namespace

const ModelIo& DocIo() {
  static const ModelIo io{
      .definition = DocDefinition,
      .for_each = DocForEach,
      .define = DocDefine,
      .finish = [](DB*, std::string_view, const Json&) { return absl::OkStatus(); },
      .sink = [](DB* db, std::string_view name,
                 const SinkOptions& o) -> absl::StatusOr<std::unique_ptr<RecordSink>> {
        ASSIGN_OR_RETURN(auto docs, DocStore::Open(db));
        return std::unique_ptr<RecordSink>(
            new DocSink(std::move(docs), std::string(name), o.batch_records));
      },
  };
  return io;
}

}  // namespace tessera::transfer::io
