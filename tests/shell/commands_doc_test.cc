// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of the doc commands run through a shell Session on a temporary database: outputs compared
// exactly as JSON, and clear errors for bad input.
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/shell/shell_fixture.h"

namespace tessera::shell {
namespace {

using ::testing::HasSubstr;

class ShellDocCommandsTest : public ShellTest {};

TEST_F(ShellDocCommandsTest, InsertGetFindCount) {
  EXPECT_EQ(Run(R"(doc insert users [{"_id": 1, "name": "ada", "age": 36},
                                     {"_id": "bob", "name": "bob", "age": 25}])"),
            J(R"({"inserted": [1, "bob"]})"));
  EXPECT_EQ(Run("doc get users 1"), J(R"({"_id": 1, "name": "ada", "age": 36})"));
  EXPECT_EQ(Run("doc get users bob"), J(R"({"_id": "bob", "name": "bob", "age": 25})"));
  EXPECT_EQ(Run(R"(doc get users "1")"), J("null"));
  EXPECT_EQ(Run("doc get nobody 1"), J("null"));
  EXPECT_EQ(Run(R"(doc find users {"age": {"$gt": 30}} project {"name": 1, "_id": 0})"),
            J(R"([{"name": "ada"}])"));
  EXPECT_EQ(Run(R"(doc find users sort {"age": 1} limit 1)"),
            J(R"([{"_id": "bob", "name": "bob", "age": 25}])"));
  EXPECT_EQ(Run(R"(doc find users skip 1 limit 5)"),
            J(R"([{"_id": "bob", "name": "bob", "age": 25}])"));
  EXPECT_EQ(Run("doc count users"), J("2"));
  EXPECT_EQ(Run(R"(doc count users {"name": "ada"})"), J("1"));
  Json generated = Run(R"(doc insert users {"name": "cy"})");
  ASSERT_EQ(generated["inserted"].size(), 1u);
  EXPECT_EQ(generated["inserted"][0].get<std::string>().size(), 24u);
}

TEST_F(ShellDocCommandsTest, UpdateAndDelete) {
  Run(R"(doc insert c [{"_id": 1, "a": 1}, {"_id": 2, "a": 1}])");
  EXPECT_EQ(Run(R"(doc update c {"a": 1} {"$set": {"b": 2}} one)"),
            J(R"({"matched": 1, "modified": 1, "upserted": null})"));
  EXPECT_EQ(Run(R"(doc update c {"a": 1} {"$set": {"b": 2}})"),
            J(R"({"matched": 2, "modified": 1, "upserted": null})"));
  EXPECT_EQ(Run(R"(doc update c {"_id": 9} {"$set": {"z": 1}} upsert)"),
            J(R"({"matched": 0, "modified": 0, "upserted": 9})"));
  EXPECT_EQ(Run("doc get c 9"), J(R"({"_id": 9, "z": 1})"));
  EXPECT_EQ(Run(R"(doc delete c {"a": 1} one)"), J(R"({"deleted": 1})"));
  EXPECT_EQ(Run(R"(doc delete c {})"), J(R"({"deleted": 2})"));
}

TEST_F(ShellDocCommandsTest, IndexesAndExplain) {
  Run(R"(doc insert p [{"_id": 1, "e": "a"}, {"_id": 2, "e": "b"}, {"_id": 3}])");
  EXPECT_EQ(Run(R"(doc index create p {"e": 1} unique sparse)"), J(R"({"index": "e_1"})"));
  EXPECT_EQ(Run("doc index list p"),
            J(R"([{"name": "e_1", "keys": {"e": 1}, "unique": true, "sparse": true,
                   "partial": null, "multikey": false}])"));
  Json explain = Run(R"(doc explain p {"e": "b"})");
  EXPECT_EQ(explain["index"], "e_1");
  EXPECT_EQ(explain["keys_examined"], 1);
  EXPECT_EQ(explain["docs_examined"], 1);
  EXPECT_EQ(explain["returned"], 1);
  absl::Status dup = RunError(R"(doc insert p {"_id": 4, "e": "a"})");
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(dup.message()), HasSubstr("e_1"));
  EXPECT_EQ(Run("doc index drop p e_1"), J(R"({"ok": true})"));
  EXPECT_EQ(Run(R"(doc explain p {"e": "b"})")["index"], J("null"));
  EXPECT_EQ(RunError("doc index drop p e_1").code(), absl::StatusCode::kNotFound);
}

TEST_F(ShellDocCommandsTest, ImportAndExportJsonLines) {
  std::string in = dir_->path() + "/in.jsonl";
  std::string out = dir_->path() + "/out.jsonl";
  {
    std::ofstream f(in);
    for (int i = 0; i < 2500; ++i)
      f << "{\"_id\": " << i << ", \"odd\": " << (i % 2 == 1 ? "true" : "false") << "}\n";
  }
  EXPECT_EQ(Run("doc import nums " + in), J(R"({"inserted": 2500})"));
  EXPECT_EQ(Run("doc export nums " + out + R"( {"odd": true})"), J(R"({"exported": 1250})"));
  std::ifstream f(out);
  std::string line;
  int lines = 0;
  while (std::getline(f, line)) {
    Json doc = Json::parse(line);
    EXPECT_EQ(doc["odd"], true);
    ++lines;
  }
  EXPECT_EQ(lines, 1250);
  {
    std::ofstream bad(in);
    bad << "{\"_id\": \"x\"}\nnot json\n";
  }
  absl::Status s = RunError("doc import other " + in);
  EXPECT_THAT(std::string(s.message()), HasSubstr(":2:"));
}

TEST_F(ShellDocCommandsTest, BadInputGetsClearErrors) {
  EXPECT_THAT(std::string(RunError("doc insert c 5").message()), HasSubstr("JSON"));
  EXPECT_THAT(std::string(RunError(R"(doc find c {"a": {"$nope": 1}})").message()),
              HasSubstr("$nope"));
  EXPECT_THAT(std::string(RunError(R"(doc update c {} {"$set": {"a": 1}, "b": 2})").message()),
              HasSubstr("update"));
  EXPECT_THAT(std::string(RunError("doc find c limit x").message()), HasSubstr("N"));
  EXPECT_THAT(std::string(RunError(R"(doc index create c {"a": 3})").message()),
              HasSubstr("\"a\""));
  EXPECT_EQ(RunError("doc frobnicate c").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ShellDocCommandsTest, CommandsJoinTheOpenTransaction) {
  Run("begin");
  Run(R"(doc insert t {"_id": 1})");
  EXPECT_EQ(Run("doc count t"), J("1"));
  Run("rollback");
  EXPECT_EQ(Run("doc count t"), J("0"));
}

}  // namespace
}  // namespace tessera::shell
