// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// ModelCompactionHook: how a model takes part in physical garbage collection. The core
// compaction filter (storage_hooks.cc) handles dropped objects and key-value TTLs itself; for
// the data keys of an object whose model has a registered hook it also asks that model's
// per-compaction filter whether to keep each key. Registered with Engine::SetCompactionHook.
//
// RocksDB feeds one filter object the keys of one (sub)compaction in key order, so a filter may
// keep state across calls (e.g. count the versions of a column). It sees only the keys of that
// compaction's input, never the newer ones in other levels, so any count it keeps is a lower
// bound: a policy that removes "everything past the Nth" can only keep more than it would with
// the full picture, never less.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

namespace tessera::internal {

// The per-compaction decision maker. Not thread-safe: one compaction uses it from one thread.
class ModelCompactionFilter {
 public:
  virtual ~ModelCompactionFilter() = default;

  // True to remove the data key `key` (starting with the 8-byte object id `object_id`) holding
  // `value`. `options` is the object's catalog options string. Only plain values are offered
  // (never merge operands or deletions).
  virtual bool Remove(uint64_t object_id, std::string_view options, std::string_view key,
                      std::string_view value) = 0;
};

// A model's factory of compaction filters. Thread safety: implementations must be thread-safe
// (compactions run in parallel).
class ModelCompactionHook {
 public:
  virtual ~ModelCompactionHook() = default;

  // A filter for one compaction that started at `now_us` (microseconds since the Unix epoch).
  virtual std::unique_ptr<ModelCompactionFilter> NewFilter(int64_t now_us) const = 0;
};

}  // namespace tessera::internal
