// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the kv commands run through a shell Session on a temporary database: outputs compared
// exactly as JSON, and invalid_argument errors for bad input.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/shell/shell_fixture.h"

namespace tessera::shell {
namespace {

using ::testing::HasSubstr;

class ShellKvCommandsTest : public ShellTest {};

TEST_F(ShellKvCommandsTest, PutAndGet) {
  EXPECT_EQ(Run("kv put users alice hello"), J(R"({"ok": true})"));
  EXPECT_EQ(Run("kv get users alice"), J(R"("hello")"));
  EXPECT_EQ(Run("kv get users nobody"), J("null"));
  EXPECT_EQ(Run("kv get nonamespace x"), J("null"));
}

TEST_F(ShellKvCommandsTest, PutStoresJsonAsCompactTextAndStringsAsText) {
  Run(R"(kv put users alice {"age": 30, "tags": ["a", "b"]})");
  EXPECT_EQ(Run("kv get users alice"), J(R"("{\"age\":30,\"tags\":[\"a\",\"b\"]}")"));
  Run(R"(kv put users bob "two words; and \"quotes\"")");
  EXPECT_EQ(Run("kv get users bob"), J(R"("two words; and \"quotes\"")"));
  Run("kv put users carol [1, 2]");
  EXPECT_EQ(Run("kv get users carol"), J(R"("[1,2]")"));
  Run(R"(kv put "my.ns" "a key" 42)");
  EXPECT_EQ(Run(R"(kv get my.ns "a key")"), J(R"("42")"));
}

TEST_F(ShellKvCommandsTest, PutWithTtl) {
  EXPECT_EQ(Run("kv put s k v ttl 3600"), J(R"({"ok": true})"));
  EXPECT_EQ(Run("kv get s k"), J(R"("v")"));
  ExpectInvalid("kv put s k v ttl", "option 'ttl' needs a value");
  ExpectInvalid("kv put s k v ttl soon", "SECONDS must be an integer, got 'soon'");
  ExpectInvalid("kv put s k v ttl -1", "SECONDS must be a non-negative integer");
  ExpectInvalid("kv put s k v ttl 1.5", "SECONDS must be an integer");
  ExpectInvalid("kv put s k v ttl 99999999999999999999", "out of range");
  ExpectInvalid("kv put s k v ttl 5 ttl 6", "given twice");
  ExpectInvalid("kv put s k v extra", "unexpected argument 'extra'");
}

TEST_F(ShellKvCommandsTest, Del) {
  Run("kv put ns k v");
  EXPECT_EQ(Run("kv del ns k"), J(R"({"deleted": 1})"));
  EXPECT_EQ(Run("kv del ns k"), J(R"({"deleted": 0})"));
  EXPECT_EQ(Run("kv get ns k"), J("null"));
}

TEST_F(ShellKvCommandsTest, Scan) {
  for (const char* key : {"a1", "a2", "a3", "b1", "b2"}) {
    Run(std::string("kv put ns ") + key + " v" + key);
  }
  EXPECT_EQ(Run("kv scan ns"), J(R"([{"key": "a1", "value": "va1"}, {"key": "a2", "value": "va2"},
      {"key": "a3", "value": "va3"}, {"key": "b1", "value": "vb1"},
      {"key": "b2", "value": "vb2"}])"));
  EXPECT_EQ(Run("kv scan ns prefix b"),
            J(R"([{"key": "b1", "value": "vb1"}, {"key": "b2", "value": "vb2"}])"));
  EXPECT_EQ(Run("kv scan ns from a2 to b1"),
            J(R"([{"key": "a2", "value": "va2"}, {"key": "a3", "value": "va3"}])"));
  EXPECT_EQ(Run("kv scan ns reverse limit 2"),
            J(R"([{"key": "b2", "value": "vb2"}, {"key": "b1", "value": "vb1"}])"));
  EXPECT_EQ(Run("kv scan ns limit 0"), J("[]"));
  EXPECT_EQ(Run("kv scan empty"), J("[]"));
  ExpectInvalid("kv scan ns limit -1", "N must be a non-negative integer");
  ExpectInvalid("kv scan ns limit x", "N must be an integer, got 'x'");
  ExpectInvalid("kv scan ns sideways", "unexpected argument 'sideways'");
  ExpectInvalid("kv scan", "missing argument NS");
}

TEST_F(ShellKvCommandsTest, Incr) {
  EXPECT_EQ(Run("kv incr c n"), J("1"));
  EXPECT_EQ(Run("kv incr c n 10"), J("11"));
  EXPECT_EQ(Run("kv incr c n -20"), J("-9"));
  EXPECT_EQ(Run("kv get c n"), J(R"("-9")"));
  ExpectInvalid("kv incr c n many", "DELTA must be an integer, got 'many'");
  ExpectInvalid(R"(kv incr c n "5")", "DELTA must be an integer");
  ExpectInvalid("kv incr c n 1 2", "unexpected extra argument '2'");
  Run("kv put c text hello");
  EXPECT_EQ(RunError("kv incr c text").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ShellKvCommandsTest, Cas) {
  EXPECT_EQ(Run("kv cas l job null w1"), J(R"({"swapped": true})"));
  EXPECT_EQ(Run("kv cas l job null w2"), J(R"({"swapped": false})"));
  EXPECT_EQ(Run("kv cas l job w2 w3"), J(R"({"swapped": false})"));
  EXPECT_EQ(Run("kv cas l job w1 w3"), J(R"({"swapped": true})"));
  EXPECT_EQ(Run("kv get l job"), J(R"("w3")"));
  EXPECT_EQ(Run("kv cas l job w3 null"), J(R"({"swapped": true})"));
  EXPECT_EQ(Run("kv get l job"), J("null"));
  // The quoted "null" is the four-letter string, not "absent".
  EXPECT_EQ(Run(R"(kv cas l s null "null")"), J(R"({"swapped": true})"));
  EXPECT_EQ(Run("kv get l s"), J(R"("null")"));
  EXPECT_EQ(Run(R"(kv cas l s "null" x)"), J(R"({"swapped": true})"));
  ExpectInvalid("kv cas l s x", "missing argument NEW");
}

TEST_F(ShellKvCommandsTest, ArgumentCountErrors) {
  ExpectInvalid("kv get ns", "kv get: missing argument KEY (usage: kv get NS KEY)");
  ExpectInvalid("kv get ns k extra", "unexpected extra argument 'extra'");
  ExpectInvalid("kv put ns k", "missing argument VALUE");
  ExpectInvalid("kv del", "missing argument NS");
}

TEST_F(ShellKvCommandsTest, UnknownCommands) {
  ExpectInvalid("kv", "missing subcommand after 'kv'");
  ExpectInvalid("kv fetch a b", "unknown command 'kv fetch'");
  ExpectInvalid("select * from t", "unknown command 'select'");
  ExpectInvalid(R"("kv" get a b)", "unknown command 'kv'");
  ExpectInvalid("", "empty command");
  ExpectInvalid(R"(kv put a b {"x": )", "unterminated");
}

TEST_F(ShellKvCommandsTest, StoreErrorsPassThrough) {
  absl::Status s = RunError("kv put bad/name k v");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
}

}  // namespace
}  // namespace tessera::shell
