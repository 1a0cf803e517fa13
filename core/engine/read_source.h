// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// ReadSource: where a model's reads come from: the latest committed state, a snapshot, or a
// transaction (which adds its own uncommitted writes). Models read through this interface so
// that one code path serves all three.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "core/engine/column_families.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/snapshot.h"

namespace tessera::internal {

class Engine;

// An iterator with its bounds. The bounds are owned here because RocksDB keeps pointers to them.
// Not thread-safe.
class BoundedIterator {
 public:
  BoundedIterator(std::string lower, std::string upper)
      : lower_(std::move(lower)),
        upper_(std::move(upper)),
        lower_slice_(lower_),
        upper_slice_(upper_) {}
  BoundedIterator(const BoundedIterator&) = delete;
  BoundedIterator& operator=(const BoundedIterator&) = delete;

  rocksdb::Iterator* get() { return iter_.get(); }
  rocksdb::Iterator* operator->() { return iter_.get(); }
  const std::string& lower() const { return lower_; }
  const std::string& upper() const { return upper_; }

  // Points `ro` at the bounds; call before creating the RocksDB iterator.
  void SetBounds(rocksdb::ReadOptions* ro) {
    if (!lower_.empty()) ro->iterate_lower_bound = &lower_slice_;
    if (!upper_.empty()) ro->iterate_upper_bound = &upper_slice_;
  }
  void Reset(rocksdb::Iterator* it) { iter_.reset(it); }

 private:
  std::string lower_;  // inclusive; "" = unbounded
  std::string upper_;  // exclusive; "" = unbounded
  rocksdb::Slice lower_slice_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> iter_;
};

// Thread safety: latest and snapshot sources may be read from many threads; a transaction's
// source inherits the transaction's single-thread rule.
class ReadSource {
 public:
  virtual ~ReadSource() = default;

  // Reads one key. Sets *found; fills *value when found.
  virtual absl::Status Get(Cf cf, std::string_view key, std::string* value, bool* found) = 0;

  // Reads several keys of one column family; values[i] / found[i] answer keys[i].
  virtual absl::Status MultiGet(Cf cf, const std::vector<std::string>& keys,
                                std::vector<std::string>* values, std::vector<bool>* found) = 0;

  // An iterator over [lower, upper) of `cf` ("" upper = unbounded), unpositioned.
  virtual std::unique_ptr<BoundedIterator> NewIterator(Cf cf, std::string lower,
                                                       std::string upper) = 0;

  virtual Engine& engine() = 0;
};

// A source over the latest committed state (snapshot null) or over a RocksDB snapshot.
std::unique_ptr<ReadSource> NewDbReadSource(Engine* engine, const rocksdb::Snapshot* snapshot);

}  // namespace tessera::internal
