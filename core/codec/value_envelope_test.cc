// Tests of the value envelope and the counter merge operand.
#include "core/codec/value_envelope.h"

#include "gtest/gtest.h"

namespace tessera::codec {
namespace {

TEST(ValueEnvelopeTest, RoundTripsWithAndWithoutExpiry) {
  Envelope e;
  std::string plain = EncodeEnvelope("hello", 0);
  ASSERT_TRUE(DecodeEnvelope(plain, &e));
  EXPECT_EQ(e.payload, "hello");
  EXPECT_EQ(e.expiry_us, 0);
  EXPECT_FALSE(IsExpired(e, 1));

  std::string timed = EncodeEnvelope(std::string("a\0b", 3), 1000);
  ASSERT_TRUE(DecodeEnvelope(timed, &e));
  EXPECT_EQ(e.payload, std::string("a\0b", 3));
  EXPECT_EQ(e.expiry_us, 1000);
  EXPECT_FALSE(IsExpired(e, 999));
  EXPECT_TRUE(IsExpired(e, 1000));
}

TEST(ValueEnvelopeTest, RejectsMalformedInput) {
  Envelope e;
  EXPECT_FALSE(DecodeEnvelope("", &e));
  EXPECT_FALSE(DecodeEnvelope(std::string("\x01\x00\x00", 3), &e));  // truncated expiry
  EXPECT_FALSE(DecodeEnvelope("\x04payload", &e));                   // unknown flag
}

TEST(ValueEnvelopeTest, CounterOperandRoundTrips) {
  int64_t d, x;
  ASSERT_TRUE(DecodeCounterAdd(EncodeCounterAdd(-5, 77), &d, &x));
  EXPECT_EQ(d, -5);
  EXPECT_EQ(x, 77);
  EXPECT_FALSE(DecodeCounterAdd("\x01short", &d, &x));
}

TEST(ValueEnvelopeTest, ParsesOnlyWholeDecimalIntegers) {
  EXPECT_EQ(ParseDecimalInt64("42"), 42);
  EXPECT_EQ(ParseDecimalInt64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(ParseDecimalInt64("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(ParseDecimalInt64("9223372036854775808"));
  EXPECT_FALSE(ParseDecimalInt64(""));
  EXPECT_FALSE(ParseDecimalInt64("12a"));
  EXPECT_FALSE(ParseDecimalInt64(" 1"));
  EXPECT_FALSE(ParseDecimalInt64("+1"));
  EXPECT_FALSE(ParseDecimalInt64("1.5"));
}

}  // namespace
}  // namespace tessera::codec
