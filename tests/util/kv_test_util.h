// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// A database fixture with a key-value store open on it. Header-only, so that only tests that link
// tessera_kv pull it in.
#pragma once

#include <memory>

#include "tessera/kv.h"
#include "tests/util/test_util.h"

namespace tessera::test {

class KvDbTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    OpenKv();
  }
  void TearDown() override {
    kv_.reset();
    DbTest::TearDown();
  }
  // Closes and reopens the database, and the key-value store on it.
  void ReopenKv() {
    kv_.reset();
    Reopen();
    OpenKv();
  }

  std::unique_ptr<KvStore> kv_;

 private:
  void OpenKv() {
    auto kv = KvStore::Open(db_.get());
    ASSERT_TRUE(kv.ok()) << kv.status();
    kv_ = std::move(kv).value();
  }
};

}  // namespace tessera::test
