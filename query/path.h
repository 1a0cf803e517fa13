// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Dotted field paths and the values a document holds at one, with MongoDB's implicit array
// traversal. Pure functions, thread-safe; Path is an immutable value after Parse.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/value.h"

namespace tessera::query {

struct Path {
  std::string dotted;              // "a.b.0.c"
  std::vector<std::string> parts;  // {"a","b","0","c"}
  // Empty paths, empty parts and '$'-leading parts are InvalidArgument.
  static absl::StatusOr<Path> Parse(std::string_view dotted);
};

// The array position a path part names, if it is all digits (no sign, fits in size_t).
std::optional<size_t> ArrayIndex(const std::string& part);

// The values `doc` holds at `path` (see docs/query.md): arrays met on the way are traversed
// element by element (a numeric part on an array selects that position); at the end a non-empty
// array contributes its elements and an empty array itself; a missing path contributes nothing.
// `*traversed_array` (may be null) is set when any array was met.
void CollectValues(const Json& doc, const Path& path, std::vector<Json>* out,
                   bool* traversed_array);

// The sort key of `doc` for one sort field: no values -> null; otherwise the smallest value
// (ascending) or the largest (descending) under CompareSortKeys.
Json SortKey(const Json& doc, const Path& path, bool descending);

// CompareValues, except that an empty array (class kUndefined) sorts below null.
int CompareSortKeys(const Json& a, const Json& b);

}  // namespace tessera::query
