// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the wide-column key, value and schema codecs, and of the GC policy function.
#include "models/wide/wide_codec.h"

#include <algorithm>

#include "core/codec/coding.h"
#include "gtest/gtest.h"

namespace tessera::wide {
namespace {

TEST(WideCodecTest, KeyRoundTripsWithEmbeddedZeros) {
  std::string row("a\0b", 3), qual("\0q\xff", 3);
  std::string key = CellKey(7, row, 3, qual, 123456);
  DecodedKey k;
  ASSERT_TRUE(DecodeKey(key, &k));
  EXPECT_EQ(k.row, row);
  EXPECT_EQ(k.family, 3);
  EXPECT_EQ(k.qualifier, qual);
  EXPECT_EQ(k.timestamp, 123456);
  EXPECT_EQ(key.substr(0, k.row_prefix_len), RowPrefix(7, row));
  EXPECT_EQ(key.substr(0, k.column_prefix_len), ColumnPrefix(7, row, 3, qual));
}

TEST(WideCodecTest, RowsSortBytewiseAndPrefixesAreByteRanges) {
  std::vector<std::string> rows = {
      "a", std::string("a\0", 2), std::string("a\0\0", 3), "a\x01", "ab", "b", "\xff"};
  std::vector<std::string> keys;
  for (const auto& r : rows) keys.push_back(CellKey(1, r, 1, "q", 5));
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  // Every row starting with "a" lies in [RowBytesPrefix("a"), successor).
  std::string lo = RowBytesPrefix(1, "a"), hi = codec::PrefixSuccessor(lo);
  for (size_t i = 0; i < rows.size(); ++i) {
    bool in = keys[i] >= lo && keys[i] < hi;
    EXPECT_EQ(in, rows[i][0] == 'a') << i;
  }
  // Row range [a\0, ab) holds exactly a\0, a\0\0 and a\x01.
  std::string from = RowBytesPrefix(1, std::string("a\0", 2)), to = RowBytesPrefix(1, "ab");
  int inside = 0;
  for (const auto& k : keys) inside += k >= from && k < to;
  EXPECT_EQ(inside, 3);
}

TEST(WideCodecTest, VersionsSortNewestFirstAndLockKeyFirst) {
  std::string newer = CellKey(1, "r", 1, "q", 200), older = CellKey(1, "r", 1, "q", 100);
  EXPECT_LT(newer, older);
  EXPECT_LT(CellKey(1, "r", 1, "q", INT64_MAX), CellKey(1, "r", 1, "q", 0));
  EXPECT_LT(LockKey(1, "r"), CellKey(1, "r", 1, "", INT64_MAX));
  DecodedKey k;
  ASSERT_TRUE(DecodeKey(LockKey(1, "r"), &k));
  EXPECT_EQ(k.family, kLockFamilyId);
}

TEST(WideCodecTest, MalformedKeysAreRefused) {
  DecodedKey k;
  EXPECT_FALSE(DecodeKey("short", &k));
  std::string key = CellKey(1, "r", 1, "q", 5);
  EXPECT_FALSE(DecodeKey(key.substr(0, key.size() - 1), &k));
  EXPECT_FALSE(DecodeKey(key + "x", &k));
  std::string bad_escape = key;
  bad_escape[9] = '\0';
  bad_escape[10] = '\x07';
  EXPECT_FALSE(DecodeKey(bad_escape, &k));
}

TEST(WideCodecTest, SchemaRoundTrips) {
  TableSchema s;
  s.families.push_back({1, "cf", {3, 60, 1}});
  s.families.push_back({2, "meta.x", {0, 0, 0}});
  TableSchema d;
  ASSERT_TRUE(DecodeSchema(EncodeSchema(s), &d));
  ASSERT_EQ(d.families.size(), 2u);
  EXPECT_EQ(d.families[0].name, "cf");
  EXPECT_EQ(d.families[0].options.max_versions, 3u);
  EXPECT_EQ(d.families[0].options.ttl_seconds, 60);
  EXPECT_EQ(d.families[0].options.min_versions, 1u);
  EXPECT_EQ(d.FindId(2)->name, "meta.x");
  EXPECT_EQ(d.Find("nope"), nullptr);
  EXPECT_FALSE(DecodeSchema("", &d));
  EXPECT_FALSE(DecodeSchema(EncodeSchema(s) + "x", &d));
  EXPECT_FALSE(DecodeSchema(EncodeSchema(s).substr(0, 5), &d));
}

TEST(WideCodecTest, KeepVersionAppliesEveryRule) {
  const int64_t now = 1000 * 1000000LL;
  WideFamilyOptions unlimited{0, 0, 0};
  EXPECT_TRUE(KeepVersion(unlimited, 1000, 0, now));
  WideFamilyOptions two{2, 0, 0};
  EXPECT_TRUE(KeepVersion(two, 1, 0, now));
  EXPECT_FALSE(KeepVersion(two, 2, now, now));
  WideFamilyOptions ttl{0, 10, 0};
  EXPECT_TRUE(KeepVersion(ttl, 5, now - 10 * 1000000LL, now));
  EXPECT_FALSE(KeepVersion(ttl, 0, now - 10 * 1000000LL - 1, now));
  EXPECT_TRUE(KeepVersion(ttl, 0, now + 50, now));  // future timestamps are not expired
  WideFamilyOptions min{3, 10, 1};
  EXPECT_TRUE(KeepVersion(min, 0, 0, now));   // expired but kept as the minimum
  EXPECT_FALSE(KeepVersion(min, 1, 0, now));  // expired beyond the minimum
  EXPECT_FALSE(KeepVersion(min, 3, now, now));
}

}  // namespace
}  // namespace tessera::wide
