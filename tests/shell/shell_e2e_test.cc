// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// End-to-end tests of the built `tessera` binary, run as a child process: one JSON line per
// command, the error line and exit status of a failing command, scripts on stdin and in files,
// usage errors, and a database locked by another process.
#include <sys/wait.h>

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

}  // namespace
}  // namespace tessera
