// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// A database fixture with a change feed and the kv, doc and wide stores open.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tessera/doc.h"
#include "tessera/feed.h"
#include "tessera/kv.h"
#include "tessera/wide.h"
#include "tests/util/test_util.h"

namespace tessera::test {

class FeedTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    OpenHandles();
  }
  void TearDown() override {
    CloseHandles();
    DbTest::TearDown();
  }
  void OpenHandles() {
    ASSERT_OK_AND_ASSIGN(feed_, ChangeFeed::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(kv_, KvStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(docs_, DocStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(wide_, WideStore::Open(db_.get()));
  }
  void CloseHandles() {
    feed_.reset();
    kv_.reset();
    docs_.reset();
    wide_.reset();
  }
  // Closes every handle and the database, and opens them again.
  void ReopenAll() {
    CloseHandles();
    Reopen();
    OpenHandles();
  }

  // The sequence numbers of `events`.
  static std::vector<uint64_t> Seqs(const std::vector<ChangeEvent>& events) {
    std::vector<uint64_t> out;
    for (const ChangeEvent& e : events) out.push_back(e.seq);
    return out;
  }

  std::unique_ptr<ChangeFeed> feed_;
  std::unique_ptr<KvStore> kv_;
  std::unique_ptr<DocStore> docs_;
  std::unique_ptr<WideStore> wide_;
};

}  // namespace tessera::test
