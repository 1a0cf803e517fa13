// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "query/value.h"

#include <cmath>
#include <limits>
#include <random>

#include "gtest/gtest.h"
#include "tests/util/json_test_util.h"

namespace tessera::query {
namespace {

using test::J;

TEST(ValueTest, ClassOfMapsEveryJsonType) {
  EXPECT_EQ(ClassOf(Json(nullptr)), TypeClass::kNull);
  EXPECT_EQ(ClassOf(Json(1)), TypeClass::kNumber);
  EXPECT_EQ(ClassOf(Json(1u)), TypeClass::kNumber);
  EXPECT_EQ(ClassOf(Json(1.5)), TypeClass::kNumber);
  EXPECT_EQ(ClassOf(Json("x")), TypeClass::kString);
  EXPECT_EQ(ClassOf(J("{}")), TypeClass::kObject);
  EXPECT_EQ(ClassOf(J("[]")), TypeClass::kArray);
  EXPECT_EQ(ClassOf(Json(true)), TypeClass::kBool);
}

TEST(ValueTest, ClassOrderFollowsBson) {
  // null < numbers < strings < objects < arrays < bools
  std::vector<Json> v = {Json(nullptr), Json(-1e300), Json(""), J("{}"), J("[]"), Json(false)};
  for (size_t i = 0; i + 1 < v.size(); ++i) EXPECT_LT(CompareValues(v[i], v[i + 1]), 0) << i;
}

TEST(ValueTest, IntAndDoubleCompareExactly) {
  EXPECT_EQ(CompareValues(Json(1), Json(1.0)), 0);
  EXPECT_LT(CompareValues(Json(1), Json(1.5)), 0);
  EXPECT_GT(CompareValues(Json(2), Json(1.5)), 0);
  // 2^53 + 1 is not representable as a double: the int is larger than the double 2^53.
  int64_t big = (int64_t{1} << 53) + 1;
  EXPECT_GT(CompareValues(Json(big), Json(9007199254740992.0)), 0);
  EXPECT_LT(CompareValues(Json(std::numeric_limits<int64_t>::max()), Json(9.3e18)), 0);
  EXPECT_GT(CompareValues(Json(std::numeric_limits<int64_t>::min()), Json(-9.3e18)), 0);
  EXPECT_EQ(CompareValues(Json(std::numeric_limits<int64_t>::min()), Json(-9223372036854775808.0)),
            0);
  EXPECT_LT(CompareValues(Json(-1), Json(0.5)), 0);
  EXPECT_GT(CompareValues(Json(-1), Json(-1.5)), 0);
}

TEST(ValueTest, UnsignedComparesWithSignedAndDouble) {
  uint64_t u = std::numeric_limits<uint64_t>::max();
  EXPECT_GT(CompareValues(Json(u), Json(std::numeric_limits<int64_t>::max())), 0);
  EXPECT_LT(CompareValues(Json(-1), Json(uint64_t{0})), 0);
  EXPECT_EQ(CompareValues(Json(uint64_t{5}), Json(5)), 0);
  EXPECT_LT(CompareValues(Json(u), Json(1.9e19)), 0);
  EXPECT_GT(CompareValues(Json(u), Json(1.8e19)), 0);
  EXPECT_GT(CompareValues(Json(uint64_t{3}), Json(-2.5)), 0);
}

TEST(ValueTest, NanEqualsNanAndSortsBelowAllNumbers) {
  Json nan(std::nan(""));
  EXPECT_EQ(CompareValues(nan, nan), 0);
  EXPECT_LT(CompareValues(nan, Json(-std::numeric_limits<double>::infinity())), 0);
  EXPECT_LT(CompareValues(nan, Json(std::numeric_limits<int64_t>::min())), 0);
  EXPECT_GT(CompareValues(Json(0u), nan), 0);
  EXPECT_GT(CompareValues(nan, Json(nullptr)), 0);
}

TEST(ValueTest, NegativeZeroEqualsZero) {
  EXPECT_EQ(CompareValues(Json(-0.0), Json(0.0)), 0);
  EXPECT_EQ(CompareValues(Json(-0.0), Json(0)), 0);
}

TEST(ValueTest, StringsCompareAsUnsignedBytes) {
  EXPECT_LT(CompareValues(Json("a"), Json("b")), 0);
  EXPECT_LT(CompareValues(Json("B"), Json("a")), 0);  // no collation
  EXPECT_LT(CompareValues(Json("ab"), Json("abc")), 0);
  EXPECT_LT(CompareValues(Json("z"), Json("\xc3\xa9")), 0);  // é (0xC3) above ASCII
}

TEST(ValueTest, ObjectsCompareFieldNameThenValueWithPrefixFirst) {
  EXPECT_LT(CompareValues(J(R"({"a":1})"), J(R"({"b":0})")), 0);
  EXPECT_LT(CompareValues(J(R"({"a":1})"), J(R"({"a":2})")), 0);
  EXPECT_LT(CompareValues(J(R"({"a":1})"), J(R"({"a":1,"b":0})")), 0);
  EXPECT_LT(CompareValues(J("{}"), J(R"({"a":null})")), 0);
  // Field order matters: {a:1,b:2} != {b:2,a:1}.
  EXPECT_NE(CompareValues(J(R"({"a":1,"b":2})"), J(R"({"b":2,"a":1})")), 0);
  EXPECT_EQ(CompareValues(J(R"({"a":{"x":[1,2]}})"), J(R"({"a":{"x":[1.0,2]}})")), 0);
}

TEST(ValueTest, ArraysCompareElementwiseWithPrefixFirst) {
  EXPECT_LT(CompareValues(J("[1,2]"), J("[1,3]")), 0);
  EXPECT_LT(CompareValues(J("[1,2]"), J("[1,2,0]")), 0);
  EXPECT_LT(CompareValues(J("[]"), J("[null]")), 0);
  EXPECT_GT(CompareValues(J("[\"a\"]"), J("[5]")), 0);
}

TEST(ValueTest, BoolsFalseBelowTrue) {
  EXPECT_LT(CompareValues(Json(false), Json(true)), 0);
  EXPECT_TRUE(ValuesEqual(Json(true), Json(true)));
  EXPECT_FALSE(ValuesEqual(Json(true), Json(1)));
}

// Random nested values for the order properties.
Json RandomValue(std::mt19937* rng, int depth) {
  std::uniform_int_distribution<int> kind(0, depth > 0 ? 9 : 7);
  std::uniform_int_distribution<int> small(-3, 3);
  switch (kind(*rng)) {
    case 0:
      return Json(nullptr);
    case 1:
      return Json(small(*rng));
    case 2:
      return Json(small(*rng) / 2.0);
    case 3:
      return Json(static_cast<uint64_t>(small(*rng) + 3));
    case 4:
      return Json(std::string(1, static_cast<char>('a' + small(*rng) + 3)));
    case 5:
      return Json(small(*rng) > 0);
    case 6:
      return Json(std::nan(""));
    case 7:
      return Json(-0.0);
    case 8: {
      Json a = Json::array();
      int n = std::uniform_int_distribution<int>(0, 3)(*rng);
      for (int i = 0; i < n; ++i) a.push_back(RandomValue(rng, depth - 1));
      return a;
    }
    default: {
      Json o = Json::object();
      int n = std::uniform_int_distribution<int>(0, 3)(*rng);
      for (int i = 0; i < n; ++i) {
        o[std::string(1, static_cast<char>('a' + small(*rng) + 3))] = RandomValue(rng, depth - 1);
      }
      return o;
    }
  }
}

TEST(ValueTest, CompareValuesIsATotalOrderOnRandomValues) {
  std::mt19937 rng(42);
  std::vector<Json> vals;
  for (int i = 0; i < 120; ++i) vals.push_back(RandomValue(&rng, 3));
  for (const Json& a : vals) {
    EXPECT_EQ(CompareValues(a, a), 0);
    for (const Json& b : vals) {
      int ab = CompareValues(a, b), ba = CompareValues(b, a);
      ASSERT_EQ(ab<0, ba> 0) << a.dump() << " " << b.dump();
      ASSERT_EQ(ab == 0, ba == 0) << a.dump() << " " << b.dump();
    }
  }
  for (size_t i = 0; i < vals.size(); ++i) {
    for (size_t j = 0; j < vals.size(); ++j) {
      for (size_t k = 0; k < vals.size(); k += 3) {
        if (CompareValues(vals[i], vals[j]) <= 0 && CompareValues(vals[j], vals[k]) <= 0) {
          ASSERT_LE(CompareValues(vals[i], vals[k]), 0)
              << vals[i].dump() << " " << vals[j].dump() << " " << vals[k].dump();
        }
      }
    }
  }
}

}  // namespace
}  // namespace tessera::query
