// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// PointBatch's line-protocol fast path against its reference, ParseLine (through the same batch):
// random lines full of what the fast path must hand over (escapes, quotes, signs, suffixes, huge
// and malformed numbers, repeated fields, tabs, trailing blanks) give the same points, or the
// same error, whether they take the fast path or not.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "models/ts/ts_batch.h"

namespace tessera::ts {
namespace {

std::string RandomValue(std::mt19937_64& rng) {
  static const char* const kValues[] = {"1i",
                                        "-1i",
                                        "0i",
                                        "+1i",
                                        "12u",
                                        "-3u",
                                        "9223372036854775807i",
                                        "-9223372036854775808i",
                                        "9223372036854775808i",
                                        "18446744073709551615u",
                                        "09223372036854775807i",
                                        "1.5",
                                        "-2e3",
                                        "+2",
                                        "1e400",
                                        "nan",
                                        "t",
                                        "FALSE",
                                        "true",
                                        "\"s\"",
                                        "\"a b\"",
                                        "\"x,y\"",
                                        "1\\i",
                                        "i",
                                        "",
                                        "1.5i",
                                        "0x10i",
                                        "1 i",
                                        "00000000000000000001u",
                                        "42",
                                        "123.456",
                                        "-0.0",
                                        "-12.5",
                                        "0.1",
                                        "1.",
                                        ".5",
                                        "1.5.5",
                                        "007.250",
                                        "123456789012345.6",
                                        "1234567890123456.7",
                                        "0.30000000000000004",
                                        "-9007199254740993",
                                        "123456789012345678i",
                                        "-123456789012345678i",
                                        "1234567890123456789i",
                                        "1.5,",
                                        "12i,",
                                        "-",
                                        "-i",
                                        "7ix"};
  return kValues[rng() % (sizeof(kValues) / sizeof(kValues[0]))];
}

std::string RandomFieldKey(std::mt19937_64& rng) {
  static const char* const kKeys[] = {"u", "v", "w", "a\\ b", "a\\,b", "a\\=b", "k\"", "é", "u"};
  return kKeys[rng() % (sizeof(kKeys) / sizeof(kKeys[0]))];
}

std::string RandomTimestamp(std::mt19937_64& rng) {
  static const char* const kTimes[] = {"",
                                       " 1000",
                                       " -5",
                                       " +5",
                                       " 9223372036854775807",
                                       " 99999999999999999999",
                                       " 1x",
                                       " 1000 ",
                                       " 1000\t",
                                       " 1000 7",
                                       "  1000"};
  return kTimes[rng() % (sizeof(kTimes) / sizeof(kTimes[0]))];
}

// Every point of every series and field of `b`, as text, fields sorted by name, leaving out the
// priming line's point (field u, time 1, value 1: no random line writes time 1).
std::string Dump(const PointBatch& b) {
  std::vector<std::string> rows;
  for (const auto& s : b.series()) {
    for (const BatchField& f : s->fields) {
      std::string row = s->measurement + "|" + s->tagset + "|" + f.name + ":";
      bool any = false;
      for (const RawPoint& p : f.points) {
        if (f.name == "u" && p.ts == 1 && p.bits == 1) continue;
        row += std::to_string(p.ts) + "=" + std::to_string(p.bits) + ",";
        any = true;
      }
      if (any) rows.push_back(row);
    }
  }
  std::sort(rows.begin(), rows.end());
  std::string out;
  for (const std::string& r : rows) out += r + "\n";
  return out;
}

TEST(PointBatchTest, FastPathAgreesWithTheParserOnRandomLines) {
  std::mt19937_64 rng(3);
  const std::string prime = "m,host=a u=1i 1\n";  // makes "m,host=a" a known series key
  int fast_taken = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string line = "m,host=a ";
    const int fields = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < fields; ++i) {
      if (i > 0) line += ',';
      line += RandomFieldKey(rng) + "=" + RandomValue(rng);
    }
    line += RandomTimestamp(rng);
    // After the priming line the key is known and the line may take the fast path; alone (line
    // 2 as well), it is the first of its key and takes ParseLine.
    PointBatch fast, ref;
    absl::Status fs = fast.AddLines(prime + line, Precision::kNanoseconds, 1, 777);
    absl::Status rs = ref.AddLines(line, Precision::kNanoseconds, 2, 777);
    EXPECT_EQ(fs.ok(), rs.ok()) << line << "\nfast: " << fs << "\nref: " << rs;
    if (fs.ok() && rs.ok()) {
      EXPECT_EQ(Dump(fast), Dump(ref)) << line;
      EXPECT_EQ(fast.points(), ref.points() + 1) << line;
      ++fast_taken;
    } else if (!fs.ok() && !rs.ok()) {
      EXPECT_EQ(fs.message(), rs.message()) << line;
    }
  }
  EXPECT_GT(fast_taken, 100);  // the generator does make lines that are written
}

// Whole batches of random lines (two series keys, fields in varying orders, values of every
// form) give the same points and the same error with the fast path as with ParseLine alone.
TEST(PointBatchTest, FastPathAgreesWithTheParserOnRandomBatches) {
  std::mt19937_64 rng(11);
  int agreed_ok = 0;
  for (int round = 0; round < 400; ++round) {
    std::string text;
    const int lines = 2 + static_cast<int>(rng() % 12);
    for (int l = 0; l < lines; ++l) {
      text += rng() % 2 ? "m,host=a " : "m,host=b,dc=x ";
      const int fields = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < fields; ++i) {
        if (i > 0) text += ',';
        // Mostly the same keys in the same order, as real data has.
        text += (rng() % 10 ? std::string(i == 0   ? "u"
                                          : i == 1 ? "v"
                                                   : "w")
                            : RandomFieldKey(rng)) +
                "=" + (rng() % 10 ? std::string(rng() % 2 ? "12i" : "3.25") : RandomValue(rng));
      }
      text += rng() % 10 ? " " + std::to_string(1000 + l) : RandomTimestamp(rng);
      text += '\n';
    }
    PointBatch fast, ref;
    ref.DisableFastPathForTesting();
    absl::Status fs = fast.AddLines(text, Precision::kNanoseconds, 1, 777);
    absl::Status rs = ref.AddLines(text, Precision::kNanoseconds, 1, 777);
    ASSERT_EQ(fs.ok(), rs.ok()) << text << "\nfast: " << fs << "\nref: " << rs;
    EXPECT_EQ(fs.message(), rs.message()) << text;
    if (fs.ok()) {
      EXPECT_EQ(Dump(fast), Dump(ref)) << text;
      EXPECT_EQ(fast.points(), ref.points()) << text;
      ++agreed_ok;
    }
  }
  EXPECT_GT(agreed_ok, 50);
}

// Lines cycling through series keys that are prefixes of one another (the fast path first
// checks the key that followed the previous line's last time), then in another order, and lines
// whose text after the predicted key is not a space, give ParseLine's points.
TEST(PointBatchTest, PredictedSeriesKeysThatArePrefixesOfTheLineAreNotTaken) {
  const char* const kKeys[] = {"m,host=a", "m,host=ab", "m,host=a,x=1", "m,host=abc"};
  std::mt19937_64 rng(9);
  std::string text;
  for (int l = 0; l < 200; ++l) {
    // In order for 120 lines, then random (so the remembered successor is often wrong).
    const size_t k = l < 120 ? static_cast<size_t>(l % 4) : rng() % 4;
    text += std::string(kKeys[k]) + " u=" + std::to_string(l) + "i,v=" + std::to_string(k) + ".5 " +
            std::to_string(1000 + l) + "\n";
  }
  text += "m,host=a=1 u=1i 5000\nm,host=a\tu=1i 5001\n";  // a key only up to a byte that is not ' '
  PointBatch fast, ref;
  ref.DisableFastPathForTesting();
  absl::Status fs = fast.AddLines(text, Precision::kNanoseconds, 1, 777);
  absl::Status rs = ref.AddLines(text, Precision::kNanoseconds, 1, 777);
  ASSERT_EQ(fs.ok(), rs.ok()) << fs << " / " << rs;
  EXPECT_EQ(fs.message(), rs.message());
  EXPECT_EQ(Dump(fast), Dump(ref));
  EXPECT_EQ(fast.points(), ref.points());
  EXPECT_EQ(fast.series().size(), ref.series().size());
}

// A field name with an escaped comma, once in the series' table, must not make the raw text
// "a,b=" (which ParseLine reads as key "a" without a value) match it.
TEST(PointBatchTest, AnEscapedFieldNameDoesNotMatchItsRawText) {
  PointBatch b;
  absl::Status s =
      b.AddLines("m,host=a a\\,b=1i 1\nm,host=a a,b=2i 2\n", Precision::kNanoseconds, 1, 0);
  PointBatch ref;
  ref.DisableFastPathForTesting();
  absl::Status rs =
      ref.AddLines("m,host=a a\\,b=1i 1\nm,host=a a,b=2i 2\n", Precision::kNanoseconds, 1, 0);
  EXPECT_FALSE(rs.ok());
  EXPECT_EQ(s.message(), rs.message());
}

// The common value forms parsed in place give the values from_chars gives.
TEST(PointBatchTest, InPlaceNumbersMatchFromChars) {
  const char* const kFloats[] = {"0.1",
                                 "123.456",
                                 "-0.0",
                                 "99.99",
                                 "1.000000000000001",
                                 "0.000000000000001",
                                 "999999999999999",
                                 "-3.5"};
  for (const char* v : kFloats) {
    const std::string text = std::string("m,host=a f=1.5 1\nm,host=a f=") + v + " 2\n";
    PointBatch fast, ref;
    ref.DisableFastPathForTesting();
    ASSERT_TRUE(fast.AddLines(text, Precision::kNanoseconds, 1, 0).ok()) << v;
    ASSERT_TRUE(ref.AddLines(text, Precision::kNanoseconds, 1, 0).ok()) << v;
    ASSERT_EQ(fast.series().size(), 1u);
    const auto& pts = fast.series()[0]->fields[0].points;
    ASSERT_EQ(pts.size(), 2u);
    EXPECT_EQ(pts[1].bits, ref.series()[0]->fields[0].points[1].bits) << v;
    EXPECT_EQ(Dump(fast), Dump(ref)) << v;
  }
}

}  // namespace
}  // namespace tessera::ts
