// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The command table, dispatch (the longest run of leading bare words naming a command), and the
// Session's transaction state.
#include "tools/shell/commands.h"

#include <array>

#include "core/util/strings.h"
#include "tessera/status.h"
#include "tools/shell/handlers.h"

namespace tessera::shell {
namespace {

namespace h = handlers;

constexpr std::array kCommands = {
    CommandSpec{"kv put", "kv put NS KEY VALUE [ttl SECONDS]",
                "Store VALUE under KEY in namespace NS (a JSON object or array is stored as its "
                "compact text)",
                R"(kv put users alice {"age": 30} ttl 3600)", &h::KvPut},
    CommandSpec{"kv get", "kv get NS KEY", "The value of KEY as a string, or null when absent",
                "kv get users alice", &h::KvGet},
    CommandSpec{"kv del", "kv del NS KEY", "Delete KEY; reports whether it existed",
                "kv del users alice", &h::KvDel},
    CommandSpec{"kv scan", "kv scan NS [prefix P] [from K] [to K] [limit N] [reverse]",
                "The keys and values of NS in key order (from inclusive, to exclusive)",
                "kv scan users prefix a limit 10", &h::KvScan},
    CommandSpec{"kv incr", "kv incr NS KEY [DELTA]",
                "Add DELTA (default 1) to the integer at KEY; returns the new value",
                "kv incr counters visits 5", &h::KvIncr},
    CommandSpec{"kv cas", "kv cas NS KEY EXPECTED NEW",
                "Set KEY to NEW only if its value is EXPECTED (the bare word null: absent; NEW "
                "null deletes)",
                "kv cas locks job-1 null worker-7", &h::KvCas},
    CommandSpec{"begin", "begin", "Start a transaction: the kv commands until commit run in it",
                "begin", &h::Begin},
    CommandSpec{"commit", "commit", "Commit the open transaction", "commit", &h::Commit},
    CommandSpec{"rollback", "rollback", "Discard the open transaction", "rollback", &h::Rollback},
    CommandSpec{"changes", "changes [from SEQ] [limit N]",
                "Committed change events from sequence SEQ on (default 1, at most N, default 100)",
                "changes from 1 limit 10", &h::Changes},
    CommandSpec{"list", "list", "Every named object (model, name, id)", "list", &h::List},
    CommandSpec{"stats", "stats [prometheus]",
                "Operation counts and latencies, gauges and RocksDB statistics (or the "
                "Prometheus text)",
                "stats", &h::Stats},
    CommandSpec{"help", "help [COMMAND]",
                "List the commands, or show the syntax and an example of one (or of a group)",
                "help kv put", &h::Help},
    CommandSpec{"quit", "quit", "Leave the shell (an open transaction is rolled back)", "quit",
                &h::Quit},
    CommandSpec{"exit", "exit", "Leave the shell (same as quit)", "exit", &h::Quit},
};

// How many leading tokens of `tokens` spell `name`, or 0 if they do not.
size_t MatchLength(std::string_view name, std::span<const Token> tokens) {
  size_t count = 0;
  while (!name.empty()) {
    size_t space = name.find(' ');
    std::string_view word = name.substr(0, space);
    if (count >= tokens.size() || !IsWord(tokens[count], word)) return 0;
    ++count;
    name = space == std::string_view::npos ? std::string_view() : name.substr(space + 1);
  }
  return count;
}

bool IsGroup(std::string_view word) {
  std::string prefix = util::StrCat(word, " ");
  for (const CommandSpec& spec : kCommands) {
    if (spec.name.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

std::span<const CommandSpec> CommandTable() { return kCommands; }

absl::StatusOr<std::unique_ptr<Session>> Session::Open(DB* db, Format format) {
  ASSIGN_OR_RETURN(std::unique_ptr<KvStore> kv, KvStore::Open(db));
  return std::unique_ptr<Session>(new Session(db, std::move(kv), format));
}

Session::Session(DB* db, std::unique_ptr<KvStore> kv, Format format)
    : db_(db), kv_(std::move(kv)), format_(format) {}

Session::~Session() {
  if (txn_ != nullptr && txn_->active()) txn_->Rollback().IgnoreError();
}

absl::StatusOr<Json> Session::Execute(std::string_view command) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(command));
  if (tokens.empty()) return absl::InvalidArgumentError("empty command");
  const CommandSpec* best = nullptr;
  size_t best_length = 0;
  for (const CommandSpec& spec : kCommands) {
    size_t length = MatchLength(spec.name, tokens);
    if (length > best_length) {
      best = &spec;
      best_length = length;
    }
  }
  if (best == nullptr) {
    const Token& first = tokens[0];
    if (first.kind == TokenKind::kBare && IsGroup(first.text)) {
      if (tokens.size() == 1) {
        return absl::InvalidArgumentError(util::StrCat("missing subcommand after '", first.text,
                                                       "'; 'help ", first.text, "' lists them"));
      }
      return absl::InvalidArgumentError(util::StrCat("unknown command '", first.text, " ",
                                                     tokens[1].text, "'; 'help ", first.text,
                                                     "' lists the ", first.text, " commands"));
    }
    return absl::InvalidArgumentError(
        util::StrCat("unknown command '", first.text, "'; 'help' lists the commands"));
  }
  Invocation call{*best, std::span<const Token>(tokens).subspan(best_length)};
  return best->handler(*this, call);
}

absl::Status Session::BeginTransaction() {
  if (txn_ != nullptr) {
    return absl::FailedPreconditionError("a transaction is already open; commit or rollback first");
  }
  ASSIGN_OR_RETURN(txn_, db_->Begin({.label = "shell"}));
  return absl::OkStatus();
}

absl::Status Session::CommitTransaction() {
  if (txn_ == nullptr) return absl::FailedPreconditionError("no transaction is open");
  std::unique_ptr<Transaction> txn = std::move(txn_);
  absl::Status s = txn->Commit();
  if (s.ok()) return s;
  if (txn->active()) txn->Rollback().IgnoreError();
  return absl::Status(s.code(), util::StrCat("commit failed, the transaction was rolled back: ",
                                             util::ToStd(s.message())));
}

absl::Status Session::RollbackTransaction() {
  if (txn_ == nullptr) return absl::FailedPreconditionError("no transaction is open");
  std::unique_ptr<Transaction> txn = std::move(txn_);
  return txn->Rollback();
}

}  // namespace tessera::shell
