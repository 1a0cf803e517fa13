// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// ts.ingest (TSBS cpu-only line protocol, 10k-line batches, each one commit; reports rows/s,
// values/s and bytes per point) and the TSBS queries ts.single-groupby-1-1-1,
// ts.single-groupby-5-8-1, ts.cpu-max-all-8, ts.double-groupby-1, ts.high-cpu-1, ts.lastpoint,
// ts.groupby-orderby-limit, with the semantics of tsbs's code (see
// shared/reference/benchmarks.md). Default: 8 hosts x 12 hours at 10 s (34,560 rows, 345,600
// values); --scale sets the hosts. ts.ingest leaves its database for the queries.
// - tessera-ts: WriteLineProtocol; queries through TsStore::Query / QueryRows and, for
//   high-cpu-1 and lastpoint, the row cursors QueryRowViews / LastRowViews (one call for the
//   fields of a multi-field query, rows of all fields; high-cpu's usage_user > 90 as a value
//   condition, as SQLite's WHERE).
// - sqlite: the harness parses the line protocol (ts_data.cc) and inserts into
//   tags(id, hostname, tagset) and cpu(host_id, t, usage_user, ...) with PRIMARY KEY (host_id,
//   t) WITHOUT ROWID; queries in SQL.
#include <filesystem>
#include <map>
#include <unordered_map>

#include "bench/harness/bench.h"
#include "bench/harness/common.h"
#include "bench/harness/generators.h"
#include "bench/harness/measure.h"
#include "bench/harness/stores.h"
#include "bench/harness/ts_data.h"
#include "tessera/status.h"
#include "tessera/ts.h"

namespace tessera::bench {
namespace {

constexpr int64_t kDefaultHosts = 8;
constexpr int64_t kRowsPerHost = 4320;  // 12 hours at 10 s
constexpr int64_t kBatchRows = 10000;
constexpr int64_t kMinute = 60LL * 1000000000LL;
constexpr int64_t kHour = 60 * kMinute;
const std::vector<std::string> kTsEngines = {"tessera-ts", "sqlite"};

enum class Q {
  kSingle111,
  kSingle581,
  kCpuMaxAll8,
  kDoubleGroupby1,
  kHighCpu1,
  kLastpoint,
  kGroupbyOrderbyLimit
};

// One query instance: the hosts, the window [from, to), the fields.
struct Spec {
  Q q;
  std::vector<std::string> hosts;  // hostnames
  int64_t from = 0, to = 0;
  int fields = 1;     // the first N fields
  int64_t every = 0;  // bucket width
};

Spec MakeSpec(Q q, std::mt19937_64& rng, int64_t hosts) {
  Spec s{q};
  const int64_t end = kTsStartNs + kRowsPerHost * kTsIntervalNs;
  auto window = [&](int64_t len) {
    int64_t span = std::max<int64_t>(0, (end - kTsStartNs - len) / kMinute);
    s.from = kTsStartNs + static_cast<int64_t>(rng() % (span + 1)) * kMinute;
    s.to = s.from + len;
  };
  auto pick = [&](int n) {
    n = static_cast<int>(std::min<int64_t>(n, hosts));
    std::vector<int64_t> all(hosts);
    for (int64_t i = 0; i < hosts; ++i) all[i] = i;
    for (int i = 0; i < n; ++i) std::swap(all[i], all[i + rng() % (hosts - i)]);
    for (int i = 0; i < n; ++i) s.hosts.push_back("host_" + std::to_string(all[i]));
  };
  switch (q) {
    case Q::kSingle111:
      pick(1);
      window(kHour);
      s.every = kMinute;
      break;
    case Q::kSingle581:
      pick(8);
      window(kHour);
      s.fields = 5;
      s.every = kMinute;
      break;
    case Q::kCpuMaxAll8:
      pick(8);
      window(8 * kHour);
      s.fields = 10;
      s.every = kHour;
      break;
    case Q::kDoubleGroupby1:
      window(12 * kHour);
      s.every = kHour;
      break;
    case Q::kHighCpu1:
      pick(1);
      window(12 * kHour);
      s.fields = 10;
      break;
    case Q::kLastpoint:
      s.fields = 10;
      break;
    case Q::kGroupbyOrderbyLimit:
      window(kHour);
      s.from = 0;
      s.every = kMinute;
      break;
  }
  return s;
}

class TsEngine {
 public:
  virtual ~TsEngine() = default;
  virtual absl::StatusOr<int64_t> Ingest(const std::string& lines) = 0;  // rows written
  // (model bytes per point, or -1) after ingest; seals open windows first.
  virtual absl::StatusOr<double> ModelBytesPerPoint() = 0;
  // The query's answer as numbers, row by row, into *out (cleared first; the caller reuses one
  // buffer per thread, so neither engine pays for growing a fresh vector on every query).
  virtual absl::Status Run(const Spec& s, std::vector<double>* out) = 0;
  virtual absl::Status Close() = 0;
};

double AsDouble(const TsValue& v) {
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return std::get<bool>(v) ? 1 : 0;
}

// The first n TSBS field names.
std::vector<std::string> Fields(int n) {
  return std::vector<std::string>(kTsFieldNames, kTsFieldNames + n);
}

class TesseraTsEngine : public TsEngine {
 public:
  static absl::StatusOr<std::unique_ptr<TsEngine>> Open(const std::string& dir) {
    auto e = std::make_unique<TesseraTsEngine>();
    ASSIGN_OR_RETURN(e->db_, OpenTessera(dir));
    ASSIGN_OR_RETURN(e->ts_, TsStore::Open(e->db_.get()));
    return std::unique_ptr<TsEngine>(std::move(e));
  }
  absl::StatusOr<int64_t> Ingest(const std::string& lines) override {
    ASSIGN_OR_RETURN(size_t n, ts_->WriteLineProtocol(lines));
    return static_cast<int64_t>(n);
  }
  absl::StatusOr<double> ModelBytesPerPoint() override {
    RETURN_IF_ERROR(ts_->Flush("cpu"));
    ASSIGN_OR_RETURN(TsStats st, ts_->Stats("cpu"));
    return st.bytes_per_point;
  }
  absl::Status Run(const Spec& s, std::vector<double>* answers) override {
    std::vector<double>& out = *answers;
    out.clear();
    TsQuery base;
    base.measurement = "cpu";
    if (!s.hosts.empty()) base.where = {{"hostname", TsTagFilter::Op::kIn, s.hosts}};
    switch (s.q) {
      case Q::kSingle111:
      case Q::kSingle581:
      case Q::kCpuMaxAll8: {
        // One query of every field; rows merged by bucket: (bucket, max f0, max f1, ...).
        TsQuery q = base;
        q.from = s.from;
        q.to = s.to;
        q.aggregate = TsAggregate{TsAggFn::kMax};
        q.every = s.every;
        ASSIGN_OR_RETURN(auto rows, ts_->QueryRows(q, Fields(s.fields)));
        for (const auto& row : rows) {
          out.push_back(static_cast<double>(row.time));
          for (const auto& v : row.values) {
            if (v) out.push_back(AsDouble(*v));
          }
        }
        return absl::OkStatus();
      }
      case Q::kDoubleGroupby1: {
        TsQuery q = base;
        q.field = kTsFieldNames[0];
        q.from = s.from;
        q.to = s.to;
        q.aggregate = TsAggregate{TsAggFn::kMean};
        q.every = s.every;
        q.by = {"hostname"};
        ASSIGN_OR_RETURN(auto r, ts_->Query(q));
        for (const auto& row : r) {
          out.push_back(static_cast<double>(row.time));
          out.push_back(AsDouble(row.value));
        }
        return absl::OkStatus();
      }
      case Q::kHighCpu1: {
        // Every field of the host's rows in the window where usage_user > 90.
        TsQuery q = base;
        q.from = s.from;
        q.to = s.to;
        q.value_where = {{kTsFieldNames[0], TsValueFilter::Op::kGt, 90}};
        ASSIGN_OR_RETURN(auto rows, ts_->QueryRowViews(q, all_fields_));
        for (; rows->Valid(); rows->Next()) {
          const TsRowView& row = rows->entry();
          out.push_back(static_cast<double>(row.time));
          for (const auto& v : row.values) {
            if (!v) return absl::DataLossError("high-cpu: a row lacks fields");
            out.push_back(AsDouble(*v));
          }
        }
        return rows->status();
      }
      case Q::kLastpoint: {
        // The latest row of every host, ordered by hostname (LastRows orders groups by tags).
        TsQuery q = base;
        q.by = {"hostname"};
        ASSIGN_OR_RETURN(auto rows, ts_->LastRowViews(q, all_fields_));
        for (; rows->Valid(); rows->Next()) {
          const TsRowView& row = rows->entry();
          out.push_back(static_cast<double>(row.time));
          for (const auto& v : row.values) {
            if (v) out.push_back(AsDouble(*v));
          }
        }
        return rows->status();
      }
      case Q::kGroupbyOrderbyLimit: {
        TsQuery q = base;
        q.field = kTsFieldNames[0];
        q.to = s.to;
        q.aggregate = TsAggregate{TsAggFn::kMax};
        q.every = s.every;
        q.desc = true;
        q.limit = 5;
        ASSIGN_OR_RETURN(auto r, ts_->Query(q));
        for (const auto& row : r) {
          out.push_back(static_cast<double>(row.time));
          out.push_back(AsDouble(row.value));
        }
        return absl::OkStatus();
      }
    }
    return absl::OkStatus();
  }
  absl::Status Close() override {
    ts_.reset();
    return db_ ? db_->Close() : absl::OkStatus();
  }

 private:
  std::unique_ptr<DB> db_;
  std::unique_ptr<TsStore> ts_;
  const std::vector<std::string> all_fields_ = Fields(kTsFields);  // every TSBS field, made once
};

class SqliteTsEngine : public TsEngine {
 public:
  static absl::StatusOr<std::unique_ptr<TsEngine>> Open(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    auto e = std::make_unique<SqliteTsEngine>();
    ASSIGN_OR_RETURN(e->db_, Sqlite::Open(dir + "/ts.sqlite"));
    std::string cols;
    for (int f = 0; f < kTsFields; ++f) cols += std::string(", ") + kTsFieldNames[f] + " INTEGER";
    RETURN_IF_ERROR(e->db_->Exec(
        "CREATE TABLE IF NOT EXISTS tags(id INTEGER PRIMARY KEY, hostname TEXT UNIQUE, tagset "
        "TEXT); CREATE TABLE IF NOT EXISTS cpu(host_id INTEGER, t INTEGER" +
        cols + ", PRIMARY KEY (host_id, t)) WITHOUT ROWID"));
    return std::unique_ptr<TsEngine>(std::move(e));
  }
  absl::StatusOr<int64_t> Ingest(const std::string& lines) override {
    if (insert_ == nullptr) {
      std::string marks;
      for (int f = 0; f < kTsFields; ++f) marks += ", ?";
      insert_ = std::make_unique<Stmt>(db_->db(), "INSERT INTO cpu VALUES(?, ?" + marks + ")");
      tag_insert_ = std::make_unique<Stmt>(
          db_->db(), "INSERT INTO tags(hostname, tagset) VALUES(?, ?) RETURNING id");
      if (!insert_->ok()) return insert_->status();
      if (!tag_insert_->ok()) return tag_insert_->status();
    }
    RETURN_IF_ERROR(db_->Exec("BEGIN"));
    int64_t rows = 0;
    std::string_view text = lines;
    CpuRow row;
    while (!text.empty()) {
      size_t nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      if (line.empty()) continue;
      if (!ParseCpuLine(line, &row)) {
        return absl::InvalidArgumentError("line " + std::to_string(rows + 1) + ": not a cpu row");
      }
      auto it = host_ids_.find(std::string(row.tagset));
      if (it == host_ids_.end()) {
        tag_insert_->Reset().Bind(1, row.hostname).Bind(2, row.tagset);
        if (!tag_insert_->Step()) return tag_insert_->status();
        int64_t id = tag_insert_->Int(0);
        RETURN_IF_ERROR(tag_insert_->Run());
        it = host_ids_.emplace(std::string(row.tagset), id).first;
      }
      insert_->Reset().Bind(1, it->second).Bind(2, row.time);
      for (int f = 0; f < kTsFields; ++f) insert_->Bind(3 + f, row.values[f]);
      RETURN_IF_ERROR(insert_->Run());
      ++rows;
    }
    RETURN_IF_ERROR(db_->Exec("COMMIT"));
    return rows;
  }
  absl::StatusOr<double> ModelBytesPerPoint() override { return -1.0; }
  absl::Status Run(const Spec& s, std::vector<double>* answers) override {
    std::string hosts;
    for (const auto& h : s.hosts) hosts += (hosts.empty() ? "'" : ", '") + h + "'";
    std::string where_hosts =
        hosts.empty() ? ""
                      : " AND host_id IN (SELECT id FROM tags WHERE hostname IN (" + hosts + "))";
    std::string bucket = "(t / " + std::to_string(s.every) + ") * " + std::to_string(s.every);
    std::string range = " t >= " + std::to_string(s.from) + " AND t < " + std::to_string(s.to);
    std::string sql;
    switch (s.q) {
      case Q::kSingle111:
      case Q::kSingle581:
      case Q::kCpuMaxAll8: {
        std::string aggs;
        for (int f = 0; f < s.fields; ++f) aggs += std::string(", max(") + kTsFieldNames[f] + ")";
        sql = "SELECT " + bucket + " AS b" + aggs + " FROM cpu WHERE" + range + where_hosts +
              " GROUP BY b ORDER BY b";
        break;
      }
      case Q::kDoubleGroupby1:
        sql = "SELECT " + bucket +
              " AS b, avg(usage_user) FROM cpu JOIN tags ON tags.id = "
              "cpu.host_id WHERE" +
              range + " GROUP BY hostname, b ORDER BY hostname, b";
        break;
      case Q::kHighCpu1: {
        std::string all;
        for (int f = 0; f < kTsFields; ++f) all += std::string(", ") + kTsFieldNames[f];
        sql = "SELECT t" + all + " FROM cpu WHERE" + range + where_hosts +
              " AND usage_user > 90 ORDER BY t";
        break;
      }
      case Q::kLastpoint: {
        std::string all;
        for (int f = 0; f < kTsFields; ++f) all += std::string(", c.") + kTsFieldNames[f];
        sql = "SELECT c.t" + all +
              " FROM tags JOIN cpu c ON c.host_id = tags.id AND c.t = "
              "(SELECT max(t) FROM cpu WHERE host_id = tags.id) ORDER BY tags.hostname";
        break;
      }
      case Q::kGroupbyOrderbyLimit:
        sql = "SELECT " + bucket + " AS b, max(usage_user) FROM cpu WHERE t < " +
              std::to_string(s.to) + " GROUP BY b ORDER BY b DESC LIMIT 5";
        break;
    }
    std::lock_guard<std::mutex> lock(db_->mu());
    auto& stmt = cache_[sql];
    if (stmt == nullptr) {
      stmt = std::make_unique<Stmt>(db_->db(), sql);
      if (!stmt->ok()) return stmt->status();
    }
    std::vector<double>& out = *answers;
    out.clear();
    Stmt& st = *stmt;
    st.Reset();
    int cols = st.Columns();
    while (st.Step()) {
      for (int i = 0; i < cols; ++i) out.push_back(st.Double(i));
    }
    RETURN_IF_ERROR(st.status());
    if (cache_.size() > 64) cache_.clear();
    return absl::OkStatus();
  }
  absl::Status Close() override {
    insert_.reset();
    tag_insert_.reset();
    cache_.clear();
    db_.reset();
    return absl::OkStatus();
  }
  absl::StatusOr<uint64_t> FileBytes() { return db_->CheckpointedBytes(); }

 private:
  std::unique_ptr<Sqlite> db_;
  std::unique_ptr<Stmt> insert_, tag_insert_;
  std::unordered_map<std::string, int64_t> host_ids_;
  std::map<std::string, std::unique_ptr<Stmt>> cache_;
};

absl::StatusOr<std::unique_ptr<TsEngine>> OpenTsEngine(const std::string& engine,
                                                       const std::string& dir) {
  if (engine == "tessera-ts") return TesseraTsEngine::Open(dir);
  if (engine == "sqlite") return SqliteTsEngine::Open(dir);
  return absl::InvalidArgumentError("engine " + engine + " does not serve time series");
}

// Ingests everything; returns (rows, seconds).
absl::StatusOr<std::pair<int64_t, double>> IngestAll(TsEngine& e,
                                                     const std::vector<std::string>& chunks) {
  Stopwatch sw;
  int64_t rows = 0;
  for (const auto& c : chunks) {
    ASSIGN_OR_RETURN(int64_t n, e.Ingest(c));
    rows += n;
  }
  return std::make_pair(rows, sw.Seconds());
}

absl::StatusOr<RunResult> IngestWorkload(const std::string& engine, const Config& c) {
  const int64_t hosts = ScaleOr(c, kDefaultHosts);
  auto chunks = TsbsLines(c.seed, hosts, kRowsPerHost, kBatchRows);
  // The database stays as the prepared dataset of the query workloads.
  std::string dir = PreparedDir(c, "ts", engine);
  std::filesystem::remove_all(dir + ".ready");
  std::filesystem::remove_all(dir);
  ASSIGN_OR_RETURN(auto e, OpenTsEngine(engine, dir));
  ASSIGN_OR_RETURN(auto r, IngestAll(*e, chunks));
  const int64_t expected = hosts * kRowsPerHost;
  if (r.first != expected) {
    return absl::DataLossError("ts.ingest wrote " + std::to_string(r.first) + " rows of " +
                               std::to_string(expected));
  }
  const double values = static_cast<double>(r.first) * kTsFields;
  RunResult out;
  out.metrics = {{"ops_per_sec", r.first / r.second, "rows/s"},
                 {"values_per_sec", values / r.second, "values/s"},
                 {"ingest_s", r.second, "s"}};
  ASSIGN_OR_RETURN(double model_bpp, e->ModelBytesPerPoint());
  double disk = 0;
  if (auto* s = dynamic_cast<SqliteTsEngine*>(e.get())) {
    ASSIGN_OR_RETURN(uint64_t bytes, s->FileBytes());
    disk = static_cast<double>(bytes);
    model_bpp = disk / values;
  }
  RETURN_IF_ERROR(e->Close());
  if (engine != "sqlite") {
    // Close keeps unflushed writes in the write-ahead log only; reopening replays the log into
    // level-0 SST files (RocksDB flushes during recovery), so the SST files then hold everything.
    ASSIGN_OR_RETURN(auto again, OpenTsEngine(engine, dir));
    RETURN_IF_ERROR(again->Close());
    disk = static_cast<double>(DirBytes(dir, ".sst"));
  }
  out.metrics.push_back({"bytes_per_point", model_bpp, "B"});
  out.metrics.push_back({"disk_bytes_per_point", disk / values, "B"});
  RETURN_IF_ERROR(MarkPrepared(dir));
  out.check = std::to_string(r.first) + " rows";
  return out;
}

absl::StatusOr<RunResult> QueryWorkload(Q q, const std::string& engine, const Config& c) {
  const int64_t hosts = ScaleOr(c, kDefaultHosts);
  std::string dir = PreparedDir(c, "ts", engine);
  if (!IsPrepared(dir)) {
    std::filesystem::remove_all(dir);
    ASSIGN_OR_RETURN(auto e, OpenTsEngine(engine, dir));
    RETURN_IF_ERROR(IngestAll(*e, TsbsLines(c.seed, hosts, kRowsPerHost, kBatchRows)).status());
    RETURN_IF_ERROR(e->ModelBytesPerPoint().status());
    RETURN_IF_ERROR(e->Close());
    RETURN_IF_ERROR(MarkPrepared(dir));
  }
  ASSIGN_OR_RETURN(auto e, OpenTsEngine(engine, dir));
  Digest d;
  std::mt19937_64 fixed(c.seed + 5);
  std::vector<std::vector<double>> answers(static_cast<size_t>(std::max(1, c.threads)));
  for (int i = 0; i < 5; ++i) {
    std::vector<double>& rows = answers[0];
    RETURN_IF_ERROR(e->Run(MakeSpec(q, fixed, hosts), &rows));
    d.Add(static_cast<int64_t>(rows.size()));
    for (double v : rows) d.AddRounded(v);
  }
  ASSIGN_OR_RETURN(PhaseResult r, RunOps(c, {"query"}, [&](OpContext& ctx) -> absl::StatusOr<int> {
                     std::vector<double>& rows = answers[static_cast<size_t>(ctx.thread)];
                     RETURN_IF_ERROR(e->Run(MakeSpec(q, *ctx.rng, hosts), &rows));
                     if (rows.empty() && q != Q::kHighCpu1) {
                       return absl::DataLossError("a TSBS query found no rows");
                     }
                     return 0;
                   }));
  RETURN_IF_ERROR(e->Close());
  return RunResult{r.metrics, d.Hex()};
}

}  // namespace

std::vector<Workload> TsWorkloads() {
  auto query = [](Q q) {
    return [q](const std::string& e, const Config& c) { return QueryWorkload(q, e, c); };
  };
  return {
      {"ts.ingest", "TSBS cpu-only line protocol, 10k-row commits; bytes_per_point", kTsEngines,
       IngestWorkload},
      {"ts.single-groupby-1-1-1", "max of 1 field per minute, 1 host, 1 hour", kTsEngines,
       query(Q::kSingle111)},
      {"ts.single-groupby-5-8-1", "max of 5 fields per minute, 8 hosts, 1 hour", kTsEngines,
       query(Q::kSingle581)},
      {"ts.cpu-max-all-8", "max of 10 fields per hour, 8 hosts, 8 hours", kTsEngines,
       query(Q::kCpuMaxAll8)},
      {"ts.double-groupby-1", "mean of 1 field per host per hour, all hosts, 12 hours", kTsEngines,
       query(Q::kDoubleGroupby1)},
      {"ts.high-cpu-1", "rows with usage_user > 90, 1 host, 12 hours", kTsEngines,
       query(Q::kHighCpu1)},
      {"ts.lastpoint", "the latest row of every host", kTsEngines, query(Q::kLastpoint)},
      {"ts.groupby-orderby-limit", "max per minute before a random time, last 5 minutes",
       kTsEngines, query(Q::kGroupbyOrderbyLimit)},
  };
}

}  // namespace tessera::bench
