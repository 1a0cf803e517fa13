// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the transaction, change log, catalog, stats, help and quit commands through a shell
// Session on a temporary database.
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tessera/status.h"
#include "tests/shell/shell_fixture.h"

namespace tessera::shell {
namespace {

using ::testing::HasSubstr;

using ShellAdminCommandsTest = ShellTest;

TEST_F(ShellAdminCommandsTest, CommitMakesWritesVisible) {
  EXPECT_EQ(Run("begin"), J(R"({"ok": true})"));
  ASSERT_NE(session_->txn(), nullptr);
  Run("kv put ns a 1");
  Run("kv incr ns n 5");
  EXPECT_EQ(Run("kv get ns a"), J(R"("1")"));  // the transaction sees its own writes
  EXPECT_EQ(Run("kv scan ns"), J(R"([{"key": "a", "value": "1"}, {"key": "n", "value": "5"}])"));
  EXPECT_EQ(db_->LastSequence(), 0u);  // nothing committed yet
  EXPECT_EQ(Run("commit"), J(R"({"ok": true})"));
  EXPECT_EQ(session_->txn(), nullptr);
  EXPECT_EQ(Run("kv get ns n"), J(R"("5")"));
  Json events = Run("changes");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["txn"], events[1]["txn"]);
  EXPECT_EQ(events[0]["txn_events"], 2);
  EXPECT_EQ(events[1]["txn_index"], 1);
}

TEST_F(ShellAdminCommandsTest, RollbackDiscardsWrites) {
  Run("kv put ns a before");
  Run("begin");
  Run("kv put ns a after");
  Run("kv del ns a");
  EXPECT_EQ(Run("kv cas ns b null x"), J(R"({"swapped": true})"));
  EXPECT_EQ(Run("rollback"), J(R"({"ok": true})"));
  EXPECT_EQ(Run("kv get ns a"), J(R"("before")"));
  EXPECT_EQ(Run("kv get ns b"), J("null"));
}

TEST_F(ShellAdminCommandsTest, TransactionStateErrors) {
  EXPECT_EQ(RunError("commit").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(RunError("rollback").code(), absl::StatusCode::kFailedPrecondition);
  Run("begin");
  absl::Status s = RunError("begin");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("already open"));
  EXPECT_EQ(RunError("commit now").code(), absl::StatusCode::kInvalidArgument);
  Run("commit");
}

TEST_F(ShellAdminCommandsTest, ConflictingCommitIsReportedAndRolledBack) {
  Run("begin");
  Run("kv get ns k");
  Run("kv put ns k mine");
  // Another writer commits the same key first.
  auto other = Session::Open(db_.get(), Format::kJson);
  ASSERT_TRUE(other.ok());
  absl::StatusOr<Json> theirs = (*other)->Execute("kv put ns k theirs");
  if (theirs.ok()) {
    // Optimistic: the first committer wins, our commit fails and is rolled back.
    absl::Status s = RunError("commit");
    EXPECT_EQ(StatusCodeName(s.code()), std::string("conflict")) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("rolled back"));
    EXPECT_EQ(session_->txn(), nullptr);
  } else {
    // Pessimistic: the other writer times out waiting for our row lock.
    EXPECT_EQ(StatusCodeName(theirs.status().code()), std::string("conflict")) << theirs.status();
    Run("commit");
    EXPECT_EQ(Run("kv get ns k"), J(R"("mine")"));
  }
}

TEST_F(ShellAdminCommandsTest, ChangesRendersEveryField) {
  Run("kv put users alice v1");
  Run("kv put users alice v2");
  Run("kv del users alice");
  Json events = Run("changes");
  ASSERT_EQ(events.size(), 3u);
  Json first = events[0];
  std::vector<std::string> keys;
  for (const auto& [k, v] : first.items()) keys.push_back(k);
  EXPECT_THAT(keys, ::testing::ElementsAre("seq", "ts_us", "txn", "txn_index", "txn_events",
                                           "model", "name", "key", "op", "before", "after"));
  first.erase("ts_us");
  first.erase("txn");
  EXPECT_EQ(first, J(R"({"seq": 1, "txn_index": 0, "txn_events": 1, "model": "kv",
      "name": "users", "key": "alice", "op": "c", "before": null, "after": "v1"})"));
  EXPECT_EQ(events[1]["op"], "u");
  EXPECT_EQ(events[1]["before"], "v1");
  EXPECT_EQ(events[1]["after"], "v2");
  EXPECT_EQ(events[2]["op"], "d");
  EXPECT_EQ(events[2]["after"], nullptr);
  EXPECT_GT(events[0]["ts_us"].get<int64_t>(), 0);

  Json tail = Run("changes from 2 limit 1");
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0]["seq"], 2);
  EXPECT_EQ(Run("changes from 4"), J("[]"));
  EXPECT_EQ(Run("changes limit 0"), J("[]"));
  EXPECT_EQ(RunError("changes from x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RunError("changes limit -3").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RunError("changes 5").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ShellAdminCommandsTest, ChangesWithInvalidUtf8RenderWithoutThrowing) {
  Run("kv put bin k \"x\"");
  // A raw value that is not UTF-8, written through the API.
  ASSERT_OK(session_->kv().Put("bin", std::string("\xFF\xFEkey"), std::string("\xC3(")));
  Json events = Run("changes");
  ASSERT_EQ(events.size(), 2u);
  std::string line = DumpJson(events);
  EXPECT_THAT(line, HasSubstr("\xEF\xBF\xBD"));
  EXPECT_FALSE(Json::parse(line, nullptr, false).is_discarded());
}

TEST_F(ShellAdminCommandsTest, ListShowsEveryObject) {
  EXPECT_EQ(Run("list"), J("[]"));
  Run("kv put zeta k v");
  Run("kv put alpha k v");
  Json list = Run("list");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["model"], "kv");
  EXPECT_EQ(list[0]["name"], "alpha");
  EXPECT_EQ(list[1]["name"], "zeta");
  EXPECT_TRUE(list[0]["id"].is_number_unsigned());
  EXPECT_EQ(RunError("list kv").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ShellAdminCommandsTest, Stats) {
  Run("kv put ns k v");
  Run("kv get ns k");
  Json stats = Run("stats");
  ASSERT_TRUE(stats["operations"].contains("kv.get")) << DumpJson(stats);
  const Json& get = stats["operations"]["kv.get"];
  EXPECT_GE(get["count"].get<uint64_t>(), 1u);
  for (const char* field : {"count", "errors", "p50_us", "p99_us", "max_us", "sum_us"}) {
    EXPECT_TRUE(get.contains(field)) << field;
  }
  EXPECT_TRUE(stats["gauges"].is_object());
  EXPECT_TRUE(stats["rocksdb"].is_object());

  Json text = Run("stats prometheus");
  ASSERT_TRUE(text.is_string());
  EXPECT_THAT(text.get<std::string>(), HasSubstr("kv"));
  EXPECT_EQ(RunError("stats grafana").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ShellAdminCommandsTest, HelpListsExactlyTheCommandTable) {
  Json list = Run("help");
  std::set<std::string> listed;
  for (const Json& entry : list) {
    listed.insert(entry["command"].get<std::string>());
    EXPECT_FALSE(entry["summary"].get<std::string>().empty());
  }
  std::set<std::string> expected;
  for (const CommandSpec& spec : CommandTable()) expected.insert(std::string(spec.name));
  // Every model's group is there.
  for (const char* name : {"kv put", "doc find", "wide get", "graph getv", "ts query", "begin",
                           "changes", "list", "stats", "help", "quit", "exit"}) {
    EXPECT_TRUE(listed.contains(name)) << name;
  }
  EXPECT_EQ(listed, expected);
  EXPECT_EQ(list.size(), CommandTable().size());
}

TEST_F(ShellAdminCommandsTest, EveryListedCommandIsAcceptedAndItsExampleParses) {
  for (const CommandSpec& spec : CommandTable()) {
    Json help = Run(std::string("help ") + std::string(spec.name));
    EXPECT_EQ(help["command"], std::string(spec.name));
    EXPECT_EQ(help["syntax"], std::string(spec.syntax));
    EXPECT_EQ(help["example"], std::string(spec.example));
    // The example is a valid command; commit / rollback need a transaction first.
    bool needs_txn = spec.name == "commit" || spec.name == "rollback";
    if (needs_txn && session_->txn() == nullptr) Run("begin");
    if (spec.name == "quit" || spec.name == "exit") continue;
    // Import and export examples name files that need not exist here (and dump / restore /
    // backup would write into the working directory): check that they parse.
    if (spec.name.ends_with("import") || spec.name.ends_with("export") || spec.name == "dump" ||
        spec.name == "restore" || spec.name == "backup") {
      EXPECT_TRUE(Tokenize(spec.example).ok()) << spec.example;
      continue;
    }
    Run(spec.example);
  }
}

TEST_F(ShellAdminCommandsTest, HelpForAGroupAndForUnknownTopics) {
  Json kv = Run("help kv");
  ASSERT_EQ(kv.size(), 6u);
  EXPECT_EQ(kv[0]["command"], "kv put");
  EXPECT_EQ(kv[0]["syntax"], "kv put NS KEY VALUE [ttl SECONDS]");
  EXPECT_EQ(Run("help stats prometheus")["command"], "stats");
  absl::Status s = RunError("help frobnicate");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("frobnicate"));
}

TEST_F(ShellAdminCommandsTest, QuitAndExitRequestTheEnd) {
  EXPECT_FALSE(session_->quit_requested());
  EXPECT_EQ(RunError("quit now").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Run("exit"), J(R"({"ok": true})"));
  EXPECT_TRUE(session_->quit_requested());
}

}  // namespace
}  // namespace tessera::shell
