// Tests of the fixed-width and varint helpers.
#include "core/codec/coding.h"

#include <limits>
#include <random>

#include "gtest/gtest.h"

namespace tessera::codec {
namespace {

TEST(CodingTest, Fixed64BigEndianPreservesOrder) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; ++i) {
    uint64_t a = rng(), b = rng() >> (rng() % 64);
    std::string ea, eb;
    PutFixed64BE(&ea, a);
    PutFixed64BE(&eb, b);
    EXPECT_EQ(a < b, ea < eb);
    std::string_view in = ea;
    uint64_t back;
    ASSERT_TRUE(GetFixed64BE(&in, &back));
    EXPECT_EQ(back, a);
  }
}

TEST(CodingTest, VarintsRoundTripAndRejectTruncation) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{1} << 35,
                     std::numeric_limits<uint64_t>::max()}) {
    std::string e;
    PutVarint64(&e, v);
    std::string_view in = e;
    uint64_t back;
    ASSERT_TRUE(GetVarint64(&in, &back));
    EXPECT_EQ(back, v);
    EXPECT_TRUE(in.empty());
    std::string_view cut = std::string_view(e).substr(0, e.size() - 1);
    EXPECT_FALSE(GetVarint64(&cut, &back));
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{63}, int64_t{-64},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    std::string e;
    PutVarsint64(&e, v);
    std::string_view in = e;
    int64_t back;
    ASSERT_TRUE(GetVarsint64(&in, &back));
    EXPECT_EQ(back, v);
  }
}

TEST(CodingTest, OverlongVarintIsRejected) {
  std::string e(11, '\xff');
  std::string_view in = e;
  uint64_t v;
  EXPECT_FALSE(GetVarint64(&in, &v));
}

TEST(CodingTest, PrefixSuccessor) {
  EXPECT_EQ(PrefixSuccessor("ab"), "ac");
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff\xff", 2)), "");
}

}  // namespace
}  // namespace tessera::codec
