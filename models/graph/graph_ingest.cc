// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Bulk ingestion of one edge batch (see graph_ingest.h).
#include "models/graph/graph_ingest.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <thread>

#include "absl/container/flat_hash_map.h"

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
    if (!IsConflict(s) || attempt == 19) return s;
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

namespace {

// The first 8 bytes of `s`, big-endian, zero-padded: comparing these compares the strings'
// first 8 bytes (a tie needs the whole strings).
uint64_t Prefix8(std::string_view s) {
  unsigned char b[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  if (!s.empty()) std::memcpy(b, s.data(), std::min<size_t>(s.size(), 8));
  uint64_t p = 0;
  for (unsigned char c : b) p = (p << 8) | c;
  return p;
}

// The indices of `names` sorted by the names' bytes, or (by_length) by length and then bytes
// (the order of length-prefixed keys). Sorts integers first; compares strings only on a tie.
std::vector<uint32_t> SortedNames(const std::vector<std::string_view>& names, bool by_length) {
  struct Item {
    uint64_t len;  // 0 unless by_length
    uint64_t prefix;
    uint32_t index;
  };
  std::vector<Item> items(names.size());
  for (uint32_t i = 0; i < names.size(); ++i) {
    items[i] = {by_length ? names[i].size() : 0, Prefix8(names[i]), i};
  }
  std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
    if (a.len != b.len) return a.len < b.len;
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    const std::string_view x = names[a.index], y = names[b.index];
    if (x.size() <= 8 && y.size() <= 8 && x.size() == y.size()) return false;  // equal bytes
    return x < y;
  });
  std::vector<uint32_t> order(names.size());
  for (size_t i = 0; i < items.size(); ++i) order[i] = items[i].index;
  return order;
}

// Waits until Open() is called; jobs that need the lock phase's results wait on it.
class Gate {
 public:
  void Open() {
    {
      std::lock_guard<std::mutex> l(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

}  // namespace

absl::StatusOr<int64_t> IngestEdgeBatch(internal::Engine* engine, const ObjectInfo& graph,
                                        const std::vector<EdgeRow>& rows, IngestMemo* memo) {
  const uint64_t g = graph.id;
  // Reserve the edge ids (committed now: a failed batch leaves a gap, never a reused id).
  uint64_t first_id = 0;
  RETURN_IF_ERROR(engine->RunInTxn("graph.load", /*snapshot=*/false, RetryOptions(),
                                   [&](internal::TxnImpl& txn) -> absl::Status {
                                     GraphWriter w(&txn, graph);
                                     ASSIGN_OR_RETURN(first_id, w.AllocateEdgeIds(rows.size()));
                                     return absl::OkStatus();
                                   }));

  internal::BulkIngest bulk(engine);
  bulk.SetParts(Cf::kAdj, 2);
  bulk.SetParts(Cf::kData, 3);  // degrees, edges, new vertices (3a)

  // 3a. The data column family, three files in key order: degrees ('D', out then in, by vertex
  // bytes), edges ('E', by id), new vertices ('V', by vertex bytes). The id allocator's key
  // ('N', in the memtable) lies between the last two: no file's range covers it, so the
  // ingestion needs no memtable flush.
  auto write_edges = [&]() -> absl::Status {
    std::string key = EdgeKey(g, 0), value;
    const size_t id_at = key.size() - 8;
    for (size_t i = 0; i < rows.size(); ++i) {
      const EdgeRow& r = rows[i];
      key.resize(id_at);
      codec::PutFixed64BE(&key, first_id + i);
      value.clear();
      AppendLoadedEdgeRecord(r.src, r.dst, r.type, r.weight, &value);
      RETURN_IF_ERROR(bulk.Put(Cf::kData, 1, key, value));
    }
    bulk.FinishPart(Cf::kData, 1);
    return absl::OkStatus();
  };

  // The edge records need nothing of what follows: a helper thread writes them while this one
  // interns the batch and locks its vertices, then joins the pool of jobs (at the end).
  Gate prepared;
  std::function<void()> helper_rest;  // set before prepared.Open()
  absl::Status edges_status;
  std::thread helper([&] {
    edges_status = write_edges();
    prepared.Wait();
    helper_rest();
  });

  // Intern the vertices and types of the batch: everything below works on small integers.
  absl::flat_hash_map<std::string_view, uint32_t> vindex;
  std::vector<std::string_view> vnames;
  absl::flat_hash_map<std::string_view, uint32_t> tindex;
  std::vector<std::string_view> tnames;
  struct Row {
    uint32_t src, dst, type;
  };
  std::vector<Row> rs;
  rs.reserve(rows.size());
  vindex.reserve(std::min<size_t>(rows.size(), 1 << 17));
  auto vid = [&](std::string_view v) {
    auto [it, added] = vindex.try_emplace(v, static_cast<uint32_t>(vnames.size()));
    if (added) vnames.push_back(v);
    return it->second;
  };
  size_t text_bytes = 0;  // of all endpoints and types, to size the event buffer
  // Each row's weight bits (its adjacency value, written big-endian), read in adjacency order.
  std::vector<uint64_t> weight_bits(rows.size());
  std::string_view last_type;  // rows mostly repeat the previous row's type: skip the map
  uint32_t last_tid = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const EdgeRow& r = rows[i];
    if (tnames.empty() || r.type != last_type) {
      auto [t, added] = tindex.try_emplace(r.type, static_cast<uint32_t>(tnames.size()));
      if (added) tnames.push_back(r.type);
      last_type = r.type;
      last_tid = t->second;
    }
    uint32_t s = vid(r.src);
    uint32_t d = vid(r.dst);
    rs.push_back({s, d, last_tid});
    text_bytes += r.src.size() + r.dst.size() + r.type.size();
    std::memcpy(&weight_bits[i], &r.weight, 8);
  }
  const size_t nv = vnames.size();

  // The vertices in byte order (the order of their data keys and of the locks).
  const std::vector<uint32_t> by_bytes = SortedNames(vnames, /*by_length=*/false);

  // Ranks in adjacency-key order: a vertex (or type) sorts by its length, then its bytes.
  const std::vector<uint32_t> vorder = SortedNames(vnames, /*by_length=*/true);
  std::vector<uint32_t> vrank(nv);
  for (uint32_t i = 0; i < nv; ++i) vrank[vorder[i]] = i;
  std::vector<uint32_t> trank(tnames.size());
  const std::vector<uint32_t> torder = SortedNames(tnames, /*by_length=*/true);
  for (uint32_t i = 0; i < torder.size(); ++i) trank[torder[i]] = i;
  // The adjacency key pieces by rank, back to back: each vertex as [len BE16][bytes], each type
  // as [len][bytes]. The key builder reads them in rank order, not the rows' scattered text.
  std::string vpieces, tpieces;
  std::vector<uint32_t> vpiece_at(nv + 1), tpiece_at(tnames.size() + 1);
  vpieces.reserve(text_bytes / 4 + 2 * nv);
  for (uint32_t i = 0; i < nv; ++i) {
    vpiece_at[i] = static_cast<uint32_t>(vpieces.size());
    codec::PutFixed16BE(&vpieces, static_cast<uint16_t>(vnames[vorder[i]].size()));
    vpieces.append(vnames[vorder[i]]);
  }
  vpiece_at[nv] = static_cast<uint32_t>(vpieces.size());
  for (uint32_t i = 0; i < torder.size(); ++i) {
    tpiece_at[i] = static_cast<uint32_t>(tpieces.size());
    tpieces.push_back(static_cast<char>(static_cast<uint8_t>(tnames[torder[i]].size())));
    tpieces.append(tnames[torder[i]]);
  }
  tpiece_at[torder.size()] = static_cast<uint32_t>(tpieces.size());

  std::vector<int64_t> out_deg(nv, 0), in_deg(nv, 0);
  for (const Row& r : rs) {
    ++out_deg[r.src];
    ++in_deg[r.dst];
  }
  // The adjacency entries are laid out by counting sort: one bucket per (vertex, dir) in key
  // order, its size the degree; within a bucket they are then sorted by (type, other, edge id).
  // at[2 * v + dir] is where the bucket of vertex v starts.
  std::vector<size_t> at(2 * nv + 1);
  {
    size_t pos = 0;
    for (uint32_t v : vorder) {
      at[2 * v] = pos;
      pos += static_cast<size_t>(out_deg[v]);
      at[2 * v + 1] = pos;
      pos += static_cast<size_t>(in_deg[v]);
    }
  }
  // Two adjacency files, split at the vertex rank that halves the entries.
  uint32_t split_rank = static_cast<uint32_t>(nv);
  for (uint32_t i = 0; i < nv; ++i) {
    if (at[2 * vorder[i]] >= rs.size()) {  // half of the 2 * rows entries come before it
      split_rank = i;
      break;
    }
  }

  struct Adj {
    uint64_t key;   // type rank << 32 | other's rank
    uint64_t edge;  // index into rows
    bool operator<(const Adj& o) const { return key != o.key ? key < o.key : edge < o.edge; }
  };
  std::vector<Adj> adj(rs.size() * 2);
  // 3b. Adjacency entries of the vertices ranked [lo, hi), into part `part`.
  auto write_adj = [&](size_t part, uint32_t lo, uint32_t hi) -> absl::Status {
    if (lo >= hi) return absl::OkStatus();
    std::vector<size_t> fill;  // next free slot of each bucket of the range
    fill.reserve(2 * static_cast<size_t>(hi - lo));
    for (uint32_t i = lo; i < hi; ++i) {
      fill.push_back(at[2 * vorder[i]]);
      fill.push_back(at[2 * vorder[i] + 1]);
    }
    for (size_t i = 0; i < rs.size(); ++i) {
      const Row& r = rs[i];
      const uint32_t sr = vrank[r.src], dr = vrank[r.dst];
      const uint64_t t = static_cast<uint64_t>(trank[r.type]) << 32;
      if (sr >= lo && sr < hi) adj[fill[2 * (sr - lo)]++] = {t | dr, i};
      if (dr >= lo && dr < hi) adj[fill[2 * (dr - lo) + 1]++] = {t | sr, i};
    }
    std::string key;
    char weight[8];
    for (uint32_t i = lo; i < hi; ++i) {
      const uint32_t v = vorder[i];
      for (uint8_t dir = 0; dir < 2; ++dir) {
        const size_t b = at[2 * v + dir];
        const size_t bucket_end = b + static_cast<size_t>(dir == 0 ? out_deg[v] : in_deg[v]);
        if (b == bucket_end) continue;
        std::sort(adj.begin() + static_cast<std::ptrdiff_t>(b),
                  adj.begin() + static_cast<std::ptrdiff_t>(bucket_end));
        // [g][len][vertex][dir] [tlen][type][olen][other][eid]: see graph_codec.h.
        key.clear();
        codec::PutFixed64BE(&key, g);
        key.append(vpieces, vpiece_at[i], vpiece_at[i + 1] - vpiece_at[i]);
        key.push_back(static_cast<char>(dir));
        const size_t prefix = key.size();
        for (size_t k = b; k < bucket_end; ++k) {
          const uint32_t trk = static_cast<uint32_t>(adj[k].key >> 32);
          const uint32_t ork = static_cast<uint32_t>(adj[k].key);
          key.resize(prefix);
          key.append(tpieces, tpiece_at[trk], tpiece_at[trk + 1] - tpiece_at[trk]);
          key.append(vpieces, vpiece_at[ork], vpiece_at[ork + 1] - vpiece_at[ork]);
          codec::PutFixed64BE(&key, first_id + adj[k].edge);
          const uint64_t bits = weight_bits[adj[k].edge];
          for (int x = 0; x < 8; ++x) weight[x] = static_cast<char>(bits >> (56 - 8 * x));
          RETURN_IF_ERROR(bulk.Put(Cf::kAdj, part, key, std::string_view(weight, 8)));
        }
      }
    }
    bulk.FinishPart(Cf::kAdj, part);
    return absl::OkStatus();
  };

  auto write_degrees = [&]() -> absl::Status {
    std::string key;
    // A counter-add operand (EncodeCounterAdd): built once, its delta (bytes 1-8) set per vertex.
    std::string value = codec::EncodeCounterAdd(0, 0);
    for (Direction dir : {Direction::kOut, Direction::kIn}) {
      const std::vector<int64_t>& deg = dir == Direction::kOut ? out_deg : in_deg;
      key = DegreeKey(g, "", dir);
      const size_t prefix = key.size();
      for (uint32_t v : by_bytes) {
        if (deg[v] == 0) continue;
        key.resize(prefix);
        key.append(vnames[v]);
        const auto d = static_cast<uint64_t>(deg[v]);
        for (int x = 0; x < 8; ++x) value[1 + x] = static_cast<char>(d >> (56 - 8 * x));
        RETURN_IF_ERROR(bulk.Merge(Cf::kData, 0, key, value));
      }
    }
    bulk.FinishPart(Cf::kData, 0);
    return absl::OkStatus();
  };

  // 1. Learn which endpoints exist, holding off whatever could change that until the batch is
  // in. Two ways (the argument is in docs/models/graph.md, "Bulk load"):
  // - Guarded: when the memo (vertices earlier batches of this load found existing) is current,
  //   take the graph's load guard exclusively, in one attempt: no DeleteVertex of the graph runs
  //   while we hold it (each holds it shared until its transaction ends), so a vertex the memo
  //   vouches for stays existing without a lock or a read of its own; only the other endpoints
  //   are locked and read.
  // - Otherwise (a load's first batch, a stale memo, or the guard busy: an open DeleteVertex
  //   transaction or another load), lock every endpoint, as a load without a guard must; the
  //   memo, checked after the locks, still spares the reads. So the guard never makes a batch
  //   wait or fail: it only saves locks when it is free.
  // Locks are taken without a read, in byte order (two writers cannot deadlock on each other);
  // the locked vertices are read by one batched read (a locked key cannot change until we
  // unlock it): a vertex the batch creates stays locked until its record is in, so a concurrent
  // AddVertex either precedes the read or waits. This runs while the helper thread builds the
  // files that do not depend on it (adjacency, edges, degrees); the new vertices and the events
  // wait for it (the gate). The locks are spread over lock transactions of kLockChunk vertices
  // each: RocksDB tracks a transaction's locked keys in one hash map, whose lookups miss the
  // cache once it holds tens of thousands of keys.
  // When `guarded`, locks[0] holds the guard; the vertex lock transactions follow it, each with
  // kLockChunk of locked_vertices in order.
  constexpr size_t kLockChunk = 4096;
  std::vector<std::unique_ptr<internal::TxnImpl>> locks;
  bool guarded = false;
  std::vector<uint32_t> locked_vertices;  // in byte order
  std::vector<uint8_t> exists(nv, 0);
  Gate locked;
  absl::Status lock_status;  // written before locked.Open(), read after Wait()
  auto lock_phase = [&]() -> absl::Status {
    // The previous batch's unlocking ran until now; its vertices may be among ours.
    if (memo != nullptr) memo->WaitUnlock();
    constexpr size_t kChunk = 4096;
    auto memo_current = [&] {
      return memo != nullptr && memo->graph_seq != 0 && engine->options().change_log &&
             engine->change_log().LastSeqOf(g) == memo->graph_seq;
    };
    if (memo_current()) {
      ASSIGN_OR_RETURN(std::unique_ptr<internal::TxnImpl> txn,
                       engine->BeginTxn("graph.load", /*snapshot=*/false));
      // One attempt (it waits up to the lock timeout): busy means lock every endpoint instead.
      absl::Status s = txn->Lock(Cf::kData, LoadGuardKey(g));
      if (s.ok()) {
        guarded = true;
        locks.push_back(std::move(txn));
      } else if (!IsConflict(s)) {
        return s;
      } else {
        (void)txn->Rollback();  // it holds nothing
      }
    }
    // Under the guard: no vertex is deleted until we release it, and any other change of the
    // graph since the memo's batch shows in the change log. Without it, this is checked again
    // after the locks (below).
    const bool trusted = guarded && memo_current();
    for (uint32_t v : by_bytes) {
      if (trusted &&
          memo->vertices.contains(absl::string_view(vnames[v].data(), vnames[v].size()))) {
        exists[v] = 1;
      } else {
        locked_vertices.push_back(v);
      }
    }
    std::string key = VertexKey(g, "");
    const size_t vprefix = key.size();
    for (size_t i = 0; i < locked_vertices.size(); ++i) {
      if (i % kLockChunk == 0) {
        ASSIGN_OR_RETURN(std::unique_ptr<internal::TxnImpl> txn,
                         engine->BeginTxn("graph.load", /*snapshot=*/false));
        locks.push_back(std::move(txn));
      }
      internal::TxnImpl* lock = locks.back().get();
      key.resize(vprefix);
      key.append(vnames[locked_vertices[i]]);
      RETURN_IF_ERROR(Retry([&] { return lock->Lock(Cf::kData, key); }));
    }
    // Which locked vertices to read. Unguarded, every endpoint is locked: those the memo
    // vouches for (checked now, after the locks: a change of one of them since then waits for
    // us) are known to exist.
    std::vector<uint32_t> unguarded_reads;
    const std::vector<uint32_t>* to_read = &locked_vertices;
    if (!guarded) {
      const bool current = memo_current();
      if (memo != nullptr && !current) memo->Forget();
      if (current) {
        for (uint32_t v : locked_vertices) {
          if (memo->vertices.contains(absl::string_view(vnames[v].data(), vnames[v].size()))) {
            exists[v] = 1;
          } else {
            unguarded_reads.push_back(v);
          }
        }
        to_read = &unguarded_reads;
      }
    } else if (!trusted) {
      memo->Forget();
    }
    std::vector<std::string> keys, values;
    std::vector<bool> found;
    const std::vector<uint32_t>& reads = *to_read;
    for (size_t from = 0; from < reads.size(); from += kChunk) {
      const size_t end = std::min(reads.size(), from + kChunk);
      keys.clear();
      for (size_t j = from; j < end; ++j) keys.push_back(VertexKey(g, vnames[reads[j]]));
      RETURN_IF_ERROR(engine->latest().MultiGet(Cf::kData, keys, &values, &found));
      for (size_t j = from; j < end; ++j) exists[reads[j]] = found[j - from] ? 1 : 0;
    }
    return absl::OkStatus();
  };

  int64_t created = 0;
  const std::string empty_vertex = EncodeVertex(VertexRecord());
  auto write_vertices = [&]() -> absl::Status {
    locked.Wait();
    if (!lock_status.ok()) return absl::OkStatus();  // reported by the lock phase
    std::string key = VertexKey(g, "");
    const size_t vprefix = key.size();
    for (uint32_t v : by_bytes) {
      if (exists[v]) continue;
      key.resize(vprefix);
      key.append(vnames[v]);
      RETURN_IF_ERROR(bulk.Put(Cf::kData, 2, key, empty_vertex));
      ++created;
    }
    bulk.FinishPart(Cf::kData, 2);
    return absl::OkStatus();
  };

  // 3c. Events in the order the transactional path records them.
  auto write_events = [&]() -> absl::Status {
    if (!engine->options().change_log) return absl::OkStatus();
    locked.Wait();
    if (!lock_status.ok()) return absl::OkStatus();  // reported by the lock phase
    bulk.ReserveEvents(rs.size() + nv, text_bytes + rs.size() * (96 + graph.name.size()) + nv * 64);
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
    return absl::OkStatus();
  };

  // The six jobs on two threads (this one, after the lock phase, and a helper), each taking the
  // next; those that need the lock phase come last.
  {
    std::array<std::function<absl::Status()>, 5> jobs = {
        [&] { return write_adj(0, 0, split_rank); },
        [&] { return write_adj(1, split_rank, static_cast<uint32_t>(nv)); },
        write_degrees,
        write_events,
        write_vertices,
    };
    std::array<absl::Status, 5> status;
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t j = next++; j < jobs.size(); j = next++) status[j] = jobs[j]();
    };
    helper_rest = worker;
    prepared.Open();
    lock_status = lock_phase();
    locked.Open();
    worker();
    helper.join();
    RETURN_IF_ERROR(lock_status);
    RETURN_IF_ERROR(edges_status);
    for (const absl::Status& s : status) RETURN_IF_ERROR(s);
  }
  RETURN_IF_ERROR(bulk.Commit());

  if (memo != nullptr) {
    // Every endpoint exists now; remember them while the graph changes only by this load.
    if (memo->vertices.size() + nv > kMaxIngestMemoVertices) memo->vertices.clear();
    for (std::string_view v : vnames) memo->vertices.emplace(v);
    memo->graph_seq = bulk.last_seq();
  }

  // 4. A newer version of the load guard and of every locked vertex's record (see
  // graph_ingest.h), then unlock; only needed when a snapshot older than the batch is live. The
  // records are read again (they are locked, so they are what the batch left: new vertices
  // empty); the writes need no lock and no conflict check.
  auto unlock = [](std::vector<std::unique_ptr<internal::TxnImpl>>* txns) {
    for (std::unique_ptr<internal::TxnImpl>& txn : *txns) {
      absl::Status s = txn->Rollback();  // unlocks; it wrote nothing
      (void)s;
    }
  };
  if (!bulk.older_snapshots_live() || locks.empty()) {
    // With a memo, on a thread of its own while the loader reads and prepares the next batch
    // (whose lock phase waits for it, as does IngestMemo's destructor).
    if (memo != nullptr) {
      memo->unlock = std::thread([unlock, txns = std::move(locks)]() mutable { unlock(&txns); });
    } else {
      unlock(&locks);
    }
    return created;
  }
  // The guard's transaction writes the guard (a DeleteVertex with an older snapshot then fails
  // its shared lock as a conflict instead of missing the batch's edges of an existing vertex);
  // each vertex lock transaction writes the markers of the vertices it locked (a write of a key
  // that another transaction holds would wait for its lock). Each commit unlocks.
  std::vector<std::string> keys, values;
  std::vector<bool> found;
  for (size_t c = 0; c < locks.size(); ++c) {
    internal::TxnImpl* lock = locks[c].get();
    absl::Status touched;
    lock->SetIndexing(false);
    if (guarded && c == 0) {
      touched = lock->PutUnlocked(Cf::kData, LoadGuardKey(g), "");
    } else {
      const size_t from = (c - (guarded ? 1 : 0)) * kLockChunk;
      const size_t end = std::min(locked_vertices.size(), from + kLockChunk);
      keys.clear();
      for (size_t i = from; i < end; ++i) keys.push_back(VertexKey(g, vnames[locked_vertices[i]]));
      touched = engine->latest().MultiGet(Cf::kData, keys, &values, &found);
      for (size_t j = 0; j < keys.size() && touched.ok(); ++j) {
        if (found[j]) touched = lock->PutUnlocked(Cf::kData, keys[j], values[j]);
      }
    }
    lock->SetIndexing(true);
    if (touched.ok()) touched = lock->Commit();
    if (!touched.ok()) {
      // The batch is committed; only conflict markers are missing: a transaction with a
      // snapshot older than the batch may now miss its edges of those vertices (or, without
      // the guard's marker, of any vertex it left unlocked). Say so in the log, and trust no
      // memo for the next batch, which then locks and reads every endpoint.
      absl::Status s = lock->Rollback();  // unlocks, if the commit did not
      (void)s;
      if (memo != nullptr) {
        memo->Forget();
      }
      engine->logger().Log(
          LogLevel::kWarn, {engine->path(), graph.name, lock->id()}, "graph.load_markers_failed",
          {{"error", util::ToStd(touched.message())},
           {"exposed", guarded && c == 0 ? "every endpoint the batch did not lock"
                                         : "the vertices of this lock transaction"}});
    }
  }
  return created;
}

}  // namespace tessera::graph
