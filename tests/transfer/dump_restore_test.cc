// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// dump -> restore into an empty database reproduces every model (compared by walking both).
#include <nlohmann/json.hpp>

#include "tests/transfer/transfer_test_util.h"
#include "tools/transfer/transfer.h"

namespace tessera::test {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::ordered_json;

class DumpRestoreTest : public DbTest {
 protected:
  std::string File(std::string_view name) const { return dir_->path() + "/" + std::string(name); }

  std::unique_ptr<DB> OpenOther(std::string_view name) {
    auto db = DB::Open(dir_->path() + "/" + std::string(name), options_);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(db).value() : nullptr;
  }
};

TEST_F(DumpRestoreTest, EveryModelRoundTrips) {
  ASSERT_OK(PopulateAllModels(db_.get()));
  ASSERT_OK_AND_ASSIGN(transfer::DumpResult dumped, transfer::Dump(db_.get(), File("all.tdump")));
  EXPECT_EQ(dumped.objects, 9u);  // 2 kv, 2 doc, 1 wide, 1 graph, 3 ts (cpu, cpu_1h, mem)
  std::unique_ptr<DB> other = OpenOther("restored");
  ASSERT_NE(other, nullptr);
  uint64_t bytes_read = 0;  // what the shell's progress bar shows: the whole file at the end
  ASSERT_OK_AND_ASSIGN(transfer::DumpResult restored,
                       transfer::Restore(other.get(), File("all.tdump"), {}, /*batch=*/7,
                                         /*cancelled=*/{}, &bytes_read));
  EXPECT_EQ(restored.objects, dumped.objects);
  EXPECT_EQ(restored.records, dumped.records);
  EXPECT_EQ(bytes_read, ReadFile(File("all.tdump")).size());
  EXPECT_SAME_DATABASES(db_.get(), other.get());

  // The header names the format and version.
  std::string text = ReadFile(File("all.tdump"));
  Json header = Json::parse(text.substr(0, text.find('\n')));
  EXPECT_EQ(header["format"], "tessera-dump");
  EXPECT_EQ(header["version"], 1);

  // Restored data survives a reopen, and the comparison notices a change.
  ASSERT_OK(other->Close());
  other.reset();
  other = OpenOther("restored");
  ASSERT_NE(other, nullptr);
  EXPECT_SAME_DATABASES(db_.get(), other.get());
  ASSERT_OK_AND_ASSIGN(auto wide, WideStore::Open(other.get()));
  ASSERT_OK(wide->Put("web", "com.example/", {{"anchor", "cnn.com", "changed", 1}}));
  ASSERT_OK_AND_ASSIGN(auto diffs, CompareDatabases(db_.get(), other.get()));
  EXPECT_THAT(diffs, ::testing::Not(::testing::IsEmpty()));
}

TEST_F(DumpRestoreTest, EdgeIdsAndAllocatorAreKept) {
  ASSERT_OK(PopulateAllModels(db_.get()));
  ASSERT_OK(transfer::Dump(db_.get(), File("g.tdump")).status());
  std::unique_ptr<DB> other = OpenOther("restored");
  ASSERT_OK(transfer::Restore(other.get(), File("g.tdump")).status());
  ASSERT_OK_AND_ASSIGN(auto g1, GraphStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(auto g2, GraphStore::Open(other.get()));
  ASSERT_OK_AND_ASSIGN(uint64_t e1, g1->AddEdge("social", "lonely", "x", "alice"));
  ASSERT_OK_AND_ASSIGN(uint64_t e2, g2->AddEdge("social", "lonely", "x", "alice"));
  EXPECT_EQ(e1, e2);
  EXPECT_EQ(e1, 8u);  // 7 edges were added before (one deleted): ids are never reused
}

TEST_F(DumpRestoreTest, KvExpiryIsCarried) {
  ASSERT_OK(PopulateAllModels(db_.get()));
  ASSERT_OK(transfer::Dump(db_.get(), File("a.tdump")).status());
  std::unique_ptr<DB> other = OpenOther("restored");
  ASSERT_OK(transfer::Restore(other.get(), File("a.tdump")).status());
  ASSERT_OK(transfer::Dump(other.get(), File("b.tdump")).status());
  auto expiry_of_session = [](const std::string& text) -> int64_t {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      Json j = Json::parse(line);
      if (j.contains("r") && j["r"].value("key", "") == "session") return j["r"]["expires_us"];
    }
    return -1;
  };
  int64_t before = expiry_of_session(ReadFile(File("a.tdump")));
  int64_t after = expiry_of_session(ReadFile(File("b.tdump")));
  ASSERT_GT(before, 0);
  // Whole seconds, rounded up: never earlier, at most a second (plus the test's run) later.
  EXPECT_GE(after, before);
  EXPECT_LE(after, before + 60 * 1000000LL);
}

TEST_F(DumpRestoreTest, RestoreRefusesANonEmptyDatabase) {
  ASSERT_OK(PopulateAllModels(db_.get()));
  ASSERT_OK(transfer::Dump(db_.get(), File("a.tdump")).status());
  absl::StatusOr<transfer::DumpResult> r = transfer::Restore(db_.get(), File("a.tdump"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("empty database"));
}

TEST_F(DumpRestoreTest, TruncatedDumpIsDataLoss) {
  ASSERT_OK(PopulateAllModels(db_.get()));
  ASSERT_OK(transfer::Dump(db_.get(), File("a.tdump")).status());
  std::string text = ReadFile(File("a.tdump"));
  text.resize(text.rfind("{\"end\""));
  WriteFile(File("cut.tdump"), text);
  std::unique_ptr<DB> other = OpenOther("restored");
  absl::StatusOr<transfer::DumpResult> r = transfer::Restore(other.get(), File("cut.tdump"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("truncated"));
}

TEST_F(DumpRestoreTest, BadLinesAreNamed) {
  std::unique_ptr<DB> other = OpenOther("restored");
  WriteFile(File("bad1.tdump"),
            "{\"format\":\"tessera-dump\",\"version\":1}\n"
            "{\"object\":\"users\",\"model\":\"kv\",\"definition\":{}}\n"
            "{\"r\":{\"key\":\"a\",\"value\":\"1\"}}\n"
            "{\"r\":{\"key\":\"b\"}}\n");
  absl::StatusOr<transfer::DumpResult> r = transfer::Restore(other.get(), File("bad1.tdump"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("bad1.tdump:4: missing string \"value\""));

  std::unique_ptr<DB> third = OpenOther("third");
  WriteFile(File("bad2.tdump"),
            "{\"format\":\"tessera-dump\",\"version\":1}\n"
            "{\"object\":\"x\",\"model\":\"nope\",\"definition\":{}}\n");
  r = transfer::Restore(third.get(), File("bad2.tdump"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("bad2.tdump:2: unknown model 'nope'"));

  WriteFile(File("bad3.tdump"), "{\"format\":\"tessera-dump\",\"version\":2}\n");
  r = transfer::Restore(third.get(), File("bad3.tdump"));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("version 2"));

  WriteFile(File("bad4.tdump"), "key,value\n");
  r = transfer::Restore(third.get(), File("bad4.tdump"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("bad4.tdump:1: not a tessera dump"));
}

TEST_F(DumpRestoreTest, EmptyDatabaseDumpsAndRestores) {
  ASSERT_OK_AND_ASSIGN(transfer::DumpResult d, transfer::Dump(db_.get(), File("e.tdump")));
  EXPECT_EQ(d.objects, 0u);
  std::unique_ptr<DB> other = OpenOther("restored");
  ASSERT_OK_AND_ASSIGN(transfer::DumpResult r, transfer::Restore(other.get(), File("e.tdump")));
  EXPECT_EQ(r.records, 0u);
  EXPECT_SAME_DATABASES(db_.get(), other.get());
}

}  // namespace
}  // namespace tessera::test
