// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of import, export, dump, restore and backup through a shell Session.
#include <fstream>
#include <sstream>

#include "tests/shell/shell_fixture.h"

namespace tessera::shell {
namespace {

using ::testing::HasSubstr;

class ShellIoCommandsTest : public ShellTest {
 protected:
  std::string File(std::string_view name) const { return dir_->path() + "/" + std::string(name); }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
};

TEST_F(ShellIoCommandsTest, ExportAndImportEveryModel) {
  Run("kv put users alice hello");
  Run("kv put users bob {\"a\": 1}");
  Run(R"(doc insert people {"_id": 1, "name": "ada"})");
  Run("wide create web contents versions 2");
  Run("wide put web row1 contents:html v1");
  Run("graph addv social alice Person");
  Run("graph addv social bob");
  Run("graph adde social alice knows bob");
  Run("ts write cpu,host=a usage=0.5 1700000000000000000");
  EXPECT_EQ(Run("export kv users " + File("u.csv") + " format csv")["exported"], 2);
  EXPECT_EQ(Read(File("u.csv")),
            "key,value,expires_us\r\nalice,hello,\r\nbob,\"{\"\"a\"\":1}\",\r\n");
  EXPECT_EQ(Run("export doc people " + File("p.jsonl"))["exported"], 1);
  EXPECT_EQ(Run("export wide web " + File("w.jsonl"))["exported"], 1);
  EXPECT_EQ(Run("export graph social " + File("e.csv") + " vertices " + File("v.csv"))["exported"],
            3);
  EXPECT_EQ(Run("export ts cpu " + File("c.lp"))["exported"], 1);
  EXPECT_EQ(Read(File("c.lp")), "cpu,host=a usage=0.5 1700000000000000000\n");

  EXPECT_EQ(Run("import kv users2 " + File("u.csv") + " format csv batch 1")["imported"], 2);
  EXPECT_EQ(Run("kv get users2 bob"), "{\"a\":1}");
  EXPECT_EQ(Run("import doc people2 " + File("p.jsonl"))["imported"], 1);
  Run("wide create web2 contents");
  EXPECT_EQ(Run("import wide web2 " + File("w.jsonl"))["imported"], 1);
  EXPECT_EQ(Run("import graph social2 " + File("e.csv") + " vertices " + File("v.csv"))["imported"],
            3);
  EXPECT_EQ(Run("graph getv social2 alice")["label"], "Person");
  std::ofstream(File("c2.lp")) << "cpu2,host=a usage=0.5 1700000000000000000\n";
  EXPECT_EQ(Run("import ts cpu2 " + File("c2.lp"))["imported"], 1);
}

TEST_F(ShellIoCommandsTest, DumpRestoreAndBackup) {
  Run("kv put users alice hello");
  Run(R"(doc insert people {"_id": 1, "name": "ada"})");
  Json dumped = Run("dump " + File("all.tdump"));
  EXPECT_EQ(dumped["objects"], 2);
  EXPECT_EQ(dumped["records"], 2);
  Json backup = Run("backup " + File("bk"));
  EXPECT_EQ(backup["backup"], File("bk"));
  // Restore into this (non-empty) database is refused; into a fresh one it works.
  ExpectError("restore " + File("all.tdump"), absl::StatusCode::kFailedPrecondition,
              "empty database");
  auto fresh = DB::Open(File("fresh"), options_);
  ASSERT_TRUE(fresh.ok());
  auto session = Session::Open(fresh->get(), Format::kJson);
  ASSERT_TRUE(session.ok());
  absl::StatusOr<Json> restored = (*session)->Execute("restore " + File("all.tdump"));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ((*restored)["records"], 2);
  absl::StatusOr<Json> got = (*session)->Execute("kv get users alice");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "hello");
  // The backup opens as a database.
  session->reset();
  auto copy = DB::Open(File("bk"), options_);
  ASSERT_TRUE(copy.ok()) << copy.status();
  auto s2 = Session::Open(copy->get(), Format::kJson);
  ASSERT_TRUE(s2.ok());
  got = (*s2)->Execute("doc get people 1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ((*got)["name"], "ada");
}

TEST_F(ShellIoCommandsTest, ErrorsNameWhatWasWrong) {
  ExpectInvalid("import nope x " + File("f"), "unknown model 'nope'");
  ExpectInvalid("export kv users " + File("f") + " format xml", "unknown format 'xml'");
  ExpectInvalid("import doc d " + File("f") + " format csv", "doc objects cannot be moved as csv");
  ExpectError("export kv missing " + File("f"), absl::StatusCode::kNotFound, "missing");
  std::ofstream(File("bad.jsonl")) << "{\"key\":\"a\",\"value\":\"1\"}\n[1]\n";
  ExpectInvalid("import kv k " + File("bad.jsonl"), "bad.jsonl:2: not a JSON object");
  ExpectError("backup " + dir_->path(), absl::StatusCode::kAlreadyExists, "already exists");
  Run("begin");
  ExpectError("restore " + File("x"), absl::StatusCode::kFailedPrecondition, "commit or rollback");
  Run("rollback");
  ExpectInvalid("import kv k " + File("bad.jsonl") + " batch 0", "batch must be at least 1");
}

}  // namespace
}  // namespace tessera::shell
