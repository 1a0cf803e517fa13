// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Shared test helpers: status assertions, a temporary directory, and a database fixture with
// Reopen().
#pragma once

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "tessera/db.h"
#include "tessera/status.h"

#define ASSERT_OK(expr)                                   \
  do {                                                    \
    const ::absl::Status tessera_test_s_ = (expr);        \
    ASSERT_TRUE(tessera_test_s_.ok()) << tessera_test_s_; \
  } while (0)

#define EXPECT_OK(expr)                                   \
  do {                                                    \
    const ::absl::Status tessera_test_s_ = (expr);        \
    EXPECT_TRUE(tessera_test_s_.ok()) << tessera_test_s_; \
  } while (0)

// ASSERT_OK_AND_ASSIGN(auto x, Foo()): asserts the StatusOr is OK and assigns its value.
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  TESSERA_ASSERT_OK_AND_ASSIGN_IMPL_(TESSERA_CONCAT_(tessera_test_so_, __LINE__), lhs, expr)
#define TESSERA_ASSERT_OK_AND_ASSIGN_IMPL_(var, lhs, expr) \
  auto var = (expr);                                       \
  ASSERT_TRUE(var.ok()) << var.status();                   \
  lhs = std::move(var).value()

namespace tessera::test {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A fixture with an open database in a temporary directory.
class DbTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Options used for every open; tests may change them before Reopen().
  virtual Options MakeOptions();
  // Closes and opens the database again (same directory, same options).
  void Reopen();
  // Closes the database (db_ becomes null).
  void Close();
  std::string db_path() const { return dir_->path() + "/db"; }

  std::unique_ptr<TempDir> dir_;
  Options options_;
  std::unique_ptr<DB> db_;
};

}  // namespace tessera::test
