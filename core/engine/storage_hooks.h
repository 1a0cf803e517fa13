// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// RocksDB hooks installed on Tessera's column families:
// - MergeOperator ("tessera.merge.v1", data CF): applies counter-add operands (value_envelope.h)
//   to decimal payloads, so an increment does not rewrite the value.
// - CompactionFilterFactory ("tessera.gc.v1", data/index/adj CFs): removes the keys of dropped
//   objects (ids absent from the catalog) and expired key-value entries.
#pragma once

#include <functional>
#include <memory>

#include "core/catalog/catalog.h"
#include "rocksdb/compaction_filter.h"
#include "rocksdb/merge_operator.h"

namespace tessera::internal {

std::shared_ptr<rocksdb::MergeOperator> NewTesseraMergeOperator();

// `view` returns the catalog's current view (null before the catalog is loaded: keep all).
std::shared_ptr<rocksdb::CompactionFilterFactory> NewTesseraCompactionFilterFactory(
    std::function<std::shared_ptr<const CatalogView>()> view, bool data_cf);

}  // namespace tessera::internal
