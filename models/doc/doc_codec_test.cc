// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/doc/doc_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <set>

#include "query/path.h"

namespace tessera::doc {
namespace {

int Sign(int v) { return (v > 0) - (v < 0); }

Json RandomCodecValue(std::mt19937_64& rng, int depth) {
  int kind = static_cast<int>(rng() % (depth > 2 ? 6 : 8));
  switch (kind) {
    case 0:
      return Json(nullptr);
    case 1:
      return Json(static_cast<int64_t>(rng() % 21) - 10);
    case 2:
      return Json((static_cast<double>(rng() % 41) - 20) / 4);
    case 3:
      return Json(std::string(rng() % 3, static_cast<char>('a' + rng() % 3)));
    case 4:
      return Json(rng() % 2 == 0);
    case 5:
      return Json(std::string(1, '\0') + "x");
    case 6: {
      Json a = Json::array();
      for (size_t n = rng() % 3; n > 0; --n) a.push_back(RandomCodecValue(rng, depth + 1));
      return a;
    }
    default: {
      Json o = Json::object();
      for (size_t n = rng() % 3; n > 0; --n) {
        o[std::string(1, static_cast<char>('a' + rng() % 3))] = RandomCodecValue(rng, depth + 1);
      }
      return o;
    }
  }
}

TEST(DocCodecTest, ComponentOrderAgreesWithSortKeyOrder) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    Json a = RandomCodecValue(rng, 0), b = RandomCodecValue(rng, 0);
    std::string ea = EncodeComponent(a), eb = EncodeComponent(b);
    int bytes = Sign(ea.compare(eb));
    EXPECT_EQ(bytes, Sign(query::CompareSortKeys(a, b))) << a.dump() << " vs " << b.dump();
    std::string da = EncodeComponent(a, true), db = EncodeComponent(b, true);
    EXPECT_EQ(Sign(da.compare(db)), -bytes) << a.dump() << " vs " << b.dump();
  }
}

TEST(DocCodecTest, ComponentsRoundTrip) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 5000; ++i) {
    Json v = RandomCodecValue(rng, 0);
    std::string e = EncodeComponent(v);
    std::string_view in = e;
    absl::StatusOr<Json> back = DecodeComponent(&in);
    ASSERT_TRUE(back.ok()) << back.status() << " for " << v.dump();
    EXPECT_TRUE(in.empty());
    EXPECT_EQ(query::CompareSortKeys(*back, v), 0) << back->dump() << " vs " << v.dump();
  }
}

TEST(DocCodecTest, IntegersAndDoublesShareOneOrder) {
  EXPECT_EQ(EncodeComponent(Json(5)), EncodeComponent(Json(5.0)));
  EXPECT_LT(EncodeComponent(Json(std::nan(""))), EncodeComponent(Json(-1e300)));
  EXPECT_LT(EncodeComponent(Json(int64_t{9007199254740992})),
            EncodeComponent(Json(int64_t{9007199254740993})));
}

TEST(DocCodecTest, EmptyArrayAtTopSortsBelowNullButNestedItIsAnArray) {
  EXPECT_LT(EncodeComponent(Json::array()), EncodeComponent(Json(nullptr)));
  EXPECT_GT(EncodeComponent(Json::array({Json::array()})),
            EncodeComponent(Json::array({Json(nullptr)})));
}

TEST(DocCodecTest, DecodeRejectsGarbageWithoutCrashing) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20000; ++i) {
    std::string junk(rng() % 12, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    std::string_view in = junk;
    (void)DecodeComponent(&in);  // must not crash or read out of bounds
  }
  std::string_view empty;
  EXPECT_FALSE(DecodeComponent(&empty).ok());
  std::string unterminated = EncodeComponent(Json::array({1, 2}));
  unterminated.pop_back();
  std::string_view in = unterminated;
  EXPECT_FALSE(DecodeComponent(&in).ok());
}

TEST(DocCodecTest, DocumentsRoundTripKeepingFieldOrder) {
  Json doc = Json::parse(R"({"_id": 1, "z": [1, 2.5, "x", null, true], "a": {"q": {}, "b": -3}})");
  absl::StatusOr<Json> back = DecodeDocument(EncodeDocument(doc));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->dump(), doc.dump());
  EXPECT_FALSE(DecodeDocument("").ok());
  EXPECT_FALSE(DecodeDocument("\x02xyz").ok());
  EXPECT_FALSE(DecodeDocument(std::string("\x01\xc1", 2)).ok());
}

TEST(DocCodecTest, GeneratedIdsAreUniqueAndIncreasing) {
  std::set<std::string> seen;
  std::string prev;
  for (int i = 0; i < 10000; ++i) {
    std::string id = GenerateId();
    ASSERT_EQ(id.size(), 24u);
    EXPECT_TRUE(seen.insert(id).second);
    // Within one second the counter increases (it may wrap only after 16M ids).
    if (!prev.empty() && id.substr(0, 8) == prev.substr(0, 8)) {
      EXPECT_EQ(id.substr(8, 10), prev.substr(8, 10));
    }
    prev = id;
  }
}

}  // namespace
}  // namespace tessera::doc
