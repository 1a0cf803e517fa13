// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the jsonl and csv output formats, format names, and colour in the table format.
#include "gtest/gtest.h"
#include "tools/shell/output.h"

namespace tessera::shell {
namespace {

Json J(const char* text) { return Json::parse(text); }

TEST(ShellOutputFormatsTest, NamesRoundTrip) {
  for (Format f : {Format::kTable, Format::kJson, Format::kJsonl, Format::kCsv}) {
    EXPECT_EQ(ParseFormat(FormatName(f)), f);
  }
  EXPECT_EQ(ParseFormat("xml"), std::nullopt);
  EXPECT_EQ(ParseFormat("JSON"), std::nullopt);
}

TEST(ShellOutputFormatsTest, JsonLinesPrintsOneLinePerElement) {
  EXPECT_EQ(RenderResult(J(R"([{"k": "a"}, 2, "x"])"), Format::kJsonl),
            "{\"k\":\"a\"}\n2\n\"x\"\n");
  EXPECT_EQ(RenderResult(J("[]"), Format::kJsonl), "");
  EXPECT_EQ(RenderResult(J(R"({"ok": true})"), Format::kJsonl), "{\"ok\":true}\n");
  EXPECT_EQ(RenderResult(J("null"), Format::kJsonl), "null\n");
  EXPECT_EQ(RenderError(absl::NotFoundError("x"), Format::kJsonl),
            "{\"error\":\"not_found\",\"message\":\"x\"}\n");
}

TEST(ShellOutputFormatsTest, CsvQuotesAsRfc4180) {
  Json rows = J(R"([{"key": "a,b", "value": "say \"hi\""},
                    {"key": "line\nbreak", "value": null, "extra": {"n": 1}},
                    {"key": " padded", "value": 3.5}])");
  EXPECT_EQ(RenderResult(rows, Format::kCsv),
            "key,value,extra\r\n"
            "\"a,b\",\"say \"\"hi\"\"\",\r\n"
            "\"line\nbreak\",,\"{\"\"n\"\":1}\"\r\n"
            "\" padded\",3.5,\r\n");
  EXPECT_EQ(RenderResult(J("[1, \"two\"]"), Format::kCsv), "value\r\n1\r\ntwo\r\n");
  EXPECT_EQ(RenderResult(J("[]"), Format::kCsv), "");
  EXPECT_EQ(RenderResult(J(R"({"a": {"b": 1}, "c": "x"})"), Format::kCsv),
            "key,value\r\na.b,1\r\nc,x\r\n");
  EXPECT_EQ(RenderResult(J("42"), Format::kCsv), "42\r\n");
  EXPECT_EQ(RenderResult(J("null"), Format::kCsv), "\r\n");
  EXPECT_EQ(RenderError(absl::NotFoundError("x"), Format::kCsv), "error (not_found): x\n");
}

TEST(ShellOutputFormatsTest, ColourOnlyWhenAsked) {
  Json rows = J(R"([{"k": "a"}])");
  EXPECT_EQ(RenderResult(rows, Format::kTable, /*color=*/false), "k\n-\na\n(1 row)\n");
  EXPECT_EQ(RenderResult(rows, Format::kTable, /*color=*/true), "\x1b[1mk\x1b[0m\n-\na\n(1 row)\n");
  EXPECT_EQ(RenderError(absl::NotFoundError("x"), Format::kTable, /*color=*/true),
            "\x1b[31merror (not_found): x\x1b[0m\n");
  // JSON output never carries colour.
  EXPECT_EQ(RenderResult(rows, Format::kJson, /*color=*/true), "[{\"k\":\"a\"}]\n");
  EXPECT_EQ(RenderError(absl::NotFoundError("x"), Format::kJson, /*color=*/true),
            "{\"error\":\"not_found\",\"message\":\"x\"}\n");
}

}  // namespace
}  // namespace tessera::shell
