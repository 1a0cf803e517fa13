// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the read loop (runner.h) on in-memory streams: multi-line JSON input, stopping at the
// first error or keeping going, the history entries, the dot-commands, the timer, the output
// formats and Ctrl-C (the cancel token) stopping scans and long outputs.
#include "tools/shell/runner.h"

#include <algorithm>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/shell/shell_fixture.h"
#include "tools/shell/tokenizer.h"

namespace tessera::shell {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// A reader over fixed lines that records the prompts it was asked to show and the history.
class FakeReader : public LineReader {
 public:
  explicit FakeReader(std::vector<InputLine> lines) : lines_(std::move(lines)) {}
  InputLine ReadLine(std::string_view prompt) override {
    prompts.emplace_back(prompt);
    if (next_ >= lines_.size()) return InputLine{ReadStatus::kEnd, ""};
    return lines_[next_++];
  }
  void AddHistory(std::string_view command) override { history.emplace_back(command); }

  std::vector<std::string> prompts;
  std::vector<std::string> history;

 private:
  std::vector<InputLine> lines_;
  size_t next_ = 0;
};

InputLine L(std::string text) { return InputLine{ReadStatus::kLine, std::move(text)}; }

class ShellRunnerTest : public ShellTest {
 protected:
  int RunScript(const std::string& script, RunOptions options = {}) {
    std::istringstream in(script);
    StreamLineReader reader(in);
    return RunLines(*session_, reader, options, out_, err_);
  }
  std::ostringstream out_, err_;
};

TEST(ShellContinuationTest, UnbalancedJsonNeedsMoreLines) {
  EXPECT_TRUE(NeedsContinuation(R"(doc insert c {"a": 1,)"));
  EXPECT_TRUE(NeedsContinuation("doc insert c [\n{\"a\": 1}"));
  EXPECT_TRUE(NeedsContinuation(R"(doc insert c {"a": "}{)"));  // braces in a string do not count
  EXPECT_FALSE(NeedsContinuation(R"(doc insert c {"a": 1})"));
  EXPECT_FALSE(NeedsContinuation("kv put ns k v"));
  EXPECT_FALSE(NeedsContinuation(R"(kv put ns k "unterminated)"));  // a string cannot span lines
  EXPECT_FALSE(NeedsContinuation("kv put ns k{"));                  // `{` inside a bare word
  EXPECT_FALSE(NeedsContinuation("list # {"));                      // in a comment
  EXPECT_FALSE(NeedsContinuation(""));
}

TEST_F(ShellRunnerTest, MultiLineJsonIsJoinedAndRecordedAsOneHistoryEntry) {
  FakeReader reader({L(R"(doc insert people {"_id": 1,)"), L(R"(  "tags": ["a",)"), L(R"(  "b"]})"),
                     L("doc get people 1")});
  EXPECT_EQ(RunLines(*session_, reader, RunOptions{.interactive = true}, out_, err_), kExitOk);
  EXPECT_EQ(out_.str(), "{\"inserted\":[1]}\n{\"_id\":1,\"tags\":[\"a\",\"b\"]}\n") << err_.str();
  EXPECT_THAT(reader.prompts,
              ElementsAre(kPrompt, kContinuationPrompt, kContinuationPrompt, kPrompt, kPrompt));
  EXPECT_THAT(reader.history, ElementsAre(R"(doc insert people {"_id": 1,   "tags": ["a",   "b"]})",
                                          "doc get people 1"));
}

TEST_F(ShellRunnerTest, MultiLineJsonInAScript) {
  EXPECT_EQ(
      RunScript("doc insert people [\n  {\"_id\": 1},\n  {\"_id\": 2}\n]\ndoc count people\n"),
      kExitOk);
  EXPECT_EQ(out_.str(), "{\"inserted\":[1,2]}\n2\n");
}

TEST_F(ShellRunnerTest, AScriptEndingInsideJsonReportsIt) {
  EXPECT_EQ(RunScript("kv put ns k v\ndoc insert people {\"_id\": 1,\n"), kExitCommandFailed);
  EXPECT_THAT(out_.str(), HasSubstr("unterminated"));
}

TEST_F(ShellRunnerTest, CtrlCAtThePromptDropsTheLinesTyped) {
  FakeReader reader({L(R"(doc insert people {"_id": 1,)"), InputLine{ReadStatus::kInterrupted, ""},
                     L("doc count people")});
  RunLines(*session_, reader, RunOptions{.interactive = true}, out_, err_);
  EXPECT_EQ(out_.str(), "0\n");
  EXPECT_THAT(reader.prompts, ElementsAre(kPrompt, kContinuationPrompt, kPrompt, kPrompt));
  EXPECT_THAT(reader.history, ElementsAre("doc count people"));
}

TEST_F(ShellRunnerTest, HistorySkipsBlankLinesAndLinesStartingWithASpace) {
  FakeReader reader({L(""), L(" kv put secret k v"), L("list")});
  RunLines(*session_, reader, RunOptions{.interactive = true}, out_, err_);
  EXPECT_THAT(reader.history, ElementsAre("list"));
}

TEST_F(ShellRunnerTest, AScriptStopsAtTheFirstErrorUnlessKeepGoing) {
  const std::string script = "kv put ns a 1\nkv incr ns a x\nkv put ns b 2\n";
  EXPECT_EQ(RunScript(script), kExitCommandFailed);
  EXPECT_EQ(Run("kv get ns b"), Json(nullptr));

  EXPECT_EQ(RunScript(script, RunOptions{.keep_going = true}), kExitCommandFailed);
  EXPECT_EQ(Run("kv get ns b"), Json("2"));

  out_.str("");
  EXPECT_FALSE(RunText(*session_, "kv incr ns a x; kv put ns c 3", RunOptions{.keep_going = true},
                       out_, err_));
  EXPECT_EQ(Run("kv get ns c"), Json("3"));
}

TEST_F(ShellRunnerTest, InteractiveErrorsDoNotStopTheLoop) {
  FakeReader reader({L("bogus"), L("kv put ns k v")});
  EXPECT_EQ(RunLines(*session_, reader, RunOptions{.interactive = true}, out_, err_), kExitOk);
  EXPECT_EQ(Run("kv get ns k"), Json("v"));
}

TEST_F(ShellRunnerTest, DotFormatSwitchesTheOutputFormat) {
  EXPECT_EQ(Run(".format"), J(R"({"format": "json"})"));
  EXPECT_EQ(RunScript("kv put ns a 1\nkv put ns b 2\n.format jsonl\nkv scan ns\n"
                      ".format csv\nkv scan ns\n.format table\nkv scan ns\n"),
            kExitOk);
  EXPECT_EQ(out_.str(),
            "{\"ok\":true}\n{\"ok\":true}\n"
            "{\"ok\":true}\n{\"key\":\"a\",\"value\":\"1\"}\n{\"key\":\"b\",\"value\":\"2\"}\n"
            "key,value\r\nok,true\r\nkey,value\r\na,1\r\nb,2\r\n"
            "ok\nkey | value\n----+------\na   | 1\nb   | 2\n(2 rows)\n");
  EXPECT_EQ(session_->format(), Format::kTable);
  ExpectInvalid(".format xml", "unknown format 'xml'");
}

TEST_F(ShellRunnerTest, DotFormatRejectsExtraArguments) {
  ExpectInvalid(".format csv json", "unexpected extra argument 'json'");
  ExpectInvalid(".timer maybe", "expected on or off");
}

TEST_F(ShellRunnerTest, TimerPrintsEachCommandsTimeToStderr) {
  EXPECT_EQ(RunScript(".timer on\nkv put ns a 1\nbogus\n.timer off\nlist\n",
                      RunOptions{.keep_going = true}),
            kExitCommandFailed);
  // .timer on, kv put, bogus (failed commands are timed too); not after .timer off.
  std::istringstream lines(err_.str());
  int timed = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("error")) continue;
    EXPECT_THAT(line, MatchesRegex("time: [0-9]+\\.[0-9][0-9][0-9] ms"));
    ++timed;
  }
  EXPECT_EQ(timed, 3) << err_.str();
  EXPECT_THAT(out_.str(), Not(HasSubstr("time:")));
  EXPECT_EQ(Run(".timer"), J(R"({"timer": "off"})"));
}

TEST_F(ShellRunnerTest, ErrorsGoToStdoutInJsonFormatsAndToStderrOtherwise) {
  for (Format format : {Format::kJson, Format::kJsonl, Format::kTable, Format::kCsv}) {
    std::ostringstream out, err;
    session_->set_format(format);
    EXPECT_FALSE(RunText(*session_, "kv get", RunOptions{}, out, err));
    bool json = format == Format::kJson || format == Format::kJsonl;
    EXPECT_EQ(out.str().empty(), !json) << FormatName(format);
    EXPECT_EQ(err.str().empty(), json) << FormatName(format);
  }
  std::ostringstream out, err;
  EXPECT_FALSE(RunText(*session_, "kv get", RunOptions{.color_err = true}, out, err));
  EXPECT_EQ(err.str(),
            "\x1b[31merror (invalid_argument): kv get: missing argument NS (usage: kv "
            "get NS KEY)\x1b[0m\n");
}

// Ctrl-C sets the session's cancel token; the scans poll it and stop with `cancelled`.
TEST_F(ShellRunnerTest, ScansStopWhenCancelled) {
  Run("kv put ns a 1");
  Run(R"(doc insert people {"_id": 1})");
  Run("wide create t f");
  Run("wide put t r f:q v");
  session_->cancel_token().Cancel();
  for (const char* command : {"kv scan ns", "doc find people", "wide scan t"}) {
    ExpectError(command, absl::StatusCode::kCancelled, "interrupted by Ctrl-C");
  }
  session_->cancel_token().Reset();
  EXPECT_EQ(Run("kv scan ns").size(), 1u);
  EXPECT_EQ(Run("doc find people").size(), 1u);
  EXPECT_EQ(Run("wide scan t").size(), 1u);
}

// A cancel stops the rest of the line, and the runner resets the token before the next command.
TEST_F(ShellRunnerTest, TheRunnerResetsTheTokenBeforeEachCommand) {
  Run("kv put ns a 1");
  session_->cancel_token().Cancel();  // a Ctrl-C pressed at the prompt
  EXPECT_TRUE(RunText(*session_, "kv scan ns", RunOptions{.interactive = true}, out_, err_));
  EXPECT_EQ(out_.str(), "[{\"key\":\"a\",\"value\":\"1\"}]\n");
  EXPECT_FALSE(session_->cancel_requested());
}

// A reader that simulates a Ctrl-C pressed right after Enter: it cancels the token as it returns
// the lines whose text is in `cancel_after`.
class CtrlCAfterEnterReader : public LineReader {
 public:
  CtrlCAfterEnterReader(std::vector<std::string> lines, std::string cancel_after,
                        CancelToken* token)
      : lines_(std::move(lines)), cancel_after_(std::move(cancel_after)), token_(token) {}
  InputLine ReadLine(std::string_view) override {
    if (next_ >= lines_.size()) return InputLine{ReadStatus::kEnd, ""};
    const std::string& line = lines_[next_++];
    if (line == cancel_after_) token_->Cancel();
    return InputLine{ReadStatus::kLine, line};
  }

 private:
  std::vector<std::string> lines_;
  std::string cancel_after_;
  CancelToken* token_;
  size_t next_ = 0;
};

// Interactive: the token is reset before a line is read, not after, so a Ctrl-C that comes after
// Enter but before the command starts still cancels it; the next line runs normally.
TEST_F(ShellRunnerTest, ACtrlCRightAfterEnterCancelsThatCommand) {
  Run("kv put ns a 1");
  CtrlCAfterEnterReader reader({"kv put ns b 2; kv put ns c 3", "kv get ns a"},
                               "kv put ns b 2; kv put ns c 3", &session_->cancel_token());
  EXPECT_EQ(RunLines(*session_, reader, RunOptions{.interactive = true}, out_, err_), kExitOk);
  EXPECT_EQ(out_.str(), "{\"error\":\"cancelled\",\"message\":\"interrupted by Ctrl-C\"}\n\"1\"\n");
  EXPECT_EQ(Run("kv get ns b"), Json(nullptr));  // neither command of the line ran
  EXPECT_EQ(Run("kv get ns c"), Json(nullptr));
}

// Scripts: a cancelled command (SIGINT) stops the script with kExitInterrupted, also with
// --keep-going, which goes on after ordinary errors only.
TEST_F(ShellRunnerTest, AnInterruptStopsAScriptWithExitStatus130) {
  EXPECT_EQ(kExitInterrupted, 130);
  for (bool keep_going : {false, true}) {
    SCOPED_TRACE(keep_going);
    out_.str("");
    session_->cancel_token().Reset();
    CtrlCAfterEnterReader reader({"kv incr ns x nope", "kv scan ns", "kv put ns after 1"},
                                 "kv scan ns", &session_->cancel_token());
    EXPECT_EQ(RunLines(*session_, reader, RunOptions{.keep_going = keep_going}, out_, err_),
              keep_going ? kExitInterrupted : kExitCommandFailed);
    session_->cancel_token().Reset();
    EXPECT_EQ(Run("kv get ns after"), Json(nullptr));
  }
  // -c: RunText leaves the token alone outside interactive mode, and stops at the cancel.
  session_->cancel_token().Cancel();
  EXPECT_FALSE(RunText(*session_, "kv put ns after 1", RunOptions{.keep_going = true}, out_, err_));
  EXPECT_TRUE(session_->cancel_requested());
  session_->cancel_token().Reset();
  EXPECT_EQ(Run("kv get ns after"), Json(nullptr));
}

// An output cut by Ctrl-C: a stream that requests the cancel once it has taken some text.
TEST_F(ShellRunnerTest, CtrlCCutsALongOutput) {
  Run("begin");
  for (int i = 0; i < 2000; ++i) Run("kv put ns key" + std::to_string(i) + " value");
  Run("commit");
  class CancellingBuf : public std::stringbuf {
   public:
    explicit CancellingBuf(CancelToken* token) : token_(token) {}

   protected:
    std::streamsize xsputn(const char* s, std::streamsize n) override {
      token_->Cancel();
      return std::stringbuf::xsputn(s, n);
    }

   private:
    CancelToken* token_;
  } buf(&session_->cancel_token());
  std::ostream out(&buf);
  EXPECT_FALSE(RunText(*session_, "kv scan ns; list", RunOptions{.interactive = true}, out, err_));
  EXPECT_EQ(err_.str(), "error (cancelled): output cut: interrupted by Ctrl-C\n");
  std::string written = buf.str();
  EXPECT_LT(written.size(), 5000u);                   // one chunk and a line break
  EXPECT_THAT(written, Not(HasSubstr("key1999")));    // not the whole result
  EXPECT_THAT(written, Not(HasSubstr("\"model\"")));  // and `list` did not run
}

// The command table that dispatch and help share: every entry is complete, its syntax and
// example start with its name, its example dispatches to it (no longer name matches first), and
// the dot-commands are in it.
TEST_F(ShellRunnerTest, EveryCommandTableEntryIsCompleteAndDispatchesToItself) {
  std::vector<std::string> names;
  for (const CommandSpec& spec : CommandTable()) names.emplace_back(spec.name);
  for (const char* dot : {".format", ".timer", ".help", ".quit", ".exit"}) {
    EXPECT_THAT(names, ::testing::Contains(dot));
  }
  for (const CommandSpec& spec : CommandTable()) {
    SCOPED_TRACE(std::string(spec.name));
    EXPECT_FALSE(spec.name.empty());
    EXPECT_FALSE(spec.summary.empty());
    EXPECT_NE(spec.handler, nullptr);
    EXPECT_TRUE(spec.syntax == spec.name || spec.syntax.starts_with(std::string(spec.name) + " "));
    absl::StatusOr<std::vector<Token>> words = Tokenize(spec.example);
    ASSERT_TRUE(words.ok()) << spec.example;
    const CommandSpec* chosen = nullptr;
    size_t chosen_words = 0;
    for (const CommandSpec& other : CommandTable()) {
      absl::StatusOr<std::vector<Token>> name = Tokenize(other.name);
      ASSERT_TRUE(name.ok());
      if (name->size() <= chosen_words || name->size() > words->size()) continue;
      if (std::equal(name->begin(), name->end(), words->begin())) {
        chosen = &other;
        chosen_words = name->size();
      }
    }
    EXPECT_EQ(chosen, &spec) << spec.example;
    // help shows the entry whole.
    Json help = Run("help " + std::string(spec.name));
    EXPECT_EQ(help["summary"], std::string(spec.summary));
  }
}

}  // namespace
}  // namespace tessera::shell
