// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Graph writes inside one transaction (see graph_writer.h).
#include "models/graph/graph_writer.h"

#include <set>
#include <vector>

#include "core/codec/value_envelope.h"
#include "core/util/strings.h"
#include "nlohmann/json.hpp"
#include "tessera/status.h"

namespace tessera::graph {

using internal::Cf;
using Json = nlohmann::ordered_json;

absl::Status ValidateVertexId(std::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError("graph vertex id is empty");
  if (id.size() > kMaxVertexIdBytes) {
    return absl::InvalidArgumentError(
        util::StrCat("graph vertex id is ", id.size(), " bytes; the limit is ", kMaxVertexIdBytes));
  }
  return absl::OkStatus();
}

absl::Status ValidateEdgeType(std::string_view type) {
  if (type.empty()) return absl::InvalidArgumentError("graph edge type is empty");
  if (type.size() > kMaxEdgeTypeBytes) {
    return absl::InvalidArgumentError(util::StrCat("graph edge type is ", type.size(),
                                                   " bytes; the limit is ", kMaxEdgeTypeBytes));
  }
  return absl::OkStatus();
}

namespace {

std::string VertexImage(const VertexRecord& r) {
  try {
    Json j = Json::object();
    j["label"] = r.label;
    j["props"] = Json::parse(r.props, nullptr, false);
    if (j["props"].is_discarded()) j["props"] = Json::object();
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
  } catch (const std::exception&) {
    return "{}";
  }
}

std::string EdgeImage(const Edge& e) {
  try {
    Json j = Json::object();
    j["src"] = e.src;
    j["dst"] = e.dst;
    j["type"] = e.type;
    j["weight"] = e.weight;
    j["props"] = Json::parse(e.props, nullptr, false);
    if (j["props"].is_discarded()) j["props"] = Json::object();
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
  } catch (const std::exception&) {
    return "{}";
  }
}

}  // namespace

absl::StatusOr<std::optional<VertexRecord>> GraphWriter::LockVertex(std::string_view id) {
  std::string raw;
  bool found = false;
  RETURN_IF_ERROR(txn_->GetForUpdate(Cf::kData, VertexKey(graph_.id, id), &raw, &found));
  if (!found) return std::optional<VertexRecord>();
  auto rec = DecodeVertex(raw);
  if (!rec) {
    return absl::DataLossError(util::StrCat("graph ", graph_.name, ": malformed vertex record"));
  }
  return rec;
}

absl::StatusOr<bool> GraphWriter::PutVertex(std::string_view id, const VertexRecord& rec) {
  ASSIGN_OR_RETURN(std::optional<VertexRecord> before, LockVertex(id));
  RETURN_IF_ERROR(txn_->Put(Cf::kData, VertexKey(graph_.id, id), EncodeVertex(rec)));
  RETURN_IF_ERROR(VertexEvent(id, before, rec));
  return !before.has_value();
}

absl::StatusOr<uint64_t> GraphWriter::AllocateEdgeIds(uint64_t n) {
  std::string key = NextEdgeIdKey(graph_.id);
  std::string raw;
  bool found = false;
  RETURN_IF_ERROR(txn_->GetForUpdate(Cf::kData, key, &raw, &found));
  uint64_t next = 1;
  if (found) {
    if (raw.size() != 8) return absl::DataLossError("graph: malformed edge id allocator");
    next = codec::DecodeFixed64BE(raw.data());
  }
  std::string v;
  codec::PutFixed64BE(&v, next + n);
  RETURN_IF_ERROR(txn_->Put(Cf::kData, key, v));
  return next;
}

absl::Status GraphWriter::AddDegree(std::string_view vid, Direction dir, int64_t delta) {
  return txn_->Merge(Cf::kData, DegreeKey(graph_.id, vid, dir), codec::EncodeCounterAdd(delta, 0));
}

absl::Status GraphWriter::WriteEdge(const Edge& e, bool count_degrees) {
  const uint64_t g = graph_.id;
  // Fresh keys under an id only this transaction holds: no lock to take. A concurrent
  // RemoveVertex of an endpoint still conflicts, on the vertex lock and the degree counters.
  RETURN_IF_ERROR(txn_->PutUnlocked(Cf::kData, EdgeKey(g, e.id), EncodeEdge(e)));
  std::string w = EncodeWeight(e.weight);
  RETURN_IF_ERROR(
      txn_->PutUnlocked(Cf::kAdj, AdjKey(g, e.src, Direction::kOut, e.type, e.dst, e.id), w));
  RETURN_IF_ERROR(
      txn_->PutUnlocked(Cf::kAdj, AdjKey(g, e.dst, Direction::kIn, e.type, e.src, e.id), w));
  if (count_degrees) {
    RETURN_IF_ERROR(AddDegree(e.src, Direction::kOut, 1));
    RETURN_IF_ERROR(AddDegree(e.dst, Direction::kIn, 1));
  }
  return EdgeEvent(e, /*created=*/true);
}

absl::StatusOr<bool> GraphWriter::RemoveEdge(uint64_t eid, std::string_view skip_degree_of) {
  const uint64_t g = graph_.id;
  std::string key = EdgeKey(g, eid);
  std::string raw;
  bool found = false;
  RETURN_IF_ERROR(txn_->GetForUpdate(Cf::kData, key, &raw, &found));
  if (!found) return false;
  std::optional<Edge> e = DecodeEdge(raw, eid);
  if (!e) return absl::DataLossError(util::StrCat("graph ", graph_.name, ": malformed edge ", eid));
  RETURN_IF_ERROR(txn_->Delete(Cf::kData, key));
  RETURN_IF_ERROR(txn_->Delete(Cf::kAdj, AdjKey(g, e->src, Direction::kOut, e->type, e->dst, eid)));
  RETURN_IF_ERROR(txn_->Delete(Cf::kAdj, AdjKey(g, e->dst, Direction::kIn, e->type, e->src, eid)));
  if (e->src != skip_degree_of) RETURN_IF_ERROR(AddDegree(e->src, Direction::kOut, -1));
  if (e->dst != skip_degree_of) RETURN_IF_ERROR(AddDegree(e->dst, Direction::kIn, -1));
  RETURN_IF_ERROR(EdgeEvent(*e, /*created=*/false));
  return true;
}

absl::StatusOr<VertexDeletion> GraphWriter::RemoveVertex(std::string_view id) {
  VertexDeletion out;
  // Shared with other deletes, exclusive with a bulk-loaded batch, which adds edges to existing
  // vertices without locking them (graph_ingest.h); held until this transaction ends. A batch
  // holds it for tens to hundreds of milliseconds, so this waits up to kLoadGuardWaitMs rather
  // than the short lock timeout. With a snapshot, the lock also fails (a conflict: retry) if a
  // batch wrote its marker since.
  RETURN_IF_ERROR(
      txn_->LockWaiting(Cf::kData, LoadGuardKey(graph_.id), /*exclusive=*/false, kLoadGuardWaitMs));
  ASSIGN_OR_RETURN(std::optional<VertexRecord> before, LockVertex(id));
  if (!before) return out;
  // The vertex is locked, so no edge can be added to it concurrently: its adjacency as read now
  // (latest committed data plus this transaction's writes) is complete.
  std::set<uint64_t> edges;
  std::string p = AdjVertexPrefix(graph_.id, id);
  {
    auto it = txn_->NewIterator(Cf::kAdj, p, codec::PrefixSuccessor(p));
    AdjEntry e;
    for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
      rocksdb::Slice k = (*it)->key();
      if (!DecodeAdjKey(std::string_view(k.data(), k.size()), &e)) {
        return absl::DataLossError(util::StrCat("graph ", graph_.name, ": malformed adjacency"));
      }
      edges.insert(e.edge_id);
    }
    if (!(*it)->status().ok()) {
      return absl::InternalError(util::StrCat(
          "graph ", graph_.name, ": adjacency scan failed: ", (*it)->status().ToString()));
    }
  }
  for (uint64_t eid : edges) {
    ASSIGN_OR_RETURN(bool removed, RemoveEdge(eid, id));
    if (removed) ++out.edges_deleted;
  }
  RETURN_IF_ERROR(txn_->Delete(Cf::kData, VertexKey(graph_.id, id)));
  RETURN_IF_ERROR(txn_->Delete(Cf::kData, DegreeKey(graph_.id, id, Direction::kOut)));
  RETURN_IF_ERROR(txn_->Delete(Cf::kData, DegreeKey(graph_.id, id, Direction::kIn)));
  RETURN_IF_ERROR(VertexEvent(id, before, std::nullopt));
  out.deleted = true;
  return out;
}

absl::Status GraphWriter::VertexEvent(std::string_view id,
                                      const std::optional<VertexRecord>& before,
                                      const std::optional<VertexRecord>& after) {
  ChangeEvent e;
  e.model = Model::kGraph;
  e.object_id = graph_.id;
  e.object = graph_.name;
  e.key = util::StrCat("v:", id);
  e.image_format = ImageFormat::kJson;
  e.op = !after ? ChangeOp::kDelete : (before ? ChangeOp::kUpdate : ChangeOp::kCreate);
  if (before) e.before = VertexImage(*before);
  if (after) e.after = VertexImage(*after);
  return txn_->AddEvent(std::move(e));
}

absl::Status GraphWriter::EdgeEvent(const Edge& edge, bool created) {
  ChangeEvent e;
  e.model = Model::kGraph;
  e.object_id = graph_.id;
  e.object = graph_.name;
  e.key = util::StrCat("e:", edge.id);
  e.image_format = ImageFormat::kJson;
  e.op = created ? ChangeOp::kCreate : ChangeOp::kDelete;
  (created ? e.after : e.before) = EdgeImage(edge);
  return txn_->AddEvent(std::move(e));
}

}  // namespace tessera::graph
