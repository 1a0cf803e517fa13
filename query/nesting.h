// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The nesting limit of filters, updates and projections. Their parsers and matchers recurse
// once per level, so an unbounded input (a filter of 100,000 nested $and) could overflow the
// stack; 100 levels of objects and arrays is the limit of documents too (and MongoDB's).
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "core/util/strings.h"
#include "query/value.h"

namespace tessera::query {

// The deepest nesting of objects and arrays a filter, update or projection may have; the
// outermost object is level 1, as for documents (kMaxDocumentDepth).
inline constexpr int kMaxQueryDepth = 100;

// InvalidArgument "<what> is nested more than 100 levels deep" when `v` nests deeper than
// kMaxQueryDepth. Iterative, so any depth is checked without recursion.
inline absl::Status CheckQueryDepth(const Json& v, std::string_view what) {
  std::vector<std::pair<const Json*, int>> todo = {{&v, 1}};
  while (!todo.empty()) {
    auto [node, depth] = todo.back();
    todo.pop_back();
    if (!node->is_structured()) continue;
    if (depth > kMaxQueryDepth) {
      return absl::InvalidArgumentError(
          util::StrCat(what, " is nested more than ", kMaxQueryDepth, " levels deep"));
    }
    for (const Json& child : *node) todo.emplace_back(&child, depth + 1);
  }
  return absl::OkStatus();
}

}  // namespace tessera::query
