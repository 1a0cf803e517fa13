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
#include <atomic>
#include <functional>
#include <iostream>
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

namespace tessera {
class ChangeFeed;
}  // namespace tessera

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

// Cancellation of the running command: Ctrl-C in the interactive shell.
//
// The shell's SIGINT handler (interrupt.h) calls Cancel(); the runner calls Reset() before each
// command. LONG-RUNNING HANDLERS MUST POLL IT, through `RETURN_IF_ERROR(session.CheckCancelled())`
// in every loop that can run long: a cursor over a scan, an import, a `feed tail` or export wait
// loop (wait in slices of at most ~100 ms and check between them); a long model call gets
// Session::CancelCheck() in its options' `cancelled` field instead. Ctrl-C then ends the command
// with a `cancelled` error and the shell goes on. Thread-safe and async-signal-safe (one lock-free
// atomic).
class CancelToken {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  void Reset() { cancelled_.store(false, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
  static_assert(std::atomic<bool>::is_always_lock_free);
};

// The error a cancelled command returns: Cancelled, "interrupted by Ctrl-C".
absl::Status CancelledByUser();

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
  void set_format(Format format) { format_ = format; }

  // `.timer on`: the runner prints each command's run time to standard error.
  bool timer() const { return timer_; }
  void set_timer(bool on) { timer_ = on; }

  // Ctrl-C: see CancelToken. Handlers poll CheckCancelled() in their long loops; it returns
  // CancelledByUser() once cancellation was requested. Execute() does not reset the token: the
  // runner does, before each command.
  CancelToken& cancel_token() { return cancel_; }
  bool cancel_requested() const { return cancel_.cancelled(); }
  absl::Status CheckCancelled() const {
    return cancel_.cancelled() ? CancelledByUser() : absl::OkStatus();
  }
  // The same check for the models' option structs (TraversalOptions::cancelled,
  // SubgraphOptions::cancelled, TsQuery::cancelled, FeedReadOptions::cancelled), which return
  // their own Cancelled error; a handler passes it through CancelledOr().
  std::function<bool()> CancelCheck() const {
    const CancelToken* token = &cancel_;
    return [token] { return token->cancelled(); };
  }
  // `status`, or CancelledByUser() when it is a Cancelled that Ctrl-C caused, so that every
  // cancelled command reports "interrupted by Ctrl-C".
  absl::Status CancelledOr(absl::Status status) const {
    return status.code() == absl::StatusCode::kCancelled && cancel_.cancelled() ? CancelledByUser()
                                                                                : status;
  }

  // The change feed (commands_feed.cc), opened on first use and kept for the session.
  absl::StatusOr<ChangeFeed*> feed();
  // Where long-running commands (`feed tail`, `feed export`) write lines as they go, before
  // their result: standard output unless a test points it elsewhere.
  std::ostream& stream_out() { return *stream_out_; }
  void set_stream_out(std::ostream* out) { stream_out_ = out; }

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
  bool timer_ = false;
  std::shared_ptr<ChangeFeed> feed_;
  std::ostream* stream_out_ = &std::cout;
  CancelToken cancel_;
};

}  // namespace tessera::shell
