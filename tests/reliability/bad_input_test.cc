// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The bad-input catalogue: a table of inputs to the public APIs and to the shell, each with the
// status code and a fragment of the message it must produce. Every row is one input; the test
// reports every row that misbehaves (wrong code, a message that does not name the problem, or a
// success), then checks that the database still works.
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "tessera/doc.h"
#include "tessera/graph.h"
#include "tessera/kv.h"
#include "tessera/ts.h"
#include "tessera/wide.h"
#include "tests/util/test_util.h"
#include "tools/shell/commands.h"

namespace tessera {
namespace {

using absl::StatusCode;
constexpr StatusCode kInvalid = StatusCode::kInvalidArgument;

struct Case {
  std::string what;                   // the input, described
  std::function<absl::Status()> run;  // runs it
  StatusCode code;                    // the expected code
  std::string fragment;               // a fragment of the expected message
};

// A document nested `depth` levels deep: {"a": {"a": ... 1}}.
Document Nested(int depth) {
  Document d = 1;
  for (int i = 0; i < depth; ++i) {
    Document outer = Document::object();
    outer["a"] = std::move(d);  // no initializer list: it would copy the subtree
    d = std::move(outer);
  }
  return d;
}

// A filter of `depth` nested $and: {"$and": [{"$and": [... {"a": 1}]}]}.
Document NestedAnd(int depth) {
  Document d = {{"a", 1}};
  for (int i = 0; i < depth; ++i) {
    Document clause = Document::array();
    clause.push_back(std::move(d));
    Document outer = Document::object();
    outer["$and"] = std::move(clause);
    d = std::move(outer);
  }
  return d;
}

class BadInputTest : public test::DbTest {
 protected:
  void SetUp() override {
    test::DbTest::SetUp();
    ASSERT_OK_AND_ASSIGN(kv_, KvStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(docs_, DocStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(wide_, WideStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(graph_, GraphStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(ts_, TsStore::Open(db_.get()));
    ASSERT_OK_AND_ASSIGN(shell_, shell::Session::Open(db_.get(), shell::Format::kJson));
    // Existing objects the inputs refer to.
    ASSERT_OK(kv_->Put("ns", "text", "hello"));
    ASSERT_OK(kv_->Put("ns", "max", "9223372036854775807"));
    ASSERT_OK(docs_->Insert("c", {{{"_id", 1}, {"a", 1}}}).status());
    ASSERT_OK(wide_->CreateFamily("t", "f"));
    ASSERT_OK(graph_->AddVertex("g", "a"));
  }
  void TearDown() override {
    shell_.reset();
    kv_.reset();
    docs_.reset();
    wide_.reset();
    graph_.reset();
    ts_.reset();
    test::DbTest::TearDown();
  }

  std::function<absl::Status()> Shell(std::string command) {
    return [this, command] { return shell_->Execute(command).status(); };
  }
  void AddShell(std::string command, StatusCode code, std::string fragment) {
    cases_.push_back({"shell: " + command, Shell(command), code, std::move(fragment)});
  }
  void Add(std::string what, std::function<absl::Status()> run, StatusCode code,
           std::string fragment) {
    cases_.push_back({std::move(what), std::move(run), code, std::move(fragment)});
  }

  // Runs every case; returns how many were tried.
  size_t RunAll() {
    for (const Case& c : cases_) {
      absl::Status s = c.run();
      EXPECT_FALSE(s.ok()) << c.what << ": accepted";
      EXPECT_EQ(s.code(), c.code) << c.what << ": " << s;
      EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr(c.fragment)) << c.what;
      if (std::getenv("TESSERA_BAD_INPUT_VERBOSE") != nullptr) {
        std::printf("%-60.60s -> %s\n", c.what.c_str(), s.ToString().substr(0, 160).c_str());
      }
    }
    return cases_.size();
  }

  std::unique_ptr<KvStore> kv_;
  std::unique_ptr<DocStore> docs_;
  std::unique_ptr<WideStore> wide_;
  std::unique_ptr<GraphStore> graph_;
  std::unique_ptr<TsStore> ts_;
  std::unique_ptr<shell::Session> shell_;
  std::vector<Case> cases_;
};

TEST_F(BadInputTest, PublicApis) {
  const std::string big_key(kMaxKvKeyBytes + 1, 'k');
  const std::string big_value(kMaxKvValueBytes + 1, 'v');
  const std::string long_name(129, 'n');
  const std::string bad_utf8 = "a\xff\xfe";

  // Sizes.
  Add(
      "kv key of 8193 bytes", [&] { return kv_->Put("ns", big_key, "v"); }, kInvalid, "8193");
  Add(
      "kv empty key", [&] { return kv_->Put("ns", "", "v"); }, kInvalid, "key");
  Add(
      "kv value of 16 MiB + 1", [&] { return kv_->Put("ns", "k", big_value); }, kInvalid,
      "16777217");
  Add(
      "kv batch with an oversized key",
      [&] { return kv_->WriteBatch("ns", {{.key = big_key, .value = "v"}}); }, kInvalid, "8193");
  Add(
      "wide row key of 4097 bytes",
      [&] {
        return wide_->Put("t", std::string(4097, 'r'), {{"f", "q", "v"}});
      },
      kInvalid, "4097");
  Add(
      "wide qualifier of 1025 bytes",
      [&] {
        return wide_->Put("t", "r", {{"f", std::string(1025, 'q'), "v"}});
      },
      kInvalid, "1025");
  Add(
      "graph vertex id of 1025 bytes",
      [&] { return graph_->AddVertex("g", std::string(1025, 'v')); }, kInvalid, "1025");
  Add(
      "graph edge type of 256 bytes",
      [&] { return graph_->AddEdge("g", "a", std::string(256, 't'), "a").status(); }, kInvalid,
      "256");
  Add(
      "doc _id of 2000 bytes",
      [&] {
        return docs_->Insert("c", {{{"_id", std::string(2000, 'i')}}}).status();
      },
      kInvalid, "_id");
  Add(
      "transaction past max_transaction_bytes",
      [&] {
        return db_->RunTransaction([&](Transaction& txn) -> absl::Status {
          const std::string v(8 << 20, 'x');
          for (int i = 0; i < 10; ++i) RETURN_IF_ERROR(kv_->Put(txn, "ns", std::to_string(i), v));
          return absl::OkStatus();
        });
      },
      StatusCode::kResourceExhausted, "transaction");

  // Nesting.
  Add(
      "document nested 101 deep", [&] { return docs_->Insert("c", {Nested(101)}).status(); },
      kInvalid, "nested more than 100");
  Add(
      "document nested 1000 deep", [&] { return docs_->Insert("c", {Nested(1000)}).status(); },
      kInvalid, "nested more than 100");
  Add(
      "filter nested 101 deep (equality to a deep subdocument)",
      [&] { return docs_->Count("c", Nested(101)).status(); }, kInvalid,
      "the filter is nested more than 100 levels deep");
  Add(
      "filter of 51 nested $and (103 levels)",
      [&] { return docs_->Count("c", NestedAnd(51)).status(); }, kInvalid,
      "the filter is nested more than 100");
  Add(
      "filter of 100,000 nested $and",
      [&] { return docs_->Count("c", NestedAnd(100000)).status(); }, kInvalid,
      "the filter is nested more than 100");
  Add(
      "update nested 101 deep",
      [&] {
        return docs_->Update("c", Document::object(), {{"$set", Nested(100)}}, {}).status();
      },
      kInvalid, "the update is nested more than 100");
  Add(
      "projection nested 101 deep",
      [&] { return docs_->Find("c", Document::object(), {.projection = Nested(101)}).status(); },
      kInvalid, "the projection is nested more than 100");

  // Invalid UTF-8.
  Add(
      "document with an invalid UTF-8 string",
      [&] {
        return docs_->Insert("c", {{{"s", bad_utf8}}}).status();
      },
      kInvalid, "UTF-8");
  Add(
      "document with an invalid UTF-8 field name",
      [&] {
        return docs_->Insert("c", {{{bad_utf8, 1}}}).status();
      },
      kInvalid, "UTF-8");
  Add(
      "graph props that are not UTF-8",
      [&] { return graph_->AddVertex("g", "b", "", "{\"s\": \"" + bad_utf8 + "\"}"); }, kInvalid,
      "properties");

  // Wrong types.
  Add(
      "doc insert of an array", [&] { return docs_->Insert("c", {Document::array()}).status(); },
      kInvalid, "object");
  Add(
      "doc filter that is not an object", [&] { return docs_->Count("c", 5).status(); }, kInvalid,
      "filter");
  Add(
      "doc unknown query operator",
      [&] {
        return docs_->Count("c", {{"a", {{"$frob", 1}}}}).status();
      },
      kInvalid, "$frob");
  Add(
      "doc $in with a non-array",
      [&] {
        return docs_->Count("c", {{"a", {{"$in", 1}}}}).status();
      },
      kInvalid, "$in");
  Add(
      "doc update with an unknown operator",
      [&] {
        return docs_->Update("c", Document::object(), {{"$frob", {{"a", 1}}}}, {}).status();
      },
      kInvalid, "$frob");
  Add(
      "doc $inc of a string",
      [&] {
        return docs_->Update("c", Document::object(), {{"$inc", {{"a", "x"}}}}, {}).status();
      },
      kInvalid, "$inc");
  Add(
      "doc projection mixing inclusion and exclusion",
      [&] {
        return docs_->Find("c", Document::object(), {.projection = {{"a", 1}, {"b", 0}}}).status();
      },
      kInvalid, "projection");
  Add(
      "doc sort direction 2",
      [&] {
        return docs_->Find("c", Document::object(), {.sort = {{"a", 2}}}).status();
      },
      kInvalid, "sort");
  Add(
      "doc index key direction \"x\"",
      [&] {
        return docs_->CreateIndex("c", {.keys = {{"a", "x"}}}, nullptr).status();
      },
      kInvalid, "");
  Add(
      "kv increment of text", [&] { return kv_->Increment("ns", "text", 1).status(); }, kInvalid,
      "");
  Add(
      "kv increment overflow", [&] { return kv_->Increment("ns", "max", 1).status(); }, kInvalid,
      "overflow");
  Add(
      "wide put into an undeclared family",
      [&] {
        return wide_->Put("t", "r", {{"nofam", "q", "v"}});
      },
      StatusCode::kNotFound, "nofam");
  Add(
      "graph edge weight infinity",
      [&] {
        return graph_->AddEdge("g", "a", "k", "a", std::numeric_limits<double>::infinity())
            .status();
      },
      kInvalid, "weight");
  Add(
      "graph props not an object", [&] { return graph_->AddVertex("g", "b", "", "[1]"); }, kInvalid,
      "object");
  Add(
      "graph edge to a missing vertex",
      [&] { return graph_->AddEdge("g", "a", "k", "nobody").status(); }, StatusCode::kNotFound,
      "nobody");
  Add(
      "ts point without fields", [&] { return ts_->Write({{.measurement = "m", .time = 1}}); },
      kInvalid, "field");
  Add(
      "ts duplicate tag key",
      [&] {
        return ts_->Write(
            {{.measurement = "m", .tags = {{"h", "a"}, {"h", "b"}}, .fields = {{"v", 1.0}}}});
      },
      kInvalid, "h");
  Add(
      "ts aggregate p101", [&] { return ParseTsAggregate("p101").status(); }, kInvalid, "p101");
  Add(
      "ts aggregate without a bucket width",
      [&] {
        return ts_
            ->Query({.measurement = "m", .field = "v", .aggregate = TsAggregate{}, .every = 0})
            .status();
      },
      kInvalid, "");

  // Negative or huge limits, out-of-range values.
  Add(
      "kv ttl -1", [&] { return kv_->Put("ns", "k", "v", {.ttl_seconds = -1}); }, kInvalid, "");
  Add(
      "kv ttl 200 years",
      [&] { return kv_->Put("ns", "k", "v", {.ttl_seconds = 200LL * 366 * 86400}); }, kInvalid, "");
  Add(
      "wide negative timestamp",
      [&] {
        return wide_->Put("t", "r", {{"f", "q", "v", int64_t{-1}}});
      },
      kInvalid, "");
  Add(
      "graph k-hop -1", [&] { return graph_->KHop("g", "a", -1).status(); }, kInvalid, "");
  Add(
      "graph expand 100000 hops",
      [&] { return graph_->Expand("g", "a", {.max_hops = 100000}).status(); }, kInvalid, "");
  Add(
      "graph pagerank damping 2", [&] { return graph_->PageRank("g", {.damping = 2}).status(); },
      kInvalid, "damping");
  Add(
      "ts retention -1", [&] { return ts_->SetRetention("m", -1); }, kInvalid, "");
  Add(
      "ts downsample every 0", [&] { return ts_->AddDownsample("m", "m2", {}, 0); }, kInvalid, "");
  Add(
      "ts line protocol timestamp past int64",
      [&] { return ts_->WriteLineProtocol("m v=1 99999999999999999999").status(); }, kInvalid,
      "line 1");
  Add(
      "ts line protocol seconds overflowing ns",
      [&] { return ts_->WriteLineProtocol("m v=1 9999999999999", TsPrecision::kSeconds).status(); },
      kInvalid, "line 1");

  // Names.
  for (const std::string& name :
       {std::string(""), long_name, std::string("a/b"), std::string(".hidden"), std::string("-x"),
        std::string("sp ace"), bad_utf8}) {
    const std::string shown = name.size() > 20 ? name.substr(0, 20) + "..." : name;
    Add(
        "kv namespace \"" + shown + "\"", [this, name] { return kv_->Put(name, "k", "v"); },
        kInvalid, "name");
    Add(
        "doc collection \"" + shown + "\"",
        [this, name] {
          return docs_->Insert(name, {{{"a", 1}}}).status();
        },
        kInvalid, "name");
    Add(
        "wide table \"" + shown + "\"", [this, name] { return wide_->CreateFamily(name, "f"); },
        kInvalid, "name");
    Add(
        "graph \"" + shown + "\"", [this, name] { return graph_->AddVertex(name, "v"); }, kInvalid,
        "name");
    Add(
        "ts measurement \"" + shown + "\"",
        [this, name] {
          return ts_->Write({{.measurement = name, .fields = {{"v", 1.0}}, .time = 1}});
        },
        kInvalid, "");
  }
  Add(
      "wide family \"a:b\"", [&] { return wide_->CreateFamily("t", "a:b"); }, kInvalid, "");
  Add(
      "open an empty path", [] { return DB::Open("", {}).status(); }, kInvalid, "");

  const size_t n = RunAll();
  std::printf("bad input (API): %zu inputs tried\n", n);
  // The database is still usable.
  ASSERT_OK(kv_->Put("ns", "after", "ok"));
  ASSERT_OK_AND_ASSIGN(auto v, kv_->Get("ns", "after"));
  EXPECT_EQ(v, "ok");
}

TEST_F(BadInputTest, ShellCommands) {
  // Unknown commands and options, missing arguments.
  AddShell("frobnicate", kInvalid, "unknown command");
  AddShell("kv frob ns", kInvalid, "unknown");
  AddShell("kv put ns", kInvalid, "");
  AddShell("kv put ns k v bogus 1", kInvalid, "bogus");
  AddShell("kv put ns k v ttl", kInvalid, "ttl");
  AddShell("kv scan ns limit 5 limit 6", kInvalid, "limit");
  AddShell("kv get ns k extra", kInvalid, "");
  // Numbers.
  AddShell("kv put ns k v ttl -5", kInvalid, "");
  AddShell("kv put ns k v ttl 99999999999", kInvalid, "");
  AddShell("kv scan ns limit -1", kInvalid, "limit");
  AddShell("kv scan ns limit 99999999999999999999999", kInvalid, "limit");
  AddShell("kv scan ns limit abc", kInvalid, "limit");
  AddShell("kv incr ns k abc", kInvalid, "");
  AddShell("kv incr ns max 1", kInvalid, "overflow");
  AddShell("doc find c {} limit -3", kInvalid, "limit");
  AddShell("doc find c {} skip x", kInvalid, "skip");
  AddShell("wide put t r f:q v at -1", kInvalid, "");
  AddShell("wide create t f versions -1", kInvalid, "");
  AddShell("graph khop g a -1", kInvalid, "");
  AddShell("graph khop g a 99999999999999999999", kInvalid, "");
  AddShell("graph dele g notanumber", kInvalid, "");
  AddShell("graph pagerank g iterations -1", kInvalid, "");
  AddShell("graph adde g a k a weight nan", kInvalid, "weight");
  AddShell("changes from -1", kInvalid, "");
  AddShell("ts retention m -5s", kInvalid, "");
  AddShell("ts downsample m m2 p101 every 1m", kInvalid, "p101");
  // Malformed JSON and wrong JSON types.
  AddShell("doc insert c {\"a\":", kInvalid, "");
  {
    std::string deep;  // 100,000 levels of JSON text
    for (int i = 0; i < 100000; ++i) deep += "{\"a\":";
    deep += "1";
    deep.append(100000, '}');
    cases_.push_back({"shell: doc insert of a document nested 100000 deep",
                      Shell("doc insert c " + deep), kInvalid, "nested"});
    std::string arrays(100000, '[');
    arrays.append(100000, ']');
    cases_.push_back({"shell: doc find with a filter of 100000 nested arrays",
                      Shell("doc find c {\"a\":" + arrays + "}"), kInvalid, ""});
  }
  AddShell("doc insert c {\"a\":1}x", kInvalid, "");
  AddShell("doc insert c [1,2]", kInvalid, "");
  AddShell("doc insert c 42", kInvalid, "");
  AddShell("doc insert c {\"a\": \"\xff\"}", kInvalid, "");
  AddShell("doc find c {\"$frob\":1}", kInvalid, "$frob");
  AddShell("doc find c {} sort {\"a\":2}", kInvalid, "sort");
  AddShell("doc find c {} project {\"a\":1,\"b\":0}", kInvalid, "");
  AddShell("doc update c {} {\"$inc\":{\"a\":\"x\"}}", kInvalid, "$inc");
  AddShell("graph addv g b L [1]", kInvalid, "");
  // Line protocol.
  AddShell("ts write cpu", kInvalid, "line 1");
  AddShell("ts write cpu,host=a", kInvalid, "line 1");
  AddShell("ts write cpu v=\"s\"", kInvalid, "");
  AddShell("ts write cpu v=1 99999999999999999999", kInvalid, "line 1");
  AddShell("ts write cpu v=1 12abc", kInvalid, "line 1");
  AddShell("ts write ,host=a v=1", kInvalid, "line 1");
  // Names and files.
  AddShell("kv put bad/name k v", kInvalid, "name");
  AddShell("doc insert .hidden {}", kInvalid, "name");
  AddShell("wide put t r nofamily v", kInvalid, "");
  AddShell("doc import c /nonexistent/file.json", StatusCode::kNotFound, "/nonexistent");
  AddShell("graph load g /nonexistent/edges.csv", StatusCode::kNotFound, "/nonexistent");
  // Transactions.
  AddShell("commit", StatusCode::kFailedPrecondition, "");
  AddShell("rollback", StatusCode::kFailedPrecondition, "");

  const size_t n = RunAll();
  std::printf("bad input (shell): %zu inputs tried\n", n);
  ASSERT_OK(shell_->Execute("kv put ns after ok").status());
}

// Filters nest at most 100 levels (kMaxQueryDepth, as documents): a chain of 49 $and (99
// levels) and an equality to a subdocument nested 99 deep (100 levels) are evaluated; one level
// more is refused (the rows above try 101, 103 and 200,001 levels).
TEST_F(BadInputTest, NestedFilterUpToTheLimitIsEvaluated) {
  ASSERT_OK_AND_ASSIGN(uint64_t n, docs_->Count("c", NestedAnd(49)));
  EXPECT_EQ(n, 1u);
  ASSERT_OK_AND_ASSIGN(n, docs_->Count("c", Nested(100)));
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(docs_->Count("c", NestedAnd(50)).status().code(), kInvalid);
}

}  // namespace
}  // namespace tessera
