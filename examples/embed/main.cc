// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Embedding Tessera: open a database, write and read key-value data, run a transaction across two
// namespaces, and read the change log. Usage: embed_example DB_PATH
#include <cstdio>
#include <string>

#include "tessera/db.h"
#include "tessera/kv.h"
#include "tessera/status.h"

namespace {

absl::Status Run(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<tessera::DB> db, tessera::DB::Open(path));
  ASSIGN_OR_RETURN(std::unique_ptr<tessera::KvStore> kv, tessera::KvStore::Open(db.get()));

  RETURN_IF_ERROR(kv->Put("users", "alice", R"({"name": "Alice"})"));
  RETURN_IF_ERROR(kv->Put("users", "bob", R"({"name": "Bob"})"));
  ASSIGN_OR_RETURN(int64_t visits, kv->Increment("counters", "visits", 3));

  // Move a credit from one namespace to another atomically, retrying on conflicts.
  RETURN_IF_ERROR(db->RunTransaction([&](tessera::Transaction& txn) -> absl::Status {
    RETURN_IF_ERROR(kv->Increment(txn, "credits", "alice", -1).status());
    return kv->Increment(txn, "credits", "bob", 1).status();
  }));

  ASSIGN_OR_RETURN(auto cursor, kv->Scan("users", {}));
  for (; cursor->Valid(); cursor->Next()) {
    std::printf("users/%.*s = %.*s\n", static_cast<int>(cursor->entry().key.size()),
                cursor->entry().key.data(), static_cast<int>(cursor->entry().value.size()),
                cursor->entry().value.data());
  }
  RETURN_IF_ERROR(cursor->status());
  cursor.reset();

  ASSIGN_OR_RETURN(auto events, db->ReadChanges());
  std::printf("visits = %lld, change events = %zu\n", static_cast<long long>(visits),
              events.size());
  if (events.size() != 5) return absl::InternalError("expected 5 change events");
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
    std::fprintf(stderr, "error: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
