// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Bulk ingestion of one edge batch (see graph_ingest.h).
#include "models/graph/graph_ingest.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <limits>
#include <thread>
#include <unordered_map>

#include "core/codec/value_envelope.h"
#include "core/engine/bulk_ingest.h"
#include "core/engine/txn_impl.h"
#include "core/util/strings.h"
#include "models/graph/graph_codec.h"
#include "models/graph/graph_writer.h"
#include "nlohmann/json.hpp"
#include "tessera/status.h"

namespace tessera::graph {
namespace {

using internal::Cf;
using Json = nlohmann::ordered_json;

void PutBE32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void MsgpackStr(std::string_view s, std::string* out) {
  const size_t n = s.size();
  if (n <= 31) {
    out->push_back(static_cast<char>(0xa0 | n));
  } else if (n <= 0xff) {
    out->push_back(static_cast<char>(0xd9));
    out->push_back(static_cast<char>(n));
  } else if (n <= 0xffff) {
    out->push_back(static_cast<char>(0xda));
    codec::PutFixed16BE(out, static_cast<uint16_t>(n));
  } else {
    out->push_back(static_cast<char>(0xdb));
    PutBE32(out, static_cast<uint32_t>(n));
  }
  out->append(s);
}

// As nlohmann's to_msgpack: a float32 when the value survives the round trip, else a float64.
void MsgpackDouble(double w, std::string* out) {
  if (w >= static_cast<double>(std::numeric_limits<float>::lowest()) &&
      w <= static_cast<double>(std::numeric_limits<float>::max()) &&
      static_cast<double>(static_cast<float>(w)) == w) {
    float f = static_cast<float>(w);
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    out->push_back(static_cast<char>(0xca));
    PutBE32(out, bits);
  } else {
    uint64_t bits;
    std::memcpy(&bits, &w, 8);
    out->push_back(static_cast<char>(0xcb));
    codec::PutFixed64BE(out, bits);
  }
}

// A JSON string as nlohmann dumps it (invalid UTF-8 replaced): plain printable ASCII is copied,
// anything else goes through nlohmann.
void JsonStr(std::string_view s, std::string* out) {
  bool plain = true;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (plain) {
    out->push_back('"');
    out->append(s);
    out->push_back('"');
    return;
  }
  try {
    out->append(Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace));
  } catch (const std::exception&) {
    out->append("\"\"");
  }
}

void JsonDouble(double w, std::string* out) {
  if (w == 1.0) {
    out->append("1.0");
    return;
  }
  try {
    out->append(Json(w).dump());
  } catch (const std::exception&) {
    out->append("null");
  }
}

// Retries `fn` while it reports a write conflict (a lock held by a concurrent writer).
absl::Status Retry(absl::FunctionRef<absl::Status()> fn) {
  absl::Status s;
  int backoff_us = 200;
  for (int attempt = 0; attempt < 20; ++attempt) {
    s = fn();
    if (!IsConflict(s)) return s;
    std::this_thread::sleep_for(std::chrono::microseconds(backoff_us));
    backoff_us = std::min(backoff_us * 2, 50000);
  }
  return s;
}

}  // namespace

void AppendLoadedEdgeRecord(std::string_view src, std::string_view dst, std::string_view type,
                            double weight, std::string* out) {
  out->push_back(static_cast<char>(0x85));  // a map of five entries
  out->append("\xa1s");
  MsgpackStr(src, out);
  out->append(
      "\xa1"
      "d");
  MsgpackStr(dst, out);
  out->append("\xa1t");
  MsgpackStr(type, out);
  out->append("\xa1w");
  MsgpackDouble(weight, out);
  out->append("\xa1p");
  out->push_back(static_cast<char>(0x80));  // {}
}

void AppendLoadedEdgeImage(std::string_view src, std::string_view dst, std::string_view type,
                           double weight, std::string* out) {
  out->append("{\"src\":");
  JsonStr(src, out);
  out->append(",\"dst\":");
  JsonStr(dst, out);
  out->append(",\"type\":");
  JsonStr(type, out);
  out->append(",\"weight\":");
  JsonDouble(weight, out);
  out->append(",\"props\":{}}");
}

absl::StatusOr<int64_t> IngestEdgeBatch(internal::Engine* engine, const ObjectInfo& graph,
                                        const std::vector<EdgeRow>& rows) {
  const uint64_t g = graph.id;
  // Intern the vertices and types of the batch: everything below works on small integers.
  std::unordered_map<std::string_view, uint32_t> vindex;
  std::vector<std::string_view> vnames;
  std::unordered_map<std::string_view, uint32_t> tindex;
  std::vector<std::string_view> tnames;
  struct Row {
    uint32_t src, dst, type;
  };
  std::vector<Row> rs;
  rs.reserve(rows.size());
  vindex.reserve(rows.size());
  auto vid = [&](std::string_view v) {
    auto [it, added] = vindex.emplace(v, static_cast<uint32_t>(vnames.size()));
    if (added) vnames.push_back(v);
    return it->second;
  };
  for (const EdgeRow& r : rows) {
    auto [t, added] = tindex.emplace(r.type, static_cast<uint32_t>(tnames.size()));
    if (added) tnames.push_back(r.type);
    uint32_t s = vid(r.src);
    uint32_t d = vid(r.dst);
    rs.push_back({s, d, t->second});
  }
  const size_t nv = vnames.size();

  // The vertices in byte order (the order of their data keys).
  std::vector<uint32_t> by_bytes(nv);
  for (uint32_t i = 0; i < nv; ++i) by_bytes[i] = i;
  std::sort(by_bytes.begin(), by_bytes.end(),
            [&](uint32_t a, uint32_t b) { return vnames[a] < vnames[b]; });

  // 1. Lock every endpoint (held until the end of the batch) and learn which exist. In byte
  // order, so two loads into one graph cannot deadlock on each other.
  ASSIGN_OR_RETURN(std::unique_ptr<internal::TxnImpl> lock,
                   engine->BeginTxn("graph.load", /*snapshot=*/false));
  std::vector<uint8_t> exists(nv, 0);
  std::vector<std::string> records(nv);  // the stored record of each existing vertex
  for (uint32_t i : by_bytes) {
    bool found = false;
    RETURN_IF_ERROR(Retry([&] {
      return lock->GetForUpdate(Cf::kData, VertexKey(g, vnames[i]), &records[i], &found);
    }));
    exists[i] = found ? 1 : 0;
  }

  // 2. Reserve the edge ids (committed now: a failed batch leaves a gap, never a reused id).
  uint64_t first_id = 0;
  RETURN_IF_ERROR(engine->RunInTxn("graph.load", /*snapshot=*/false, RetryOptions(),
                                   [&](internal::TxnImpl& txn) -> absl::Status {
                                     GraphWriter w(&txn, graph);
                                     ASSIGN_OR_RETURN(first_id, w.AllocateEdgeIds(rs.size()));
                                     return absl::OkStatus();
                                   }));

  // Ranks in adjacency-key order: a vertex (or type) sorts by its length, then its bytes.
  auto rank_of = [](const std::vector<std::string_view>& names) {
    std::vector<uint32_t> order(names.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      if (names[a].size() != names[b].size()) return names[a].size() < names[b].size();
      return names[a] < names[b];
    });
    std::vector<uint32_t> rank(names.size());
    for (uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
    return std::make_pair(order, rank);
  };
  const std::vector<uint32_t> vrank = rank_of(vnames).second;
  const std::vector<uint32_t> trank = rank_of(tnames).second;

  internal::BulkIngest bulk(engine);
  std::vector<int64_t> out_deg(nv, 0), in_deg(nv, 0);
  for (const Row& r : rs) {
    ++out_deg[r.src];
    ++in_deg[r.dst];
  }
  // 3b (on a second thread, it is the largest part). Adjacency: both entries of every edge,
  // sorted by (vertex, dir, type, other, id) ranks, which is the byte order of the keys.
  absl::Status adj_status;
  std::thread adj_thread([&] {
    struct Adj {
      uint32_t vrank, dir, trank, orank;
      uint64_t edge;  // index into rows
    };
    std::vector<Adj> adj;
    adj.reserve(rs.size() * 2);
    for (size_t i = 0; i < rs.size(); ++i) {
      const Row& r = rs[i];
      adj.push_back({vrank[r.src], 0, trank[r.type], vrank[r.dst], i});
      adj.push_back({vrank[r.dst], 1, trank[r.type], vrank[r.src], i});
    }
    std::sort(adj.begin(), adj.end(), [](const Adj& a, const Adj& b) {
      if (a.vrank != b.vrank) return a.vrank < b.vrank;
      if (a.dir != b.dir) return a.dir < b.dir;
      if (a.trank != b.trank) return a.trank < b.trank;
      if (a.orank != b.orank) return a.orank < b.orank;
      return a.edge < b.edge;
    });
    std::string key;
    char weight[8];
    for (const Adj& a : adj) {
      const EdgeRow& r = rows[a.edge];
      const bool out = a.dir == 0;
      std::string_view vertex = out ? r.src : r.dst;
      std::string_view other = out ? r.dst : r.src;
      key.clear();
      codec::PutFixed64BE(&key, g);
      codec::PutFixed16BE(&key, static_cast<uint16_t>(vertex.size()));
      key.append(vertex);
      key.push_back(static_cast<char>(a.dir));
      key.push_back(static_cast<char>(static_cast<uint8_t>(r.type.size())));
      key.append(r.type);
      codec::PutFixed16BE(&key, static_cast<uint16_t>(other.size()));
      key.append(other);
      codec::PutFixed64BE(&key, first_id + a.edge);
      uint64_t bits;
      std::memcpy(&bits, &r.weight, 8);
      for (int b = 0; b < 8; ++b) weight[b] = static_cast<char>(bits >> (56 - 8 * b));
      adj_status = bulk.Put(Cf::kAdj, key, std::string_view(weight, 8));
      if (!adj_status.ok()) return;
    }
  });
  struct Join {
    std::thread* t;
    ~Join() {
      if (t->joinable()) t->join();
    }
  } join{&adj_thread};

  // 3a. The data column family in key order: degrees ('D', out then in, by vertex bytes), edges
  // ('E', by id), new vertices ('V', by vertex bytes).
  std::string key, value;
  for (Direction dir : {Direction::kOut, Direction::kIn}) {
    const std::vector<int64_t>& deg = dir == Direction::kOut ? out_deg : in_deg;
    for (uint32_t v : by_bytes) {
      if (deg[v] == 0) continue;
      RETURN_IF_ERROR(
          bulk.Merge(Cf::kData, DegreeKey(g, vnames[v], dir), codec::EncodeCounterAdd(deg[v], 0)));
    }
  }
  key = EdgeKey(g, 0);
  const size_t id_at = key.size() - 8;
  for (size_t i = 0; i < rs.size(); ++i) {
    const EdgeRow& r = rows[i];
    key.resize(id_at);
    codec::PutFixed64BE(&key, first_id + i);
    value.clear();
    AppendLoadedEdgeRecord(r.src, r.dst, r.type, r.weight, &value);
    RETURN_IF_ERROR(bulk.Put(Cf::kData, key, value));
  }
  const std::string empty_vertex = EncodeVertex(VertexRecord());
  int64_t created = 0;
  for (uint32_t v : by_bytes) {
    if (exists[v]) continue;
    RETURN_IF_ERROR(bulk.Put(Cf::kData, VertexKey(g, vnames[v]), empty_vertex));
    ++created;
  }

  // 3c. Events in the order the transactional path records them.
  if (engine->options().change_log) {
    std::vector<uint8_t> announced(nv, 0);
    ChangeEvent vertex_event;  // reused: AddEvent encodes at once
    vertex_event.model = Model::kGraph;
    vertex_event.object_id = g;
    vertex_event.object = graph.name;
    vertex_event.image_format = ImageFormat::kJson;
    vertex_event.op = ChangeOp::kCreate;
    vertex_event.after = "{\"label\":\"\",\"props\":{}}";
    ChangeEvent edge_event = vertex_event;
    edge_event.after = std::string();
    auto announce = [&](uint32_t v) -> absl::Status {
      if (exists[v] || announced[v]) return absl::OkStatus();
      announced[v] = 1;
      vertex_event.key.assign("v:");
      vertex_event.key.append(vnames[v]);
      return bulk.AddEvent(vertex_event);
    };
    char digits[24];
    for (size_t i = 0; i < rs.size(); ++i) {
      RETURN_IF_ERROR(announce(rs[i].src));
      RETURN_IF_ERROR(announce(rs[i].dst));
      const EdgeRow& r = rows[i];
      auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), first_id + i);
      (void)ec;
      edge_event.key.assign("e:");
      edge_event.key.append(digits, end);
      edge_event.after->clear();
      AppendLoadedEdgeImage(r.src, r.dst, r.type, r.weight, &*edge_event.after);
      RETURN_IF_ERROR(bulk.AddEvent(edge_event));
    }
  }
  adj_thread.join();
  RETURN_IF_ERROR(adj_status);
  RETURN_IF_ERROR(bulk.Commit());

  // 4. A newer version of every endpoint's record (see graph_ingest.h), then unlock. The keys
  // are locked already (step 1), so the writes need no lock and no conflict check.
  absl::Status touched;
  lock->SetIndexing(false);
  for (uint32_t v = 0; v < nv && touched.ok(); ++v) {
    touched = lock->PutUnlocked(Cf::kData, VertexKey(g, vnames[v]),
                                exists[v] ? records[v] : empty_vertex);
  }
  lock->SetIndexing(true);
  if (touched.ok()) touched = lock->Commit();
  if (!touched.ok()) {
    // The batch is committed; only the conflict markers are missing. Say so in the log.
    engine->logger().Log(LogLevel::kWarn, {engine->path(), graph.name, lock->id()},
                         "graph.load_markers_failed", {{"error", util::ToStd(touched.message())}});
  }
  return created;
}

}  // namespace tessera::graph
