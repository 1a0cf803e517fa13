// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// RocksDB hooks installed on Tessera's column families:
// - MergeOperator ("tessera.merge.v1", data CF): applies counter-add operands (value_envelope.h)
//   to decimal payloads, so an increment does not rewrite the value.
// - CompactionFilterFactory ("tessera.gc.v1", data/index/adj CFs): removes the keys of dropped
//   objects (ids absent from the catalog) and expired key-value entries, and asks the model
//   compaction hooks (compaction_hook.h) about the data keys of their models' objects.
#pragma once

#include <functional>
#include <memory>

#include "core/catalog/catalog.h"
#include "core/engine/compaction_hook.h"
#include "rocksdb/compaction_filter.h"
#include "rocksdb/merge_operator.h"

namespace tessera::internal {

std::shared_ptr<rocksdb::MergeOperator> NewTesseraMergeOperator();

// Returns the compaction hook registered for a model, or null (compaction_hook.h).
using CompactionHookLookup = std::function<std::shared_ptr<const ModelCompactionHook>(Model)>;

// `view` returns the catalog's current view (null before the catalog is loaded: keep all).
// `hooks` (data CF only; may be empty) finds the model hooks consulted for objects' data keys.
std::shared_ptr<rocksdb::CompactionFilterFactory> NewTesseraCompactionFilterFactory(
    std::function<std::shared_ptr<const CatalogView>()> view, bool data_cf,
    CompactionHookLookup hooks = nullptr);

}  // namespace tessera::internal
