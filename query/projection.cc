// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "query/projection.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/util/strings.h"
#include "query/nesting.h"
#include "query/path.h"
#include "tessera/status.h"

namespace tessera::query {
namespace {

using Node = Projection::Node;

// Inserts `path` into the tree; a path that is a prefix of another (or equal) is a collision.
absl::Status Insert(Node* root, const Path& path, std::vector<std::string>* seen) {
  for (const std::string& other : *seen) {
    const std::string& a = other.size() <= path.dotted.size() ? other : path.dotted;
    const std::string& b = other.size() <= path.dotted.size() ? path.dotted : other;
    if (a == b || (b.compare(0, a.size(), a) == 0 && b[a.size()] == '.')) {
      return absl::InvalidArgumentError(util::StrCat("path collision ", a, " and ", b));
    }
  }
  seen->push_back(path.dotted);
  Node* n = root;
  for (const std::string& part : path.parts) n = &n->children[part];
  return absl::OkStatus();
}

Json Include(const Json& v, const Node& node);

Json IncludeObject(const Json& obj, const Node& node) {
  Json out = Json::object();
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    auto child = node.children.find(it.key());
    if (child == node.children.end()) continue;
    if (child->second.children.empty()) {
      out[it.key()] = it.value();
    } else if (it.value().is_object() || it.value().is_array()) {
      out[it.key()] = Include(it.value(), child->second);
    }
  }
  return out;
}

// `v` is an object or array reached below a projected prefix.
Json Include(const Json& v, const Node& node) {
  if (v.is_object()) return IncludeObject(v, node);
  Json out = Json::array();
  for (const Json& e : v) {
    if (e.is_object() || e.is_array()) out.push_back(Include(e, node));
  }
  return out;
}

void Exclude(Json* v, const Node& node) {
  if (v->is_array()) {
    for (Json& e : *v) Exclude(&e, node);
    return;
  }
  if (!v->is_object()) return;
  for (const auto& [name, child] : node.children) {
    auto it = v->find(name);
    if (it == v->end()) continue;
    if (child.children.empty()) {
      v->erase(name);
    } else {
      Exclude(&*it, child);
    }
  }
}

}  // namespace

absl::StatusOr<Projection> Projection::Parse(const Json& projection) {
  if (!projection.is_object()) return absl::InvalidArgumentError("a projection must be an object");
  RETURN_IF_ERROR(CheckQueryDepth(projection, "the projection"));
  Projection p;
  if (projection.empty()) return p;
  p.empty_ = false;
  std::vector<std::string> seen;
  int mode = -1;  // 1 inclusion, 0 exclusion, -1 not yet known
  std::string mode_field;
  bool id_flag_set = false, id_value = true;
  for (auto it = projection.begin(); it != projection.end(); ++it) {
    const Json& v = it.value();
    bool flag;
    if (v.is_boolean()) {
      flag = v.get<bool>();
    } else if (v.is_number()) {
      flag = v.get<double>() != 0;
    } else {
      return absl::InvalidArgumentError(
          util::StrCat("projection of ", it.key(), " must be 0/1 or true/false, got ", v.dump()));
    }
    auto path = Path::Parse(it.key());
    if (!path.ok()) {
      return absl::InvalidArgumentError(
          util::StrCat("bad projection field: ", util::ToStd(path.status().message())));
    }
    if (it.key() == "_id") {
      id_flag_set = true;
      id_value = flag;
      continue;
    }
    int m = flag ? 1 : 0;
    if (mode != -1 && m != mode) {
      return absl::InvalidArgumentError(util::StrCat(
          "projection mixes inclusion and exclusion: ", mode_field, " and ", it.key()));
    }
    mode = m;
    mode_field = it.key();
    RETURN_IF_ERROR(Insert(&p.tree_, *path, &seen));
  }
  if (mode == -1) {
    // Only _id: {_id: 1} keeps just _id, {_id: 0} drops it.
    p.inclusion_ = id_value;
    p.include_id_ = id_value;
    if (!id_value) p.tree_.children["_id"];
    return p;
  }
  p.inclusion_ = mode == 1;
  if (p.inclusion_) {
    p.include_id_ = !id_flag_set || id_value;
  } else if (id_flag_set && !id_value) {
    p.tree_.children["_id"];
  }
  return p;
}

Json Projection::Apply(const Json& doc) const {
  if (empty_ || !doc.is_object()) return doc;
  if (!inclusion_) {
    Json out = doc;
    Exclude(&out, tree_);
    return out;
  }
  Json out = Json::object();
  if (include_id_) {
    auto id = doc.find("_id");
    if (id != doc.end()) out["_id"] = *id;
  }
  Json rest = IncludeObject(doc, tree_);
  for (auto it = rest.begin(); it != rest.end(); ++it) out[it.key()] = it.value();
  return out;
}

std::vector<std::string> Projection::IncludedTopLevelFields() const {
  std::vector<std::string> out;
  if (empty_ || !inclusion_) return out;
  for (const auto& [name, child] : tree_.children) out.push_back(name);
  if (include_id_) out.push_back("_id");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace tessera::query
