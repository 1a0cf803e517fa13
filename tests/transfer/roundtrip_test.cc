// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Every model through each of its export formats into a fresh database, compared with the
// original; and bad input naming the line.
#include "tests/transfer/transfer_test_util.h"
#include "tools/transfer/transfer.h"

namespace tessera::test {
namespace {

using ::testing::HasSubstr;
using transfer::FileFormat;

class TransferRoundTripTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    ASSERT_OK(PopulateAllModels(db_.get()));
    auto other = DB::Open(dir_->path() + "/other", options_);
    ASSERT_TRUE(other.ok()) << other.status();
    other_ = std::move(other).value();
  }
  void TearDown() override {
    other_.reset();
    DbTest::TearDown();
  }
  std::string File(std::string_view name) const { return dir_->path() + "/" + std::string(name); }

  // Exports `name` of `model` from db_ and imports it into other_, in `format`.
  void Move(Model model, std::string_view name, FileFormat format, bool with_vertices = false) {
    std::string path =
        File(std::string(name) + "." + std::string(transfer::FileFormatName(format)));
    transfer::ExportOptions eo{.format = format};
    transfer::ImportOptions io{.format = format, .batch_records = 3};
    if (with_vertices) eo.vertices_file = io.vertices_file = path + ".vertices";
    auto exported = transfer::Export(db_.get(), model, name, path, eo);
    ASSERT_TRUE(exported.ok()) << exported.status();
    auto imported = transfer::Import(other_.get(), model, name, path, io);
    ASSERT_TRUE(imported.ok()) << imported.status();
    EXPECT_EQ(imported->records, exported->records) << ModelName(model) << " " << name;
  }

  // Objects that exist only in db_ (the round trip moves one at a time) are dropped from it.
  void KeepOnly(Model model, std::string_view name) {
    auto objects = db_->ListObjects();
    ASSERT_TRUE(objects.ok());
    for (const ObjectInfo& o : *objects) {
      if (o.model != model || o.name != name) ASSERT_OK(db_->DropObject(o.model, o.name));
    }
  }

  std::unique_ptr<DB> other_;
};

TEST_F(TransferRoundTripTest, KeyValueJsonLinesKeepsBinaryAndExpiry) {
  Move(Model::kKeyValue, "users", FileFormat::kJsonl);
  KeepOnly(Model::kKeyValue, "users");
  EXPECT_SAME_DATABASES(db_.get(), other_.get());
  std::string text = ReadFile(File("users.jsonl"));
  EXPECT_THAT(text, HasSubstr("\"encoding\":\"base64\""));
  EXPECT_THAT(text, HasSubstr("\"expires_us\":"));
  EXPECT_THAT(text, HasSubstr(R"({"key":"visits","value":"41"})"));
}

TEST_F(TransferRoundTripTest, KeyValueCsv) {
  Move(Model::kKeyValue, "users", FileFormat::kCsv);
  KeepOnly(Model::kKeyValue, "users");
  EXPECT_SAME_DATABASES(db_.get(), other_.get());
  std::string text = ReadFile(File("users.csv"));
  EXPECT_TRUE(text.starts_with("key,value,expires_us\r\n")) << text;
  EXPECT_THAT(text, HasSubstr("bob,\"plain, \"\"quoted\"\"\nmulti-line\",\r\n"));
}

TEST_F(TransferRoundTripTest, DocumentsJsonLines) {
  ASSERT_OK_AND_ASSIGN(auto docs, DocStore::Open(other_.get()));
  // Import does not carry indexes (dump does): create the same ones first.
  ASSERT_OK_AND_ASSIGN(auto src, DocStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(auto indexes, src->ListIndexes("people"));
  for (const DocIndexInfo& ix : indexes) {
    ASSERT_OK(docs->CreateIndex("people",
                                {.keys = ix.keys,
                                 .name = ix.name,
                                 .unique = ix.unique,
                                 .sparse = ix.sparse,
                                 .partial = ix.partial},
                                {})
                  .status());
  }
  Move(Model::kDocument, "people", FileFormat::kJsonl);
  KeepOnly(Model::kDocument, "people");
  EXPECT_SAME_DATABASES(db_.get(), other_.get());
}

TEST_F(TransferRoundTripTest, WideColumnJsonLinesAndCsv) {
  for (FileFormat f : {FileFormat::kJsonl, FileFormat::kCsv}) {
    SCOPED_TRACE(transfer::FileFormatName(f));
    ASSERT_OK_AND_ASSIGN(auto wide, WideStore::Open(other_.get()));
    (void)wide->DropTable("web");
    ASSERT_OK(wide->CreateFamily("web", "contents", {.max_versions = 3}));
    ASSERT_OK(wide->CreateFamily("web", "anchor", {.max_versions = 0}));
    ASSERT_OK(wide->CreateFamily(
        "web", "meta", {.max_versions = 2, .ttl_seconds = 10LL * 365 * 86400, .min_versions = 1}));
    Move(Model::kWideColumn, "web", f);
  }
  KeepOnly(Model::kWideColumn, "web");
  EXPECT_SAME_DATABASES(db_.get(), other_.get());
  EXPECT_TRUE(ReadFile(File("web.csv")).starts_with("row,family,qualifier,timestamp,value\r\n"));
}

TEST_F(TransferRoundTripTest, GraphCsvWithVerticesAndJsonLines) {
  Move(Model::kGraph, "social", FileFormat::kCsv, /*with_vertices=*/true);
  KeepOnly(Model::kGraph, "social");
  // CSV import allocates new edge ids; compare everything but the ids through a second move.
  auto other2 = DB::Open(dir_->path() + "/other2", options_);
  ASSERT_TRUE(other2.ok());
  std::string text = ReadFile(File("social.csv"));
  EXPECT_TRUE(text.starts_with("src,dst,type,weight,props\r\n")) << text;
  EXPECT_THAT(text, HasSubstr("alice,bob,knows,2.5,\"{\"\"since\"\":2021}\""));
  ASSERT_OK_AND_ASSIGN(auto g, GraphStore::Open(other_.get()));
  ASSERT_OK_AND_ASSIGN(std::optional<Vertex> alice, g->GetVertex("social", "alice"));
  ASSERT_TRUE(alice.has_value());
  EXPECT_EQ(alice->label, "Person");
  EXPECT_EQ(alice->out_degree, 2);
  ASSERT_OK_AND_ASSIGN(std::optional<Vertex> carol, g->GetVertex("social", "carol"));
  EXPECT_EQ(carol->in_degree, 2);  // bob -likes-> carol, the self-loop
  ASSERT_OK_AND_ASSIGN(std::optional<Vertex> lonely, g->GetVertex("social", "lonely"));
  ASSERT_TRUE(lonely.has_value());
  // JSON Lines into a third database: same vertices and edges (ids renumbered 1..5).
  ASSERT_OK(transfer::Export(db_.get(), Model::kGraph, "social", File("g.jsonl"), {}).status());
  ASSERT_OK(
      transfer::Import((*other2).get(), Model::kGraph, "social", File("g.jsonl"), {}).status());
  ASSERT_OK_AND_ASSIGN(auto diffs, CompareDatabases(other_.get(), (*other2).get()));
  EXPECT_THAT(diffs, ::testing::IsEmpty());
}

TEST_F(TransferRoundTripTest, TimeSeriesLineProtocolAndJsonLines) {
  Move(Model::kTimeSeries, "cpu", FileFormat::kLineProtocol);
  Move(Model::kTimeSeries, "mem", FileFormat::kJsonl);
  std::string lp = ReadFile(File("cpu.lp"));
  EXPECT_THAT(lp, HasSubstr("cpu,host=a,region=eu count=0i "));
  EXPECT_THAT(lp, HasSubstr("cpu,host=a,region=eu up=true "));
  ASSERT_OK_AND_ASSIGN(auto ts1, TsStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(auto ts2, TsStore::Open(other_.get()));
  for (const char* field : {"usage", "count", "up"}) {
    TsQuery q{.measurement = "cpu", .field = field, .by = {"host", "region"}};
    ASSERT_OK_AND_ASSIGN(auto a, ts1->Query(q));
    ASSERT_OK_AND_ASSIGN(auto b, ts2->Query(q));
    ASSERT_EQ(a.size(), b.size()) << field;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].time, b[i].time);
      EXPECT_EQ(a[i].value, b[i].value) << field << " " << i;
      EXPECT_EQ(a[i].tags, b[i].tags);
    }
  }
  ASSERT_OK_AND_ASSIGN(auto m, ts2->Query({.measurement = "mem", .field = "free"}));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].value, TsValue(int64_t{123456789012}));
}

// The input bytes consumed (what the shell's progress bar shows) grow with each progress report
// and end at the file's size, for JSON Lines, CSV and line protocol.
TEST_F(TransferRoundTripTest, ImportReportsTheBytesConsumed) {
  struct Case {
    Model model;
    FileFormat format;
    std::string text;
  };
  std::string jsonl, csv = "key,value,expires_us\n", lp;
  for (int i = 0; i < 2500; ++i) {
    jsonl += "{\"key\":\"k" + std::to_string(i) + "\",\"value\":\"v\"}\n";
    csv += "k" + std::to_string(i) + ",v,\n";
    lp += "cpu,host=h" + std::to_string(i % 7) + " v=1 " + std::to_string(1000 + i) + "\n";
  }
  for (const Case& c : {Case{Model::kKeyValue, FileFormat::kJsonl, jsonl},
                        Case{Model::kKeyValue, FileFormat::kCsv, csv},
                        Case{Model::kTimeSeries, FileFormat::kLineProtocol, lp}}) {
    SCOPED_TRACE(transfer::FileFormatName(c.format));
    std::string path = File("bytes.input");
    WriteFile(path, c.text);
    uint64_t bytes = 0;
    std::vector<uint64_t> seen;
    transfer::ImportOptions io{.format = c.format, .batch_records = 1000};
    io.bytes_read = &bytes;
    io.progress = [&](uint64_t) { seen.push_back(bytes); };
    std::string name = c.model == Model::kTimeSeries
                           ? "cpu"
                           : "bytes_" + std::string(transfer::FileFormatName(c.format));
    auto imported = transfer::Import(other_.get(), c.model, name, path, io);
    ASSERT_TRUE(imported.ok()) << imported.status();
    ASSERT_GE(seen.size(), 3u);
    EXPECT_GT(seen.front(), 0u);
    EXPECT_LT(seen.front(), c.text.size());
    for (size_t i = 1; i < seen.size(); ++i) EXPECT_LE(seen[i - 1], seen[i]);
    EXPECT_EQ(seen.back(), c.text.size());
  }
}

TEST_F(TransferRoundTripTest, BadInputNamesTheLine) {
  auto import = [&](Model model, std::string_view name, std::string_view text, FileFormat f) {
    std::string path = File("bad.input");
    WriteFile(path, text);
    return transfer::Import(other_.get(), model, name, path, {.format = f, .batch_records = 2})
        .status();
  };
  absl::Status s = import(Model::kKeyValue, "k",
                          "{\"key\":\"a\",\"value\":\"1\"}\n\n{\"key\":\"b\",\"value\":2}\n",
                          FileFormat::kJsonl);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("bad.input:3: missing string \"value\""));

  s = import(Model::kKeyValue, "k", "{\"key\":\"a\",\"value\":\"1\"}\n{not json\n",
             FileFormat::kJsonl);
  EXPECT_THAT(std::string(s.message()), HasSubstr("bad.input:2: not a JSON object"));

  s = import(Model::kKeyValue, "k", "key,value\r\na,1\r\nb,2,3,4\r\n", FileFormat::kCsv);
  EXPECT_THAT(std::string(s.message()), HasSubstr("bad.input:3: expected 2 or 3 fields"));

  s = import(Model::kKeyValue, "k", "a,1\r\n", FileFormat::kCsv);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("bad.input:1: the first line must be the header"));

  s = import(Model::kTimeSeries, "cpu", "cpu v=1 1\ncpu v=2 2\ncpu v= 3\n",
             FileFormat::kLineProtocol);
  EXPECT_THAT(std::string(s.message()), HasSubstr("line 3"));

  s = import(Model::kTimeSeries, "cpu", "cpu v=1 1\nmem v=2 2\n", FileFormat::kLineProtocol);
  EXPECT_THAT(std::string(s.message()), HasSubstr("bad.input:2: measurement 'mem' is not 'cpu'"));

  s = import(Model::kGraph, "g", "src,dst,type,weight\r\na,b,knows,1\r\na,b,knows,heavy\r\n",
             FileFormat::kCsv);
  EXPECT_THAT(std::string(s.message()), HasSubstr("bad.input:3: weight 'heavy'"));

  s = import(Model::kWideColumn, "t",
             "{\"row\":\"r\",\"cells\":[{\"family\":\"f\",\"qualifier\":\"q\",\"value\":\"v\","
             "\"ts\":-4}]}\n",
             FileFormat::kJsonl);
  EXPECT_THAT(std::string(s.message()), HasSubstr("bad.input:1: a cell's \"ts\" must be"));

  s = import(Model::kDocument, "d", "{}\n", FileFormat::kCsv);
  EXPECT_THAT(std::string(s.message()), HasSubstr("doc objects cannot be moved as csv"));

  // Batches before a bad one stay committed, nothing after it is written.
  s = import(Model::kKeyValue, "partial",
             "{\"key\":\"a\",\"value\":\"1\"}\n{\"key\":\"b\",\"value\":\"2\"}\n"
             "{\"key\":\"c\",\"value\":\"3\"}\n{\"key\":\"\",\"value\":\"4\"}\n",
             FileFormat::kJsonl);
  EXPECT_THAT(std::string(s.message()), HasSubstr("bad.input:4: the key is 0 bytes"));
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(other_.get()));
  ASSERT_OK_AND_ASSIGN(auto b, kv->Get("partial", "b"));
  EXPECT_EQ(b, "2");
  ASSERT_OK_AND_ASSIGN(auto c, kv->Get("partial", "c"));
  EXPECT_EQ(c, std::nullopt);
}

}  // namespace
}  // namespace tessera::test
