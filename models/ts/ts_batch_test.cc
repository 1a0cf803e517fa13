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
                                        "42"};
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

}  // namespace
}  // namespace tessera::ts
