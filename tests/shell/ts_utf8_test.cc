// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Time-series names are text: a tag key, tag value or field key that is not valid UTF-8 is
// refused at write time with an error naming the line (or point) and the tag, and nothing of the
// batch is written; valid non-ASCII UTF-8 is stored and goes through dump / restore unchanged.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tessera/ts.h"
#include "tests/shell/shell_fixture.h"

namespace tessera::shell {
namespace {

using ::testing::HasSubstr;

class TsUtf8Test : public ShellTest {
 protected:
  void SetUp() override {
    ShellTest::SetUp();
    auto ts = TsStore::Open(db_.get());
    ASSERT_TRUE(ts.ok()) << ts.status();
    ts_ = std::move(*ts);
  }
  void TearDown() override {
    ts_.reset();
    ShellTest::TearDown();
  }
  void ExpectRefused(const absl::Status& s, std::string_view fragment) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(std::string(fragment))) << s;
  }
  size_t SeriesCount() {
    auto series = ts_->ListSeries("", {});
    EXPECT_TRUE(series.ok()) << series.status();
    return series.ok() ? series->size() : 0;
  }
  std::unique_ptr<TsStore> ts_;
};

TEST_F(TsUtf8Test, LineProtocolWithInvalidUtf8IsRefusedAndNothingIsWritten) {
  // Line 2 is bad: line 1, although valid, is not written either (one batch).
  ExpectRefused(ts_->WriteLineProtocol("cpu,host=a usage=1 1\ncpu,host=b\xff usage=2 2\n").status(),
                "line 2: the value of tag \"host\" is not valid UTF-8");
  ExpectRefused(ts_->WriteLineProtocol("cpu,ho\xc3st=a usage=1 1").status(),
                "line 1: a tag key is not valid UTF-8");
  ExpectRefused(ts_->WriteLineProtocol("cpu,host=a us\xed\xa0\x80ge=1 1").status(),  // surrogate
                "line 1: a field key is not valid UTF-8");
  EXPECT_EQ(SeriesCount(), 0u);
  // A later line of a series already seen in the batch takes the fast path: its non-ASCII field
  // key is checked too.
  ExpectRefused(
      ts_->WriteLineProtocol("cpu,host=a usage=1 1\ncpu,host=a \xc0\xafx=2 2\n", {}, 7).status(),
      "line 8: a field key is not valid UTF-8");
  EXPECT_EQ(SeriesCount(), 0u);
  // The shell reports it as such.
  ExpectInvalid("ts write cpu,host=\xfe usage=1 1", "not valid UTF-8");
  EXPECT_EQ(SeriesCount(), 0u);
}

TEST_F(TsUtf8Test, PointsWithInvalidUtf8AreRefused) {
  TsPoint p;
  p.measurement = "cpu";
  p.tags = {{"host", "ok"}, {"zone", "\x80"}};
  p.fields = {{"usage", 1.0}};
  p.time = 1;
  TsPoint good = p;
  good.tags = {{"host", "ok"}};
  ExpectRefused(ts_->Write({good, p}),
                "time-series point of \"cpu\": the value of tag \"zone\" is not valid UTF-8");
  p.tags = {{"host", "ok"}};
  p.fields = {{"\xff", 1.0}};
  ExpectRefused(ts_->Write({p}), "a field key is not valid UTF-8");
  EXPECT_EQ(SeriesCount(), 0u);
}

TEST_F(TsUtf8Test, NonAsciiNamesRoundTripThroughDumpAndRestore) {
  Run("ts write cpu,host=caf\xc3\xa9,r\xc3\xa9gion=\xe6\x9d\xb1\xe4\xba\xac "
      "temp\xc3\xa9rature=21.5 1700000000000000000");
  Run("ts write cpu,host=caf\xc3\xa9,r\xc3\xa9gion=\xe6\x9d\xb1\xe4\xba\xac "
      "temp\xc3\xa9rature=22.5 1700000060000000000");
  Run("ts write cpu,host=\xf0\x9f\x98\x80 temp\xc3\xa9rature=1 1700000000000000000");
  Json series = Run("ts series cpu");
  ASSERT_EQ(series.size(), 2u) << series;
  EXPECT_EQ(series[0]["tags"]["host"], "caf\xc3\xa9");
  EXPECT_EQ(series[0]["tags"]["r\xc3\xa9gion"], "\xe6\x9d\xb1\xe4\xba\xac");
  EXPECT_EQ(series[0]["field"], "temp\xc3\xa9rature");
  Json rows = Run("ts query cpu temp\xc3\xa9rature by host");

  const std::string dump = dir_->path() + "/all.tdump";
  Run("dump " + dump);
  test::TempDir other;
  Options options;
  options.log_destination = LogDestination::kNone;
  auto db2 = DB::Open(other.path() + "/db", options);
  ASSERT_TRUE(db2.ok()) << db2.status();
  {
    auto s2 = Session::Open(db2->get(), Format::kJson);
    ASSERT_TRUE(s2.ok()) << s2.status();
    ASSERT_TRUE((*s2)->Execute("restore " + dump).ok());
    auto restored_series = (*s2)->Execute("ts series cpu");
    ASSERT_TRUE(restored_series.ok()) << restored_series.status();
    EXPECT_EQ(*restored_series, series);
    auto restored_rows = (*s2)->Execute("ts query cpu temp\xc3\xa9rature by host");
    ASSERT_TRUE(restored_rows.ok()) << restored_rows.status();
    EXPECT_EQ(*restored_rows, rows);
    EXPECT_EQ(rows.size(), 3u) << rows;
  }
  ASSERT_TRUE((*db2)->Close().ok());
}

}  // namespace
}  // namespace tessera::shell
