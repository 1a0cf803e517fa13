// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// CompareDatabases: walks two databases through the models' public APIs (not through the transfer
// library it checks) and lists every difference: catalog objects, options (wide families, doc
// indexes, ts retention and downsampling), and every record (kv entries, documents, every kept
// version of every wide cell with its timestamp, vertices with label, props and degrees, edges
// with id, endpoints, type, weight and props, time-series points with their types).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tessera/db.h"

namespace tessera::test {

// The differences between `a` and `b` (empty when they hold the same data), at most `max`.
absl::StatusOr<std::vector<std::string>> CompareDatabases(DB* a, DB* b, size_t max = 20);

}  // namespace tessera::test
