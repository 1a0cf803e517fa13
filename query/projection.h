// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Projections ({a: 1, "b.c": 1} inclusion or {a: 0} exclusion) applied to JSON documents.
// A Projection is immutable after Parse and thread-safe to share.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/value.h"

namespace tessera::query {

class Projection {
 public:
  // Inclusion or exclusion, never both (except _id: 0 in an inclusion); _id is included unless
  // {_id: 0}. Errors name the conflicting paths ("path collision a and a.b").
  static absl::StatusOr<Projection> Parse(const Json& projection);
  bool empty() const { return empty_; }  // {} : the whole document
  // Dotted paths reach through arrays of objects as MongoDB does.
  Json Apply(const Json& doc) const;
  // For an inclusion: the top-level field names Apply can return (with "_id" when it comes
  // along), sorted and distinct; Apply of a document holding only these fields gives the same
  // result. Empty for an exclusion or an empty projection (every field may be returned).
  std::vector<std::string> IncludedTopLevelFields() const;

  // One level of the path tree; a node without children is a projected leaf.
  struct Node {
    std::map<std::string, Node> children;
  };

 private:
  bool empty_ = true;
  bool inclusion_ = false;
  bool include_id_ = true;  // inclusion mode: whether _id comes along
  Node tree_;               // the projected paths other than a lone _id
};

}  // namespace tessera::query
