// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the shell's command splitter and argument tokenizer.
#include "tools/shell/tokenizer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/util/test_util.h"

namespace tessera::shell {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Token Bare(std::string text) { return {TokenKind::kBare, std::move(text)}; }
Token Str(std::string text) { return {TokenKind::kString, std::move(text)}; }
Token Obj(std::string text) { return {TokenKind::kObject, std::move(text)}; }
Token Arr(std::string text) { return {TokenKind::kArray, std::move(text)}; }

std::vector<Token> MustTokenize(std::string_view command) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(command);
  EXPECT_TRUE(tokens.ok()) << command << ": " << tokens.status();
  return tokens.ok() ? *tokens : std::vector<Token>{};
}

void ExpectTokenizeError(std::string_view command, std::string_view fragment) {
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(command);
  ASSERT_FALSE(tokens.ok()) << command;
  EXPECT_EQ(tokens.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tokens.status().message()), HasSubstr(std::string(fragment)));
}

TEST(ShellTokenizeTest, BareWordsSplitOnAnyWhitespace) {
  EXPECT_THAT(MustTokenize("  kv\tget   users alice  "),
              ElementsAre(Bare("kv"), Bare("get"), Bare("users"), Bare("alice")));
  EXPECT_TRUE(MustTokenize("").empty());
  EXPECT_TRUE(MustTokenize("   ").empty());
}

TEST(ShellTokenizeTest, JsonObjectsAndArraysMayHoldSpaces) {
  EXPECT_THAT(MustTokenize(R"(kv put ns k { "a" : [1, 2], "b": "x y" } ttl 5)"),
              ElementsAre(Bare("kv"), Bare("put"), Bare("ns"), Bare("k"),
                          Obj(R"({"a":[1,2],"b":"x y"})"), Bare("ttl"), Bare("5")));
  EXPECT_THAT(MustTokenize(R"([1, "]", {"x": "}"}] end)"),
              ElementsAre(Arr(R"([1,"]",{"x":"}"}])"), Bare("end")));
}

TEST(ShellTokenizeTest, QuotedStringsAreDecoded) {
  EXPECT_THAT(
      MustTokenize(R"(a "hello world" "tab\tquote\"back\\slash" "\u00e9")"),
      ElementsAre(Bare("a"), Str("hello world"), Str("tab\tquote\"back\\slash"), Str("\xC3\xA9")));
  EXPECT_THAT(MustTokenize(R"("semi; colon # hash")"), ElementsAre(Str("semi; colon # hash")));
}

TEST(ShellTokenizeTest, KeepsTheKindOfAToken) {
  std::vector<Token> tokens = MustTokenize(R"(null "null")");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_TRUE(IsWord(tokens[0], "null"));
  EXPECT_FALSE(IsWord(tokens[1], "null"));
  EXPECT_EQ(tokens[1].text, "null");
}

TEST(ShellTokenizeTest, CommentsStartAtATokenBoundary) {
  EXPECT_THAT(MustTokenize("kv get ns k # the rest is ignored"),
              ElementsAre(Bare("kv"), Bare("get"), Bare("ns"), Bare("k")));
  EXPECT_TRUE(MustTokenize("# a whole-line comment").empty());
  EXPECT_THAT(MustTokenize("key#1 \"#2\""), ElementsAre(Bare("key#1"), Str("#2")));
}

TEST(ShellTokenizeTest, MalformedJsonIsAnError) {
  ExpectTokenizeError(R"(kv put ns k {"a": 1)", "argument 5 is unterminated");
  ExpectTokenizeError(R"(kv put ns k "abc)", "missing closing");
  ExpectTokenizeError(R"(kv put ns k "abc\")", "missing closing");
  ExpectTokenizeError("kv put ns k }", "unmatched '}'");
  ExpectTokenizeError(R"(x {"a": 1}y)", "unexpected text after");
  ExpectTokenizeError(R"(x {a: 1})", "not valid JSON");
  ExpectTokenizeError(R"(x [1, 2})", "not valid JSON");
}

TEST(ShellSplitCommandsTest, SplitsOnSemicolonsAndLineBreaks) {
  EXPECT_THAT(SplitCommands("begin; kv put a b c ;commit\nlist"),
              ElementsAre("begin", "kv put a b c", "commit", "list"));
  EXPECT_THAT(SplitCommands(" ; ;\n\n"), ElementsAre());
}

TEST(ShellSplitCommandsTest, SemicolonsInsideJsonOrStringsDoNotSplit) {
  EXPECT_THAT(SplitCommands(R"(kv put a b {"x": "1; 2", "y": [";"]}; kv put a c "p;q\"; r")"),
              ElementsAre(R"(kv put a b {"x": "1; 2", "y": [";"]})", R"(kv put a c "p;q\"; r")"));
}

TEST(ShellSplitCommandsTest, CommentsRunToTheEndOfTheLine) {
  EXPECT_THAT(SplitCommands("# header\nlist # trailing; not a command\nstats"),
              ElementsAre("list", "stats"));
  EXPECT_THAT(SplitCommands(R"(kv put a b "x # y")"), ElementsAre(R"(kv put a b "x # y")"));
}

TEST(ShellSplitCommandsTest, UnterminatedJsonRunsToTheEndAndFailsToTokenize) {
  std::vector<std::string> commands = SplitCommands(R"(list; kv put a b {"x": 1; stats)");
  ASSERT_THAT(commands, ElementsAre("list", R"(kv put a b {"x": 1; stats)"));
  EXPECT_FALSE(Tokenize(commands[1]).ok());
}

}  // namespace
}  // namespace tessera::shell
