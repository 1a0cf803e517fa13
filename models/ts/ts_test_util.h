// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Shared by the time-series tests: a temp-dir database with a TsStore open on it, reopened
// together, and the timestamps the tests build their points from.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include "gtest/gtest.h"
#include "tessera/ts.h"
#include "tests/util/test_util.h"

namespace tessera::test {

inline constexpr int64_t kSec = 1000000000;
inline constexpr int64_t kHour = 3600 * kSec;
inline constexpr int64_t kBase = int64_t{1767225600} * kSec;  // 2026-01-01, a window start

class TsDbTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    OpenTs();
  }
  void TearDown() override {
    ts_.reset();
    DbTest::TearDown();
  }
  void OpenTs() {
    auto ts = TsStore::Open(db_.get());
    ASSERT_TRUE(ts.ok()) << ts.status();
    ts_ = std::move(ts).value();
  }
  // Closes the store and the database, reopens both.
  void ReopenTs() {
    ts_.reset();
    Reopen();
    OpenTs();
  }

  std::unique_ptr<TsStore> ts_;
};

}  // namespace tessera::test
