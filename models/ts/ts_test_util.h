// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Shared by the time-series tests: a temp-dir database with a TsStore open on it, reopened
// together, and the timestamps the tests build their points from.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

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

// n random points of measurement "m" for hosts a-c over 7 hours: int field x, double y on
// most points, bool z on some.
inline std::vector<TsPoint> RandomHosts(std::mt19937_64& rng, int n) {
  std::vector<TsPoint> pts;
  for (int i = 0; i < n; ++i) {
    TsPoint p{"m", {{"host", std::string(1, static_cast<char>('a' + rng() % 3))}}, {}, 0};
    p.time = kBase + static_cast<int64_t>(rng() % (7 * 3600)) * 10 * kSec / 10;
    p.fields.emplace_back("x", static_cast<int64_t>(rng() % 100));
    if (rng() % 4 != 0) p.fields.emplace_back("y", static_cast<double>(rng() % 400) / 4);
    if (rng() % 5 == 0) p.fields.emplace_back("z", rng() % 2 == 0);
    pts.push_back(std::move(p));
  }
  return pts;
}

// Whether two row results are equal row by row (time, tags, values).
inline bool SameRows(const std::vector<TsFieldsRow>& a, const std::vector<TsFieldsRow>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].time != b[i].time || a[i].tags != b[i].tags || a[i].values != b[i].values) {
      return false;
    }
  }
  return true;
}

}  // namespace tessera::test
