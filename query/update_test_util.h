// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Helpers shared by the update tests: parse, apply and inspect results in one line.
#pragma once

#include <string>

#include "gtest/gtest.h"
#include "query/update.h"
#include "tests/util/json_test_util.h"

namespace tessera::query::test {

using ::tessera::test::J;

// Applies `update` to `doc` and returns the result ("PARSE ERROR ..." / "APPLY ERROR ..." as a
// JSON string on failure, so a failing expectation shows what happened).
inline Json U(const char* update, const char* doc, bool is_insert = false) {
  auto u = Update::Parse(J(update));
  if (!u.ok()) return Json("PARSE ERROR " + std::string(u.status().message()));
  Json d = J(doc);
  auto r = u->Apply(&d, is_insert);
  if (!r.ok()) return Json("APPLY ERROR " + std::string(r.status().message()));
  return d;
}

// Whether applying `update` to `doc` reports a change (false on any error, which also fails).
inline bool Changed(const char* update, const char* doc, bool is_insert = false) {
  auto u = Update::Parse(J(update));
  EXPECT_TRUE(u.ok()) << u.status();
  if (!u.ok()) return false;
  Json d = J(doc);
  auto r = u->Apply(&d, is_insert);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() && *r;
}

// The Apply error message of `update` on `doc` ("" if it applied); checks the document was left
// exactly as it was.
inline std::string ApplyErr(const char* update, const char* doc) {
  auto u = Update::Parse(J(update));
  EXPECT_TRUE(u.ok()) << u.status();
  if (!u.ok()) return "parse failed";
  Json d = J(doc);
  auto r = u->Apply(&d, false);
  EXPECT_TRUE(IdenticalValues(d, J(doc))) << "document changed by a failed update: " << d.dump();
  if (r.ok()) return "";
  EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
  return std::string(r.status().message());
}

// The Parse error message of `update` ("" if it parsed).
inline std::string ParseErr(const char* update) {
  auto u = Update::Parse(J(update));
  if (u.ok()) return "";
  EXPECT_TRUE(absl::IsInvalidArgument(u.status())) << u.status();
  return std::string(u.status().message());
}

}  // namespace tessera::query::test
