// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/ycsb_engines.h"

#include <sqlite3.h>

#include <filesystem>

#include "bench/harness/kv_engines.h"
#include "bench/harness/stores.h"
#include "tessera/doc.h"
#include "tessera/status.h"
#include "tessera/wide.h"

namespace tessera::bench {
namespace {

constexpr char kTable[] = "usertable";

const std::string& FieldName(int i) {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (int f = 0; f < kYcsbFields; ++f) names.push_back("field" + std::to_string(f));
    return names;
  }();
  return kNames[i];
}

// Packs fields as (u16 length, bytes)*.
std::string Pack(const Fields& f) {
  std::string out;
  for (const auto& v : f) {
    out.push_back(static_cast<char>(v.size() >> 8));
    out.push_back(static_cast<char>(v.size() & 0xff));
    out += v;
  }
  return out;
}

absl::StatusOr<Fields> Unpack(std::string_view in) {
  Fields f;
  while (!in.empty()) {
    if (in.size() < 2) return absl::DataLossError("bad packed record");
    size_t n = (static_cast<uint8_t>(in[0]) << 8) | static_cast<uint8_t>(in[1]);
    if (in.size() < 2 + n) return absl::DataLossError("bad packed record");
    f.emplace_back(in.substr(2, n));
    in.remove_prefix(2 + n);
  }
  return f;
}

// tessera-kv and rocksdb: a packed value through the KvEngine.
class PackedRecordEngine : public RecordEngine {
 public:
  explicit PackedRecordEngine(std::unique_ptr<KvEngine> kv) : kv_(std::move(kv)) {}
  absl::Status Insert(const std::string& key, const Fields& fields) override {
    return kv_->Put(key, Pack(fields));
  }
  absl::StatusOr<std::optional<Fields>> Read(const std::string& key) override {
    ASSIGN_OR_RETURN(auto v, kv_->Get(key));
    if (!v) return std::optional<Fields>();
    ASSIGN_OR_RETURN(Fields f, Unpack(*v));
    return std::optional<Fields>(std::move(f));
  }
  absl::Status Update(const std::string& key, int field, const std::string& value) override {
    ASSIGN_OR_RETURN(auto v, kv_->Get(key));
    if (!v) return absl::NotFoundError("update of a missing record " + key);
    ASSIGN_OR_RETURN(Fields f, Unpack(*v));
    f[field] = value;
    return kv_->Put(key, Pack(f));
  }
  absl::StatusOr<std::vector<std::string>> Scan(const std::string& from, size_t n) override {
    std::vector<std::pair<std::string, std::string>> rows;
    RETURN_IF_ERROR(kv_->Scan(from, n, &rows));
    std::vector<std::string> keys;
    for (auto& [k, v] : rows) {
      ASSIGN_OR_RETURN(Fields f, Unpack(v));
      if (f.size() != kYcsbFields) return absl::DataLossError("scan: short record " + k);
      keys.push_back(std::move(k));
    }
    return keys;
  }
  absl::Status LoadBatch(const std::vector<std::pair<std::string, Fields>>& records) override {
    std::vector<std::pair<std::string, std::string>> kvs;
    for (const auto& [k, f] : records) kvs.emplace_back(k, Pack(f));
    return kv_->LoadBatch(kvs);
  }
  absl::Status Settle() override { return kv_->Settle(); }
  absl::Status Close() override { return kv_->Close(); }

 private:
  std::unique_ptr<KvEngine> kv_;
};

class DocRecordEngine : public RecordEngine {
 public:
  DocRecordEngine(std::unique_ptr<DB> db, std::unique_ptr<DocStore> docs)
      : db_(std::move(db)), docs_(std::move(docs)) {}
  ~DocRecordEngine() override { (void)Close(); }
  absl::Status Insert(const std::string& key, const Fields& fields) override {
    return docs_->Insert(kTable, {ToDoc(key, fields)}).status();
  }
  absl::StatusOr<std::optional<Fields>> Read(const std::string& key) override {
    // A view of the stored record: the fields are copied out of its bytes, as the SQLite engine
    // copies its columns (sqlite3_column_text) and the KV engine its packed bytes, without
    // building a Document first. One view per thread, reused.
    thread_local DocumentView view;
    ASSIGN_OR_RETURN(bool found, docs_->GetView(kTable, Document(key), &view));
    if (!found) return std::optional<Fields>();
    return std::optional<Fields>(FromView(view));
  }
  absl::Status Update(const std::string& key, int field, const std::string& value) override {
    Document set = {{"$set", {{FieldName(field), value}}}};
    ASSIGN_OR_RETURN(auto r, docs_->Update(kTable, {{"_id", key}}, set, {.one = true}));
    if (r.matched != 1) return absl::NotFoundError("update of a missing record " + key);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<std::string>> Scan(const std::string& from, size_t n) override {
    DocFindOptions o;
    o.limit = n;
    // Views of the stored documents: each field is checked in place, without copying it, as the
    // SQLite engine checks its columns (sqlite3_column_text) and the KV engine its packed bytes.
    ASSIGN_OR_RETURN(auto c, docs_->FindViews(kTable, {{"_id", {{"$gte", from}}}}, o));
    std::vector<std::string> keys;
    for (; c->Valid(); c->Next()) {
      const DocumentView& v = c->entry();
      if (!HasAllFields(v)) return absl::DataLossError("short record");
      std::optional<size_t> id = v.find("_id");
      std::optional<std::string_view> key = id ? v.string_value(*id) : std::nullopt;
      if (!key) return absl::DataLossError("record without a string _id");
      keys.emplace_back(*key);
    }
    RETURN_IF_ERROR(c->status());
    return keys;
  }
  absl::Status LoadBatch(const std::vector<std::pair<std::string, Fields>>& records) override {
    std::vector<Document> docs;
    for (const auto& [k, f] : records) docs.push_back(ToDoc(k, f));
    return docs_->Insert(kTable, docs).status();
  }
  absl::Status Settle() override { return db_->Compact(); }
  absl::Status Close() override {
    docs_.reset();
    if (db_ == nullptr) return absl::OkStatus();
    absl::Status s = db_->Close();
    db_.reset();
    return s;
  }

 private:
  static Document ToDoc(const std::string& key, const Fields& fields) {
    Document d = {{"_id", key}};
    for (int i = 0; i < kYcsbFields; ++i) d[FieldName(i)] = fields[i];
    return d;
  }
  // Every field0..field9 is a non-empty string (one pass; names are distinct in a document).
  static bool HasAllFields(const DocumentView& d) {
    int n = 0;
    for (size_t i = 0; i < d.size(); ++i) {
      std::string_view k = d.name(i);
      if (k.size() == 6 && k.compare(0, 5, "field") == 0 && k[5] >= '0' &&
          k[5] < '0' + kYcsbFields) {
        std::optional<std::string_view> v = d.string_value(i);
        if (v && !v->empty()) ++n;
      }
    }
    return n == kYcsbFields;
  }
  // field0..field9 in order, up to the first missing or non-string one.
  static Fields FromView(const DocumentView& d) {
    Fields f;
    for (int i = 0; i < kYcsbFields; ++i) {
      std::optional<size_t> at = d.find(FieldName(i));
      std::optional<std::string_view> v = at ? d.string_value(*at) : std::nullopt;
      if (!v) break;
      f.emplace_back(*v);
    }
    return f;
  }
  std::unique_ptr<DB> db_;
  std::unique_ptr<DocStore> docs_;
};

class WideRecordEngine : public RecordEngine {
 public:
  WideRecordEngine(std::unique_ptr<DB> db, std::unique_ptr<WideStore> wide)
      : db_(std::move(db)), wide_(std::move(wide)) {}
  ~WideRecordEngine() override { (void)Close(); }
  absl::Status Insert(const std::string& key, const Fields& fields) override {
    return wide_->Put(kTable, key, Cells(fields));
  }
  absl::StatusOr<std::optional<Fields>> Read(const std::string& key) override {
    ASSIGN_OR_RETURN(auto row, wide_->Get(kTable, key));
    if (!row) return std::optional<Fields>();
    return std::optional<Fields>(FromRow(*row));
  }
  absl::Status Update(const std::string& key, int field, const std::string& value) override {
    return wide_->Put(kTable, key, {{"f", FieldName(field), value}});
  }
  absl::StatusOr<std::vector<std::string>> Scan(const std::string& from, size_t n) override {
    WideScanOptions o;
    o.from = from;
    o.limit = n;
    ASSIGN_OR_RETURN(auto c, wide_->Scan(kTable, o));
    std::vector<std::string> keys;
    for (; c->Valid(); c->Next()) {
      if (FromRow(c->entry()).size() != kYcsbFields) return absl::DataLossError("short row");
      keys.push_back(c->entry().key);
    }
    RETURN_IF_ERROR(c->status());
    return keys;
  }
  absl::Status LoadBatch(const std::vector<std::pair<std::string, Fields>>& records) override {
    return db_->RunTransaction([&](Transaction& txn) -> absl::Status {
      for (const auto& [k, f] : records) RETURN_IF_ERROR(wide_->Put(txn, kTable, k, Cells(f)));
      return absl::OkStatus();
    });
  }
  absl::Status Settle() override { return db_->Compact(); }
  absl::Status Close() override {
    wide_.reset();
    if (db_ == nullptr) return absl::OkStatus();
    absl::Status s = db_->Close();
    db_.reset();
    return s;
  }

 private:
  static std::vector<WideCellWrite> Cells(const Fields& fields) {
    std::vector<WideCellWrite> cells;
    for (int i = 0; i < kYcsbFields; ++i) cells.push_back({"f", FieldName(i), fields[i]});
    return cells;
  }
  static Fields FromRow(const WideRow& row) {
    // Qualifiers come in byte order: field0 .. field9.
    Fields f;
    for (const auto& c : row.cells) f.push_back(c.value);
    return f;
  }
  std::unique_ptr<DB> db_;
  std::unique_ptr<WideStore> wide_;
};

class SqliteRecordEngine : public RecordEngine {
 public:
  static absl::StatusOr<std::unique_ptr<RecordEngine>> Create(const std::string& path) {
    ASSIGN_OR_RETURN(auto db, Sqlite::Open(path + "/ycsb.sqlite"));
    std::string cols;
    for (int i = 0; i < kYcsbFields; ++i) cols += ", FIELD" + std::to_string(i) + " TEXT";
    RETURN_IF_ERROR(db->Exec("CREATE TABLE IF NOT EXISTS usertable(YCSB_KEY TEXT PRIMARY KEY" +
                             cols + ") WITHOUT ROWID"));
    auto e = std::unique_ptr<SqliteRecordEngine>(new SqliteRecordEngine(std::move(db)));
    for (auto* s : {e->insert_.get(), e->read_.get(), e->scan_.get()}) {
      if (!s->ok()) return s->status();
    }
    for (auto& s : e->update_) {
      if (!s->ok()) return s->status();
    }
    return std::unique_ptr<RecordEngine>(std::move(e));
  }
  absl::Status Insert(const std::string& key, const Fields& fields) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    return InsertLocked(key, fields);
  }
  absl::StatusOr<std::optional<Fields>> Read(const std::string& key) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    read_->Reset().Bind(1, std::string_view(key));
    if (!read_->Step()) {
      RETURN_IF_ERROR(read_->status());
      return std::optional<Fields>();
    }
    Fields f;
    for (int i = 0; i < kYcsbFields; ++i) f.emplace_back(read_->Text(i));
    return std::optional<Fields>(std::move(f));
  }
  absl::Status Update(const std::string& key, int field, const std::string& value) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    Stmt& s = *update_[field];
    RETURN_IF_ERROR(
        s.Reset().Bind(1, std::string_view(value)).Bind(2, std::string_view(key)).Run());
    if (sqlite3_changes(db_->db()) != 1) return absl::NotFoundError("update of a missing record");
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<std::string>> Scan(const std::string& from, size_t n) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    scan_->Reset().Bind(1, std::string_view(from)).Bind(2, static_cast<int64_t>(n));
    std::vector<std::string> keys;
    while (scan_->Step()) {
      for (int i = 1; i <= kYcsbFields; ++i) {
        if (scan_->Text(i).empty()) return absl::DataLossError("short record");
      }
      keys.emplace_back(scan_->Text(0));
    }
    RETURN_IF_ERROR(scan_->status());
    return keys;
  }
  absl::Status LoadBatch(const std::vector<std::pair<std::string, Fields>>& records) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    RETURN_IF_ERROR(db_->Exec("BEGIN"));
    for (const auto& [k, f] : records) RETURN_IF_ERROR(InsertLocked(k, f));
    return db_->Exec("COMMIT");
  }
  absl::Status Settle() override { return absl::OkStatus(); }  // closing checkpoints the WAL
  absl::Status Close() override {
    insert_.reset();
    read_.reset();
    scan_.reset();
    update_.clear();
    db_.reset();
    return absl::OkStatus();
  }

 private:
  explicit SqliteRecordEngine(std::unique_ptr<Sqlite> db) : db_(std::move(db)) {
    std::string cols, marks;
    for (int i = 0; i < kYcsbFields; ++i) {
      cols += ", FIELD" + std::to_string(i);
      marks += ", ?";
    }
    insert_ = std::make_unique<Stmt>(
        db_->db(), "INSERT INTO usertable(YCSB_KEY" + cols + ") VALUES(?" + marks + ")");
    read_ = std::make_unique<Stmt>(
        db_->db(), "SELECT " + cols.substr(2) + " FROM usertable WHERE YCSB_KEY = ?");
    scan_ = std::make_unique<Stmt>(db_->db(), "SELECT YCSB_KEY" + cols +
                                                  " FROM usertable WHERE YCSB_KEY >= ? ORDER BY "
                                                  "YCSB_KEY LIMIT ?");
    for (int i = 0; i < kYcsbFields; ++i) {
      update_.push_back(std::make_unique<Stmt>(
          db_->db(), "UPDATE usertable SET FIELD" + std::to_string(i) + " = ? WHERE YCSB_KEY = ?"));
    }
  }
  absl::Status InsertLocked(const std::string& key, const Fields& fields) {
    insert_->Reset().Bind(1, std::string_view(key));
    for (int i = 0; i < kYcsbFields; ++i) insert_->Bind(i + 2, std::string_view(fields[i]));
    return insert_->Run();
  }
  std::unique_ptr<Sqlite> db_;
  std::unique_ptr<Stmt> insert_, read_, scan_;
  std::vector<std::unique_ptr<Stmt>> update_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RecordEngine>> OpenRecordEngine(const std::string& engine,
                                                               const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (engine == "tessera-kv" || engine == "rocksdb") {
    ASSIGN_OR_RETURN(auto kv, OpenKvEngine(engine, path, kTable));
    return std::unique_ptr<RecordEngine>(new PackedRecordEngine(std::move(kv)));
  }
  if (engine == "tessera-doc") {
    ASSIGN_OR_RETURN(auto db, OpenTessera(path));
    ASSIGN_OR_RETURN(auto docs, DocStore::Open(db.get()));
    return std::unique_ptr<RecordEngine>(new DocRecordEngine(std::move(db), std::move(docs)));
  }
  if (engine == "tessera-wide") {
    ASSIGN_OR_RETURN(auto db, OpenTessera(path));
    ASSIGN_OR_RETURN(auto wide, WideStore::Open(db.get()));
    RETURN_IF_ERROR(wide->CreateFamily(kTable, "f"));
    return std::unique_ptr<RecordEngine>(new WideRecordEngine(std::move(db), std::move(wide)));
  }
  if (engine == "sqlite") return SqliteRecordEngine::Create(path);
  return absl::InvalidArgumentError("engine " + engine + " does not serve YCSB");
}

}  // namespace tessera::bench
