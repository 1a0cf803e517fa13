// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// PerfCountingOff: RocksDB's per-thread perf counting switched off for a scope.
#pragma once

#include "rocksdb/perf_level.h"

namespace tessera::internal {

// RocksDB's perf context counts, per thread, what each call did (key comparisons, bytes, block
// reads...) unless the thread's perf level is kDisable; the default level counts. Tessera never
// reads those counters, and counting them is not free: every memtable key comparison adds one,
// through two thread-local lookups in the shared library (~2k instructions of a 42k kv.fill put,
// docs/benchmark-log.md "Key-value fill, session 11"). Tessera's write operations
// (Engine::RunDirect, Engine::RunInTxn, and every transaction's commit: TxnImpl::Commit) turn
// the calling thread's level off while they run and restore it after, so an application thread
// that uses RocksDB's perf context itself keeps its own setting. The time-series queries do the
// same around their reads (TsStoreImpl::QueryIn, LastIn, QueryRowsIn, LastRowsIn: ~1.5-2% of a
// TSBS query's instructions). Counting has no other effect.
//
// Thread safety: a scope object of the calling thread (the level is per thread).
class PerfCountingOff {
 public:
  PerfCountingOff() : saved_(rocksdb::GetPerfLevel()) {
    if (saved_ != rocksdb::PerfLevel::kDisable) rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  }
  ~PerfCountingOff() {
    if (saved_ != rocksdb::PerfLevel::kDisable) rocksdb::SetPerfLevel(saved_);
  }
  PerfCountingOff(const PerfCountingOff&) = delete;
  PerfCountingOff& operator=(const PerfCountingOff&) = delete;

 private:
  const rocksdb::PerfLevel saved_;
};

}  // namespace tessera::internal
