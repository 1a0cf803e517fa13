// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// A database fixture with a document store open on it, and helpers to run queries in tests.
#pragma once

#include <memory>
#include <vector>

#include "tessera/doc.h"
#include "tests/util/test_util.h"

namespace tessera::test {

using Json = Document;

class DocDbTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    OpenDocs();
  }
  void TearDown() override {
    docs_.reset();
    DbTest::TearDown();
  }
  void ReopenDocs() {
    docs_.reset();
    Reopen();
    OpenDocs();
  }

  // Every document a find returns, or the error.
  absl::StatusOr<std::vector<Json>> FindAll(std::string_view coll, const Json& filter,
                                            const DocFindOptions& options = {}) {
    auto cursor = docs_->Find(coll, filter, options);
    if (!cursor.ok()) return cursor.status();
    std::vector<Json> out;
    for (; (*cursor)->Valid(); (*cursor)->Next()) out.push_back((*cursor)->entry());
    if (!(*cursor)->status().ok()) return (*cursor)->status();
    return out;
  }
  // The _id values of FindAll, in order.
  std::vector<Json> Ids(std::string_view coll, const Json& filter,
                        const DocFindOptions& options = {}) {
    auto r = FindAll(coll, filter, options);
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<Json> ids;
    if (r.ok()) {
      for (const Json& d : *r) ids.push_back(d["_id"]);
    }
    return ids;
  }
  void InsertAll(std::string_view coll, const std::vector<Json>& docs) {
    auto r = docs_->Insert(coll, docs);
    ASSERT_TRUE(r.ok()) << r.status();
  }

  std::unique_ptr<DocStore> docs_;

 private:
  void OpenDocs() {
    auto d = DocStore::Open(db_.get());
    ASSERT_TRUE(d.ok()) << d.status();
    docs_ = std::move(d).value();
  }
};

}  // namespace tessera::test
