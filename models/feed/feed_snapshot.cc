// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/feed/feed_snapshot.h"

#include <cstring>

#include "core/codec/coding.h"
#include "core/engine/read_source.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/graph/graph_codec.h"
#include "models/ts/measurement_options.h"
#include "models/ts/series_index.h"
#include "models/ts/series_reader.h"
#include "models/ts/ts_keys.h"
#include "nlohmann/json.hpp"
#include "tessera/doc.h"
#include "tessera/kv.h"
#include "tessera/status.h"
#include "tessera/wide.h"

namespace tessera::feed {
namespace {

using OJson = nlohmann::ordered_json;

// The JSON text form the models write (doc_codec.cc JsonText, wide_reader.cc CellsJson).
std::string Text(const OJson& v) { return v.dump(-1, ' ', false, OJson::error_handler_t::replace); }

ChangeEvent Base(const ObjectInfo& info) {
  ChangeEvent e;
  e.model = info.model;
  e.object_id = info.id;
  e.object = info.name;
  e.op = ChangeOp::kSnapshot;
  return e;
}

absl::Status KvEvents(DB* db, const Snapshot& snap, const ObjectInfo& info,
                      absl::FunctionRef<absl::Status(ChangeEvent)> emit) {
  ASSIGN_OR_RETURN(std::unique_ptr<KvStore> kv, KvStore::Open(db));
  ASSIGN_OR_RETURN(std::unique_ptr<Cursor<KvEntry>> c, kv->Scan(snap, info.name, {}));
  for (; c->Valid(); c->Next()) {
    ChangeEvent e = Base(info);
    e.key = std::string(c->entry().key);
    e.after = std::string(c->entry().value);
    RETURN_IF_ERROR(emit(std::move(e)));
  }
  return c->status();
}

absl::Status DocEvents(DB* db, const Snapshot& snap, const ObjectInfo& info,
                       absl::FunctionRef<absl::Status(ChangeEvent)> emit) {
  ASSIGN_OR_RETURN(std::unique_ptr<DocStore> docs, DocStore::Open(db));
  ASSIGN_OR_RETURN(std::unique_ptr<Cursor<Document>> c,
                   docs->Find(snap, info.name, Document::object(), {}));
  for (; c->Valid(); c->Next()) {
    ChangeEvent e = Base(info);
    e.key_format = ImageFormat::kJson;
    e.image_format = ImageFormat::kJson;
    const Document& d = c->entry();
    e.key = Text(d.contains("_id") ? d["_id"] : OJson(nullptr));
    e.after = Text(d);
    RETURN_IF_ERROR(emit(std::move(e)));
  }
  return c->status();
}

absl::Status WideEvents(DB* db, const Snapshot& snap, const ObjectInfo& info,
                        absl::FunctionRef<absl::Status(ChangeEvent)> emit) {
  ASSIGN_OR_RETURN(std::unique_ptr<WideStore> wide, WideStore::Open(db));
  ASSIGN_OR_RETURN(std::unique_ptr<Cursor<WideRow>> c, wide->Scan(snap, info.name, {}));
  for (; c->Valid(); c->Next()) {
    ChangeEvent e = Base(info);
    e.key = c->entry().key;
    e.image_format = ImageFormat::kJson;
    OJson cells = OJson::object();
    for (const WideCell& cell : c->entry().cells) {
      cells[cell.family + ":" + cell.qualifier].push_back(
          {{"ts", cell.timestamp}, {"value", cell.value}});
    }
    e.after = Text(cells);
    RETURN_IF_ERROR(emit(std::move(e)));
  }
  return c->status();
}

// Props JSON text as a value ({} when unparsable), as graph_writer.cc renders them.
OJson Props(const std::string& text) {
  OJson p = OJson::parse(text, nullptr, false);
  return p.is_discarded() ? OJson::object() : p;
}

// Vertices ("v:ID", {"label", "props"}) then edges ("e:ID", {"src", "dst", "type", "weight",
// "props"}), the images graph_writer.cc records, read from the snapshot's storage.
absl::Status GraphEvents(const Snapshot& snap, const ObjectInfo& info,
                         absl::FunctionRef<absl::Status(ChangeEvent)> emit) {
  internal::ReadSource& src = snap.source();
  const std::string vprefix = graph::VertexPrefix(info.id);
  auto vit = src.NewIterator(internal::Cf::kData, vprefix, codec::PrefixSuccessor(vprefix));
  for ((*vit)->SeekToFirst(); (*vit)->Valid(); (*vit)->Next()) {
    rocksdb::Slice k = (*vit)->key(), v = (*vit)->value();
    std::optional<graph::VertexRecord> r =
        graph::DecodeVertex(std::string_view(v.data(), v.size()));
    if (!r) return absl::DataLossError(util::StrCat("graph ", info.name, ": malformed vertex"));
    ChangeEvent e = Base(info);
    e.key =
        util::StrCat("v:", std::string_view(k.data() + vprefix.size(), k.size() - vprefix.size()));
    e.image_format = ImageFormat::kJson;
    OJson j = OJson::object();
    j["label"] = r->label;
    j["props"] = Props(r->props);
    e.after = Text(j);
    RETURN_IF_ERROR(emit(std::move(e)));
  }
  RETURN_IF_ERROR(internal::FromRocks((*vit)->status(), "graph snapshot"));
  std::string eprefix = graph::GraphPrefix(info.id);
  eprefix.push_back('E');
  auto eit = src.NewIterator(internal::Cf::kData, eprefix, codec::PrefixSuccessor(eprefix));
  for ((*eit)->SeekToFirst(); (*eit)->Valid(); (*eit)->Next()) {
    rocksdb::Slice k = (*eit)->key(), v = (*eit)->value();
    if (k.size() != eprefix.size() + 8) {
      return absl::DataLossError(util::StrCat("graph ", info.name, ": malformed edge key"));
    }
    const uint64_t id = codec::DecodeFixed64BE(k.data() + eprefix.size());
    std::optional<Edge> edge = graph::DecodeEdge(std::string_view(v.data(), v.size()), id);
    if (!edge) return absl::DataLossError(util::StrCat("graph ", info.name, ": malformed edge"));
    ChangeEvent e = Base(info);
    e.key = util::StrCat("e:", id);
    e.image_format = ImageFormat::kJson;
    OJson j = OJson::object();
    j["src"] = edge->src;
    j["dst"] = edge->dst;
    j["type"] = edge->type;
    j["weight"] = edge->weight;
    j["props"] = Props(edge->props);
    e.after = Text(j);
    RETURN_IF_ERROR(emit(std::move(e)));
  }
  return internal::FromRocks((*eit)->status(), "graph snapshot");
}

// A point's value as JSON, by the series' type.
OJson TsValue(ts::ValueType type, uint64_t bits) {
  switch (type) {
    case ts::ValueType::kInt:
      return static_cast<int64_t>(bits);
    case ts::ValueType::kBool:
      return bits != 0;
    case ts::ValueType::kFloat:
      break;
  }
  double d;
  static_assert(sizeof(d) == sizeof(bits));
  std::memcpy(&d, &bits, sizeof(d));
  return d;  // NaN and infinities render as null
}

// One event per series and 2-hour window holding points ("FIELD,TAG=V,...@WINDOW_START",
// {"field", "tags", "from", "to", "points": [[ns, value], ...]}), read at the snapshot; points
// older than the measurement's retention are not visible, so not delivered.
absl::Status TsEvents(DB* db, const Snapshot& snap, const ObjectInfo& info,
                      absl::FunctionRef<absl::Status(ChangeEvent)> emit) {
  ASSIGN_OR_RETURN(ts::MeasurementOptions opts, ts::DecodeMeasurementOptions(info.options));
  int64_t lo = INT64_MIN;
  if (opts.retention_ns > 0) lo = internal::Engine::NowMicros() * 1000 - opts.retention_ns;
  internal::ReadSource& src = snap.source();
  ts::SeriesIndex index(&db->engine());
  ASSIGN_OR_RETURN(std::vector<ts::SeriesRecord> series,
                   index.Select(src, info.id, std::nullopt, {}));
  for (const ts::SeriesRecord& rec : series) {
    ASSIGN_OR_RETURN(std::vector<ts::RawPoint> points,
                     ts::ReadSeries(src, info.id, rec.sid, lo, INT64_MAX));
    std::string series_key = rec.field;
    OJson tags = OJson::object();
    for (const auto& [k, v] : rec.tags) {
      series_key += util::StrCat(",", k, "=", v);
      tags[k] = v;
    }
    size_t i = 0;
    while (i < points.size()) {
      const int64_t window = ts::FloorTo(points[i].ts, ts::kWindowNs);
      OJson pts = OJson::array();
      const int64_t from = points[i].ts;
      int64_t to = from;
      for (; i < points.size() && ts::FloorTo(points[i].ts, ts::kWindowNs) == window; ++i) {
        pts.push_back(OJson::array({points[i].ts, TsValue(rec.type, points[i].bits)}));
        to = points[i].ts;
      }
      ChangeEvent e = Base(info);
      e.key = util::StrCat(series_key, "@", window);
      e.image_format = ImageFormat::kJson;
      OJson j = OJson::object();
      j["field"] = rec.field;
      j["tags"] = tags;
      j["from"] = from;
      j["to"] = to;
      j["points"] = std::move(pts);
      e.after = Text(j);
      RETURN_IF_ERROR(emit(std::move(e)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadSnapshotEvents(DB* db, const Snapshot& snapshot, const ObjectInfo& info,
                                absl::FunctionRef<absl::Status(ChangeEvent)> emit) {
  try {
    switch (info.model) {
      case Model::kKeyValue:
        return KvEvents(db, snapshot, info, emit);
      case Model::kDocument:
        return DocEvents(db, snapshot, info, emit);
      case Model::kWideColumn:
        return WideEvents(db, snapshot, info, emit);
      case Model::kGraph:
        return GraphEvents(snapshot, info, emit);
      case Model::kTimeSeries:
        return TsEvents(db, snapshot, info, emit);
    }
  } catch (const std::exception& ex) {  // nlohmann_json throws; never across the API
    return absl::InternalError(util::StrCat("snapshot of ", info.name, ": ", ex.what()));
  }
  return absl::InvalidArgumentError(util::StrCat("snapshot of ", info.name, ": unknown model"));
}

}  // namespace tessera::feed
