// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Helpers of the transfer tests: a database holding every model (with options, indexes,
// versions, multi-edges, tags, TTLs), second databases, and file helpers.
#pragma once

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tessera/doc.h"
#include "tessera/graph.h"
#include "tessera/kv.h"
#include "tessera/ts.h"
#include "tessera/wide.h"
#include "tests/transfer/db_compare.h"
#include "tests/util/test_util.h"

namespace tessera::test {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Now, in nanoseconds, floored to the hour (time-series points stay inside any retention).
inline int64_t HourNowNs() {
  int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  const int64_t hour = 3600LL * 1000000000LL;
  return ns / hour * hour;
}

// Fills `db` with every model. Returns an error status on failure.
inline absl::Status PopulateAllModels(DB* db) {
  ASSIGN_OR_RETURN(auto kv, KvStore::Open(db));
  RETURN_IF_ERROR(kv->Put("users", "alice", R"({"age": 30})"));
  RETURN_IF_ERROR(kv->Put("users", "bob", "plain, \"quoted\"\nmulti-line"));
  RETURN_IF_ERROR(kv->Put("users", std::string("\x00\xff\xfe", 3), std::string("\x80\x81 bin", 6)));
  RETURN_IF_ERROR(kv->Put("users", "session", "s", {.ttl_seconds = 3600}));
  RETURN_IF_ERROR(kv->Increment("users", "visits", 41).status());
  RETURN_IF_ERROR(kv->CreateNamespace("empty_ns"));

  ASSIGN_OR_RETURN(auto docs, DocStore::Open(db));
  std::vector<Document> people;
  for (int i = 0; i < 40; ++i) {
    Document d = {{"_id", i},
                  {"name", "p" + std::to_string(i)},
                  {"age", 20 + i % 7},
                  {"email", "p" + std::to_string(i) + "@x.org"},
                  {"tags", Document::array({"t" + std::to_string(i % 3), "all"})},
                  {"nested", {{"score", i * 1.5}, {"ok", i % 2 == 0}}}};
    if (i % 5 == 0) d["nick"] = "n" + std::to_string(i);
    people.push_back(std::move(d));
  }
  people.push_back({{"_id", "string-id"}, {"name", "zed"}, {"age", nullptr}});
  RETURN_IF_ERROR(docs->Insert("people", people).status());
  RETURN_IF_ERROR(docs->CreateIndex("people", {.keys = {{"age", 1}, {"name", -1}}}, {}).status());
  RETURN_IF_ERROR(
      docs->CreateIndex("people", {.keys = {{"email", 1}}, .name = "by_email", .unique = true}, {})
          .status());
  RETURN_IF_ERROR(
      docs->CreateIndex("people", {.keys = {{"nick", 1}}, .sparse = true}, {}).status());
  RETURN_IF_ERROR(docs->CreateIndex("people", {.keys = {{"tags", 1}}}, {}).status());
  RETURN_IF_ERROR(
      docs->CreateIndex("people",
                        {.keys = {{"nested.score", -1}}, .partial = {{"age", {{"$gte", 23}}}}}, {})
          .status());
  RETURN_IF_ERROR(docs->CreateCollection("empty_coll"));

  ASSIGN_OR_RETURN(auto wide, WideStore::Open(db));
  RETURN_IF_ERROR(wide->CreateFamily("web", "contents", {.max_versions = 3}));
  RETURN_IF_ERROR(wide->CreateFamily("web", "anchor", {.max_versions = 0}));
  RETURN_IF_ERROR(wide->CreateFamily(
      "web", "meta", {.max_versions = 2, .ttl_seconds = 10LL * 365 * 86400, .min_versions = 1}));
  for (int v = 1; v <= 5; ++v) {
    RETURN_IF_ERROR(
        wide->Put("web", "com.example/",
                  {{"contents", "html", "<html>v" + std::to_string(v) + "</html>", 1000 + v},
                   {"anchor", "cnn.com", "link" + std::to_string(v), 2000 + v}}));
  }
  RETURN_IF_ERROR(
      wide->Put("web", std::string("row\x00\xff", 5),
                {{"meta", std::string("q\xc3\x28", 3), std::string("\xff\x00", 2), 7}}));
  RETURN_IF_ERROR(wide->Put("web", "org.tessera/", {{"meta", "lang", "en"}}));

  ASSIGN_OR_RETURN(auto g, GraphStore::Open(db));
  RETURN_IF_ERROR(g->AddVertex("social", "alice", "Person", R"({"age": 30, "tags": ["a"]})"));
  RETURN_IF_ERROR(g->AddVertex("social", "bob", "Person", R"({"age": 25})"));
  RETURN_IF_ERROR(g->AddVertex("social", "carol"));
  RETURN_IF_ERROR(g->AddVertex("social", "lonely", "Island", "{}"));
  RETURN_IF_ERROR(
      g->AddEdge("social", "alice", "knows", "bob", 1.0, R"({"since": 2020})").status());
  RETURN_IF_ERROR(
      g->AddEdge("social", "alice", "knows", "bob", 2.5, R"({"since": 2021})").status());
  ASSIGN_OR_RETURN(uint64_t gone, g->AddEdge("social", "bob", "likes", "carol", 0.25));
  RETURN_IF_ERROR(g->AddEdge("social", "carol", "knows", "alice").status());
  RETURN_IF_ERROR(g->AddEdge("social", "carol", "self", "carol", -1.5).status());
  RETURN_IF_ERROR(g->DeleteEdge("social", gone).status());  // a gap in the edge ids
  RETURN_IF_ERROR(g->AddEdge("social", "bob", "likes", "carol", 0.1).status());
  // Binary vertex ids and edge types (base64 in JSON Lines and dumps).
  RETURN_IF_ERROR(g->AddVertex("social", std::string("\xff\x00v", 3), "L\xe9", "{}"));
  RETURN_IF_ERROR(
      g->AddEdge("social", std::string("\xff\x00v", 3), "t\xfe", "alice", 3.0).status());

  ASSIGN_OR_RETURN(auto ts, TsStore::Open(db));
  const int64_t t0 = HourNowNs() - 3 * 3600LL * 1000000000LL;
  std::vector<TsPoint> points;
  for (int i = 0; i < 30; ++i) {
    int64_t t = t0 + i * 600LL * 1000000000LL;  // every 10 minutes
    points.push_back({"cpu",
                      {{"host", "a"}, {"region", "eu"}},
                      {{"usage", 0.5 + i / 7.0}, {"count", int64_t{i * 3}}, {"up", i % 2 == 0}},
                      t});
    points.push_back({"cpu", {{"host", "b"}}, {{"usage", 1.0 * i}}, t + 1});
  }
  points.push_back({"mem", {}, {{"free", int64_t{123456789012}}}, t0});
  RETURN_IF_ERROR(ts->Write(points));
  RETURN_IF_ERROR(ts->SetRetention("cpu", 365LL * 86400 * 1000000000LL));
  RETURN_IF_ERROR(
      ts->AddDownsample("cpu", "cpu_1h", {.fn = TsAggFn::kMean}, 3600LL * 1000000000LL));
  return absl::OkStatus();
}

// Asserts that the two databases hold the same data.
#define EXPECT_SAME_DATABASES(a, b)                            \
  do {                                                         \
    auto diffs_ = ::tessera::test::CompareDatabases((a), (b)); \
    ASSERT_TRUE(diffs_.ok()) << diffs_.status();               \
    EXPECT_THAT(*diffs_, ::testing::IsEmpty());                \
  } while (0)

}  // namespace tessera::test
