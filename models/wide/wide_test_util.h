// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// A fixture for the wide-column tests: a database with a WideStore, helpers that write cells
// and render rows compactly for comparisons, and raw-key counting for physical GC checks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/codec/coding.h"
#include "core/engine/engine.h"
#include "gtest/gtest.h"
#include "models/wide/wide_codec.h"
#include "tessera/wide.h"
#include "tests/util/test_util.h"

namespace tessera::wide {

class WideTest : public test::DbTest {
 protected:
  void SetUp() override {
    test::DbTest::SetUp();
    OpenStore();
  }
  void TearDown() override {
    store_.reset();
    test::DbTest::TearDown();
  }
  void OpenStore() {
    auto s = WideStore::Open(db_.get());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(s).value();
  }
  void ReopenAll() {
    store_.reset();
    Reopen();
    OpenStore();
  }

  // Writes one cell (ts < 0: assigned at write).
  void PutCell(std::string_view table, std::string_view row, std::string_view family,
               std::string_view qualifier, std::string_view value, int64_t ts = -1) {
    WideCellWrite c{std::string(family), std::string(qualifier), std::string(value), {}};
    if (ts >= 0) c.timestamp = ts;
    ASSERT_OK(store_->Put(table, row, {c}));
  }

  // "f:q@ts=value f:q@ts=value ..." or "none".
  static std::string Render(const std::optional<WideRow>& row) {
    if (!row) return "none";
    std::string out;
    for (const auto& c : row->cells) {
      if (!out.empty()) out += ' ';
      out += c.family + ":" + c.qualifier + "@" + std::to_string(c.timestamp) + "=" + c.value;
    }
    return out;
  }
  std::string GetRendered(std::string_view table, std::string_view row,
                          const WideGetOptions& o = {}) {
    auto r = store_->Get(table, row, o);
    if (!r.ok()) return "error: " + std::string(r.status().message());
    return Render(*r);
  }

  // "row[cells] row[cells] ..." of a scan.
  std::string ScanRendered(std::string_view table, const WideScanOptions& o) {
    auto c = store_->Scan(table, o);
    if (!c.ok()) return "error: " + std::string(c.status().message());
    std::string out;
    for (; (*c)->Valid(); (*c)->Next()) {
      if (!out.empty()) out += " | ";
      std::string key = (*c)->entry().key;
      for (char& ch : key) {
        if (ch == '\0') ch = '0';  // readable expectations
      }
      out += key + "[" + Render((*c)->entry()) + "]";
    }
    if (!(*c)->status().ok()) return "error: " + std::string((*c)->status().message());
    return out;
  }

  // The number of stored data keys of `table` (cells not yet physically collected).
  size_t RawKeys(std::string_view table) {
    auto info = db_->GetObject(Model::kWideColumn, table);
    EXPECT_TRUE(info.ok()) << info.status();
    if (!info.ok()) return 0;
    std::string lo, hi;
    codec::PutFixed64BE(&lo, info->id);
    codec::PutFixed64BE(&hi, info->id + 1);
    auto& engine = db_->engine();
    std::unique_ptr<rocksdb::Iterator> it(
        engine.db()->NewIterator(rocksdb::ReadOptions(), engine.cf(internal::Cf::kData)));
    size_t n = 0;
    for (it->Seek(lo); it->Valid() && it->key().ToString() < hi; it->Next()) ++n;
    return n;
  }

  // Flushes and compacts the data column family.
  void CompactData() {
    auto& engine = db_->engine();
    auto* cf = engine.cf(internal::Cf::kData);
    ASSERT_TRUE(engine.db()->Flush(rocksdb::FlushOptions(), cf).ok());
    rocksdb::CompactRangeOptions o;
    o.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    ASSERT_TRUE(engine.db()->CompactRange(o, cf, nullptr, nullptr).ok());
  }

  std::unique_ptr<WideStore> store_;
};

}  // namespace tessera::wide
