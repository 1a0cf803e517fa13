// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The shell's commands: the command table (the single source of truth that both dispatch and
// `help` read) and the Session a command runs against (the database, the key-value store, the
// transaction opened by `begin`, the output format).
//
//   ASSIGN_OR_RETURN(auto session, Session::Open(db.get(), Format::kJson));
//   ASSIGN_OR_RETURN(Json result, session->Execute("kv get users alice"));
#pragma once

#include <array>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tessera/db.h"
#include "tessera/kv.h"
#include "tessera/model.h"
#include "tessera/transaction.h"
#include "tools/shell/output.h"
#include "tools/shell/tokenizer.h"

namespace tessera::shell {

class Session;
struct CommandSpec;

// One call of a command: its table entry and the arguments after the command words.
struct Invocation {
  const CommandSpec& spec;
  std::span<const Token> args;
};

using CommandHandler = absl::StatusOr<Json> (*)(Session& session, const Invocation& call);

struct CommandSpec {
  std::string_view name;     // the command words: "kv put", "begin"
  std::string_view syntax;   // "kv put NS KEY VALUE [ttl SECONDS]"
  std::string_view summary;  // one line
  std::string_view example;  // a complete example command
  CommandHandler handler;
};

// Every command the shell accepts, in the order `help` lists them.
std::span<const CommandSpec> CommandTable();

// The state of one shell session. Not thread-safe. Must not outlive its DB.
class Session {
 public:
  // A session on `db` (which it does not own), rendering results in `format`.
  static absl::StatusOr<std::unique_ptr<Session>> Open(DB* db, Format format);

  // Rolls back a transaction still open.
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Tokenizes one command and runs it. InvalidArgument for an unknown command or bad arguments;
  // otherwise the error of the operation.
  absl::StatusOr<Json> Execute(std::string_view command);

  DB& db() { return *db_; }
  KvStore& kv() { return *kv_; }

  // The handle of `model`'s store, opened on first use by that model's commands
  // (commands_<model>.cc) and kept for the session. Type-erased so that the session does not
  // depend on every model library.
  template <typename Store>
  absl::StatusOr<Store*> ModelStore(Model model,
                                    absl::StatusOr<std::unique_ptr<Store>> (*open)(DB*)) {
    std::shared_ptr<void>& slot = model_stores_[static_cast<size_t>(model)];
    if (slot == nullptr) {
      absl::StatusOr<std::unique_ptr<Store>> store = open(db_);
      if (!store.ok()) return store.status();
      slot = std::shared_ptr<Store>(std::move(*store));
    }
    return static_cast<Store*>(slot.get());
  }
  Format format() const { return format_; }

  // The transaction opened by `begin`, or null outside one.
  Transaction* txn() { return txn_.get(); }
  // FailedPrecondition if a transaction is already open.
  absl::Status BeginTransaction();
  // FailedPrecondition outside a transaction. A commit that fails rolls the transaction back.
  absl::Status CommitTransaction();
  absl::Status RollbackTransaction();

  bool quit_requested() const { return quit_requested_; }
  void RequestQuit() { quit_requested_ = true; }

 private:
  Session(DB* db, std::unique_ptr<KvStore> kv, Format format);

  DB* db_;
  std::unique_ptr<KvStore> kv_;
  Format format_;
  std::array<std::shared_ptr<void>, 8> model_stores_;  // indexed by Model
  std::unique_ptr<Transaction> txn_;
  bool quit_requested_ = false;
};

}  // namespace tessera::shell
