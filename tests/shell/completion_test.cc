// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of Tab completion (completion.h) against the real command table: command words,
// sub-commands, keywords read from the syntax lines, object names of the right model at the
// argument positions that take them, and no completion inside JSON.
#include "tools/shell/completion.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/shell/shell_fixture.h"

namespace tessera::shell {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

std::vector<std::string> Names(Model model) {
  static const std::map<Model, std::vector<std::string>> kNames = {
      {Model::kKeyValue, {"users", "userz", "counters"}},
      {Model::kDocument, {"customers", "orders"}},
      {Model::kWideColumn, {"webtable"}},
      {Model::kGraph, {"social"}},
      {Model::kTimeSeries, {"cpu", "mem"}},
  };
  auto it = kNames.find(model);
  return it == kNames.end() ? std::vector<std::string>{} : it->second;
}

Completion C(std::string_view line) { return Complete(line, CommandTable(), &Names); }
std::vector<std::string> Candidates(std::string_view line) { return C(line).candidates; }

TEST(ShellCompletionTest, FirstWordIsACommandWordOrADotCommand) {
  EXPECT_THAT(Candidates("li"), ElementsAre("list"));
  EXPECT_THAT(Candidates("  do"), ElementsAre("doc"));
  EXPECT_THAT(Candidates(".f"), ElementsAre(".format"));
  std::vector<std::string> all = Candidates("");
  for (const char* word : {"kv", "doc", "wide", "graph", "ts", "begin", "help", ".timer"}) {
    EXPECT_THAT(all, Contains(word));
  }
  EXPECT_THAT(Candidates("zzz"), IsEmpty());
  EXPECT_EQ(C("  do").start, 2u);
}

TEST(ShellCompletionTest, SubCommandsOfAGroup) {
  EXPECT_THAT(Candidates("kv "), ElementsAre("cas", "del", "get", "incr", "put", "scan"));
  EXPECT_THAT(Candidates("kv s"), ElementsAre("scan"));
  EXPECT_THAT(Candidates("doc in"), ElementsAre("index", "insert"));
  EXPECT_THAT(Candidates("doc index "), ElementsAre("create", "drop", "list"));
  EXPECT_EQ(C("doc index cr").start, 10u);
}

// import / export MODEL NAME: the model words, then the objects of the model typed.
TEST(ShellCompletionTest, ModelAndObjectOfImportAndExport) {
  EXPECT_THAT(Candidates("import "), ElementsAre("doc", "graph", "kv", "ts", "wide"));
  EXPECT_THAT(Candidates("export g"), ElementsAre("graph"));
  EXPECT_THAT(Candidates("import kv "), ElementsAre("counters", "users", "userz"));
  EXPECT_THAT(Candidates("export ts c"), ElementsAre("cpu"));
  EXPECT_THAT(Candidates("import nosuch "), IsEmpty());
}

TEST(ShellCompletionTest, ObjectNamesOfTheCommandsModel) {
  EXPECT_THAT(Candidates("kv get "), ElementsAre("counters", "users", "userz"));
  EXPECT_THAT(Candidates("kv get user"), ElementsAre("users", "userz"));
  EXPECT_THAT(Candidates("doc find cu"), ElementsAre("customers"));
  EXPECT_THAT(Candidates("doc index create o"), ElementsAre("orders"));
  EXPECT_THAT(Candidates("wide scan "), ElementsAre("webtable"));
  EXPECT_THAT(Candidates("graph khop s"), ElementsAre("social"));
  EXPECT_THAT(Candidates("ts query c"), ElementsAre("cpu"));
  EXPECT_THAT(Candidates("ts downsample cpu m"), ElementsAre("mem"));  // DST
  // Positions that are not object names complete nothing.
  EXPECT_THAT(Candidates("kv get users "), IsEmpty());
  EXPECT_THAT(Candidates("graph adde social "), IsEmpty());  // SRC of graph is a vertex
}

TEST(ShellCompletionTest, KeywordsFromTheSyntax) {
  EXPECT_THAT(Candidates("kv scan users "),
              ElementsAre("from", "limit", "prefix", "reverse", "to"));
  EXPECT_THAT(Candidates("kv scan users li"), ElementsAre("limit"));
  EXPECT_THAT(Candidates("kv scan users limit "), IsEmpty());  // a value comes next
  EXPECT_THAT(Candidates("kv scan users limit 5 r"), ElementsAre("reverse"));
  EXPECT_THAT(Candidates("kv put users k v "), ElementsAre("ttl"));
  // An optional FILTER may be skipped: its position offers the keywords.
  EXPECT_THAT(Candidates("doc find customers s"), ElementsAre("skip", "sort"));
  EXPECT_THAT(Candidates(R"(doc find customers {"a": 1} li)"), ElementsAre("limit"));
  EXPECT_THAT(Candidates("graph neighbors social alice "),
              ElementsAre("both", "in", "out", "type", "where"));
  EXPECT_THAT(Candidates("stats "), ElementsAre("prometheus"));
  EXPECT_THAT(Candidates(".format j"), ElementsAre("json", "jsonl"));
  EXPECT_THAT(Candidates(".timer "), ElementsAre("off", "on"));
  EXPECT_THAT(Candidates("ts downsample cpu cpu_1h mean "), ElementsAre("every"));
}

TEST(ShellCompletionTest, HelpCompletesCommandNames) {
  EXPECT_THAT(Candidates("help k"), ElementsAre("kv"));
  EXPECT_THAT(Candidates("help kv g"), ElementsAre("get"));
  EXPECT_THAT(Candidates(".help doc index d"), ElementsAre("drop"));
  EXPECT_THAT(Candidates("help list "), IsEmpty());
}

TEST(ShellCompletionTest, NothingInsideJsonOrAComment) {
  EXPECT_THAT(Candidates(R"(doc insert customers {"na)"), IsEmpty());
  EXPECT_THAT(Candidates(R"(doc find customers {"a": 1})"), IsEmpty());
  EXPECT_THAT(Candidates("list # a comm"), IsEmpty());
}

TEST(ShellCompletionTest, OnlyTheLastCommandOfALineCounts) {
  EXPECT_THAT(Candidates("begin; kv g"), ElementsAre("get"));
  EXPECT_THAT(Candidates("kv get users a; li"), ElementsAre("list"));
}

TEST(ShellCompletionTest, CommonPrefix) {
  EXPECT_EQ(CommonPrefix({"users", "userz"}), "user");
  EXPECT_EQ(CommonPrefix({"index", "insert"}), "in");
  EXPECT_EQ(CommonPrefix({"a"}), "a");
  EXPECT_EQ(CommonPrefix({}), "");
}

// Every argument that a syntax line names as an object of its model completes from the catalog of
// a real database.
class ShellCompletionDbTest : public ShellTest {};

TEST_F(ShellCompletionDbTest, NamesComeFromTheCatalog) {
  Run("kv put sessions a 1");
  Run(R"(doc insert customers {"_id": 1})");
  ObjectNames names = [this](Model model) {
    std::vector<std::string> out;
    auto objects = db_->ListObjects(model);
    EXPECT_TRUE(objects.ok());
    for (const ObjectInfo& o : *objects) out.push_back(o.name);
    return out;
  };
  EXPECT_THAT(Complete("kv scan s", CommandTable(), names).candidates, ElementsAre("sessions"));
  EXPECT_THAT(Complete("doc count ", CommandTable(), names).candidates, ElementsAre("customers"));
  EXPECT_THAT(Complete("doc count ", CommandTable(), names).candidates, Not(Contains("sessions")));
}

}  // namespace
}  // namespace tessera::shell
