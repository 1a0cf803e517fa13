// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// doc.insert (one secondary index, one commit per document), doc.find_eq (indexed equality),
// doc.find_range (indexed range), doc.find_scan (unindexed range filter). Documents:
// {_id: n, name: "user n", age: 0..99, city: "city0".."city49", score: 0..9999}, index on age.
// SQLite: docs(id INTEGER PRIMARY KEY, body TEXT) with an index on json_extract(body, '$.age');
// every engine hands back parsed documents (SQLite's JSON text is parsed by nlohmann, as
// DocStore decodes into nlohmann).
#include <filesystem>

#include "bench/harness/bench.h"
#include "bench/harness/common.h"
#include "bench/harness/generators.h"
#include "bench/harness/measure.h"
#include "bench/harness/stores.h"
#include "tessera/doc.h"
#include "tessera/status.h"

namespace tessera::bench {
namespace {

constexpr int64_t kDefaultDocs = 20000;
const std::vector<std::string> kDocEngines = {"tessera-doc", "sqlite"};
constexpr char kColl[] = "people";

int64_t Age(uint64_t seed, uint64_t n) { return static_cast<int64_t>(Mix64(seed + n) % 100); }
int64_t Score(uint64_t seed, uint64_t n) {
  return static_cast<int64_t>(Mix64(seed * 31 + n) % 10000);
}
Document MakeDoc(uint64_t seed, uint64_t n) {
  return {{"_id", static_cast<int64_t>(n)},
          {"name", "user " + std::to_string(n)},
          {"age", Age(seed, n)},
          {"city", "city" + std::to_string(Mix64(seed + 7 * n) % 50)},
          {"score", Score(seed, n)}};
}

// The queries: age == a; a <= age < a + 3; s <= score < s + 100 (unindexed).
enum class DocQuery { kEq, kRange, kScan };

class DocEngine {
 public:
  virtual ~DocEngine() = default;
  virtual absl::Status Insert(const std::vector<Document>& docs) = 0;  // one commit
  virtual absl::StatusOr<uint64_t> Find(DocQuery q, int64_t a) = 0;    // documents returned
  // After a load: see KvEngine::Settle.
  virtual absl::Status Settle() = 0;
  virtual absl::Status Close() = 0;
};

class TesseraDocEngine : public DocEngine {
 public:
  static absl::StatusOr<std::unique_ptr<DocEngine>> Open(const std::string& dir) {
    auto e = std::make_unique<TesseraDocEngine>();
    ASSIGN_OR_RETURN(e->db_, OpenTessera(dir));
    ASSIGN_OR_RETURN(e->docs_, DocStore::Open(e->db_.get()));
    ASSIGN_OR_RETURN(auto indexes, e->docs_->ListIndexes(kColl));
    if (indexes.empty()) {
      RETURN_IF_ERROR(e->docs_->CreateCollection(kColl));
      RETURN_IF_ERROR(e->docs_->CreateIndex(kColl, {.keys = {{"age", 1}}}, nullptr).status());
    }
    return std::unique_ptr<DocEngine>(std::move(e));
  }
  absl::Status Insert(const std::vector<Document>& docs) override {
    return docs_->Insert(kColl, docs).status();
  }
  absl::StatusOr<uint64_t> Find(DocQuery q, int64_t a) override {
    Document filter;
    if (q == DocQuery::kEq) filter = {{"age", a}};
    if (q == DocQuery::kRange) filter = {{"age", {{"$gte", a}, {"$lt", a + 3}}}};
    if (q == DocQuery::kScan) filter = {{"score", {{"$gte", a}, {"$lt", a + 100}}}};
    ASSIGN_OR_RETURN(auto c, docs_->Find(kColl, filter, {}));
    uint64_t n = 0;
    for (; c->Valid(); c->Next()) ++n;
    RETURN_IF_ERROR(c->status());
    return n;
  }
  absl::Status Settle() override { return db_->Compact(); }
  absl::Status Close() override {
    docs_.reset();
    return db_ ? db_->Close() : absl::OkStatus();
  }

 private:
  std::unique_ptr<DB> db_;
  std::unique_ptr<DocStore> docs_;
};

class SqliteDocEngine : public DocEngine {
 public:
  static absl::StatusOr<std::unique_ptr<DocEngine>> Open(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    auto e = std::make_unique<SqliteDocEngine>();
    ASSIGN_OR_RETURN(e->db_, Sqlite::Open(dir + "/docs.sqlite"));
    RETURN_IF_ERROR(e->db_->Exec(
        "CREATE TABLE IF NOT EXISTS people(id INTEGER PRIMARY KEY, body TEXT);"
        "CREATE INDEX IF NOT EXISTS people_age ON people(json_extract(body, '$.age'));"));
    sqlite3* db = e->db_->db();
    e->insert_ = std::make_unique<Stmt>(db, "INSERT INTO people(id, body) VALUES(?, ?)");
    e->eq_ =
        std::make_unique<Stmt>(db, "SELECT body FROM people WHERE json_extract(body, '$.age') = ?");
    e->range_ =
        std::make_unique<Stmt>(db,
                               "SELECT body FROM people WHERE json_extract(body, '$.age') >= ? AND "
                               "json_extract(body, '$.age') < ?");
    e->scan_ = std::make_unique<Stmt>(
        db,
        "SELECT body FROM people WHERE json_extract(body, '$.score') >= ? AND "
        "json_extract(body, '$.score') < ?");
    for (Stmt* s : {e->insert_.get(), e->eq_.get(), e->range_.get(), e->scan_.get()}) {
      if (!s->ok()) return s->status();
    }
    return std::unique_ptr<DocEngine>(std::move(e));
  }
  absl::Status Insert(const std::vector<Document>& docs) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    if (docs.size() > 1) RETURN_IF_ERROR(db_->Exec("BEGIN"));
    for (const auto& d : docs) {
      RETURN_IF_ERROR(insert_->Reset()
                          .Bind(1, d["_id"].get<int64_t>())
                          .Bind(2, std::string_view(d.dump()))
                          .Run());
    }
    if (docs.size() > 1) RETURN_IF_ERROR(db_->Exec("COMMIT"));
    return absl::OkStatus();
  }
  absl::StatusOr<uint64_t> Find(DocQuery q, int64_t a) override {
    std::lock_guard<std::mutex> lock(db_->mu());
    Stmt* s = q == DocQuery::kEq ? eq_.get() : q == DocQuery::kRange ? range_.get() : scan_.get();
    s->Reset().Bind(1, a);
    if (q == DocQuery::kRange) s->Bind(2, a + 3);
    if (q == DocQuery::kScan) s->Bind(2, a + 100);
    uint64_t n = 0;
    while (s->Step()) {
      Document d = Document::parse(s->Text(0), nullptr, false);
      if (d.is_discarded()) return absl::DataLossError("sqlite: unparsable document");
      ++n;
    }
    RETURN_IF_ERROR(s->status());
    return n;
  }
  absl::Status Settle() override { return absl::OkStatus(); }  // closing checkpoints the WAL
  absl::Status Close() override {
    insert_.reset();
    eq_.reset();
    range_.reset();
    scan_.reset();
    db_.reset();
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<Sqlite> db_;
  std::unique_ptr<Stmt> insert_, eq_, range_, scan_;
};

absl::StatusOr<std::unique_ptr<DocEngine>> OpenDocEngine(const std::string& engine,
                                                         const std::string& dir) {
  if (engine == "tessera-doc") return TesseraDocEngine::Open(dir);
  if (engine == "sqlite") return SqliteDocEngine::Open(dir);
  return absl::InvalidArgumentError("engine " + engine + " does not serve documents");
}

absl::StatusOr<RunResult> InsertWorkload(const std::string& engine, const Config& c) {
  ASSIGN_OR_RETURN(auto e, OpenDocEngine(engine, FreshDir(c, "doc.insert-" + engine)));
  auto id = [](int thread, uint64_t index) { return (uint64_t(thread) << 40) + index; };
  ASSIGN_OR_RETURN(PhaseResult r, RunOps(c, {"insert"}, [&](OpContext& ctx) -> absl::StatusOr<int> {
                     RETURN_IF_ERROR(e->Insert({MakeDoc(c.seed, id(ctx.thread, ctx.index))}));
                     return 0;
                   }));
  // Check: the index finds exactly the inserted documents of each age (single thread: exact).
  uint64_t total = 0;
  for (int64_t a = 0; a < 100; ++a) {
    ASSIGN_OR_RETURN(uint64_t n, e->Find(DocQuery::kEq, a));
    total += n;
  }
  if (total != r.ops) {
    return absl::DataLossError("doc.insert: inserted " + std::to_string(r.ops) +
                               " documents but the age index finds " + std::to_string(total));
  }
  RETURN_IF_ERROR(e->Close());
  return RunResult{r.metrics, "index finds every inserted document"};
}

absl::StatusOr<RunResult> FindWorkload(DocQuery q, const std::string& engine, const Config& c) {
  const int64_t n = ScaleOr(c, kDefaultDocs);
  std::string dir = PreparedDir(c, "doc", engine);
  if (!IsPrepared(dir)) {
    std::filesystem::remove_all(dir);
    ASSIGN_OR_RETURN(auto e, OpenDocEngine(engine, dir));
    std::vector<Document> batch;
    for (int64_t i = 0; i < n; ++i) {
      batch.push_back(MakeDoc(c.seed, i));
      if (batch.size() == 1000 || i == n - 1) {
        RETURN_IF_ERROR(e->Insert(batch));
        batch.clear();
      }
    }
    RETURN_IF_ERROR(e->Settle());
    RETURN_IF_ERROR(e->Close());
    RETURN_IF_ERROR(MarkPrepared(dir));
  }
  // The expected answer of every query, from the generator.
  std::vector<int64_t> ages(100, 0), scores(10000, 0);
  for (int64_t i = 0; i < n; ++i) {
    ++ages[Age(c.seed, i)];
    ++scores[Score(c.seed, i)];
  }
  auto expected = [&](int64_t a) -> uint64_t {
    uint64_t sum = 0;
    if (q == DocQuery::kEq) return ages[a];
    if (q == DocQuery::kRange) {
      for (int64_t x = a; x < a + 3 && x < 100; ++x) sum += ages[x];
    } else {
      for (int64_t x = a; x < a + 100 && x < 10000; ++x) sum += scores[x];
    }
    return sum;
  };
  const uint64_t span = q == DocQuery::kScan ? 9900 : q == DocQuery::kRange ? 97 : 99;
  ASSIGN_OR_RETURN(auto e, OpenDocEngine(engine, dir));
  Digest d;
  for (int64_t a = 0; a < 10; ++a) {
    ASSIGN_OR_RETURN(uint64_t got, e->Find(q, (a * 37) % span));
    d.Add(static_cast<int64_t>(got));
  }
  ASSIGN_OR_RETURN(PhaseResult r, RunOps(c, {"find"}, [&](OpContext& ctx) -> absl::StatusOr<int> {
                     int64_t a = static_cast<int64_t>(UniformInt(*ctx.rng, 0, span));
                     ASSIGN_OR_RETURN(uint64_t got, e->Find(q, a));
                     if (got != expected(a)) {
                       return absl::DataLossError("doc query returned " + std::to_string(got) +
                                                  " documents, expected " +
                                                  std::to_string(expected(a)));
                     }
                     return 0;
                   }));
  RETURN_IF_ERROR(e->Close());
  return RunResult{r.metrics, d.Hex()};
}

}  // namespace

std::vector<Workload> DocWorkloads() {
  auto find = [](DocQuery q) {
    return [q](const std::string& e, const Config& c) { return FindWorkload(q, e, c); };
  };
  return {
      {"doc.insert", "insert documents one per commit, with an index on age", kDocEngines,
       InsertWorkload},
      {"doc.find_eq", "indexed equality {age: a} (default 20k documents, ~1% match)", kDocEngines,
       find(DocQuery::kEq)},
      {"doc.find_range", "indexed range a <= age < a+3 (~3% match)", kDocEngines,
       find(DocQuery::kRange)},
      {"doc.find_scan", "unindexed range s <= score < s+100 (~1% match, full scan)", kDocEngines,
       find(DocQuery::kScan)},
  };
}

}  // namespace tessera::bench
