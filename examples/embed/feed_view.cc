// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Exactly-once inside Tessera, with the change feed: a durable consumer keeps a materialised
// view of a document collection (how many orders have each status) in a key-value namespace. It
// starts from a snapshot of the collection, then follows its changes; each batch of events is
// acknowledged in the same transaction that updates the view, so a crash between the two can
// neither lose nor double-count a change. Usage: feed_view_example DB_PATH
#include <cstdio>
#include <map>
#include <string>

#include "nlohmann/json.hpp"
#include "tessera/db.h"
#include "tessera/doc.h"
#include "tessera/feed.h"
#include "tessera/kv.h"
#include "tessera/status.h"

namespace {

// The "status" of a document image (JSON text), or "" without one.
std::string StatusOf(const std::optional<std::string>& image) {
  if (!image) return "";
  nlohmann::json doc = nlohmann::json::parse(*image, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("status") || !doc["status"].is_string()) return "";
  return doc["status"].get<std::string>();
}

// Applies every pending event of consumer "order-counts" to the view; returns how many.
absl::StatusOr<size_t> CatchUp(tessera::DB& db, tessera::ChangeFeed& feed, tessera::KvStore& kv) {
  size_t total = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<tessera::ChangeEvent> events, feed.Next("order-counts", 100));
    if (events.empty()) return total;
    RETURN_IF_ERROR(db.RunTransaction([&](tessera::Transaction& txn) -> absl::Status {
      for (const tessera::ChangeEvent& e : events) {
        const std::string before = StatusOf(e.before), after = StatusOf(e.after);
        if (before == after) continue;
        if (!before.empty())
          RETURN_IF_ERROR(kv.Increment(txn, "order_counts", before, -1).status());
        if (!after.empty()) RETURN_IF_ERROR(kv.Increment(txn, "order_counts", after, 1).status());
      }
      // The acknowledgement commits with the view's updates, or not at all.
      return feed.Ack(txn, "order-counts", events.back());
    }));
    total += events.size();
  }
}

absl::Status Run(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<tessera::DB> db, tessera::DB::Open(path));
  ASSIGN_OR_RETURN(auto docs, tessera::DocStore::Open(db.get()));
  ASSIGN_OR_RETURN(auto kv, tessera::KvStore::Open(db.get()));
  ASSIGN_OR_RETURN(auto feed, tessera::ChangeFeed::Open(db.get()));

  for (int i = 0; i < 5; ++i) {
    RETURN_IF_ERROR(
        docs->Insert("orders", {{{"_id", i}, {"status", i < 3 ? "new" : "paid"}}}).status());
  }
  // Start from what the collection holds now (op 'r' events), then follow its changes.
  tessera::ConsumerStart start;
  start.snapshot_model = tessera::Model::kDocument;
  start.snapshot_object = "orders";
  RETURN_IF_ERROR(feed->CreateConsumer("order-counts", start));
  ASSIGN_OR_RETURN(size_t first, CatchUp(*db, *feed, *kv));

  RETURN_IF_ERROR(
      docs->Update("orders", {{"_id", 0}}, {{"$set", {{"status", "paid"}}}}, {}).status());
  RETURN_IF_ERROR(docs->Delete("orders", {{"_id", 4}}, /*one=*/true).status());
  RETURN_IF_ERROR(docs->Insert("orders", {{{"_id", 7}, {"status", "shipped"}}}).status());
  ASSIGN_OR_RETURN(size_t second, CatchUp(*db, *feed, *kv));
  std::printf("applied %zu snapshot and %zu change events\n", first, second);

  // The view must equal a count over the collection as it is now.
  std::map<std::string, int64_t> expected;
  ASSIGN_OR_RETURN(auto cursor, docs->Find("orders", tessera::Document::object(), {}));
  for (; cursor->Valid(); cursor->Next()) ++expected[cursor->entry()["status"].get<std::string>()];
  RETURN_IF_ERROR(cursor->status());
  for (const auto& [status, count] : expected) {
    ASSIGN_OR_RETURN(std::optional<std::string> stored, kv->Get("order_counts", status));
    const int64_t got = stored ? std::stoll(*stored) : 0;
    std::printf("order_counts/%s = %lld\n", status.c_str(), static_cast<long long>(got));
    if (got != count) {
      return absl::InternalError("the view disagrees with the collection for status " + status);
    }
  }
  cursor.reset();
  feed.reset();
  return db->Close();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DB_PATH\n", argv[0]);
    return 2;
  }
  absl::Status s = Run(argv[1]);
  if (!s.ok()) {
    std::fprintf(stderr, "feed_view_example: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
