// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// End-to-end tests of the built `tessera` binary, run as a child process: one JSON line per
// command, the error line and exit status of a failing command, scripts on stdin and in files,
// usage errors, a database locked by another process, and SIGINT (Ctrl-C) stopping a script with
// exit status 130.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<Json> lines;  // stdout, one parsed JSON value per line (json output only)
};

std::string Quote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ShellE2eTest : public ::testing::Test {
 protected:
  std::string db_path() const { return dir_.path() + "/db"; }

  // Runs the shell with `args` (after --db), feeding `input` on stdin. With `json_output`, every
  // line of stdout must be one JSON value.
  Result RunShell(const std::vector<std::string>& args, const std::string& input = "",
                  bool json_output = true) {
    std::string in_path = dir_.path() + "/stdin", out_path = dir_.path() + "/stdout",
                err_path = dir_.path() + "/stderr";
    std::ofstream(in_path, std::ios::binary) << input;
    std::string command = Quote(TESSERA_SHELL_PATH) + " --db " + Quote(db_path());
    for (const std::string& a : args) command += " " + Quote(a);
    command += " <" + Quote(in_path) + " >" + Quote(out_path) + " 2>" + Quote(err_path);
    int status = std::system(command.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadAll(out_path);
    r.err = ReadAll(err_path);
    if (!json_output) return r;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
      Json value = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      EXPECT_FALSE(value.is_discarded()) << "not one JSON value: " << line;
      r.lines.push_back(value);
    }
    return r;
  }

  test::TempDir dir_;
};

Json J(const char* text) { return Json::parse(text); }

// The shell as a child process whose standard input and output are pipes, so that a test can
// wait for a line of output and then signal it.
class ChildShell {
 public:
  explicit ChildShell(const std::vector<std::string>& args) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) return;
    std::vector<std::string> storage = {TESSERA_SHELL_PATH};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], STDIN_FILENO);
      dup2(out[1], STDOUT_FILENO);
      close(in[1]);
      close(out[0]);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    in_ = in[1];
    out_ = out[0];
  }
  ~ChildShell() {
    if (in_ >= 0) close(in_);
    if (out_ >= 0) close(out_);
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void Write(const std::string& text) {
    ASSERT_EQ(write(in_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }

  // Reads standard output until `needle` appears (a 90 s safety net, never the check).
  bool WaitFor(std::string_view needle) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (output_.find(needle) == std::string::npos) {
      if (eof_ || std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "no '" << needle << "' in the output:\n" << output_;
        return false;
      }
      ReadSome(1000);
    }
    return true;
  }

  void Signal(int signal) { kill(pid_, signal); }

  // Reads to the end of the output and reaps the child: its wait status.
  int Wait() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!eof_ && std::chrono::steady_clock::now() < deadline) ReadSome(1000);
    EXPECT_TRUE(eof_) << "the shell did not end; output:\n" << output_;
    if (!eof_) return -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return status;
  }

  const std::string& output() const { return output_; }

 private:
  bool ReadSome(int timeout_ms) {
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    char buffer[4096];
    ssize_t n = read(out_, buffer, sizeof(buffer));
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    output_.append(buffer, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int in_ = -1, out_ = -1;
  bool eof_ = false, reaped_ = false;
  std::string output_;
};

// The last line of `text` (without its line break).
std::string LastLine(const std::string& text) {
  std::string trimmed = text.substr(0, text.find_last_not_of('\n') + 1);
  return trimmed.substr(trimmed.rfind('\n') + 1);
}

TEST_F(ShellE2eTest, CommandsFromDashCPrintOneJsonLineEach) {
  Result r = RunShell({"--format", "json", "-c",
                       R"(kv put ns k {"a": "x; y"}; kv get ns k ; kv del ns k; kv incr ns n 3)"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.lines.size(), 4u) << r.out;
  EXPECT_EQ(r.lines[0], J(R"({"ok": true})"));
  EXPECT_EQ(r.lines[1], J(R"("{\"a\":\"x; y\"}")"));
  EXPECT_EQ(r.lines[2], J(R"({"deleted": 1})"));
  EXPECT_EQ(r.lines[3], J("3"));
}

TEST_F(ShellE2eTest, JsonIsTheDefaultWhenStdoutIsNotATerminal) {
  Result r = RunShell({"-c", "kv get ns nothing"});
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0], J("null"));
}

TEST_F(ShellE2eTest, AFailingCommandPrintsAnErrorLineAndStops) {
  Result r = RunShell({"-c", "kv put ns k v; kv incr ns k; kv get ns k"});
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.lines.size(), 2u) << r.out;
  EXPECT_EQ(r.lines[1]["error"], "invalid_argument");
  EXPECT_TRUE(r.lines[1]["message"].is_string());
}

TEST_F(ShellE2eTest, ScriptOnStdinWithCommentsAndATransaction) {
  Result r = RunShell({}, R"(# a script
begin
kv put ns a 1   # first
kv put ns b "two # not a comment"
commit
kv scan ns
changes limit 1
bogus command
kv get ns a
)");
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.lines.size(), 7u) << r.out;
  EXPECT_EQ(r.lines[4], J(R"([{"key": "a", "value": "1"},
                              {"key": "b", "value": "two # not a comment"}])"));
  EXPECT_EQ(r.lines[5][0]["txn_events"], 2);
  EXPECT_EQ(r.lines[6]["error"], "invalid_argument");
  EXPECT_THAT(r.lines[6]["message"].get<std::string>(), HasSubstr("bogus"));
}

TEST_F(ShellE2eTest, ScriptFileAndQuit) {
  std::string script = dir_.path() + "/script.tsh";
  std::ofstream(script) << "kv put ns k v\nquit\nkv get ns k\n";
  Result r = RunShell({"--format", "json", script});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.lines.size(), 2u) << r.out;
  EXPECT_EQ(r.lines[1], J(R"({"ok": true})"));
}

TEST_F(ShellE2eTest, TableFormatPrintsErrorsToStderr) {
  Result r = RunShell({"--format", "table", "-c", "kv put ns k v; kv scan ns; kv get"}, "", false);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "ok\nkey | value\n----+------\nk   | v\n(1 row)\n");
  EXPECT_THAT(r.err, HasSubstr("error (invalid_argument): kv get: missing argument NS"));
}

TEST_F(ShellE2eTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(RunShell({"--format", "xml", "-c", "list"}, "", false).exit_code, 2);
  EXPECT_EQ(RunShell({"--no-such-flag"}, "", false).exit_code, 2);
  EXPECT_EQ(RunShell({"-c", "list", dir_.path() + "/file"}, "", false).exit_code, 2);
  EXPECT_EQ(RunShell({dir_.path() + "/missing-script"}, "", false).exit_code, 2);
  Result help = RunShell({"--help"}, "", false);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--format"));
}

TEST_F(ShellE2eTest, ALockedDatabaseExitsWithThree) {
  Options options;
  options.log_destination = LogDestination::kNone;
  auto db = DB::Open(db_path(), options);
  ASSERT_TRUE(db.ok()) << db.status();
  Result r = RunShell({"--format", "json", "-c", "list"});
  EXPECT_EQ(r.exit_code, 3);
  ASSERT_EQ(r.lines.size(), 1u) << r.out << r.err;
  EXPECT_EQ(r.lines[0]["error"], "unavailable");
  EXPECT_THAT(r.lines[0]["message"].get<std::string>(), HasSubstr("locked"));
  ASSERT_OK((*db)->Close());
  EXPECT_EQ(RunShell({"-c", "list"}).exit_code, 0);
}

// SIGINT in script mode (-c) cancels the running command (here `feed tail`, which has printed the
// first event, so it is running for sure), prints its error, skips the rest, and exits with 130.
TEST_F(ShellE2eTest, SigintCancelsTheRunningCommandOfAScriptAndExitsWith130) {
  ChildShell shell({"--db", db_path(), "-c", "kv put ns a 1; feed tail from 1; kv put ns after 1"});
  ASSERT_TRUE(shell.WaitFor("\"seq\":1"));
  shell.Signal(SIGINT);
  int status = shell.Wait();
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 130) << shell.output();
  EXPECT_EQ(J(LastLine(shell.output()).c_str()),
            J(R"({"error": "cancelled", "message": "interrupted by Ctrl-C"})"));
  Result r = RunShell({"-c", "kv get ns after; kv get ns a"});
  ASSERT_EQ(r.lines.size(), 2u) << r.out << r.err;
  EXPECT_EQ(r.lines[0], J("null"));  // the command after the interrupted one did not run
  EXPECT_EQ(r.lines[1], J(R"("1")"));
}

// The same for a script read from standard input, even with --keep-going.
TEST_F(ShellE2eTest, SigintStopsAScriptOnStdinEvenWithKeepGoing) {
  ChildShell shell({"--db", db_path(), "--keep-going"});
  shell.Write("kv put ns a 1\nfeed tail from 1\nkv put ns after 1\n");
  ASSERT_TRUE(shell.WaitFor("\"seq\":1"));
  shell.Signal(SIGINT);
  int status = shell.Wait();
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 130) << shell.output();
  EXPECT_EQ(J(LastLine(shell.output()).c_str())["error"], "cancelled");
  Result r = RunShell({"-c", "kv get ns after"});
  ASSERT_EQ(r.lines.size(), 1u) << r.out << r.err;
  EXPECT_EQ(r.lines[0], J("null"));
}

// Waiting for its next input line, the shell ends at a SIGINT: killed by it (the default action,
// as for cat), or with 130 if the signal came just before the wait began. It never hangs.
TEST_F(ShellE2eTest, SigintWhileWaitingForInputEndsTheShell) {
  ChildShell shell({"--db", db_path()});
  shell.Write("kv put ns a 1\n");
  ASSERT_TRUE(shell.WaitFor("{\"ok\":true}"));
  shell.Signal(SIGINT);
  int status = shell.Wait();
  EXPECT_TRUE((WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) ||
              (WIFEXITED(status) && WEXITSTATUS(status) == 130))
      << "status " << status;
  Result r = RunShell({"-c", "kv get ns a"});  // what ran before is committed
  ASSERT_EQ(r.lines.size(), 1u) << r.out << r.err;
  EXPECT_EQ(r.lines[0], J(R"("1")"));
}

}  // namespace
}  // namespace tessera
