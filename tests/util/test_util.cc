// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Shared test helpers.
#include "tests/util/test_util.h"

#include <stdlib.h>

#include <filesystem>

namespace tessera::test {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "tessera-test-XXXXXX").string();
  char* p = mkdtemp(tmpl.data());
  if (p == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Options DbTest::MakeOptions() {
  Options o;
  o.log_destination = LogDestination::kNone;
  return o;
}

void DbTest::SetUp() {
  dir_ = std::make_unique<TempDir>();
  options_ = MakeOptions();
  Reopen();
}

void DbTest::TearDown() { Close(); }

void DbTest::Close() {
  if (db_) {
    EXPECT_OK(db_->Close());
    db_.reset();
  }
}

void DbTest::Reopen() {
  Close();
  auto db = DB::Open(db_path(), options_);
  ASSERT_TRUE(db.ok()) << db.status();
  db_ = std::move(db).value();
}

}  // namespace tessera::test
