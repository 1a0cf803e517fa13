// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Exactly-once inside Tessera: a durable consumer keeps a materialised view (how many orders
// have each status) in a KV namespace, and acknowledges each batch in the transaction that
// updates the view. It starts from a snapshot of the collection. A worker that "crashes" before
// its commit leaves neither its view updates nor its acknowledgement behind, so the batch is
// delivered again and counted once.
#include <map>

#include "nlohmann/json.hpp"
#include "tessera/doc.h"
#include "tessera/feed.h"
#include "tessera/kv.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

// The status field of a document image (JSON text), or "" without one.
std::string StatusOf(const std::optional<std::string>& image) {
  if (!image) return "";
  nlohmann::json doc = nlohmann::json::parse(*image, nullptr, false);
  if (!doc.is_object() || !doc.contains("status") || !doc["status"].is_string()) return "";
  return doc["status"].get<std::string>();
}

class StatusCounts {
 public:
  StatusCounts(DB* db, ChangeFeed* feed, KvStore* kv) : db_(db), feed_(feed), kv_(kv) {}

  // Processes one batch; with `crash` the transaction is abandoned instead of committed.
  // Returns how many events the batch held.
  absl::StatusOr<size_t> Step(size_t limit, bool crash) {
    ASSIGN_OR_RETURN(std::vector<ChangeEvent> events, feed_->Next("counts", limit));
    if (events.empty()) return 0;
    ASSIGN_OR_RETURN(std::unique_ptr<Transaction> txn, db_->Begin());
    for (const ChangeEvent& e : events) {
      std::string before = StatusOf(e.before), after = StatusOf(e.after);
      if (before == after) continue;
      if (!before.empty())
        RETURN_IF_ERROR(kv_->Increment(*txn, "status_counts", before, -1).status());
      if (!after.empty()) RETURN_IF_ERROR(kv_->Increment(*txn, "status_counts", after, 1).status());
    }
    RETURN_IF_ERROR(feed_->Ack(*txn, "counts", events.back()));
    if (crash) return events.size();  // destroyed without commit: rolled back
    RETURN_IF_ERROR(txn->Commit());
    return events.size();
  }

 private:
  DB* db_;
  ChangeFeed* feed_;
  KvStore* kv_;
};

class MaterializedViewTest : public test::DbTest {};

TEST_F(MaterializedViewTest, CountsPerStatusStayExactAcrossCrashesAndRestarts) {
  ASSERT_OK_AND_ASSIGN(auto docs, DocStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::Open(db_.get()));
  for (int i = 0; i < 6; ++i) {
    ASSERT_OK(docs->Insert("orders", {Document{{"_id", i}, {"status", i < 4 ? "new" : "paid"}}})
                  .status());
  }
  ConsumerStart start;
  start.snapshot_model = Model::kDocument;
  start.snapshot_object = "orders";  // then only the orders' changes (the view's own are not)
  ASSERT_OK(feed->CreateConsumer("counts", start));
  ASSERT_OK(
      docs->Update("orders", Document{{"_id", 0}}, Document{{"$set", {{"status", "paid"}}}}, {})
          .status());
  ASSERT_OK(docs->Delete("orders", Document{{"_id", 5}}, true).status());
  ASSERT_OK(docs->Insert("orders", {Document{{"_id", 9}, {"status", "shipped"}}}).status());

  StatusCounts view(db_.get(), feed.get(), kv.get());
  ASSERT_OK_AND_ASSIGN(size_t n, view.Step(4, /*crash=*/true));  // lost: delivered again
  EXPECT_EQ(n, 4u);
  ASSERT_OK_AND_ASSIGN(n, view.Step(4, false));  // 4 of the 6 snapshot events
  EXPECT_EQ(n, 4u);
  // Restart between batches: the position and the counts were committed together.
  feed.reset();
  kv.reset();
  docs.reset();
  Reopen();
  ASSERT_OK_AND_ASSIGN(docs, DocStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(kv, KvStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(feed, ChangeFeed::Open(db_.get()));
  StatusCounts again(db_.get(), feed.get(), kv.get());
  ASSERT_OK_AND_ASSIGN(n, again.Step(3, true));
  ASSERT_OK_AND_ASSIGN(n, again.Step(3, false));  // 2 snapshot events, the update
  EXPECT_EQ(n, 3u);
  while (true) {
    ASSERT_OK_AND_ASSIGN(n, again.Step(2, false));
    if (n == 0) break;
  }
  // new: 1, 2, 3; paid: 0, 4 (5 deleted); shipped: 9.
  std::map<std::string, std::optional<std::string>> expected = {
      {"new", "3"}, {"paid", "2"}, {"shipped", "1"}};
  for (const auto& [status, count] : expected) {
    ASSERT_OK_AND_ASSIGN(auto got, kv->Get("status_counts", status));
    EXPECT_EQ(got, count) << status;
  }
}

}  // namespace
}  // namespace tessera
