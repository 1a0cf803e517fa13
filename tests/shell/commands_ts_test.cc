// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the ts commands run through a shell Session on a temporary database: outputs compared
// exactly as JSON, and invalid_argument errors for bad input.
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/shell/shell_fixture.h"

namespace tessera::shell {
namespace {

using ::testing::HasSubstr;

class ShellTsCommandsTest : public ShellTest {
 protected:
  // Six points of cpu.usage: hosts a and b, minutes 0..2 of 2026-01-01.
  void WriteSample() {
    for (int m = 0; m < 3; ++m) {
      for (const char* h : {"a", "b"}) {
        const int64_t t = 1767225600000000000 + int64_t{m} * 60000000000;
        const int v = (h[0] == 'a' ? 1 : 10) * (m + 1);
        EXPECT_EQ(Run(std::string("ts write cpu,host=") + h + ",dc=x usage=" + std::to_string(v) +
                      " " + std::to_string(t)),
                  J(R"({"points": 1})"));
      }
    }
  }
};

TEST_F(ShellTsCommandsTest, WriteAndQueryRaw) {
  WriteSample();
  EXPECT_EQ(Run("ts query cpu usage where host=a"),
            J(R"([{"time": 1767225600000000000, "value": 1.0},
                  {"time": 1767225660000000000, "value": 2.0},
                  {"time": 1767225720000000000, "value": 3.0}])"));
  EXPECT_EQ(Run("ts query cpu usage where host=b from 2026-01-01T00:01:00Z to 1767225720000000000"),
            J(R"([{"time": 1767225660000000000, "value": 20.0}])"));
  EXPECT_EQ(Run("ts query cpu usage where host=a limit 2 desc"),
            J(R"([{"time": 1767225720000000000, "value": 3.0},
                  {"time": 1767225660000000000, "value": 2.0}])"));
  EXPECT_EQ(Run("ts query cpu usage where host=a limit 0"), J("[]"));
  EXPECT_EQ(Run("ts query nothing usage"), J("[]"));
}

TEST_F(ShellTsCommandsTest, QueryKeepsRawPointsMeetingAValueCondition) {
  WriteSample();
  EXPECT_EQ(Run("ts query cpu usage value >15"), J(R"([{"time": 1767225660000000000, "value": 20.0},
                  {"time": 1767225720000000000, "value": 30.0}])"));
  EXPECT_EQ(Run("ts query cpu usage where host=a value >=2 desc"),
            J(R"([{"time": 1767225720000000000, "value": 3.0},
                  {"time": 1767225660000000000, "value": 2.0}])"));
  EXPECT_EQ(Run("ts query cpu usage by host value !=1"),
            J(R"([{"time": 1767225660000000000, "value": 2.0, "tags": {"host": "a"}},
                  {"time": 1767225720000000000, "value": 3.0, "tags": {"host": "a"}},
                  {"time": 1767225600000000000, "value": 10.0, "tags": {"host": "b"}},
                  {"time": 1767225660000000000, "value": 20.0, "tags": {"host": "b"}},
                  {"time": 1767225720000000000, "value": 30.0, "tags": {"host": "b"}}])"));
  EXPECT_EQ(Run("ts query cpu usage value <1"), J("[]"));
  ExpectInvalid("ts query cpu usage value ~3", "must start with one of");
  ExpectInvalid("ts query cpu usage value >x", "not a number");
  ExpectInvalid("ts query cpu usage agg max every 1m value >1", "raw points");
}

TEST_F(ShellTsCommandsTest, WriteJoinsTheSessionTransaction) {
  Run("begin");
  Run("ts write mem,host=a used=1i 1767225600000000000");
  Run("kv put side k v");
  Run("rollback");
  EXPECT_EQ(Run("ts query mem used"), J("[]"));
  EXPECT_EQ(Run("kv get side k"), Json(nullptr));
  Run("begin");
  Run("ts write mem,host=a used=2i 1767225600000000000");
  Run("kv put side k v");
  Run("commit");
  EXPECT_EQ(Run("ts query mem used"), J(R"([{"time": 1767225600000000000, "value": 2}])"));
  EXPECT_EQ(Run("kv get side k"), Json("v"));
  Run("begin");
  ExpectError("ts import /no/such/file.lp", absl::StatusCode::kFailedPrecondition, "transaction");
  Run("rollback");
}

TEST_F(ShellTsCommandsTest, WriteTakesTheRestOfTheLineAndTypedFields) {
  EXPECT_EQ(Run("ts write m,k=v i=5i,b=true,f=1.5 100"), J(R"({"points": 1})"));
  EXPECT_EQ(Run("ts query m i"), J(R"([{"time": 100, "value": 5}])"));
  EXPECT_EQ(Run("ts query m b"), J(R"([{"time": 100, "value": true}])"));
  // A quoted line keeps its spaces; inside the JSON string the escaping backslash is doubled.
  EXPECT_EQ(Run(R"(ts write "m,k=v\\ w f=2 200")"), J(R"({"points": 1})"));
  EXPECT_EQ(Run(R"(ts series m where "k=v w")"),
            J(R"([{"measurement": "m", "tags": {"k": "v w"}, "field": "f"}])"));
  ExpectInvalid("ts write m,k=v f=", "line 1");
  ExpectInvalid("ts write m s=\"text\" 1", "string");
  ExpectInvalid("ts write", "missing argument LINE");
}

TEST_F(ShellTsCommandsTest, AggregatesPerBucketGroupedByTags) {
  WriteSample();
  EXPECT_EQ(Run("ts query cpu usage agg sum every 2m by host"),
            J(R"([{"time": 1767225600000000000, "value": 3.0, "tags": {"host": "a"}},
                  {"time": 1767225720000000000, "value": 3.0, "tags": {"host": "a"}},
                  {"time": 1767225600000000000, "value": 30.0, "tags": {"host": "b"}},
                  {"time": 1767225720000000000, "value": 30.0, "tags": {"host": "b"}}])"));
  EXPECT_EQ(Run("ts query cpu usage agg count every 1h"),
            J(R"([{"time": 1767225600000000000, "value": 6}])"));
  EXPECT_EQ(Run("ts query cpu usage where host=(a|b),dc!=y agg max every 1d by dc"),
            J(R"([{"time": 1767225600000000000, "value": 30.0, "tags": {"dc": "x"}}])"));
  EXPECT_EQ(Run("ts query cpu usage where host=~^b agg p50 every 1h"),
            J(R"([{"time": 1767225600000000000, "value": 20.0}])"));
  ExpectInvalid("ts query cpu usage agg avg every 1h", "unknown aggregate \"avg\"");
  ExpectInvalid("ts query cpu usage agg sum", "go together");
  ExpectInvalid("ts query cpu usage agg sum every 1x", "DURATION must be like");
  ExpectInvalid("ts query cpu usage from yesterday", "RFC 3339");
  ExpectInvalid("ts query cpu usage where host", "where condition 'host'");
  ExpectInvalid("ts query cpu usage where host=~(", "bad regex");
}

TEST_F(ShellTsCommandsTest, LastSeriesAndStats) {
  WriteSample();
  EXPECT_EQ(Run("ts last cpu usage"),
            J(R"([{"time": 1767225720000000000, "value": 3.0, "tags": {"dc": "x", "host": "a"}},
                  {"time": 1767225720000000000, "value": 30.0, "tags": {"dc": "x", "host": "b"}}])"));
  EXPECT_EQ(Run("ts last cpu usage by dc"),
            J(R"([{"time": 1767225720000000000, "value": 3.0, "tags": {"dc": "x"}}])"));
  EXPECT_EQ(Run("ts series where host=b"),
            J(R"([{"measurement": "cpu", "tags": {"dc": "x", "host": "b"}, "field": "usage"}])"));
  Json st = Run("ts stats cpu");
  EXPECT_EQ(st["points"], 6);
  EXPECT_EQ(st["series"], 2);
  EXPECT_GT(st["bytes"].get<int64_t>(), 0);
  EXPECT_DOUBLE_EQ(st["bytes_per_point"].get<double>(), st["bytes"].get<double>() / 6);
  EXPECT_EQ(Run("ts stats"), st);
}

TEST_F(ShellTsCommandsTest, RetentionAndDownsample) {
  WriteSample();
  EXPECT_EQ(Run("ts downsample cpu cpu_1h mean every 1h"), J(R"({"ok": true})"));
  EXPECT_EQ(Run("ts query cpu_1h usage by host"),
            J(R"([{"time": 1767225600000000000, "value": 2.0, "tags": {"host": "a"}},
                  {"time": 1767225600000000000, "value": 20.0, "tags": {"host": "b"}}])"));
  EXPECT_EQ(Run("ts write cpu,host=a,dc=x usage=14 1767225780000000000"), J(R"({"points": 1})"));
  EXPECT_EQ(Run("ts query cpu_1h usage where host=a"),
            J(R"([{"time": 1767225600000000000, "value": 5.0}])"));
  ExpectInvalid("ts downsample cpu cpu_1h mean", "missing every DURATION");
  ExpectInvalid("ts downsample cpu cpu_1h median every 1h", "unknown aggregate");
  // Data from 2026-01-01 is older than 1 hour: a 1-hour retention hides and drops it.
  EXPECT_EQ(Run("ts retention cpu 1h"), J(R"({"ok": true})"));
  EXPECT_EQ(Run("ts query cpu usage"), J("[]"));
  EXPECT_EQ(Run("ts retention cpu 0"), J(R"({"ok": true})"));
  ExpectInvalid("ts retention cpu soon", "DURATION must be like");
}

TEST_F(ShellTsCommandsTest, ImportReportsTheFailingLineNumber) {
  const std::string path = dir_->path() + "/in.lp";
  {
    std::ofstream f(path);
    f << "# header\n";
    for (int i = 0; i < 7000; ++i) f << "imp,host=h" << (i % 3) << " v=" << i << " " << i << "\n";
  }
  EXPECT_EQ(Run("ts import " + path), J(R"({"points": 7000})"));
  EXPECT_EQ(Run("ts query imp v agg count every 1h"), J(R"([{"time": 0, "value": 7000}])"));
  const std::string bad = dir_->path() + "/bad.lp";
  {
    std::ofstream f(bad);
    for (int i = 0; i < 6000; ++i) f << "bad v=" << i << " " << i << "\n";
    f << "bad v=oops 1\n";
  }
  ExpectInvalid("ts import " + bad, "line 6001");
  // The first batch of 5000 lines was written; the batch with the bad line was not.
  EXPECT_EQ(Run("ts query bad v agg count every 1h"), J(R"([{"time": 0, "value": 5000}])"));
  EXPECT_EQ(RunError("ts import " + dir_->path() + "/missing.lp").code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace tessera::shell
