// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The interactive shell driven through a pseudo-terminal (forkpty), as a person would use it:
// Tab completion of a command, a sub-command and a collection name, history across two runs,
// multi-line JSON input, Ctrl-C at the prompt, Ctrl-C cancelling a long command (a `kv scan`
// whose output the terminal does not read, so that the shell is still busy with it when Ctrl-C
// arrives) with the shell answering afterwards, Ctrl-C cancelling a long computation that prints
// nothing while it runs (PageRank: the graph model polls the shell's cancel token), the progress
// count of an import drawn on the terminal (and never when the output is not a terminal), and
// Ctrl-D leaving with status 0.
//
// Every step waits for the output it expects (with a generous timeout as a safety net only);
// nothing sleeps for a fixed time. TERM=dumb and NO_COLOR keep the output free of escapes.
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/util/test_util.h"
#include "tools/shell/commands.h"

extern char** environ;

namespace tessera::shell {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr auto kTimeout = std::chrono::seconds(90);  // a safety net, never the check

class PtyShell {
 public:
  // Starts the shell on a new pseudo-terminal; `env` is added to (and overrides) this process's
  // environment.
  PtyShell(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    std::vector<std::string> argv_storage = {TESSERA_SHELL_PATH};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry(*e);
      bool overridden = false;
      for (const std::string& o : env) {
        if (entry.substr(0, entry.find('=') + 1) == o.substr(0, o.find('=') + 1)) overridden = true;
      }
      if (!overridden) env_storage.push_back(entry);
    }
    env_storage.insert(env_storage.end(), env.begin(), env.end());
    std::vector<char*> argv, envp;
    for (std::string& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (std::string& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);

    struct winsize size = {};
    size.ws_row = 40;
    size.ws_col = 200;
    pid_ = forkpty(&fd_, nullptr, nullptr, &size);
    if (pid_ == 0) {
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
  }

  ~PtyShell() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
  }

  bool started() const { return pid_ > 0 && fd_ >= 0; }

  void Send(std::string_view keys) {
    while (!keys.empty()) {
      ssize_t n = write(fd_, keys.data(), keys.size());
      if (n < 0 && errno == EINTR) continue;
      ASSERT_GT(n, 0) << std::strerror(errno);
      keys.remove_prefix(static_cast<size_t>(n));
    }
  }

  // Reads until `needle` appears after the read mark, then moves the mark past it. Reads no more
  // than it needs, so that output the test does not wait for stays unread.
  bool WaitFor(std::string_view needle) {
    auto deadline = std::chrono::steady_clock::now() + kTimeout;
    for (;;) {
      size_t at = output_.find(needle, mark_);
      if (at != std::string::npos) {
        last_ = output_.substr(mark_, at + needle.size() - mark_);
        mark_ = at + needle.size();
        return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !ReadSome(static_cast<int>(left.count()))) {
        ADD_FAILURE() << "no '" << needle << "' in the output after the mark:\n"
                      << output_.substr(mark_);
        return false;
      }
    }
  }

  // Waits for the prompt, and then for the terminal to leave canonical mode: libedit prints the
  // prompt just before it switches to raw mode, and a Ctrl-D typed in between would reach the
  // terminal's canonical-mode line editor instead (as it would for a person typing that fast).
  bool WaitForPrompt(std::string_view prompt = "tessera> ") {
    if (!WaitFor(prompt)) return false;
    auto deadline = std::chrono::steady_clock::now() + kTimeout;
    for (;;) {
      termios mode = {};
      if (tcgetattr(fd_, &mode) == 0 && (mode.c_lflag & ICANON) == 0) return true;
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "the terminal stayed in canonical mode after the prompt";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling a condition
    }
  }

  // Waits until the terminal is back in canonical mode after a command line was sent: libedit
  // restores it just before it returns the line, so the shell has the command and is about to
  // run it (or runs it already). A Ctrl-C from then on cancels that command.
  bool WaitForCommandRunning() {
    auto deadline = std::chrono::steady_clock::now() + kTimeout;
    for (;;) {
      termios mode = {};
      if (tcgetattr(fd_, &mode) == 0 && (mode.c_lflag & ICANON) != 0) return true;
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "the terminal never went back to canonical mode";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling a condition
    }
  }

  // The output from the previous mark to the end of what the last WaitFor found.
  const std::string& last() const { return last_; }

  // Reads to the end of the output and returns the exit status (-1 if killed by a signal).
  int WaitExit() {
    auto deadline = std::chrono::steady_clock::now() + kTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!ReadSome(100)) {
        int status = 0;
        pid_t done = waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
          exited_ = true;
          return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
      }
    }
    std::ifstream wchan("/proc/" + std::to_string(pid_) + "/wchan");
    std::string waiting;
    std::getline(wchan, waiting);
    ADD_FAILURE() << "the shell did not exit (waiting in " << waiting << "); output:\n"
                  << output_.substr(mark_);
    return -2;
  }

  const std::string& output() const { return output_; }
  // The output after the mark (for failure messages).
  std::string rest() const { return output_.substr(mark_); }

 private:
  // Appends what the terminal has within `timeout_ms`. False when nothing came (or it closed).
  bool ReadSome(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    int ready = poll(&p, 1, timeout_ms);
    if (ready <= 0) return false;
    char buffer[4096];
    ssize_t n = read(fd_, buffer, sizeof(buffer));
    if (n <= 0) return false;  // EIO once the shell has exited
    output_.append(buffer, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  bool exited_ = false;
  std::string output_;
  size_t mark_ = 0;
  std::string last_;
};

class ShellPtyTest : public ::testing::Test {
 protected:
  std::string db_path() const { return dir_.path() + "/db"; }
  std::string history_path() const { return dir_.path() + "/history"; }

  // Runs `commands` on the database in-process, before the shell opens it.
  void Prepare(const std::vector<std::string>& commands) {
    Options options;
    options.log_destination = LogDestination::kNone;
    auto db = DB::Open(db_path(), options);
    ASSERT_TRUE(db.ok()) << db.status();
    {
      auto session = Session::Open(db->get(), Format::kJson);
      ASSERT_TRUE(session.ok()) << session.status();
      for (const std::string& c : commands) {
        auto result = (*session)->Execute(c);
        ASSERT_TRUE(result.ok()) << c << ": " << result.status();
      }
    }
    ASSERT_TRUE((*db)->Close().ok());
  }

  std::unique_ptr<PtyShell> Start() {
    auto shell = std::make_unique<PtyShell>(
        std::vector<std::string>{"--db", db_path()},
        std::vector<std::string>{"TERM=dumb", "NO_COLOR=1", "TESSERA_HISTORY=" + history_path(),
                                 "HOME=" + dir_.path()});
    EXPECT_TRUE(shell->started());
    return shell;
  }

  test::TempDir dir_;
};

TEST_F(ShellPtyTest, CompletionMultiLineInputHistoryAndCtrlD) {
  Prepare({R"(doc insert customers [{"_id": 1, "name": "ada"}, {"_id": 2, "name": "bob"}])"});
  {
    auto shell = Start();
    ASSERT_TRUE(shell->WaitForPrompt());
    // Tab completes a command: `li` + Tab is `list `.
    shell->Send("li\t\r");
    ASSERT_TRUE(shell->WaitFor("model | name"));
    ASSERT_TRUE(shell->WaitFor("customers"));
    ASSERT_TRUE(shell->WaitFor("(1 row)"));
    // A sub-command and a collection name: `doc cou` + Tab, `cus` + Tab.
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("doc cou\tcus\t\r");
    ASSERT_TRUE(shell->WaitFor("\r\n2\r\n"));
    // Multi-line JSON: the continuation prompt, then the joined command runs.
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("doc insert customers {\"_id\": 3,\r");
    ASSERT_TRUE(shell->WaitForPrompt("   ...> "));
    shell->Send("\"name\": \"eve\"}\r");
    ASSERT_TRUE(shell->WaitFor("inserted | [3]"));
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("doc get customers 3\r");
    ASSERT_TRUE(shell->WaitFor("name | eve"));
    // Ctrl-C at the prompt drops the line being typed.
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("kv get nothing");
    shell->Send("\x03");
    ASSERT_TRUE(shell->WaitFor("^C"));
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("kv put hist marker 42\r");
    ASSERT_TRUE(shell->WaitFor("\r\nok\r\n"));
    EXPECT_THAT(shell->last(), Not(HasSubstr("error")));  // not `kv get nothingkv put ...`
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("kv get hist marker\r");
    ASSERT_TRUE(shell->WaitFor("\r\n42\r\n"));
    // Ctrl-D leaves.
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("\x04");
    EXPECT_EQ(shell->WaitExit(), 0) << shell->rest();
  }
  std::ifstream history(history_path());
  std::stringstream saved;
  saved << history.rdbuf();
  EXPECT_THAT(saved.str(), HasSubstr("marker"));
  {
    // A new run recalls the last command of the previous one with Ctrl-P (previous history).
    auto shell = Start();
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("\x10\r");
    ASSERT_TRUE(shell->WaitFor("\r\n42\r\n"));
    // And the multi-line command is one entry: four steps back.
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("\x10\x10\x10\x10\r");
    ASSERT_TRUE(shell->WaitFor("duplicate _id 3"));  // it ran again, and _id 3 exists
    EXPECT_THAT(shell->last(), HasSubstr(R"({"_id": 3, "name": "eve"})"));  // the joined line
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("\x04");
    EXPECT_EQ(shell->WaitExit(), 0) << shell->rest();
  }
}

TEST_F(ShellPtyTest, CtrlCCancelsALongCommandAndTheShellGoesOn) {
  // Enough rows that the table is far larger than what the terminal buffers.
  constexpr int kRows = 6000;
  std::vector<std::string> commands = {"begin"};
  std::string value(70, 'v');
  for (int i = 0; i < kRows; ++i) {
    char key[16];
    std::snprintf(key, sizeof(key), "row-%05d", i);
    commands.push_back("kv put big " + std::string(key) + " " + value);
  }
  commands.push_back("commit");
  commands.push_back("kv put small probe alive");
  Prepare(commands);

  auto shell = Start();
  ASSERT_TRUE(shell->WaitForPrompt());
  shell->Send("kv scan big\r");
  // The table has started; the test reads no further, so the shell blocks writing the rest.
  ASSERT_TRUE(shell->WaitFor("row-0000"));
  shell->Send("\x03");
  ASSERT_TRUE(shell->WaitFor("interrupted by Ctrl-C"));
  EXPECT_THAT(shell->last(), Not(HasSubstr("rows)")));  // the table never ended
  EXPECT_THAT(shell->last(), Not(HasSubstr("row-05999")));
  // The shell still answers.
  ASSERT_TRUE(shell->WaitForPrompt());
  shell->Send("kv get small probe\r");
  ASSERT_TRUE(shell->WaitFor("\r\nalive\r\n"));
  ASSERT_TRUE(shell->WaitForPrompt());
  shell->Send("\x04");
  EXPECT_EQ(shell->WaitExit(), 0) << shell->rest();
}

// A long computation that prints nothing until it ends: PageRank with damping 1 on 1000 stars
// never converges (the ranks oscillate between the hubs and the leaves), so 100000 iterations
// would take minutes. Ctrl-C stops it, with no result, and the shell goes on.
TEST_F(ShellPtyTest, CtrlCCancelsALongGraphAlgorithm) {
  const std::string edges = dir_.path() + "/stars.csv";
  {
    std::ofstream out(edges);
    for (int star = 0; star < 1000; ++star) {
      for (int leaf = 0; leaf < 5; ++leaf) {
        out << "h" << star << ",l" << star << "_" << leaf << "\n";
        out << "l" << star << "_" << leaf << ",h" << star << "\n";
      }
    }
  }
  Prepare({"graph load g " + edges});

  auto shell = Start();
  ASSERT_TRUE(shell->WaitForPrompt());
  shell->Send("graph pagerank g iterations 100000 damping 1 top 1\r");
  ASSERT_TRUE(shell->WaitForCommandRunning());
  shell->Send("\x03");
  ASSERT_TRUE(shell->WaitFor("error (cancelled): interrupted by Ctrl-C"));
  EXPECT_THAT(shell->last(), Not(HasSubstr("row)")));  // no result was printed
  ASSERT_TRUE(shell->WaitForPrompt());
  shell->Send("graph getv g h7\r");
  ASSERT_TRUE(shell->WaitFor("out_degree | 5"));
  ASSERT_TRUE(shell->WaitForPrompt());
  shell->Send("\x04");
  EXPECT_EQ(shell->WaitExit(), 0) << shell->rest();
}

// The import progress bar: on a terminal, "\r[====>   ]  45%  N records" redrawn in place, ended
// at 100% by a line break before the result; with standard output and error redirected, none of it.
TEST_F(ShellPtyTest, ImportProgressIsDrawnOnTerminalsOnly) {
  const std::string kv_file = dir_.path() + "/kv.jsonl";
  const std::string doc_file = dir_.path() + "/docs.jsonl";
  const std::string ts_file = dir_.path() + "/cpu.lp";
  {
    std::ofstream kv(kv_file), docs(doc_file), ts(ts_file);
    for (int i = 0; i < 10; ++i) ts << "cpu,host=a v=" << i << " " << 1000 + i << "\n";
    for (int i = 0; i < 3500; ++i) {
      kv << R"({"key":"k)" << i << R"(","value":"v"})"
         << "\n";
      docs << R"({"_id":)" << i << R"(,"n":)" << i << "}\n";
    }
  }
  Prepare({});
  {
    auto shell = Start();
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("import kv big " + kv_file + "\r");
    // A bar redrawn in place; the last drawing reaches 100% with the total, and a line break ends
    // it. (Intermediate drawings are throttled in time, so only their shape is checked.)
    ASSERT_TRUE(shell->WaitFor("\r["));
    ASSERT_TRUE(shell->WaitFor("] 100%  3,500 records\r\n"));
    ASSERT_TRUE(shell->WaitFor("imported | 3500"));
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("doc import people " + doc_file + "\r");
    ASSERT_TRUE(shell->WaitFor("\r["));
    ASSERT_TRUE(shell->WaitFor("] 100%  3,500 records\r\n"));
    ASSERT_TRUE(shell->WaitFor("inserted | 3500"));
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("ts import " + ts_file + "\r");
    ASSERT_TRUE(shell->WaitFor("] 100%  10 records\r\n"));
    ASSERT_TRUE(shell->WaitFor("points | 10"));
    ASSERT_TRUE(shell->WaitForPrompt());
    // An export does not know its total: a running count.
    shell->Send("export kv big " + dir_.path() + "/out.jsonl\r");
    ASSERT_TRUE(shell->WaitFor("\rexported 3,500 records\r\n"));
    ASSERT_TRUE(shell->WaitFor("exported | 3500"));
    ASSERT_TRUE(shell->WaitForPrompt());
    shell->Send("\x04");
    EXPECT_EQ(shell->WaitExit(), 0) << shell->rest();
  }
  // Not a terminal: the same imports print their result only.
  const std::string out = dir_.path() + "/out", err = dir_.path() + "/err";
  std::string command = std::string(TESSERA_SHELL_PATH) + " --db '" + db_path() +
                        "' -c 'import kv big2 " + kv_file + "; doc import people2 " + doc_file +
                        "' </dev/null >'" + out + "' 2>'" + err + "'";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream out_in(out), err_in(err);
  std::stringstream out_text, err_text;
  out_text << out_in.rdbuf();
  err_text << err_in.rdbuf();
  EXPECT_EQ(out_text.str(), "{\"imported\":3500}\n{\"inserted\":3500}\n");
  EXPECT_EQ(err_text.str(), "");
}

}  // namespace
}  // namespace tessera::shell
