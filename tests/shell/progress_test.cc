// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The progress bar's rendering (tools/shell/progress.h); the drawing on a terminal is covered by
// ShellPtyTest.ImportProgressIsDrawnOnTerminalsOnly.
#include "tools/shell/progress.h"

#include <gtest/gtest.h>

namespace tessera::shell {
namespace {

TEST(ShellProgressTest, GroupsThousands) {
  EXPECT_EQ(GroupThousands(0), "0");
  EXPECT_EQ(GroupThousands(999), "999");
  EXPECT_EQ(GroupThousands(1000), "1,000");
  EXPECT_EQ(GroupThousands(12345), "12,345");
  EXPECT_EQ(GroupThousands(1234567), "1,234,567");
}

TEST(ShellProgressTest, BarWhenTheTotalIsKnown) {
  EXPECT_EQ(RenderProgress("imported", 12345, 45, 100, 20),
            "[=========>          ]  45%  12,345 records");
  EXPECT_EQ(RenderProgress("imported", 0, 0, 100, 10), "[>         ]   0%  0 records");
  EXPECT_EQ(RenderProgress("imported", 3500, 100, 100, 10), "[==========] 100%  3,500 records");
  // More bytes than the total (a file that grew) stops at 100%.
  EXPECT_EQ(RenderProgress("imported", 7, 250, 100, 4), "[====] 100%  7 records");
}

TEST(ShellProgressTest, NoBarWhenTooNarrow) {
  EXPECT_EQ(RenderProgress("imported", 5, 1, 2, 0), " 50%  5 records");
}

TEST(ShellProgressTest, RunningCountWhenTheTotalIsUnknown) {
  EXPECT_EQ(RenderProgress("exported", 1234, 0, 0, 20), "exported 1,234 records");
  EXPECT_EQ(RenderProgress("dumped", 0, 99, 0, 20), "dumped 0 records");
}

}  // namespace
}  // namespace tessera::shell
