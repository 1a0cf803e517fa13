// Line-protocol parser: types, escaping, comments, precision, timestamps and error messages
// naming the line and the fault.
#include "models/ts/line_protocol.h"

#include <limits>

#include "tests/util/test_util.h"

namespace tessera::ts {
namespace {

LinePoint One(std::string_view line, Precision p = Precision::kNanoseconds) {
  auto r = ParseLine(line, 1, p);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok() || !r->has_value()) {
    ADD_FAILURE() << "no point from: " << line;
    return {};
  }
  return **r;
}

std::string Err(std::string_view text) {
  auto r = ParseLines(text, Precision::kNanoseconds);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return "";
  EXPECT_TRUE(absl::IsInvalidArgument(r.status()));
  return std::string(r.status().message());
}

TEST(LineProtocolTest, FullLine) {
  LinePoint p =
      One("cpu,host=a,region=eu usage=1.5,n=3i,u=7u,ok=true,s=\"x y\" 1700000000000000000");
  EXPECT_EQ(p.measurement, "cpu");
  EXPECT_EQ(p.tags,
            (std::vector<std::pair<std::string, std::string>>{{"host", "a"}, {"region", "eu"}}));
  ASSERT_EQ(p.fields.size(), 5u);
  EXPECT_EQ(p.fields[0], (LineField{"usage", 1.5}));
  EXPECT_EQ(p.fields[1], (LineField{"n", int64_t{3}}));
  EXPECT_EQ(p.fields[2], (LineField{"u", uint64_t{7}}));
  EXPECT_EQ(p.fields[3], (LineField{"ok", true}));
  EXPECT_EQ(p.fields[4], (LineField{"s", std::string("x y")}));
  ASSERT_TRUE(p.timestamp.has_value());
  EXPECT_EQ(*p.timestamp, 1700000000000000000LL);
}

TEST(LineProtocolTest, TagsSortedAndTimestampOptional) {
  LinePoint p = One("m,z=1,a=2 v=1");
  EXPECT_EQ(p.tags.front().first, "a");
  EXPECT_FALSE(p.timestamp.has_value());
  EXPECT_FALSE(One("m v=1 ").timestamp.has_value());
}

TEST(LineProtocolTest, FieldTypes) {
  EXPECT_EQ(One("m v=1").fields[0].value, FieldValue(1.0));
  EXPECT_EQ(One("m v=-2.5e3").fields[0].value, FieldValue(-2500.0));
  EXPECT_EQ(One("m v=+3").fields[0].value, FieldValue(3.0));
  EXPECT_EQ(One("m v=-9223372036854775808i").fields[0].value,
            FieldValue(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(One("m v=18446744073709551615u").fields[0].value,
            FieldValue(std::numeric_limits<uint64_t>::max()));
  for (const char* t : {"t", "T", "true", "True", "TRUE"}) {
    EXPECT_EQ(One(std::string("m v=") + t).fields[0].value, FieldValue(true)) << t;
  }
  for (const char* f : {"f", "F", "false", "False", "FALSE"}) {
    EXPECT_EQ(One(std::string("m v=") + f).fields[0].value, FieldValue(false)) << f;
  }
  EXPECT_EQ(One("m v=\"\"").fields[0].value, FieldValue(std::string()));
}

TEST(LineProtocolTest, Escaping) {
  LinePoint p =
      One(R"(my\ meas\,ure,t\ k\=x=v\,a\ l\=ue f\,k\=\ =1,s="say \"hi\" c:\\ a,b=c d" 5)");
  EXPECT_EQ(p.measurement, "my meas,ure");
  ASSERT_EQ(p.tags.size(), 1u);
  EXPECT_EQ(p.tags[0].first, "t k=x");
  EXPECT_EQ(p.tags[0].second, "v,a l=ue");
  ASSERT_EQ(p.fields.size(), 2u);
  EXPECT_EQ(p.fields[0].key, "f,k= ");
  EXPECT_EQ(p.fields[1].value, FieldValue(std::string(R"(say "hi" c:\ a,b=c d)")));
  EXPECT_EQ(*p.timestamp, 5);
  // A backslash before a non-escapable character is literal.
  EXPECT_EQ(One(R"(a\b v=1)").measurement, R"(a\b)");
  // '=' needs no escape in a measurement.
  EXPECT_EQ(One("a=b v=1").measurement, "a=b");
}

TEST(LineProtocolTest, CommentsBlankLinesAndCrlf) {
  ASSERT_OK_AND_ASSIGN(auto pts, ParseLines("# header\n\n  \ncpu v=1 1\r\n  # indented comment\n"
                                            "cpu v=2 2",
                                            Precision::kNanoseconds));
  ASSERT_EQ(pts.size(), 2u);
  EXPECT_EQ(pts[0].line_number, 4u);
  EXPECT_EQ(*pts[0].timestamp, 1);
  EXPECT_EQ(pts[1].line_number, 6u);
}

TEST(LineProtocolTest, Precision) {
  EXPECT_EQ(*One("m v=1 3", Precision::kSeconds).timestamp, 3'000'000'000LL);
  EXPECT_EQ(*One("m v=1 3", Precision::kMilliseconds).timestamp, 3'000'000LL);
  EXPECT_EQ(*One("m v=1 -3", Precision::kMicroseconds).timestamp, -3'000LL);
  EXPECT_EQ(*One("m v=1 3", Precision::kNanoseconds).timestamp, 3);
  ASSERT_OK_AND_ASSIGN(Precision p, ParsePrecision("ms"));
  EXPECT_EQ(p, Precision::kMilliseconds);
  EXPECT_TRUE(absl::IsInvalidArgument(ParsePrecision("h").status()));
  auto r = ParseLine("m v=1 9223372036854775807", 1, Precision::kSeconds);
  EXPECT_FALSE(r.ok());
}

TEST(LineProtocolTest, DuplicateFieldLastWinsDuplicateTagIsError) {
  LinePoint p = One("m a=1,b=2,a=3");
  ASSERT_EQ(p.fields.size(), 2u);
  EXPECT_EQ(p.fields[0], (LineField{"a", 3.0}));
  EXPECT_NE(Err("m,t=1,t=2 v=1").find("duplicate tag key 't'"), std::string::npos);
}

TEST(LineProtocolTest, MalformedLinesNameLineAndFault) {
  struct Case {
    const char* text;
    const char* want;
  };
  const Case cases[] = {
      {"m v=1\nm\n", "line 2: missing fields"},
      {"m v=1\n\nm,t v=1", "line 3: tag 't' has no '='"},
      {"m,t= v=1", "tag 't' has an empty value"},
      {"m,=x v=1", "empty tag key"},
      {",t=1 v=1", "missing measurement"},
      {"m v", "field 'v' has no '='"},
      {"m v=", "field 'v' has no value"},
      {"m =1", "empty field key"},
      {"m v=abc", "field 'v': invalid value 'abc'"},
      {"m v=1.5i", "invalid or out-of-range integer"},
      {"m v=9223372036854775808i", "invalid or out-of-range integer"},
      {"m v=-1u", "invalid or out-of-range unsigned integer"},
      {"m v=nan", "non-finite float"},
      {"m v=inf", "non-finite float"},
      {"m v=\"open", "unterminated string field value"},
      {"m v=\"a\"x", "expected ',' or ' ' after a field value"},
      {"m v=1 12x", "invalid timestamp '12x'"},
      {"m v=1 1 2", "unexpected text after the timestamp"},
      {"m  v=1", "missing fields"},
      {"m v=1,", "empty field key"},
  };
  for (const Case& c : cases) {
    const std::string e = Err(c.text);
    EXPECT_NE(e.find(c.want), std::string::npos) << c.text << " -> " << e;
  }
}

TEST(LineProtocolTest, LongStringFieldRejected) {
  std::string line = "m s=\"" + std::string(64 * 1024 + 1, 'x') + "\"";
  EXPECT_NE(Err(line).find("exceeds 64 KiB"), std::string::npos);
  std::string ok = "m s=\"" + std::string(64 * 1024, 'x') + "\"";
  EXPECT_OK(ParseLine(ok, 1, Precision::kNanoseconds).status());
}

}  // namespace
}  // namespace tessera::ts
