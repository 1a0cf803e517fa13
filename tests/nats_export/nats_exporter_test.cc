// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The NATS JetStream exporter against a real nats-server (Debian's, started per test with
// JetStream on a free loopback port): every event lands in the stream exactly once, in sequence
// order, after a crash of the exporter between publishing and acknowledging, after a SIGKILL of
// an exporter process with publishes in flight, and after a SIGKILL and restart of the server
// mid-stream. Tests are skipped (with a message) only when nats-server is not installed.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "tests/nats_export/nats_test_util.h"
#include "tests/util/test_util.h"
#include "tools/nats_export/nats_client.h"
#include "tools/nats_export/nats_exporter.h"

extern char** environ;

namespace tessera::nats_export {
namespace {

using test::MemorySource;
using test::NatsServer;
using ::testing::HasSubstr;

constexpr char kStream[] = "TESSERA";
constexpr char kSubject[] = "tessera.changes";

// Every event 1..count exactly once, in order, with its payload and headers.
void ExpectExactlyOnce(const std::string& url, uint64_t count) {
  ASSERT_OK_AND_ASSIGN(test::StreamContents got, test::ReadStream(url, kStream));
  ASSERT_EQ(got.messages, count);
  ASSERT_EQ(got.msg_ids.size(), count);
  for (uint64_t i = 0; i < count; ++i) {
    ASSERT_EQ(got.msg_ids[i], std::to_string(i + 1)) << "stream message " << i + 1;
    ASSERT_EQ(got.payloads[i], test::TestPayload(i + 1));
    ASSERT_EQ(got.subjects[i], kSubject);
    ASSERT_EQ(got.op_headers[i], "c");
  }
}

// How many failures the exporter reported (each is followed by a retry).
int Failures(const std::vector<std::string>& log) {
  int n = 0;
  for (const std::string& line : log) n += line.find("retrying in") != std::string::npos;
  return n;
}

class NatsExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::FindNatsServer().empty()) {
      GTEST_SKIP() << "nats-server is not installed (Debian package nats-server; "
                      "tools/dev/setup.sh installs it)";
    }
    server_ = std::make_unique<NatsServer>(dir_.path());
    ASSERT_OK(server_->Start());
  }

  NatsExportOptions Options() {
    NatsExportOptions o;
    o.url = server_->url();
    o.stream = kStream;
    o.subject = kSubject;
    o.batch_size = 100;
    o.initial_backoff = absl::Milliseconds(20);
    o.max_backoff = absl::Milliseconds(200);
    o.idle_wait = absl::Milliseconds(10);
    o.on_log = [this](std::string_view line) {
      util::MutexLock lock(&log_mu_);
      log_.emplace_back(line);
    };
    return o;
  }

  std::vector<std::string> Log() {
    util::MutexLock lock(&log_mu_);
    return log_;
  }

  ::tessera::test::TempDir dir_;
  std::unique_ptr<NatsServer> server_;
  util::Mutex log_mu_;
  std::vector<std::string> log_ ABSL_GUARDED_BY(log_mu_);
};

TEST(NatsSubjectTest, MatchesWildcards) {
  EXPECT_TRUE(SubjectMatches("tessera.changes", "tessera.changes"));
  EXPECT_TRUE(SubjectMatches("tessera.*", "tessera.changes"));
  EXPECT_TRUE(SubjectMatches("tessera.>", "tessera.changes.kv"));
  EXPECT_TRUE(SubjectMatches(">", "a"));
  EXPECT_FALSE(SubjectMatches("tessera.*", "tessera.changes.kv"));
  EXPECT_FALSE(SubjectMatches("tessera.>", "tessera"));
  EXPECT_FALSE(SubjectMatches("tessera.changes", "tessera.change"));
  EXPECT_FALSE(SubjectMatches("tessera", "tessera.changes"));
}

TEST(NatsExporterOptionsTest, RejectsBadOptionsNamingThem) {
  MemorySource source(1);
  NatsExportOptions o{.stream = "S", .subject = "a.b"};
  auto check = [&](NatsExportOptions bad, const std::string& text) {
    absl::StatusOr<std::unique_ptr<NatsExporter>> e = NatsExporter::Create(bad, &source);
    ASSERT_TRUE(absl::IsInvalidArgument(e.status())) << e.status();
    EXPECT_THAT(std::string(e.status().message()), HasSubstr(text));
  };
  NatsExportOptions bad = o;
  bad.stream = "a.b";
  check(bad, "stream name 'a.b'");
  bad = o;
  bad.stream = "";
  check(bad, "stream name is empty");
  bad = o;
  bad.subject = "a.*";
  check(bad, "wildcard");
  bad = o;
  bad.subject = "a..b";
  check(bad, "empty token");
  bad = o;
  bad.url = " ";
  check(bad, "URL is empty");
  bad = o;
  bad.batch_size = 0;
  check(bad, "batch_size");
  EXPECT_OK(NatsExporter::Create(o, &source).status());
}

TEST_F(NatsExporterTest, ExportsEveryEventOnceInOrderAndCreatesTheStream) {
  constexpr uint64_t kCount = 1000;
  MemorySource source(kCount);
  std::atomic<bool> done{false};
  source.CancelWhenDone(&done);
  std::vector<NatsExportProgress> reports;
  NatsExportOptions o = Options();
  o.on_progress = [&](const NatsExportProgress& p) { reports.push_back(p); };
  ASSERT_OK_AND_ASSIGN(auto exporter, NatsExporter::Create(o, &source));
  ASSERT_OK(exporter->Run(done));
  EXPECT_EQ(exporter->progress().published, kCount);
  EXPECT_EQ(exporter->progress().duplicates, 0u);
  EXPECT_EQ(exporter->progress().last_seq, kCount);
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports.back().published, kCount);
  EXPECT_THAT(FormatProgress(reports.back()), HasSubstr("exported 1000 events"));
  ASSERT_FALSE(Log().empty());
  EXPECT_THAT(Log()[0], HasSubstr("stream TESSERA created"));
  ExpectExactlyOnce(server_->url(), kCount);

  // A second run over the same source finds the stream and publishes nothing more.
  done = false;
  MemorySource more(kCount + 10);
  ASSERT_OK(more.Ack({.seq = kCount}));
  more.CancelWhenDone(&done);
  ASSERT_OK_AND_ASSIGN(auto again, NatsExporter::Create(o, &more));
  ASSERT_OK(again->Run(done));
  EXPECT_EQ(again->progress().published, 10u);
  EXPECT_THAT(Log().back(), HasSubstr("stream TESSERA found (1000 messages"));
  ExpectExactlyOnce(server_->url(), kCount + 10);
}

TEST_F(NatsExporterTest, CrashBetweenPublishAndAcknowledgementIsDeduplicated) {
  constexpr uint64_t kCount = 1000;
  MemorySource source(kCount);
  source.FailAckAt(450);  // the batch 401..500 is published, then the "crash"
  std::atomic<bool> done{false};
  source.CancelWhenDone(&done);
  {
    ASSERT_OK_AND_ASSIGN(auto exporter, NatsExporter::Create(Options(), &source));
    absl::Status s = exporter->Run(done);
    EXPECT_THAT(std::string(s.message()), HasSubstr("simulated crash"));
    EXPECT_EQ(exporter->progress().last_seq, 400u);
  }
  EXPECT_EQ(source.acked(), 400u);
  ASSERT_OK_AND_ASSIGN(auto restarted, NatsExporter::Create(Options(), &source));
  ASSERT_OK(restarted->Run(done));
  EXPECT_EQ(restarted->progress().published, 600u);
  EXPECT_EQ(restarted->progress().duplicates, 100u);  // 401..500 were already stored
  ExpectExactlyOnce(server_->url(), kCount);
}

// The exporter as a process, SIGKILLed with a batch's publishes in flight, then run again.
TEST_F(NatsExporterTest, ExporterProcessKilledMidBatchResumesWithoutDuplicates) {
  constexpr uint64_t kCount = 3000;
  const std::string state = dir_.path() + "/acked";
  auto run_child = [&](uint64_t kill_at) {
    std::vector<std::string> args = {
        NATS_EXPORT_CHILD,      server_->url(), kStream, kSubject,
        std::to_string(kCount), state,          "250",   std::to_string(kill_at)};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    EXPECT_EQ(posix_spawn(&pid, NATS_EXPORT_CHILD, nullptr, nullptr, argv.data(), environ), 0);
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    return status;
  };
  auto acked = [&] {
    std::ifstream in(state);
    uint64_t seq = 0;
    in >> seq;
    return seq;
  };
  // Killed right after sending the batch 1251..1500, before its acknowledgements arrive.
  int status = run_child(1400);
  ASSERT_TRUE(WIFSIGNALED(status)) << "status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_EQ(acked(), 1250u);
  status = run_child(0);
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status;
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(acked(), kCount);
  ExpectExactlyOnce(server_->url(), kCount);
}

TEST_F(NatsExporterTest, ServerKilledAndRestartedMidStream) {
  constexpr uint64_t kCount = 2000;
  MemorySource source(kCount);
  source.ParkAckAt(700);  // the exporter waits there while the server dies
  std::atomic<bool> done{false};
  source.CancelWhenDone(&done);
  NatsExportOptions o = Options();
  o.ack_timeout = absl::Seconds(10);  // a dead connection is noticed at once, not by timeout
  ASSERT_OK_AND_ASSIGN(auto exporter, NatsExporter::Create(o, &source));
  absl::Status result;
  std::thread runner([&] { result = exporter->Run(done); });

  ASSERT_TRUE(source.WaitParked(absl::Seconds(20)));
  server_->Kill();
  source.Release();
  // Restart only once the exporter has seen the server gone (failed publishes or connects).
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline && Failures(Log()) < 2) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_GE(Failures(Log()), 2);
  ASSERT_OK(server_->Start());
  runner.join();
  ASSERT_OK(result);
  EXPECT_EQ(source.acked(), kCount);
  EXPECT_GE(exporter->progress().reconnects, 2u);
  ExpectExactlyOnce(server_->url(), kCount);
}

TEST_F(NatsExporterTest, StreamThatDoesNotTakeTheSubjectIsAnError) {
  ASSERT_OK(test::CreateStream(server_->url(), kStream, "other.subject"));
  MemorySource source(10);
  std::atomic<bool> done{false};
  ASSERT_OK_AND_ASSIGN(auto exporter, NatsExporter::Create(Options(), &source));
  absl::Status s = exporter->Run(done);
  ASSERT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("does not take subject tessera.changes"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("other.subject"));
}

TEST_F(NatsExporterTest, UnreachableServerIsRetriedUntilCancelled) {
  server_->Kill();
  MemorySource source(10);
  std::atomic<bool> cancel{false};
  NatsExportOptions o = Options();
  int failures = 0;
  o.on_log = [&](std::string_view line) {
    EXPECT_THAT(std::string(line), HasSubstr("cannot connect to NATS at " + server_->url()));
    EXPECT_THAT(std::string(line), HasSubstr("retrying in"));
    if (++failures == 3) cancel = true;
  };
  ASSERT_OK_AND_ASSIGN(auto exporter, NatsExporter::Create(o, &source));
  ASSERT_OK(exporter->Run(cancel));
  EXPECT_EQ(failures, 3);
  EXPECT_EQ(exporter->progress().reconnects, 3u);
  EXPECT_EQ(exporter->progress().published, 0u);
  EXPECT_EQ(source.acked(), 0u);
}

}  // namespace
}  // namespace tessera::nats_export
