// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// models.*: the same logical data kept in different Tessera models and used the same way, so
// that a user sees which model fits.
// - models.profiles: 10k user profiles (name, email, age, city, 200-byte bio); 90% read a whole
//   profile, 10% change the age. As a JSON blob in tessera-kv (read-modify-write), a document in
//   tessera-doc ($set on {_id}), a row of tessera-wide (one cell written).
// - models.followers: 2k users following 1..40 others; 90% list whom a user follows, 10% follow
//   someone new. As edges of tessera-graph (Neighbors / AddEdge), an array in a tessera-doc
//   document ($addToSet), a packed list in tessera-kv (read-append-write).
// - models.sensors: 50 sensors, one reading every 10 s for an hour; 90% the mean of a random
//   sensor over a 10-minute window, 10% a new reading. As tessera-ts points, tessera-wide cells
//   (row = sensor, qualifier = big-endian time), tessera-kv entries (key = sensor + time).
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "bench/harness/bench.h"
#include "bench/harness/common.h"
#include "bench/harness/generators.h"
#include "bench/harness/measure.h"
#include "bench/harness/stores.h"
#include "tessera/doc.h"
#include "tessera/graph.h"
#include "tessera/kv.h"
#include "tessera/status.h"
#include "tessera/ts.h"
#include "tessera/wide.h"

namespace tessera::bench {
namespace {

constexpr int64_t kProfiles = 10000;
constexpr int64_t kUsers = 2000;
constexpr int64_t kSensors = 50;
constexpr int64_t kReadings = 360;  // per sensor: one hour at 10 s
constexpr int64_t kSecond = 1000000000LL;
constexpr int64_t kT0 = 1700000000LL * kSecond;

// Every Tessera model handle on one database; only the ones a workload needs are used.
struct Models {
  std::unique_ptr<DB> db;
  std::unique_ptr<KvStore> kv;
  std::unique_ptr<DocStore> doc;
  std::unique_ptr<WideStore> wide;
  std::unique_ptr<GraphStore> graph;
  std::unique_ptr<TsStore> ts;
  absl::Status Close() {
    kv.reset();
    doc.reset();
    wide.reset();
    graph.reset();
    ts.reset();
    return db ? db->Close() : absl::OkStatus();
  }
};

absl::StatusOr<Models> OpenModels(const std::string& dir) {
  Models m;
  ASSIGN_OR_RETURN(m.db, OpenTessera(dir));
  ASSIGN_OR_RETURN(m.kv, KvStore::Open(m.db.get()));
  ASSIGN_OR_RETURN(m.doc, DocStore::Open(m.db.get()));
  ASSIGN_OR_RETURN(m.wide, WideStore::Open(m.db.get()));
  ASSIGN_OR_RETURN(m.graph, GraphStore::Open(m.db.get()));
  ASSIGN_OR_RETURN(m.ts, TsStore::Open(m.db.get()));
  return m;
}

std::string Uid(int64_t n) { return "u" + std::to_string(n); }
std::string BigEndian(int64_t v) {
  std::string s(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) s[i] = static_cast<char>(v & 0xff);
  return s;
}
int64_t FromBigEndian(std::string_view s) {
  int64_t v = 0;
  for (char c : s) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

// The same workload skeleton for every family: prepare once, digest fixed answers, run the mix.
struct Family {
  std::function<absl::Status(Models&, const Config&)> load;
  std::function<absl::StatusOr<std::string>(Models&, std::mt19937_64&)> read;  // an answer
  std::function<absl::Status(Models&, std::mt19937_64&)> write;
};

absl::StatusOr<RunResult> RunFamily(const std::string& name, const std::string& engine,
                                    const Config& c, const Family& f) {
  std::string dir = FreshDir(c, name + "-" + engine);
  ASSIGN_OR_RETURN(Models m, OpenModels(dir));
  RETURN_IF_ERROR(f.load(m, c));
  Digest d;
  std::mt19937_64 fixed(c.seed + 3);
  for (int i = 0; i < 50; ++i) {
    ASSIGN_OR_RETURN(std::string a, f.read(m, fixed));
    d.Add(a);
  }
  ASSIGN_OR_RETURN(PhaseResult r,
                   RunOps(c, {"read", "write"}, [&](OpContext& ctx) -> absl::StatusOr<int> {
                     if ((*ctx.rng)() % 10 != 0) {
                       RETURN_IF_ERROR(f.read(m, *ctx.rng).status());
                       return 0;
                     }
                     RETURN_IF_ERROR(f.write(m, *ctx.rng));
                     return 1;
                   }));
  RETURN_IF_ERROR(m.Close());
  return RunResult{r.metrics, d.Hex()};
}

// --- profiles ---

Document Profile(uint64_t seed, int64_t n) {
  return {{"name", "user " + std::to_string(n)},
          {"email", "user" + std::to_string(n) + "@example.com"},
          {"age", static_cast<int64_t>(Mix64(seed + n) % 80 + 18)},
          {"city", "city" + std::to_string(Mix64(seed * 3 + n) % 100)},
          {"bio", ValueBytes(seed, n, 200)}};
}
const char* const kProfileFields[] = {"name", "email", "age", "city", "bio"};

// The profile as comparable text: the five fields in order.
std::string ProfileText(const Document& d) {
  std::string s;
  for (const char* f : kProfileFields) {
    auto it = d.find(f);
    if (it == d.end()) return "<missing " + std::string(f) + ">";
    s += it->is_string() ? it->get<std::string>() : it->dump();
    s += '|';
  }
  return s;
}

Family ProfilesOn(const std::string& engine) {
  Family f;
  f.load = [engine](Models& m, const Config& c) -> absl::Status {
    for (int64_t base = 0; base < kProfiles; base += 1000) {
      std::vector<KvWrite> kvs;
      std::vector<Document> docs;
      RETURN_IF_ERROR(m.wide->CreateFamily("profiles", "p"));
      std::vector<std::pair<std::string, std::vector<WideCellWrite>>> rows;
      for (int64_t n = base; n < base + 1000 && n < kProfiles; ++n) {
        Document p = Profile(c.seed, n);
        if (engine == "tessera-kv") kvs.push_back({Uid(n), p.dump(), 0});
        if (engine == "tessera-doc") {
          Document d = {{"_id", Uid(n)}};
          d.update(p);
          docs.push_back(std::move(d));
        }
        if (engine == "tessera-wide") {
          std::vector<WideCellWrite> cells;
          for (const char* k : kProfileFields) {
            cells.push_back({"p", k, p[k].is_string() ? p[k].get<std::string>() : p[k].dump()});
          }
          rows.emplace_back(Uid(n), std::move(cells));
        }
      }
      if (!kvs.empty()) RETURN_IF_ERROR(m.kv->WriteBatch("profiles", kvs));
      if (!docs.empty()) RETURN_IF_ERROR(m.doc->Insert("profiles", docs).status());
      if (!rows.empty()) {
        RETURN_IF_ERROR(m.db->RunTransaction([&](Transaction& txn) -> absl::Status {
          for (const auto& [k, cells] : rows)
            RETURN_IF_ERROR(m.wide->Put(txn, "profiles", k, cells));
          return absl::OkStatus();
        }));
      }
    }
    return absl::OkStatus();
  };
  f.read = [engine](Models& m, std::mt19937_64& rng) -> absl::StatusOr<std::string> {
    std::string id = Uid(static_cast<int64_t>(rng() % kProfiles));
    Document d;
    if (engine == "tessera-kv") {
      ASSIGN_OR_RETURN(auto v, m.kv->Get("profiles", id));
      if (!v) return absl::DataLossError("profile " + id + " missing");
      d = Document::parse(*v, nullptr, false);
    } else if (engine == "tessera-doc") {
      ASSIGN_OR_RETURN(auto v, m.doc->Get("profiles", Document(id)));
      if (!v) return absl::DataLossError("profile " + id + " missing");
      d = std::move(*v);
    } else {
      ASSIGN_OR_RETURN(auto row, m.wide->Get("profiles", id));
      if (!row) return absl::DataLossError("profile " + id + " missing");
      d = Document::object();
      for (const auto& cell : row->cells) {
        d[cell.qualifier] =
            cell.qualifier == "age" ? Document(std::stoll(cell.value)) : Document(cell.value);
      }
    }
    return ProfileText(d);
  };
  f.write = [engine](Models& m, std::mt19937_64& rng) -> absl::Status {
    std::string id = Uid(static_cast<int64_t>(rng() % kProfiles));
    int64_t age = static_cast<int64_t>(rng() % 80 + 18);
    if (engine == "tessera-kv") {
      ASSIGN_OR_RETURN(auto v, m.kv->Get("profiles", id));
      if (!v) return absl::DataLossError("profile " + id + " missing");
      Document d = Document::parse(*v, nullptr, false);
      d["age"] = age;
      return m.kv->Put("profiles", id, d.dump());
    }
    if (engine == "tessera-doc") {
      return m.doc->Update("profiles", {{"_id", id}}, {{"$set", {{"age", age}}}}, {.one = true})
          .status();
    }
    return m.wide->Put("profiles", id, {{"p", "age", std::to_string(age)}});
  };
  return f;
}

// --- followers ---

std::vector<int64_t> Follows(uint64_t seed, int64_t u) {
  std::mt19937_64 rng(Mix64(seed + u));
  std::set<int64_t> s;
  int64_t n = 1 + static_cast<int64_t>(rng() % 40);
  while (static_cast<int64_t>(s.size()) < n) {
    int64_t v = static_cast<int64_t>(rng() % kUsers);
    if (v != u) s.insert(v);
  }
  return {s.begin(), s.end()};
}

std::string PackIds(const std::vector<int64_t>& ids) {
  std::string s;
  for (int64_t v : ids) s += BigEndian(v);
  return s;
}

Family FollowersOn(const std::string& engine) {
  Family f;
  f.load = [engine](Models& m, const Config& c) -> absl::Status {
    if (engine == "tessera-graph") {
      std::string csv = m.db->path() + "/follows.csv";
      {
        std::ofstream out(csv);
        for (int64_t u = 0; u < kUsers; ++u) {
          for (int64_t v : Follows(c.seed, u)) out << Uid(u) << ',' << Uid(v) << ",follows\n";
        }
      }
      GraphLoadOptions o;
      o.progress = false;
      return m.graph->LoadEdgeList("social", csv, o).status();
    }
    for (int64_t base = 0; base < kUsers; base += 1000) {
      std::vector<KvWrite> kvs;
      std::vector<Document> docs;
      for (int64_t u = base; u < base + 1000 && u < kUsers; ++u) {
        auto ids = Follows(c.seed, u);
        if (engine == "tessera-kv") kvs.push_back({Uid(u), PackIds(ids), 0});
        if (engine == "tessera-doc") {
          Document arr = Document::array();
          for (int64_t v : ids) arr.push_back(Uid(v));
          docs.push_back({{"_id", Uid(u)}, {"follows", arr}});
        }
      }
      if (!kvs.empty()) RETURN_IF_ERROR(m.kv->WriteBatch("follows", kvs));
      if (!docs.empty()) RETURN_IF_ERROR(m.doc->Insert("follows", docs).status());
    }
    return absl::OkStatus();
  };
  f.read = [engine](Models& m, std::mt19937_64& rng) -> absl::StatusOr<std::string> {
    std::string u = Uid(static_cast<int64_t>(rng() % kUsers));
    std::set<std::string> out;
    if (engine == "tessera-graph") {
      ASSIGN_OR_RETURN(auto n, m.graph->Neighbors("social", u));
      out.insert(n.begin(), n.end());
    } else if (engine == "tessera-doc") {
      ASSIGN_OR_RETURN(auto d, m.doc->Get("follows", Document(u)));
      if (!d) return absl::DataLossError("user " + u + " missing");
      for (const auto& v : (*d)["follows"]) out.insert(v.get<std::string>());
    } else {
      ASSIGN_OR_RETURN(auto v, m.kv->Get("follows", u));
      if (!v) return absl::DataLossError("user " + u + " missing");
      for (size_t i = 0; i + 8 <= v->size(); i += 8) {
        out.insert(Uid(FromBigEndian(std::string_view(*v).substr(i, 8))));
      }
    }
    if (out.empty()) return absl::DataLossError("user " + u + " follows nobody");
    std::string s;
    for (const auto& v : out) s += v + ",";
    return s;
  };
  f.write = [engine](Models& m, std::mt19937_64& rng) -> absl::Status {
    int64_t u = static_cast<int64_t>(rng() % kUsers);
    int64_t v = static_cast<int64_t>(rng() % kUsers);
    if (engine == "tessera-graph")
      return m.graph->AddEdge("social", Uid(u), "follows", Uid(v)).status();
    if (engine == "tessera-doc") {
      return m.doc
          ->Update("follows", {{"_id", Uid(u)}}, {{"$addToSet", {{"follows", Uid(v)}}}},
                   {.one = true})
          .status();
    }
    ASSIGN_OR_RETURN(auto cur, m.kv->Get("follows", Uid(u)));
    std::string list = cur.value_or("");
    list += BigEndian(v);
    return m.kv->Put("follows", Uid(u), list);
  };
  return f;
}

// --- sensors ---

int64_t Reading(uint64_t seed, int64_t sensor, int64_t i) {
  return static_cast<int64_t>(Mix64(seed + sensor * 100003 + i) % 1000);
}

Family SensorsOn(const std::string& engine) {
  Family f;
  auto sensor_name = [](int64_t s) { return "s" + std::to_string(s); };
  f.load = [engine, sensor_name](Models& m, const Config& c) -> absl::Status {
    if (engine == "tessera-wide") RETURN_IF_ERROR(m.wide->CreateFamily("sensors", "r"));
    for (int64_t s = 0; s < kSensors; ++s) {
      std::vector<TsPoint> points;
      std::vector<KvWrite> kvs;
      std::vector<WideCellWrite> cells;
      for (int64_t i = 0; i < kReadings; ++i) {
        int64_t t = kT0 + i * 10 * kSecond, v = Reading(c.seed, s, i);
        if (engine == "tessera-ts") {
          points.push_back({"sensors", {{"sensor", sensor_name(s)}}, {{"value", v}}, t});
        }
        if (engine == "tessera-kv")
          kvs.push_back({sensor_name(s) + BigEndian(t), std::to_string(v), 0});
        if (engine == "tessera-wide") cells.push_back({"r", BigEndian(t), std::to_string(v), 0});
      }
      if (!points.empty()) RETURN_IF_ERROR(m.ts->Write(points));
      if (!kvs.empty()) RETURN_IF_ERROR(m.kv->WriteBatch("sensors", kvs));
      if (!cells.empty()) RETURN_IF_ERROR(m.wide->Put("sensors", sensor_name(s), cells));
    }
    if (engine == "tessera-ts") RETURN_IF_ERROR(m.ts->Flush());
    return absl::OkStatus();
  };
  f.read = [engine, sensor_name](Models& m, std::mt19937_64& rng) -> absl::StatusOr<std::string> {
    std::string s = sensor_name(static_cast<int64_t>(rng() % kSensors));
    int64_t from = kT0 + static_cast<int64_t>(rng() % (kReadings - 60)) * 10 * kSecond;
    int64_t to = from + 600 * kSecond;
    double sum = 0;
    int64_t n = 0;
    if (engine == "tessera-ts") {
      TsQuery q{.measurement = "sensors", .field = "value", .from = from, .to = to};
      q.where = {{"sensor", TsTagFilter::Op::kEq, {s}}};
      q.aggregate = TsAggregate{TsAggFn::kSum};
      q.every = 600 * kSecond;
      ASSIGN_OR_RETURN(auto rows, m.ts->Query(q));
      q.aggregate = TsAggregate{TsAggFn::kCount};
      ASSIGN_OR_RETURN(auto counts, m.ts->Query(q));
      for (const auto& r : rows)
        sum += std::holds_alternative<double>(r.value)
                   ? std::get<double>(r.value)
                   : static_cast<double>(std::get<int64_t>(r.value));
      for (const auto& r : counts) n += std::get<int64_t>(r.value);
    } else if (engine == "tessera-kv") {
      KvScanOptions o;
      o.from = s + BigEndian(from);
      o.to = s + BigEndian(to);
      ASSIGN_OR_RETURN(auto cur, m.kv->Scan("sensors", o));
      for (; cur->Valid(); cur->Next(), ++n) sum += std::stod(std::string(cur->entry().value));
      RETURN_IF_ERROR(cur->status());
    } else {
      WideScanOptions o;
      o.from = s;
      o.to = s + std::string(1, '\0');
      o.qualifier_from = BigEndian(from);
      o.qualifier_to = BigEndian(to);
      ASSIGN_OR_RETURN(auto cur, m.wide->Scan("sensors", o));
      for (; cur->Valid(); cur->Next()) {
        for (const auto& cell : cur->entry().cells) {
          sum += std::stod(cell.value);
          ++n;
        }
      }
      RETURN_IF_ERROR(cur->status());
    }
    if (n == 0) return absl::DataLossError("sensor window " + s + " is empty");
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%lld:%.6g", static_cast<long long>(n), sum / n);
    return std::string(buf);
  };
  f.write = [engine, sensor_name](Models& m, std::mt19937_64& rng) -> absl::Status {
    // New readings after the loaded hour (never inside a read window's past).
    std::string s = sensor_name(static_cast<int64_t>(rng() % kSensors));
    int64_t t =
        kT0 + (kReadings + 1) * 10 * kSecond + static_cast<int64_t>(rng() % 1000000) * kSecond;
    int64_t v = static_cast<int64_t>(rng() % 1000);
    if (engine == "tessera-ts")
      return m.ts->Write({{"sensors", {{"sensor", s}}, {{"value", v}}, t}});
    if (engine == "tessera-kv") return m.kv->Put("sensors", s + BigEndian(t), std::to_string(v));
    return m.wide->Put("sensors", s, {{"r", BigEndian(t), std::to_string(v), 0}});
  };
  return f;
}

}  // namespace

std::vector<Workload> ModelsWorkloads() {
  auto make = [](std::string name, std::function<Family(const std::string&)> family) {
    return [name, family](const std::string& engine, const Config& c) {
      return RunFamily(name, engine, c, family(engine));
    };
  };
  return {
      {"models.profiles",
       "user profiles: kv JSON blobs vs documents vs wide rows (90% read)",
       {"tessera-kv", "tessera-doc", "tessera-wide"},
       make("models.profiles", ProfilesOn)},
      {"models.followers",
       "follows: graph edges vs document arrays vs kv lists (90% list)",
       {"tessera-graph", "tessera-doc", "tessera-kv"},
       make("models.followers", FollowersOn)},
      {"models.sensors",
       "readings: ts points vs wide cells vs kv entries (90% window mean)",
       {"tessera-ts", "tessera-wide", "tessera-kv"},
       make("models.sensors", SensorsOn)},
  };
}

}  // namespace tessera::bench
