// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the shell's JSON and table rendering.
#include "tools/shell/output.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tessera::shell {
namespace {

using ::testing::HasSubstr;

TEST(ShellOutputTest, JsonIsOneCompactLine) {
  Json v = Json::parse(R"({"b": 1, "a": [true, null, "x y"]})");
  EXPECT_EQ(RenderResult(v, Format::kJson), "{\"b\":1,\"a\":[true,null,\"x y\"]}\n");
}

TEST(ShellOutputTest, InvalidUtf8DoesNotThrow) {
  Json v = std::string("ok\xFF\xC3");
  EXPECT_EQ(DumpJson(v), "\"ok\xEF\xBF\xBD\xEF\xBF\xBD\"");
  EXPECT_EQ(RenderTable(v), "ok\xEF\xBF\xBD\xEF\xBF\xBD\n");
}

TEST(ShellOutputTest, ErrorsInBothFormats) {
  absl::Status s = absl::InvalidArgumentError("bad \"thing\"");
  EXPECT_EQ(RenderError(s, Format::kJson),
            "{\"error\":\"invalid_argument\",\"message\":\"bad \\\"thing\\\"\"}\n");
  EXPECT_EQ(RenderError(s, Format::kTable), "error (invalid_argument): bad \"thing\"\n");
  EXPECT_EQ(RenderError(absl::AbortedError("x"), Format::kJson),
            "{\"error\":\"conflict\",\"message\":\"x\"}\n");
}

TEST(ShellOutputTest, ScalarsPrintAsThemselves) {
  EXPECT_EQ(RenderTable(Json("plain text")), "plain text\n");
  EXPECT_EQ(RenderTable(Json(42)), "42\n");
  EXPECT_EQ(RenderTable(Json(nullptr)), "(null)\n");
  EXPECT_EQ(RenderTable(Json("two\nlines\n")), "two\nlines\n");
}

TEST(ShellOutputTest, ArrayOfObjectsIsAnAlignedTable) {
  Json v = Json::parse(R"([{"key": "a", "value": "1"}, {"key": "long key", "value": null,
                            "extra": 7}])");
  EXPECT_EQ(RenderTable(v),
            "key      | value  | extra\n"
            "---------+--------+------\n"
            "a        | 1      | \n"
            "long key | (null) | 7\n"
            "(2 rows)\n");
  EXPECT_EQ(RenderTable(Json::array()), "(0 rows)\n");
  EXPECT_EQ(RenderTable(Json::parse(R"([{"a": 1}])")), "a\n-\n1\n(1 row)\n");
}

TEST(ShellOutputTest, LongCellsAreCut) {
  Json v = Json::array({Json{{"v", std::string(100, 'x')}}});
  std::string table = RenderTable(v);
  EXPECT_THAT(table, HasSubstr(std::string(kMaxCellWidth - 1, 'x') + "\xE2\x80\xA6\n"));
  EXPECT_THAT(table, ::testing::Not(HasSubstr(std::string(kMaxCellWidth, 'x'))));
}

TEST(ShellOutputTest, ControlCharactersInCellsAreEscaped) {
  Json v = Json::array({Json{{"v", "a\nb\tc"}}});
  EXPECT_THAT(RenderTable(v), HasSubstr("a\\nb\\tc"));
}

TEST(ShellOutputTest, ObjectIsAKeyValueTableWithNestedKeysFlattened) {
  Json v = Json::parse(R"({"swapped": false, "ops": {"kv.get": {"count": 2}}, "list": [1]})");
  EXPECT_EQ(RenderTable(v),
            "key              | value\n"
            "-----------------+------\n"
            "swapped          | false\n"
            "ops.kv.get.count | 2\n"
            "list             | [1]\n");
  EXPECT_EQ(RenderTable(Json{{"ok", true}}), "ok\n");
}

}  // namespace
}  // namespace tessera::shell
