// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The change feed exported to NATS JetStream end to end: the shell's `feed export nats` over a
// real database (in-process, stopped through the session's cancel token, then resumed), and the
// `tessera` shell process SIGKILLed mid-export and started again; each time the stream must hold
// every change event exactly once, in sequence order, as the feed's JSON envelope.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "nlohmann/json.hpp"
#include "tessera/feed.h"
#include "tessera/kv.h"
#include "tests/nats_export/nats_test_util.h"
#include "tests/util/test_util.h"
#include "tools/shell/commands.h"

extern char** environ;

namespace tessera::nats_export {
namespace {

using ::testing::HasSubstr;

constexpr char kStream[] = "FEED";
constexpr char kSubject[] = "tessera.feed";

// The stream holds events 1..count exactly once, in order, each the envelope of its event.
void ExpectFeedExported(const std::string& url, uint64_t count) {
  ASSERT_OK_AND_ASSIGN(test::StreamContents got, test::ReadStream(url, kStream));
  ASSERT_EQ(got.messages, count);
  for (uint64_t i = 0; i < count; ++i) {
    ASSERT_EQ(got.msg_ids[i], std::to_string(i + 1));
    nlohmann::json event = nlohmann::json::parse(got.payloads[i], nullptr, false);
    ASSERT_FALSE(event.is_discarded()) << got.payloads[i];
    EXPECT_EQ(event["seq"], i + 1);
    EXPECT_EQ(event["model"], "kv");
    EXPECT_EQ(event["op"], "c");
    EXPECT_EQ(event["name"], "items");
    EXPECT_EQ(got.op_headers[i], "c");
  }
}

class FeedExportTest : public ::tessera::test::DbTest {
 protected:
  void SetUp() override {
    if (test::FindNatsServer().empty()) {
      GTEST_SKIP() << "nats-server is not installed (Debian package nats-server; "
                      "tools/dev/setup.sh installs it)";
    }
    ::tessera::test::DbTest::SetUp();
    server_ = std::make_unique<test::NatsServer>(nats_dir_.path());
    ASSERT_OK(server_->Start());
  }

  void Write(int from, int to) {
    ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
    for (int i = from; i < to; ++i) ASSERT_OK(kv->Put("items", "k" + std::to_string(i), "v"));
  }

  // Waits (bounded) until the stream holds `count` messages.
  bool WaitForMessages(uint64_t count) {
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline) {
      if (test::StreamMessages(server_->url(), kStream) >= count) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  }

  // Runs `feed export nats ...` in a session until the stream holds `count` messages.
  std::string ExportUntil(uint64_t count) {
    std::ostringstream lines;
    absl::StatusOr<std::unique_ptr<shell::Session>> session =
        shell::Session::Open(db_.get(), shell::Format::kJson);
    EXPECT_TRUE(session.ok());
    if (!session.ok()) return "";
    (*session)->set_stream_out(&lines);
    absl::StatusOr<shell::Json> result;
    std::thread runner([&] { result = (*session)->Execute(command_); });
    EXPECT_TRUE(WaitForMessages(count));
    (*session)->cancel_token().Cancel();
    runner.join();
    EXPECT_TRUE(absl::IsCancelled(result.status())) << result.status();
    EXPECT_THAT(std::string(result.status().message()), HasSubstr("interrupted by Ctrl-C"));
    return lines.str();
  }

  ::tessera::test::TempDir nats_dir_;
  std::unique_ptr<test::NatsServer> server_;
  std::string command_;
};

TEST_F(FeedExportTest, ShellCommandExportsTheFeedAndResumes) {
  Write(0, 300);
  command_ =
      "feed export nats " + server_->url() + " " + kStream + " " + kSubject + " consumer to-nats";
  std::string lines = ExportUntil(300);
  EXPECT_THAT(lines, HasSubstr(R"({"log":"created consumer to-nats after seq 0)"));
  EXPECT_THAT(lines, HasSubstr("stream FEED created"));
  ExpectFeedExported(server_->url(), 300);

  // More changes; the second run resumes after the acknowledged position.
  Write(300, 500);
  lines = ExportUntil(500);
  EXPECT_THAT(lines, HasSubstr("resuming consumer to-nats after seq 300"));
  ExpectFeedExported(server_->url(), 500);
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(ConsumerInfo info, feed->GetConsumer("to-nats"));
  EXPECT_EQ(info.acked_seq, 500u);
}

TEST_F(FeedExportTest, BadArgumentsAreReportedBeforeConnecting) {
  ASSERT_OK_AND_ASSIGN(auto session, shell::Session::Open(db_.get(), shell::Format::kJson));
  absl::StatusOr<shell::Json> r = session->Execute("feed export kafka x y z");
  ASSERT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("unknown export target 'kafka'"));
  r = session->Execute("feed export nats " + server_->url() + " bad.name subject");
  ASSERT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("stream name 'bad.name'"));
  r = session->Execute("feed export nats " + server_->url() + " S a.>");
  ASSERT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("wildcard"));
}

// The shell process SIGKILLed mid-export, then run again: nothing lost, nothing doubled.
TEST_F(FeedExportTest, ShellProcessKilledMidExportAndRestarted) {
  constexpr int kCount = 3000;
  Write(0, kCount);
  Close();  // the shell process opens the database itself
  auto spawn_shell = [&] {
    std::vector<std::string> args = {
        TESSERA_SHELL,
        "--db",
        db_path(),
        "--format",
        "json",
        "-c",
        "feed export nats " + server_->url() + " " + kStream + " " + kSubject};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    EXPECT_EQ(posix_spawn(&pid, TESSERA_SHELL, &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    return pid;
  };
  auto kill_shell = [](pid_t pid) {
    kill(pid, SIGKILL);
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status));
  };
  pid_t pid = spawn_shell();
  EXPECT_TRUE(WaitForMessages(kCount / 3));
  kill_shell(pid);
  const uint64_t at_kill = test::StreamMessages(server_->url(), kStream);
  pid = spawn_shell();
  EXPECT_TRUE(WaitForMessages(kCount));
  kill_shell(pid);
  ExpectFeedExported(server_->url(), kCount);

  Reopen();
  ASSERT_OK_AND_ASSIGN(auto feed, ChangeFeed::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(ConsumerInfo info, feed->GetConsumer("nats-export"));
  // Killed once the stream was complete: at most the last batch (500) is unacknowledged.
  EXPECT_LE(info.acked_seq, static_cast<uint64_t>(kCount));
  EXPECT_GE(info.acked_seq, static_cast<uint64_t>(kCount - 500));
  EXPECT_GT(at_kill, 0u);
}

}  // namespace
}  // namespace tessera::nats_export
