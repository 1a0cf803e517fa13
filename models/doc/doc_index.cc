// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Index definitions and index entries (see doc_index.h).
#include "models/doc/doc_index.h"

#include <algorithm>

#include "core/util/strings.h"
#include "models/doc/doc_codec.h"
#include "tessera/status.h"

namespace tessera::doc {
namespace {

absl::Status ParseKeys(const Json& keys, std::vector<IndexField>* fields) {
  if (!keys.is_object() || keys.empty()) {
    return absl::InvalidArgumentError(
        "index keys must be a non-empty object like {\"a\": 1, \"b.c\": -1}");
  }
  for (const auto& [name, dir] : keys.items()) {
    ASSIGN_OR_RETURN(query::Path path, query::Path::Parse(name));
    if (!dir.is_number() || (dir.get<double>() != 1 && dir.get<double>() != -1)) {
      return absl::InvalidArgumentError(
          util::StrCat("index key \"", name, "\" must be 1 (ascending) or -1 (descending), got ",
                       JsonText(dir)));
    }
    for (const IndexField& f : *fields) {
      const std::string& a = f.path.dotted;
      if (a == name || name.starts_with(a + ".") || a.starts_with(name + ".")) {
        return absl::InvalidArgumentError(
            util::StrCat("index keys \"", a, "\" and \"", name, "\" overlap"));
      }
    }
    fields->push_back({std::move(path), dir.get<double>() < 0});
  }
  return absl::OkStatus();
}

std::string DefaultName(const Json& keys) {
  std::string name;
  for (const auto& [field, dir] : keys.items()) {
    if (!name.empty()) name += "_";
    name += util::StrCat(field, "_", dir.get<double>() < 0 ? "-1" : "1");
  }
  return name;
}

}  // namespace

DocIndexInfo IndexDef::Info() const {
  DocIndexInfo info;
  info.name = name;
  info.keys = keys;
  info.unique = unique;
  info.sparse = sparse;
  info.partial = partial;
  info.multikey = multikey;
  return info;
}

absl::StatusOr<IndexDef> MakeIndexDef(const DocIndexSpec& spec, uint32_t no) {
  IndexDef def;
  def.no = no;
  RETURN_IF_ERROR(ParseKeys(spec.keys, &def.fields));
  def.keys = spec.keys;
  def.name = spec.name.empty() ? DefaultName(spec.keys) : spec.name;
  if (def.name.size() > 128) {
    return absl::InvalidArgumentError(
        util::StrCat("index name is ", def.name.size(), " bytes; the limit is 128"));
  }
  if (def.name == kIdIndexName) {
    return absl::InvalidArgumentError(
        "index name \"_id_\" is reserved for the documents' own _id order");
  }
  def.unique = spec.unique;
  def.sparse = spec.sparse;
  if (!spec.partial.is_null()) {
    if (!spec.partial.is_object()) {
      return absl::InvalidArgumentError("a partial index filter must be an object");
    }
    absl::StatusOr<query::Filter> f = query::Filter::Parse(spec.partial);
    if (!f.ok()) {
      return absl::InvalidArgumentError(
          util::StrCat("partial index filter: ", util::ToStd(f.status().message())));
    }
    def.partial = spec.partial;
    def.partial_filter = std::make_shared<const query::Filter>(std::move(*f));
  }
  return def;
}

absl::StatusOr<CollectionMeta> CollectionMeta::Parse(std::string_view options) {
  CollectionMeta meta;
  if (options.empty()) return meta;
  Json j = Json::parse(options, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::DataLossError("document collection options are not a JSON object");
  }
  try {
    meta.next_index = j.at("next_index").get<uint32_t>();
    for (const Json& ij : j.at("indexes")) {
      DocIndexSpec spec;
      spec.keys = ij.at("keys");
      spec.name = ij.at("name").get<std::string>();
      spec.unique = ij.at("unique").get<bool>();
      spec.sparse = ij.at("sparse").get<bool>();
      spec.partial = ij.at("partial");
      ASSIGN_OR_RETURN(IndexDef def, MakeIndexDef(spec, ij.at("no").get<uint32_t>()));
      def.multikey = ij.at("multikey").get<bool>();
      def.ready = ij.at("ready").get<bool>();
      meta.indexes.push_back(std::move(def));
    }
  } catch (const Json::exception& e) {
    return absl::DataLossError(
        util::StrCat("document collection options are malformed: ", e.what()));
  }
  return meta;
}

std::string CollectionMeta::Serialize() const {
  Json j = Json::object();
  j["next_index"] = next_index;
  j["indexes"] = Json::array();
  for (const IndexDef& d : indexes) {
    j["indexes"].push_back({{"no", d.no},
                            {"name", d.name},
                            {"keys", d.keys},
                            {"unique", d.unique},
                            {"sparse", d.sparse},
                            {"partial", d.partial},
                            {"multikey", d.multikey},
                            {"ready", d.ready}});
  }
  return JsonText(j);
}

const IndexDef* CollectionMeta::Find(std::string_view name) const {
  for (const IndexDef& d : indexes) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

IndexDef* CollectionMeta::Find(std::string_view name) {
  for (IndexDef& d : indexes) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

absl::Status IndexEntries(const IndexDef& def, const Json& doc, std::vector<std::string>* out,
                          bool* multikey) {
  out->clear();
  if (def.partial_filter != nullptr && !def.partial_filter->Matches(doc)) return absl::OkStatus();
  std::vector<std::vector<std::string>> per_field(def.fields.size());
  bool any_value = false;
  int array_fields = 0;
  for (size_t i = 0; i < def.fields.size(); ++i) {
    std::vector<Json> values;
    bool traversed = false;
    query::CollectValues(doc, def.fields[i].path, &values, &traversed);
    if (traversed) {
      *multikey = true;
      if (++array_fields > 1) {
        return absl::InvalidArgumentError(util::StrCat(
            "cannot index parallel arrays: index \"", def.name, "\" has more than one array field ",
            "in this document (\"", def.fields[i].path.dotted, "\" and another)"));
      }
    }
    if (!values.empty()) any_value = true;
    if (values.empty()) values.push_back(Json(nullptr));
    for (const Json& v : values) {
      per_field[i].push_back(EncodeComponent(v, def.fields[i].descending));
    }
    std::sort(per_field[i].begin(), per_field[i].end());
    per_field[i].erase(std::unique(per_field[i].begin(), per_field[i].end()), per_field[i].end());
  }
  if (def.sparse && !any_value) return absl::OkStatus();
  // The cartesian product; at most one field has more than one component.
  std::vector<std::string> entries = {""};
  for (const auto& comps : per_field) {
    std::vector<std::string> next;
    next.reserve(entries.size() * comps.size());
    for (const std::string& prefix : entries) {
      for (const std::string& c : comps) next.push_back(prefix + c);
    }
    entries = std::move(next);
  }
  for (const std::string& e : entries) {
    if (e.size() > kMaxIndexKeyBytes) {
      return absl::InvalidArgumentError(util::StrCat("an entry of index \"", def.name, "\" is ",
                                                     e.size(), " bytes; the limit is ",
                                                     kMaxIndexKeyBytes));
    }
  }
  std::sort(entries.begin(), entries.end());
  *out = std::move(entries);
  return absl::OkStatus();
}

std::string EntryKey(uint64_t coll, const IndexDef& def, std::string_view entry,
                     std::string_view pk) {
  std::string k = IndexPrefix(coll, def.no);
  k.append(entry);
  if (!def.unique) k.append(pk);
  return k;
}

}  // namespace tessera::doc
