// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Sort specifications ({a: 1, "b.c": -1}) and document comparison by their sort keys.
// A SortSpec is immutable after Parse and thread-safe to share.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "query/path.h"

namespace tessera::query {

struct SortField {
  Path path;
  bool descending = false;
};

class SortSpec {
 public:
  // {a: 1, "b.c": -1}: 1 or -1 only; at least one field; errors name the bad field.
  static absl::StatusOr<SortSpec> Parse(const Json& sort);
  const std::vector<SortField>& fields() const { return fields_; }
  // <0, 0, >0 comparing two documents by their sort keys field by field, descending reversed.
  int Compare(const Json& a, const Json& b) const;

 private:
  std::vector<SortField> fields_;
};

}  // namespace tessera::query
