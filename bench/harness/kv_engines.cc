// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/kv_engines.h"

#include <filesystem>

#include "bench/harness/stores.h"
#include "core/engine/perf_counting.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "tessera/kv.h"
#include "tessera/status.h"

namespace tessera::bench {
namespace {

absl::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  return absl::InternalError(std::string(what) + ": " + s.ToString());
}

class TesseraKvEngine : public KvEngine {
 public:
  TesseraKvEngine(std::unique_ptr<DB> db, std::unique_ptr<KvStore> kv, std::string ns)
      : db_(std::move(db)), kv_(std::move(kv)), ns_(std::move(ns)) {}
  ~TesseraKvEngine() override { (void)Close(); }
  absl::Status Put(std::string_view key, std::string_view value) override {
    return kv_->Put(ns_, key, value);
  }
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override {
    return kv_->Get(ns_, key);
  }
  absl::Status Scan(std::string_view from, size_t n,
                    std::vector<std::pair<std::string, std::string>>* out) override {
    KvScanOptions o;
    o.from = std::string(from);
    o.limit = n;
    ASSIGN_OR_RETURN(auto c, kv_->Scan(ns_, o));
    for (; c->Valid(); c->Next()) out->emplace_back(c->entry().key, c->entry().value);
    return c->status();
  }
  absl::Status LoadBatch(const std::vector<std::pair<std::string, std::string>>& kvs) override {
    std::vector<KvWrite> w;
    w.reserve(kvs.size());
    for (const auto& [k, v] : kvs) w.push_back({k, v, 0});
    return kv_->WriteBatch(ns_, w);
  }
  absl::StatusOr<uint64_t> Count() override {
    ASSIGN_OR_RETURN(auto c, kv_->Scan(ns_, {}));
    uint64_t n = 0;
    for (; c->Valid(); c->Next()) ++n;
    RETURN_IF_ERROR(c->status());
    return n;
  }
  absl::Status Settle() override { return db_->Compact(); }
  absl::Status Close() override {
    kv_.reset();
    if (db_ == nullptr) return absl::OkStatus();
    absl::Status s = db_->Close();
    db_.reset();
    return s;
  }

 private:
  std::unique_ptr<DB> db_;
  std::unique_ptr<KvStore> kv_;
  std::string ns_;
};

// Raw RocksDB: the namespace is a key prefix ("ns/"), as a user of one RocksDB would do it. Its
// writes run with RocksDB's perf counting off, as Tessera's do (core/engine/perf_counting.h: a
// RocksDB-only scope guard, nothing of Tessera's); its reads, like Tessera's, keep the default.
class RocksKvEngine : public KvEngine {
 public:
  RocksKvEngine(std::unique_ptr<RawRocks> db, std::string ns)
      : rocks_(std::move(db)), prefix_(ns + "/") {}
  absl::Status Put(std::string_view key, std::string_view value) override {
    internal::PerfCountingOff no_perf_counting;
    return FromRocks(rocks_->db()->Put(wo_, Full(key), value), "rocksdb put");
  }
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override {
    std::string v;
    rocksdb::Status s = rocks_->db()->Get(rocksdb::ReadOptions(), Full(key), &v);
    if (s.IsNotFound()) return std::optional<std::string>();
    RETURN_IF_ERROR(FromRocks(s, "rocksdb get"));
    return std::optional<std::string>(std::move(v));
  }
  absl::Status Scan(std::string_view from, size_t n,
                    std::vector<std::pair<std::string, std::string>>* out) override {
    std::unique_ptr<rocksdb::Iterator> it(rocks_->db()->NewIterator(rocksdb::ReadOptions()));
    size_t got = 0;
    for (it->Seek(Full(from)); it->Valid() && got < n; it->Next(), ++got) {
      rocksdb::Slice k = it->key();
      if (!k.starts_with(prefix_)) break;
      k.remove_prefix(prefix_.size());
      out->emplace_back(k.ToString(), it->value().ToString());
    }
    return FromRocks(it->status(), "rocksdb scan");
  }
  absl::Status LoadBatch(const std::vector<std::pair<std::string, std::string>>& kvs) override {
    internal::PerfCountingOff no_perf_counting;
    rocksdb::WriteBatch b;
    for (const auto& [k, v] : kvs) b.Put(Full(k), v);
    return FromRocks(rocks_->db()->Write(wo_, &b), "rocksdb write");
  }
  absl::StatusOr<uint64_t> Count() override {
    std::unique_ptr<rocksdb::Iterator> it(rocks_->db()->NewIterator(rocksdb::ReadOptions()));
    uint64_t n = 0;
    for (it->Seek(prefix_); it->Valid() && it->key().starts_with(prefix_); it->Next()) ++n;
    RETURN_IF_ERROR(FromRocks(it->status(), "rocksdb count"));
    return n;
  }
  absl::Status Settle() override { return rocks_->Compact(); }
  absl::Status Close() override {
    rocks_.reset();
    return absl::OkStatus();
  }

 private:
  std::string Full(std::string_view key) const {
    std::string k = prefix_;
    k.append(key);
    return k;
  }
  std::unique_ptr<RawRocks> rocks_;
  std::string prefix_;
  rocksdb::WriteOptions wo_;
};

class SqliteKvEngine : public KvEngine {
 public:
  static absl::StatusOr<std::unique_ptr<KvEngine>> Create(const std::string& path,
                                                          const std::string& ns) {
    ASSIGN_OR_RETURN(auto db, Sqlite::Open(path + "/kv.sqlite"));
    RETURN_IF_ERROR(db->Exec("CREATE TABLE IF NOT EXISTS \"" + ns +
                             "\"(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID"));
    auto e = std::unique_ptr<SqliteKvEngine>(new SqliteKvEngine(std::move(db), ns));
    for (Stmt* s : {e->put_.get(), e->get_.get(), e->scan_.get(), e->count_.get()}) {
      if (!s->ok()) return s->status();
    }
    return std::unique_ptr<KvEngine>(std::move(e));
  }
  absl::Status Put(std::string_view key, std::string_view value) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    return put_->Reset().BindBlob(1, key).BindBlob(2, value).Run();
  }
  absl::StatusOr<std::optional<std::string>> Get(std::string_view key) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    get_->Reset().BindBlob(1, key);
    if (!get_->Step()) {
      RETURN_IF_ERROR(get_->status());
      return std::optional<std::string>();
    }
    return std::optional<std::string>(std::string(get_->Text(0)));
  }
  absl::Status Scan(std::string_view from, size_t n,
                    std::vector<std::pair<std::string, std::string>>* out) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    scan_->Reset().BindBlob(1, from).Bind(2, static_cast<int64_t>(n));
    while (scan_->Step()) out->emplace_back(scan_->Text(0), scan_->Text(1));
    return scan_->status();
  }
  absl::Status LoadBatch(const std::vector<std::pair<std::string, std::string>>& kvs) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    RETURN_IF_ERROR(db_->Exec("BEGIN"));
    for (const auto& [k, v] : kvs)
      RETURN_IF_ERROR(put_->Reset().BindBlob(1, k).BindBlob(2, v).Run());
    return db_->Exec("COMMIT");
  }
  absl::StatusOr<uint64_t> Count() override {
    std::lock_guard<std::mutex> lock(db_->mu());
    count_->Reset();
    if (!count_->Step()) return count_->status();
    return static_cast<uint64_t>(count_->Int(0));
  }
  absl::Status Settle() override { return absl::OkStatus(); }
  absl::Status Close() override {
    put_.reset();
    get_.reset();
    scan_.reset();
    count_.reset();
    db_.reset();
    return absl::OkStatus();
  }

 private:
  SqliteKvEngine(std::unique_ptr<Sqlite> db, const std::string& ns) : db_(std::move(db)) {
    std::string t = "\"" + ns + "\"";
    put_ = std::make_unique<Stmt>(db_->db(), "INSERT OR REPLACE INTO " + t + "(k, v) VALUES(?, ?)");
    get_ = std::make_unique<Stmt>(db_->db(), "SELECT v FROM " + t + " WHERE k = ?");
    scan_ = std::make_unique<Stmt>(db_->db(),
                                   "SELECT k, v FROM " + t + " WHERE k >= ? ORDER BY k LIMIT ?");
    count_ = std::make_unique<Stmt>(db_->db(), "SELECT count(*) FROM " + t);
  }
  std::unique_ptr<Sqlite> db_;
  std::unique_ptr<Stmt> put_, get_, scan_, count_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<KvEngine>> OpenKvEngine(const std::string& engine,
                                                       const std::string& path,
                                                       const std::string& ns) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (engine == "tessera-kv") {
    ASSIGN_OR_RETURN(auto db, OpenTessera(path));
    ASSIGN_OR_RETURN(auto kv, KvStore::Open(db.get()));
    return std::unique_ptr<KvEngine>(new TesseraKvEngine(std::move(db), std::move(kv), ns));
  }
  if (engine == "rocksdb") {
    ASSIGN_OR_RETURN(auto db, RawRocks::Open(path));
    return std::unique_ptr<KvEngine>(new RocksKvEngine(std::move(db), ns));
  }
  if (engine == "sqlite") return SqliteKvEngine::Create(path, ns);
  return absl::InvalidArgumentError("engine " + engine + " does not serve key-value workloads");
}

}  // namespace tessera::bench
