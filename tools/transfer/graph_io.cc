// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Graph records, vertices (in id order) then edges (in edge-id order):
//   {"vertex": ID, "label": L, "props": {...}}
//   {"edge": EID, "src": S, "dst": D, "type": T, "weight": W, "props": {...}}
// When an id, label or type is not valid UTF-8, the record's ids, label and type are base64 and
// it has "encoding": "base64" (props are JSON, always text).
// Definition: {"next_edge_id": N}, the id the graph's allocator hands out next.
// A restore keeps edge ids (and sets the allocator to N); an import allocates new ids and ignores
// "edge". An edge whose endpoint does not exist creates it (no label, no properties), as
// `graph load` does.
#include <cmath>
#include <unordered_set>

#include "core/codec/coding.h"
#include "core/engine/engine.h"
#include "core/engine/read_source.h"
#include "core/engine/txn_impl.h"
#include "core/util/strings.h"
#include "models/graph/graph_codec.h"
#include "models/graph/graph_reader.h"
#include "models/graph/graph_writer.h"
#include "rocksdb/iterator.h"
#include "tessera/graph.h"
#include "tessera/status.h"
#include "tools/transfer/model_io.h"

namespace tessera::transfer::io {
namespace {

using internal::Cf;

absl::StatusOr<uint64_t> NextEdgeId(internal::ReadSource& src, uint64_t g) {
  std::string raw;
  bool found = false;
  RETURN_IF_ERROR(src.Get(Cf::kData, graph::NextEdgeIdKey(g), &raw, &found));
  if (!found) return uint64_t{1};
  if (raw.size() != 8) return absl::DataLossError("graph: malformed edge id allocator");
  return codec::DecodeFixed64BE(raw.data());
}

absl::StatusOr<Json> GraphDefinition(DB*, const ObjectInfo& info, const Snapshot& snap) {
  ASSIGN_OR_RETURN(uint64_t next, NextEdgeId(snap.source(), info.id));
  return Json{{"next_edge_id", next}};
}

Json ParseProps(std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : Json::object();
}

absl::Status GraphForEach(DB*, const ObjectInfo& info, const Snapshot& snap, const RecordFn& fn) {
  graph::GraphReader reader(&snap.source(), info.id, info.name);
  absl::Status inner;
  RETURN_IF_ERROR(reader.ForEachVertex([&](std::string_view id, const graph::VertexRecord& v) {
    if (!inner.ok()) return;
    const bool b64 = !IsValidUtf8(id) || !IsValidUtf8(v.label);
    Json rec = Json::object();
    SetBytesField(&rec, "vertex", id, b64);
    SetBytesField(&rec, "label", v.label, b64);
    rec["props"] = ParseProps(v.props);
    if (b64) rec["encoding"] = "base64";
    inner = fn(std::move(rec));
  }));
  RETURN_IF_ERROR(inner);
  std::string lower = graph::EdgeKey(info.id, 0);
  std::string upper = graph::GraphPrefix(info.id);
  upper.push_back('E' + 1);
  auto it = snap.source().NewIterator(Cf::kData, lower, upper);
  for (it->get()->SeekToFirst(); it->get()->Valid(); it->get()->Next()) {
    rocksdb::Slice k = it->get()->key();
    rocksdb::Slice v = it->get()->value();
    if (k.size() != 17) return absl::DataLossError("graph: malformed edge key");
    uint64_t eid = codec::DecodeFixed64BE(k.data() + 9);
    std::optional<Edge> e = graph::DecodeEdge(std::string_view(v.data(), v.size()), eid);
    if (!e) return absl::DataLossError(util::StrCat("graph ", info.name, ": malformed edge ", eid));
    const bool b64 = !IsValidUtf8(e->src) || !IsValidUtf8(e->dst) || !IsValidUtf8(e->type);
    Json rec = {{"edge", eid}};
    SetBytesField(&rec, "src", e->src, b64);
    SetBytesField(&rec, "dst", e->dst, b64);
    SetBytesField(&rec, "type", e->type, b64);
    rec["weight"] = e->weight;
    rec["props"] = ParseProps(e->props);
    if (b64) rec["encoding"] = "base64";
    RETURN_IF_ERROR(fn(std::move(rec)));
  }
  rocksdb::Status s = it->get()->status();
  if (!s.ok()) return absl::InternalError(util::StrCat("graph ", info.name, ": ", s.ToString()));
  return absl::OkStatus();
}

// One parsed record.
struct GraphOp {
  bool is_vertex = true;
  std::string id;  // vertex id
  graph::VertexRecord vertex;
  Edge edge;  // edge.id 0: allocate
};

absl::StatusOr<GraphOp> ParseOp(const Json& rec, bool keep_ids) {
  if (!rec.is_object()) return absl::InvalidArgumentError("not a JSON object");
  GraphOp op;
  auto str = [&](const char* key, bool required) -> absl::StatusOr<std::string> {
    auto it = rec.find(key);
    if (it == rec.end() || it->is_null()) {
      if (required) return absl::InvalidArgumentError(util::StrCat("missing \"", key, "\""));
      return std::string();
    }
    if (!it->is_string()) {
      return absl::InvalidArgumentError(util::StrCat("\"", key, "\" must be a string"));
    }
    return BytesField(rec, key);
  };
  auto props = [&]() -> absl::StatusOr<std::string> {
    auto it = rec.find("props");
    if (it == rec.end() || it->is_null()) return std::string("{}");
    if (!it->is_object()) return absl::InvalidArgumentError("\"props\" must be a JSON object");
    return it->dump();
  };
  if (rec.contains("vertex")) {
    ASSIGN_OR_RETURN(op.id, str("vertex", true));
    RETURN_IF_ERROR(graph::ValidateVertexId(op.id));
    ASSIGN_OR_RETURN(op.vertex.label, str("label", false));
    ASSIGN_OR_RETURN(op.vertex.props, props());
    return op;
  }
  op.is_vertex = false;
  ASSIGN_OR_RETURN(op.edge.src, str("src", true));
  ASSIGN_OR_RETURN(op.edge.dst, str("dst", true));
  ASSIGN_OR_RETURN(op.edge.type, str("type", false));
  if (op.edge.type.empty()) op.edge.type = "edge";
  RETURN_IF_ERROR(graph::ValidateVertexId(op.edge.src));
  RETURN_IF_ERROR(graph::ValidateVertexId(op.edge.dst));
  RETURN_IF_ERROR(graph::ValidateEdgeType(op.edge.type));
  if (auto w = rec.find("weight"); w != rec.end() && !w->is_null()) {
    if (!w->is_number() || !std::isfinite(w->get<double>())) {
      return absl::InvalidArgumentError("\"weight\" must be a finite number");
    }
    op.edge.weight = w->get<double>();
  }
  ASSIGN_OR_RETURN(op.edge.props, props());
  if (keep_ids) {
    auto e = rec.find("edge");
    if (e == rec.end() || !e->is_number_unsigned() || e->get<uint64_t>() == 0) {
      return absl::InvalidArgumentError("an edge of a dump needs its id in \"edge\" (>= 1)");
    }
    op.edge.id = e->get<uint64_t>();
  }
  return op;
}

class GraphSink final : public RecordSink {
 public:
  GraphSink(DB* db, ObjectInfo graph, const SinkOptions& o)
      : db_(db), graph_(std::move(graph)), options_(o) {}

  absl::Status Add(Json rec, size_t line) override {
    absl::StatusOr<GraphOp> op = ParseOp(rec, options_.restore);
    if (!op.ok()) {
      return absl::Status(op.status().code(),
                          util::StrCat("line ", line, ": ", op.status().message()));
    }
    if (ops_.empty()) first_line_ = line;
    last_line_ = line;
    ops_.push_back(std::move(*op));
    if (ops_.size() >= options_.batch_records) return Flush();
    return absl::OkStatus();
  }

  absl::Status Flush() override {
    if (ops_.empty()) return absl::OkStatus();
    absl::Status s = db_->engine().RunInTxn(
        "transfer.graph", /*snapshot=*/false, RetryOptions(), [&](internal::TxnImpl& txn) {
          graph::GraphWriter w(&txn, graph_);
          std::unordered_set<std::string> known;
          auto ensure = [&](const std::string& v) -> absl::Status {
            if (known.count(v) != 0) return absl::OkStatus();
            ASSIGN_OR_RETURN(auto rec, w.LockVertex(v));
            if (!rec) RETURN_IF_ERROR(w.PutVertex(v, graph::VertexRecord()).status());
            known.insert(v);
            return absl::OkStatus();
          };
          uint64_t need_ids = 0;
          for (const GraphOp& op : ops_) need_ids += (!op.is_vertex && op.edge.id == 0) ? 1 : 0;
          uint64_t next = 0;
          if (need_ids > 0) {
            ASSIGN_OR_RETURN(next, w.AllocateEdgeIds(need_ids));
          }
          for (const GraphOp& op : ops_) {
            if (op.is_vertex) {
              RETURN_IF_ERROR(w.PutVertex(op.id, op.vertex).status());
              known.insert(op.id);
              continue;
            }
            RETURN_IF_ERROR(ensure(op.edge.src));
            RETURN_IF_ERROR(ensure(op.edge.dst));
            Edge e = op.edge;
            if (e.id == 0) e.id = next++;
            max_edge_id_ = std::max(max_edge_id_, e.id);
            RETURN_IF_ERROR(w.WriteEdge(e));
          }
          return absl::OkStatus();
        });
    if (!s.ok()) {
      return absl::Status(s.code(), util::StrCat("the batch of lines ", first_line_, "..",
                                                 last_line_, " was not written (", written_,
                                                 " records before it were): ", s.message()));
    }
    written_ += ops_.size();
    ops_.clear();
    return absl::OkStatus();
  }

 private:
  DB* db_;
  ObjectInfo graph_;
  SinkOptions options_;
  std::vector<GraphOp> ops_;
  uint64_t max_edge_id_ = 0;
  size_t first_line_ = 0;
  size_t last_line_ = 0;
};

absl::Status GraphFinish(DB* db, std::string_view name, const Json& def) {
  // Sets the edge-id allocator to what it was when dumped, so that new edges get the ids they
  // would have had (never one of a restored edge).
  uint64_t target = def.value("next_edge_id", uint64_t{1});
  ASSIGN_OR_RETURN(ObjectInfo info, db->engine().catalog().GetOrCreate(Model::kGraph, name));
  return db->engine().RunInTxn("transfer.graph", /*snapshot=*/false, RetryOptions(),
                               [&](internal::TxnImpl& txn) {
                                 graph::GraphWriter w(&txn, info);
                                 ASSIGN_OR_RETURN(uint64_t next, w.AllocateEdgeIds(0));
                                 if (target > next)
                                   RETURN_IF_ERROR(w.AllocateEdgeIds(target - next).status());
                                 return absl::OkStatus();
                               });
}

}  // namespace

const ModelIo& GraphIo() {
  static const ModelIo io{
      .definition = GraphDefinition,
      .for_each = GraphForEach,
      .define = [](DB* db, std::string_view name, const Json&) -> absl::Status {
        return db->engine().catalog().GetOrCreate(Model::kGraph, name).status();
      },
      .finish = GraphFinish,
      .sink = [](DB* db, std::string_view name,
                 const SinkOptions& o) -> absl::StatusOr<std::unique_ptr<RecordSink>> {
        ASSIGN_OR_RETURN(ObjectInfo info, db->engine().catalog().GetOrCreate(Model::kGraph, name));
        return std::unique_ptr<RecordSink>(new GraphSink(db, std::move(info), o));
      },
  };
  return io;
}

std::vector<std::string> GraphEdgeCsvHeader() { return {"src", "dst", "type", "weight", "props"}; }
std::vector<std::string> GraphVertexCsvHeader() { return {"id", "label", "props"}; }

std::vector<std::string> GraphRecordToCsv(const Json& rec) {
  // The records come from GraphForEach, so their fields are present and decode.
  auto bytes = [&](const char* key) { return BytesField(rec, key).value_or(std::string()); };
  if (rec.contains("vertex")) return {bytes("vertex"), bytes("label"), rec["props"].dump()};
  char weight[40];
  std::snprintf(weight, sizeof(weight), "%.17g", rec["weight"].get<double>());
  return {bytes("src"), bytes("dst"), bytes("type"), weight, rec["props"].dump()};
}

namespace {
absl::StatusOr<Json> PropsField(const std::string& text) {
  if (text.empty()) return Json::object();
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(util::StrCat("props '", text, "' is not a JSON object"));
  }
  return j;
}
}  // namespace

absl::StatusOr<Json> GraphEdgeCsvToRecord(const std::vector<std::string>& f) {
  if (f.size() < 2 || f.size() > 5) {
    return absl::InvalidArgumentError(
        util::StrCat("expected 2 to 5 fields (src,dst[,type][,weight][,props]), found ", f.size()));
  }
  Json rec = {{"src", f[0]}, {"dst", f[1]}};
  if (f.size() > 2) rec["type"] = f[2];
  if (f.size() > 3 && !f[3].empty()) {
    char* end = nullptr;
    double w = std::strtod(f[3].c_str(), &end);
    if (end != f[3].c_str() + f[3].size() || !std::isfinite(w)) {
      return absl::InvalidArgumentError(util::StrCat("weight '", f[3], "' is not a finite number"));
    }
    rec["weight"] = w;
  }
  if (f.size() > 4) {
    ASSIGN_OR_RETURN(rec["props"], PropsField(f[4]));
  }
  return rec;
}

absl::StatusOr<Json> GraphVertexCsvToRecord(const std::vector<std::string>& f) {
  if (f.empty() || f.size() > 3) {
    return absl::InvalidArgumentError(
        util::StrCat("expected 1 to 3 fields (id[,label][,props]), found ", f.size()));
  }
  Json rec = {{"vertex", f[0]}, {"label", f.size() > 1 ? f[1] : std::string()}};
  if (f.size() > 2) {
    ASSIGN_OR_RETURN(rec["props"], PropsField(f[2]));
  }
  return rec;
}

}  // namespace tessera::transfer::io
