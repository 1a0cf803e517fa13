// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The query planner of the document model: chooses one index (or a collection scan) for a filter
// and a sort, and computes the byte ranges of the index to scan.
//
// Usable conditions are the top-level conjuncts $eq, $in, $gt, $gte, $lt, $lte whose operands are
// numbers, strings or booleans ($in: all of them). An index is usable when its first field has
// such a condition; the bounds cover a prefix of equalities (or $in lists), then at most one
// range. On a multikey index the two sides of a range are never intersected (different elements
// may meet them). The filter is always re-checked on every document, so bounds only need to be a
// superset. A sort is served by an index when its fields follow the index fields after a prefix
// of single-value equalities, all in the index's directions or all reversed, and the index is not
// multikey. Otherwise the matching documents are sorted in memory.
//
// The documents themselves are keyed by _id, so conditions on _id (never an array) restrict the
// read to those keys like a unique single-field index ("_id_" in explain), and a sort on _id
// alone is served by reading in key order, forwards or backwards.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/doc/doc_index.h"
#include "query/filter.h"
#include "query/sort.h"

namespace tessera::doc {

struct Plan {
  const IndexDef* index = nullptr;  // null: read the documents in _id order (see `primary`)
  // With no index: true when `ranges` restrict the read to _id values (an _id condition); false
  // for a scan of the whole collection.
  bool primary = false;
  // With `primary`: every range holds exactly one _id, and its first key is that document's
  // data key (equality or $in on _id), so a write can read those documents directly.
  bool points = false;
  // Key ranges [first, second), in ascending key order (scanned backwards when reverse): index
  // keys with an index, data keys (documents) when `primary`.
  std::vector<std::pair<std::string, std::string>> ranges;
  bool reverse = false;          // scan the ranges from the last key to the first
  bool sort_from_index = false;  // the index order is the requested sort order
  Json bounds = Json();          // the bounds per field for explain (null for a scan)
};

// `meta` must outlive the plan (the plan points into it). `sort` may be null (no sort).
Plan ChoosePlan(uint64_t coll, const CollectionMeta& meta, const query::Filter& filter,
                const query::SortSpec* sort);

}  // namespace tessera::doc
