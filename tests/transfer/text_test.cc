// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "tools/transfer/text.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tessera::transfer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(TransferTextTest, Base64RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n : {0, 1, 2, 3, 4, 255, 256}) {
    std::string s = all.substr(0, n);
    std::optional<std::string> back = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(back.has_value()) << n;
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_FALSE(Base64Decode("Zm9").has_value());
  EXPECT_FALSE(Base64Decode("Zm=v").has_value());
  EXPECT_FALSE(Base64Decode("Zm9v!A==").has_value());
}

TEST(TransferTextTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
}

TEST(TransferTextTest, CsvQuotesPerRfc4180AndReadsBack) {
  std::vector<std::string> fields = {
      "plain",   "a,b", "say \"hi\"", "two\nlines", "", " padded ", std::string("\x00\xff", 2),
      "cr\r\nlf"};
  std::string text = CsvRecord(fields) + CsvRecord({"x", "y"});
  EXPECT_THAT(text, HasSubstr("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,\" padded \""));
  std::istringstream in(text);
  CsvReader reader(&in, "f.csv");
  std::vector<std::string> got;
  ASSERT_TRUE(*reader.Next(&got));
  EXPECT_EQ(got, fields);
  EXPECT_EQ(reader.line(), 1u);
  ASSERT_TRUE(*reader.Next(&got));
  EXPECT_THAT(got, ElementsAre("x", "y"));
  EXPECT_EQ(reader.line(), 4u);  // the first record spanned three lines
  EXPECT_FALSE(*reader.Next(&got));
}

TEST(TransferTextTest, CsvErrorsNameTheLine) {
  std::istringstream in("a,b\n\"open,c\nstill open");
  CsvReader reader(&in, "f.csv");
  std::vector<std::string> got;
  ASSERT_TRUE(*reader.Next(&got));
  absl::StatusOr<bool> r = reader.Next(&got);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("f.csv:2: a quoted field is not closed"));

  std::istringstream in2("\"a\"x,b\n");
  CsvReader reader2(&in2, "g.csv");
  r = reader2.Next(&got);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("g.csv:1: unexpected character 'x'"));
}

}  // namespace
}  // namespace tessera::transfer
