// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// A test fixture with a shell Session on a fresh temporary database, and helpers that run one
// command and return its JSON result or its error.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/util/test_util.h"
#include "tools/shell/commands.h"
#include "tools/shell/output.h"

namespace tessera::shell {

class ShellTest : public test::DbTest {
 protected:
  void SetUp() override {
    test::DbTest::SetUp();
    auto session = Session::Open(db_.get(), Format::kJson);
    ASSERT_TRUE(session.ok()) << session.status();
    session_ = std::move(session).value();
  }
  void TearDown() override {
    session_.reset();
    test::DbTest::TearDown();
  }

  // Runs `command`, which must succeed; returns its result (null after a failure, reported).
  Json Run(std::string_view command) {
    absl::StatusOr<Json> result = session_->Execute(command);
    EXPECT_TRUE(result.ok()) << command << ": " << result.status();
    return result.ok() ? *result : Json();
  }

  // Runs `command`, which must fail; returns its error.
  absl::Status RunError(std::string_view command) {
    absl::StatusOr<Json> result = session_->Execute(command);
    EXPECT_FALSE(result.ok()) << command << " succeeded: " << DumpJson(*result);
    return result.ok() ? absl::OkStatus() : result.status();
  }

  // Runs `command`, which must fail with `code` and a message containing `fragment`.
  void ExpectError(std::string_view command, absl::StatusCode code, std::string_view fragment) {
    absl::Status s = RunError(command);
    EXPECT_EQ(s.code(), code) << command << ": " << s;
    EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr(std::string(fragment))) << command;
  }
  void ExpectInvalid(std::string_view command, std::string_view fragment) {
    ExpectError(command, absl::StatusCode::kInvalidArgument, fragment);
  }

  static Json J(std::string_view text) { return Json::parse(text); }

  std::unique_ptr<Session> session_;
};

}  // namespace tessera::shell
