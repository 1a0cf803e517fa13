// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "tests/transfer/db_compare.h"

#include <map>
#include <set>

#include "core/util/strings.h"
#include "nlohmann/json.hpp"
#include "tessera/doc.h"
#include "tessera/graph.h"
#include "tessera/kv.h"
#include "tessera/status.h"
#include "tessera/ts.h"
#include "tessera/wide.h"

namespace tessera::test {
namespace {

using Json = nlohmann::ordered_json;

// One model object rendered as a list of comparable lines.
using Lines = std::vector<std::string>;

std::string Bytes(std::string_view s) {
  // Escaped so that binary data compares and prints.
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

std::string TsValueText(const TsValue& v) {
  if (const double* d = std::get_if<double>(&v)) {
    char buf[40];
    std::snprintf(buf, sizeof(buf), "f%.17g", *d);
    return buf;
  }
  if (const int64_t* i = std::get_if<int64_t>(&v)) return util::StrCat("i", *i);
  return std::get<bool>(v) ? "btrue" : "bfalse";
}

absl::StatusOr<Lines> Render(DB* db, const ObjectInfo& info) {
  Lines out;
  switch (info.model) {
    case Model::kKeyValue: {
      ASSIGN_OR_RETURN(auto kv, KvStore::Open(db));
      ASSIGN_OR_RETURN(auto c, kv->Scan(info.name, {}));
      for (; c->Valid(); c->Next()) {
        out.push_back(util::StrCat(Bytes(c->entry().key), " = ", Bytes(c->entry().value)));
      }
      RETURN_IF_ERROR(c->status());
      break;
    }
    case Model::kDocument: {
      ASSIGN_OR_RETURN(auto docs, DocStore::Open(db));
      ASSIGN_OR_RETURN(auto indexes, docs->ListIndexes(info.name));
      for (const DocIndexInfo& ix : indexes) {
        out.push_back(util::StrCat("index ", ix.name, " ", ix.keys.dump(), " unique=", ix.unique,
                                   " sparse=", ix.sparse, " partial=", ix.partial.dump(),
                                   " multikey=", ix.multikey));
      }
      ASSIGN_OR_RETURN(auto c, docs->Find(info.name, Document::object(), {}));
      for (; c->Valid(); c->Next()) out.push_back(c->entry().dump());
      RETURN_IF_ERROR(c->status());
      break;
    }
    case Model::kWideColumn: {
      ASSIGN_OR_RETURN(auto wide, WideStore::Open(db));
      ASSIGN_OR_RETURN(auto families, wide->ListFamilies(info.name));
      for (const WideFamily& f : families) {
        out.push_back(util::StrCat("family ", f.name, " max_versions=", f.options.max_versions,
                                   " ttl=", f.options.ttl_seconds,
                                   " min_versions=", f.options.min_versions));
      }
      WideScanOptions o;
      o.max_versions = 0;
      ASSIGN_OR_RETURN(auto c, wide->Scan(info.name, o));
      for (; c->Valid(); c->Next()) {
        for (const WideCell& cell : c->entry().cells) {
          out.push_back(util::StrCat(Bytes(c->entry().key), " ", cell.family, ":",
                                     Bytes(cell.qualifier), "@", cell.timestamp, " = ",
                                     Bytes(cell.value)));
        }
      }
      RETURN_IF_ERROR(c->status());
      break;
    }
    case Model::kGraph: {
      ASSIGN_OR_RETURN(auto g, GraphStore::Open(db));
      ASSIGN_OR_RETURN(std::vector<std::string> ids, g->VertexIds(info.name));
      for (const std::string& id : ids) {
        ASSIGN_OR_RETURN(std::optional<Vertex> v, g->GetVertex(info.name, id));
        if (!v) return absl::InternalError(util::StrCat("vertex ", id, " listed but absent"));
        out.push_back(util::StrCat("vertex ", Bytes(id), " label=", v->label,
                                   " props=", Json::parse(v->props).dump(), " out=", v->out_degree,
                                   " in=", v->in_degree));
        ASSIGN_OR_RETURN(auto c, g->Edges(info.name, id, Direction::kOut));
        for (; c->Valid(); c->Next()) {
          const AdjEntry& e = c->entry();
          ASSIGN_OR_RETURN(std::optional<Edge> edge, g->GetEdge(info.name, e.edge_id));
          if (!edge) return absl::InternalError("adjacency names a missing edge");
          out.push_back(util::StrCat("edge ", e.edge_id, " ", Bytes(id), " -", e.type, "-> ",
                                     Bytes(e.other), " w=", e.weight, " ", edge->src, "->",
                                     edge->dst, " props=", Json::parse(edge->props).dump()));
        }
        RETURN_IF_ERROR(c->status());
      }
      break;
    }
    case Model::kTimeSeries: {
      ASSIGN_OR_RETURN(auto ts, TsStore::Open(db));
      // The catalog options hold retention and downsampling rules (as JSON).
      out.push_back(util::StrCat("options ", info.options.empty() ? "{}" : info.options));
      ASSIGN_OR_RETURN(std::vector<TsSeriesInfo> series, ts->ListSeries(info.name, {}));
      std::set<std::string> fields;
      std::vector<std::string> tag_keys;
      for (const TsSeriesInfo& s : series) {
        fields.insert(s.field);
        for (const auto& [k, v] : s.tags) {
          if (std::find(tag_keys.begin(), tag_keys.end(), k) == tag_keys.end()) {
            tag_keys.push_back(k);
          }
        }
      }
      std::sort(tag_keys.begin(), tag_keys.end());
      for (const std::string& f : fields) {
        TsQuery q;
        q.measurement = info.name;
        q.field = f;
        q.by = tag_keys;
        ASSIGN_OR_RETURN(std::vector<TsRow> rows, ts->Query(q));
        for (const TsRow& r : rows) {
          std::string tags;
          for (const auto& [k, v] : r.tags) tags += util::StrCat(k, "=", v, ",");
          out.push_back(util::StrCat(f, " {", tags, "} ", r.time, " ", TsValueText(r.value)));
        }
      }
      break;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> CompareDatabases(DB* a, DB* b, size_t max) {
  std::vector<std::string> diffs;
  auto diff = [&](std::string d) {
    if (diffs.size() < max) diffs.push_back(std::move(d));
  };
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> oa, a->ListObjects());
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> ob, b->ListObjects());
  std::map<std::pair<Model, std::string>, ObjectInfo> ma, mb;
  for (const ObjectInfo& o : oa) ma[{o.model, o.name}] = o;
  for (const ObjectInfo& o : ob) mb[{o.model, o.name}] = o;
  for (const auto& [key, info] : ma) {
    if (mb.count(key) == 0) {
      diff(util::StrCat("only in the first: ", ModelName(key.first), " ", key.second));
    }
  }
  for (const auto& [key, info] : mb) {
    if (ma.count(key) == 0) {
      diff(util::StrCat("only in the second: ", ModelName(key.first), " ", key.second));
    }
  }
  for (const auto& [key, info] : ma) {
    auto other = mb.find(key);
    if (other == mb.end()) continue;
    ASSIGN_OR_RETURN(Lines la, Render(a, info));
    ASSIGN_OR_RETURN(Lines lb, Render(b, other->second));
    std::string what = util::StrCat(ModelName(key.first), " ", key.second);
    if (la.size() != lb.size()) {
      diff(util::StrCat(what, ": ", la.size(), " lines vs ", lb.size()));
    }
    for (size_t i = 0; i < std::min(la.size(), lb.size()); ++i) {
      if (la[i] != lb[i]) {
        diff(util::StrCat(what, " line ", i, ": '", la[i], "' vs '", lb[i], "'"));
        break;
      }
    }
  }
  return diffs;
}

}  // namespace tessera::test
