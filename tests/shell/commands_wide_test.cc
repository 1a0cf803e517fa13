// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the wide commands run through a shell Session on a temporary database: outputs
// compared exactly as JSON, and clear errors for bad input.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/shell/shell_fixture.h"

namespace tessera::shell {
namespace {

using ::testing::HasSubstr;

class ShellWideCommandsTest : public ShellTest {};

TEST_F(ShellWideCommandsTest, CreatePutGetWithVersions) {
  EXPECT_EQ(Run("wide create web contents versions 3"), J(R"({"ok": true})"));
  EXPECT_EQ(Run("wide put web row1 contents:html v1 at 100"), J(R"({"ok": true})"));
  Run("wide put web row1 contents:html v2 at 200");
  Run("wide put web row1 contents:html v3 at 300");
  Run("wide put web row1 contents:html v4 at 400");
  EXPECT_EQ(Run("wide get web row1"), J(R"({"contents:html": [{"ts": 400, "value": "v4"}]})"));
  EXPECT_EQ(Run("wide get web row1 versions 5"), J(R"({"contents:html": [
      {"ts": 400, "value": "v4"}, {"ts": 300, "value": "v3"}, {"ts": 200, "value": "v2"}]})"));
  EXPECT_EQ(Run("wide get web row1 versions 2"), J(R"({"contents:html": [
      {"ts": 400, "value": "v4"}, {"ts": 300, "value": "v3"}]})"));
  EXPECT_EQ(Run("wide get web nobody"), J("null"));
}

TEST_F(ShellWideCommandsTest, GetSelectsColumns) {
  Run("wide create t a");
  Run("wide create t b");
  Run("wide put t r a:x 1 at 5");
  Run("wide put t r a:y 2 at 5");
  Run("wide put t r b:z 3 at 5");
  EXPECT_EQ(Run("wide get t r"), J(R"({"a:x": [{"ts": 5, "value": "1"}],
      "a:y": [{"ts": 5, "value": "2"}], "b:z": [{"ts": 5, "value": "3"}]})"));
  EXPECT_EQ(Run("wide get t r column b"), J(R"({"b:z": [{"ts": 5, "value": "3"}]})"));
  EXPECT_EQ(Run("wide get t r column a:y column b:z"),
            J(R"({"a:y": [{"ts": 5, "value": "2"}], "b:z": [{"ts": 5, "value": "3"}]})"));
  EXPECT_EQ(Run("wide get t r column a:none"), J("null"));
}

TEST_F(ShellWideCommandsTest, PutWithoutTimestampUsesNow) {
  Run("wide create t f");
  Run(R"(wide put t r f:q {"json": true})");
  Json got = Run("wide get t r");
  ASSERT_TRUE(got.contains("f:q"));
  EXPECT_EQ(got["f:q"][0]["value"], R"({"json":true})");
  EXPECT_GT(got["f:q"][0]["ts"].get<int64_t>(), int64_t{1600000000} * 1000000);
}

TEST_F(ShellWideCommandsTest, Scan) {
  Run("wide create t f versions 0");
  for (const char* row : {"a1", "a2", "a3", "b1", "b2"}) {
    Run(std::string("wide put t ") + row + " f:q v" + row + " at 1");
  }
  Run("wide put t a2 f:q newer at 2");
  auto row = [](std::string_view key, std::string_view value) {
    Json cells = Json::object();
    cells["f:q"] = Json::array({Json{{"ts", 1}, {"value", value}}});
    Json out = Json::object();
    out["row"] = key;
    out["cells"] = cells;
    return out;
  };
  EXPECT_EQ(Run("wide scan t prefix b"), Json::array({row("b1", "vb1"), row("b2", "vb2")}));
  EXPECT_EQ(Run("wide scan t from a3 to b2"), Json::array({row("a3", "va3"), row("b1", "vb1")}));
  EXPECT_EQ(Run("wide scan t reverse limit 2"), Json::array({row("b2", "vb2"), row("b1", "vb1")}));
  EXPECT_EQ(Run("wide scan t prefix a2 versions 2"), J(R"([{"row": "a2", "cells": {"f:q": [
      {"ts": 2, "value": "newer"}, {"ts": 1, "value": "va2"}]}}])"));
  EXPECT_EQ(Run("wide scan t limit 0"), J("[]"));
  EXPECT_EQ(Run("wide scan t limit 10").size(), 5u);
  Run("wide create t g");
  Run("wide put t a1 g:x only at 1");
  EXPECT_EQ(Run("wide scan t column g"),
            J(R"([{"row": "a1", "cells": {"g:x": [{"ts": 1, "value": "only"}]}}])"));
}

TEST_F(ShellWideCommandsTest, DelRowFamilyAndColumn) {
  Run("wide create t a");
  Run("wide create t b");
  Run("wide put t r a:x 1 at 1");
  Run("wide put t r a:y 2 at 1");
  Run("wide put t r b:z 3 at 1");
  EXPECT_EQ(Run("wide del t r a:x"), J(R"({"ok": true})"));
  EXPECT_EQ(Run("wide get t r"),
            J(R"({"a:y": [{"ts": 1, "value": "2"}], "b:z": [{"ts": 1, "value": "3"}]})"));
  EXPECT_EQ(Run("wide del t r b"), J(R"({"ok": true})"));
  EXPECT_EQ(Run("wide get t r"), J(R"({"a:y": [{"ts": 1, "value": "2"}]})"));
  EXPECT_EQ(Run("wide del t r"), J(R"({"ok": true})"));
  EXPECT_EQ(Run("wide get t r"), J("null"));
  EXPECT_EQ(Run("wide del t r"), J(R"({"ok": true})"));
}

TEST_F(ShellWideCommandsTest, IncrAndCheckput) {
  Run("wide create t f");
  EXPECT_EQ(Run("wide incr t r f:n"), J("1"));
  EXPECT_EQ(Run("wide incr t r f:n 10"), J("11"));
  EXPECT_EQ(Run("wide incr t r f:n -20"), J("-9"));
  EXPECT_EQ(Run("wide get t r column f:n")["f:n"][0]["value"], "-9");
  ExpectError("wide incr t r f:n many", absl::StatusCode::kInvalidArgument,
              "DELTA must be an integer");
  Run("wide put t r f:s text");
  ExpectError("wide incr t r f:s", absl::StatusCode::kInvalidArgument, "not a decimal integer");

  EXPECT_EQ(Run("wide checkput t j f:owner null f:owner w1"), J(R"({"applied": true})"));
  EXPECT_EQ(Run("wide checkput t j f:owner null f:owner w2"), J(R"({"applied": false})"));
  EXPECT_EQ(Run("wide checkput t j f:owner w2 f:owner w3"), J(R"({"applied": false})"));
  EXPECT_EQ(Run("wide checkput t j f:owner w1 f:state done"), J(R"({"applied": true})"));
  EXPECT_EQ(Run("wide get t j column f:state")["f:state"][0]["value"], "done");
  // A quoted "null" is the four-letter string.
  EXPECT_EQ(Run(R"(wide checkput t j f:owner "null" f:x y)"), J(R"({"applied": false})"));
}

TEST_F(ShellWideCommandsTest, CreateAgainChangesOnlyTheGivenOptions) {
  Run("wide create t f versions 3");
  Run("wide create t f ttl 3600");
  Run("wide put t r f:q a at " + std::to_string(int64_t{4102444800} * 1000000));  // 2100
  Run("wide put t r f:q b at " + std::to_string(int64_t{4102444800} * 1000000 + 1));
  EXPECT_EQ(Run("wide get t r versions 0")["f:q"].size(), 2u);  // versions 3 kept
  Run("wide put t r f:q ancient at 1");  // older than the ttl: invisible at once
  EXPECT_EQ(Run("wide get t r versions 0")["f:q"].size(), 2u);
}

TEST_F(ShellWideCommandsTest, TransactionsCoverWideCommands) {
  Run("wide create t f");
  Run("begin");
  Run("wide put t r f:q inside at 1");
  EXPECT_EQ(Run("wide get t r"), J(R"({"f:q": [{"ts": 1, "value": "inside"}]})"));
  EXPECT_EQ(Run("wide incr t r f:n"), J("1"));
  Run("rollback");
  EXPECT_EQ(Run("wide get t r"), J("null"));
  Run("begin");
  Run("wide put t r f:q kept at 1");
  Run("commit");
  EXPECT_EQ(Run("wide scan t"),
            J(R"([{"row": "r", "cells": {"f:q": [{"ts": 1, "value": "kept"}]}}])"));
}

TEST_F(ShellWideCommandsTest, BadInput) {
  using C = absl::StatusCode;
  ExpectError("wide create t", C::kInvalidArgument, "missing argument FAMILY");
  ExpectError("wide create t f versions -1", C::kInvalidArgument, "non-negative");
  ExpectError("wide create t f:x", C::kInvalidArgument, "may only hold");
  ExpectError("wide create t f colour red", C::kInvalidArgument, "unexpected argument 'colour'");
  Run("wide create t f");
  ExpectError("wide put t r nocolon v", C::kInvalidArgument, "must be FAMILY:QUALIFIER");
  ExpectError("wide put t r g:q v", C::kNotFound, "no column family \"g\"");
  ExpectError("wide put nope r f:q v", C::kNotFound, "does not exist");
  ExpectError("wide put t r f:q v at -5", C::kInvalidArgument, "TS must be a non-negative");
  ExpectError("wide put t r f:q v at soon", C::kInvalidArgument, "TS must be an integer");
  ExpectError(R"(wide put t "" f:q v)", C::kInvalidArgument, "row key is empty");
  ExpectError("wide get t r column", C::kInvalidArgument, "option 'column' needs a value");
  ExpectError("wide get t r versions 2 versions 3", C::kInvalidArgument, "given twice");
  ExpectError("wide get t r column zz", C::kNotFound, "zz");
  ExpectError("wide scan t sideways", C::kInvalidArgument, "unexpected argument 'sideways'");
  ExpectError("wide scan t limit x", C::kInvalidArgument, "N must be an integer");
  ExpectError("wide del t r f:q extra", C::kInvalidArgument, "unexpected extra argument");
  ExpectError("wide checkput t r f:q x f:q", C::kInvalidArgument, "missing argument VALUE");
  ExpectError("wide incr t r f", C::kInvalidArgument, "must be FAMILY:QUALIFIER");
}

}  // namespace
}  // namespace tessera::shell
