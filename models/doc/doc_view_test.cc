// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The lazily decoded document view (doc_view.h) against the full decode: every field it yields is
// the decoded field, and a filter matched through the view gives the answer of the filter matched
// on the decoded document, on random documents of every type and random filters of every
// operator.
#include "models/doc/doc_view.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "models/doc/doc_codec.h"
#include "models/doc/doc_test_util.h"
#include "query/filter.h"
#include "tests/util/json_test_util.h"

namespace tessera::doc {
namespace {

using test::SameTyped;

// Scalars of every stored type from a small domain, so that filters often match.
Json RandomViewScalar(std::mt19937_64& rng) {
  switch (rng() % 10) {
    case 0:
      return Json(static_cast<int64_t>(rng() % 7) - 3);
    case 1:
      return Json(static_cast<uint64_t>(rng() % 5));
    case 2:
      return Json(static_cast<double>(rng() % 9) / 2 - 1);
    case 3:
      return Json(std::nan(""));
    case 4:
      return Json(std::string(1 + rng() % 2, static_cast<char>('a' + rng() % 3)));
    case 5:
      return Json(nullptr);
    case 6:
      return Json(rng() % 2 == 0);
    case 7:
      return Json::binary({static_cast<uint8_t>(rng() % 3)});
    case 8:
      return Json(std::string(40, 'x'));  // beyond the short-string buffer
    default:
      return Json(static_cast<int64_t>(rng() % 4));
  }
}

Json RandomViewValue(std::mt19937_64& rng, int depth) {
  switch (depth > 2 ? 0 : rng() % 6) {
    case 4: {
      Json a = Json::array();
      for (size_t n = rng() % 4; n > 0; --n) a.push_back(RandomViewValue(rng, depth + 1));
      return a;
    }
    case 5: {
      Json o = Json::object();
      for (size_t n = rng() % 3; n > 0; --n) {
        o[std::string(1, static_cast<char>('a' + rng() % 3))] = RandomViewValue(rng, depth + 1);
      }
      return o;
    }
    default:
      return RandomViewScalar(rng);
  }
}

Json RandomViewDocument(std::mt19937_64& rng) {
  Json d = Json::object();
  d["_id"] = RandomViewScalar(rng);
  for (size_t n = rng() % 6; n > 0; --n) {
    d[std::string(1, static_cast<char>('a' + rng() % 4))] = RandomViewValue(rng, 1);
  }
  return d;
}

std::string RandomPath(std::mt19937_64& rng) {
  static const char* kPaths[] = {"a",   "b",   "c",   "d",     "_id",   "a.a",
                                 "a.b", "b.c", "a.0", "c.1.a", "a.b.c", "zz"};
  return kPaths[rng() % (sizeof(kPaths) / sizeof(kPaths[0]))];
}

Json RandomViewCondition(std::mt19937_64& rng, int depth);

Json RandomOperators(std::mt19937_64& rng, int depth) {
  static const char* kOps[] = {"$eq",    "$ne",  "$gt",   "$gte",       "$lt",
                               "$lte",   "$in",  "$nin",  "$exists",    "$type",
                               "$regex", "$all", "$size", "$elemMatch", "$not"};
  std::string op = kOps[rng() % (sizeof(kOps) / sizeof(kOps[0]))];
  Json list = Json::array();
  for (size_t n = 1 + rng() % 3; n > 0; --n) list.push_back(RandomViewScalar(rng));
  if (op == "$in" || op == "$nin" || op == "$all") return Json{{op, list}};
  if (op == "$exists") return Json{{op, rng() % 2 == 0}};
  if (op == "$type") {
    static const char* kTypes[] = {"double", "string", "object", "array", "bool",
                                   "null",   "int",    "long",   "number"};
    return Json{{op, kTypes[rng() % 9]}};
  }
  if (op == "$regex") return Json{{op, rng() % 2 == 0 ? "^a" : "b"}};
  if (op == "$size") return Json{{op, static_cast<int64_t>(rng() % 3)}};
  if (op == "$elemMatch") {
    if (rng() % 2 == 0) return Json{{op, {{"$gte", RandomViewScalar(rng)}}}};
    return Json{{op, {{"a", RandomViewScalar(rng)}}}};
  }
  if (op == "$not") {
    if (depth > 1) return Json{{"$not", {{"$eq", RandomViewScalar(rng)}}}};
    return Json{{op, RandomOperators(rng, depth + 1)}};
  }
  return Json{{op, RandomViewScalar(rng)}};
}

Json RandomViewCondition(std::mt19937_64& rng, int depth) {
  if (depth < 2 && rng() % 5 == 0) {
    static const char* kLogic[] = {"$and", "$or", "$nor"};
    Json clauses = Json::array();
    for (size_t n = 1 + rng() % 3; n > 0; --n)
      clauses.push_back(RandomViewCondition(rng, depth + 1));
    return Json{{kLogic[rng() % 3], clauses}};
  }
  if (rng() % 4 == 0) return Json{{RandomPath(rng), RandomViewScalar(rng)}};  // implicit equality
  return Json{{RandomPath(rng), RandomOperators(rng, depth)}};
}

Json RandomViewFilter(std::mt19937_64& rng) {
  Json f = Json::object();
  for (size_t n = rng() % 3; n > 0; --n) f.update(RandomViewCondition(rng, 0));
  return f;
}

TEST(LazyDocumentTest, FieldsAreTheDecodedFields) {
  std::mt19937_64 rng(17);
  LazyDocument view;
  for (int i = 0; i < 1000; ++i) {
    std::string stored = EncodeDocument(RandomViewDocument(rng));
    // What the full decode gives (a non-negative integer comes back unsigned, as from nlohmann).
    Json doc = *DecodeDocument(stored);
    ASSERT_TRUE(view.Reset(stored).ok());
    // Asked in a random order, twice (the second answer comes from the view's cache).
    std::vector<std::string> names = {"_id", "a", "b", "c", "d", "missing"};
    std::shuffle(names.begin(), names.end(), rng);
    for (int round = 0; round < 2; ++round) {
      for (const std::string& name : names) {
        const Json* got = view.Field(name);
        auto it = doc.find(name);
        if (it == doc.end()) {
          EXPECT_EQ(got, nullptr) << name << " in " << doc.dump();
        } else {
          ASSERT_NE(got, nullptr) << name << " in " << doc.dump();
          EXPECT_TRUE(SameTyped(*got, *it)) << name << ": " << got->dump() << " vs " << it->dump();
        }
      }
    }
    EXPECT_TRUE(SameTyped(view.Whole(), doc));
    Json part;
    FieldSet only = {"_id", "b"};
    ASSERT_TRUE(view.Decode(&part, &only).ok());
    EXPECT_TRUE(SameTyped(part, *DecodeDocument(stored, &only)));
    EXPECT_TRUE(view.status().ok());
  }
}

TEST(LazyDocumentTest, FilterOnTheViewEqualsFilterOnTheDocument) {
  std::mt19937_64 rng(23);
  std::vector<Json> docs;
  std::vector<std::string> stored;
  for (int i = 0; i < 200; ++i) {
    docs.push_back(RandomViewDocument(rng));
    stored.push_back(EncodeDocument(docs.back()));
  }
  LazyDocument view;
  int filters = 0, matches = 0;
  while (filters < 400) {
    Json f = RandomViewFilter(rng);
    absl::StatusOr<query::Filter> filter = query::Filter::Parse(f);
    if (!filter.ok()) continue;  // a random combination the language rejects
    ++filters;
    for (size_t i = 0; i < docs.size(); ++i) {
      ASSERT_TRUE(view.Reset(stored[i]).ok());
      bool on_json = filter->Matches(docs[i]);
      bool on_view = filter->Matches(view);
      ASSERT_EQ(on_view, on_json) << "filter " << f.dump() << "\ndocument " << docs[i].dump();
      ASSERT_TRUE(view.status().ok());
      matches += on_json ? 1 : 0;
    }
  }
  // The filters are not trivial: some documents match, most do not.
  EXPECT_GT(matches, 400 * 200 / 20);
  EXPECT_LT(matches, 400 * 200 / 2);
}

TEST(LazyDocumentTest, MalformedBytesAreDataLoss) {
  LazyDocument view;
  EXPECT_EQ(view.Reset("").code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(view.Reset("\x07\x80").code(), absl::StatusCode::kDataLoss);  // unknown format
  std::string stored = EncodeDocument(Json{{"_id", 1}, {"a", "text"}});
  for (size_t cut = 1; cut < stored.size(); ++cut) {
    EXPECT_EQ(view.Reset(std::string_view(stored).substr(0, cut)).code(),
              absl::StatusCode::kDataLoss)
        << cut;
  }
  EXPECT_EQ(view.Reset(stored + "x").code(), absl::StatusCode::kDataLoss);  // trailing bytes
  std::string not_map = EncodeDocument(Json{{"_id", 1}});
  not_map[1] = static_cast<char>(0x91);  // an array header where the map header was
  EXPECT_EQ(view.Reset(not_map).code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(view.Reset(stored).ok());
  ASSERT_NE(view.Field("a"), nullptr);
  EXPECT_EQ(*view.Field("a"), "text");
}

// The document `v` views, checking on the way that the view's fields are that document's, in
// order, each decoded or read in place; nullopt (and a test failure) when it does not decode.
std::optional<Json> ViewedDocument(const DocumentView& v) {
  absl::StatusOr<Json> d = v.ToDocument();
  EXPECT_TRUE(d.ok()) << d.status();
  if (!d.ok()) return std::nullopt;
  EXPECT_EQ(v.size(), d->size());
  size_t i = 0;
  for (auto it = d->begin(); it != d->end() && i < v.size(); ++it, ++i) {
    EXPECT_EQ(v.name(i), it.key());
    EXPECT_EQ(v.find(it.key()), std::optional<size_t>(i));
    absl::StatusOr<Json> value = v.value(i);
    EXPECT_TRUE(value.ok() && SameTyped(*value, it.value())) << it.key();
    std::optional<std::string_view> text = v.string_value(i);
    EXPECT_EQ(text.has_value(), it->is_string()) << it.key();
    if (text) {
      EXPECT_EQ(*text, it->get_ref<const std::string&>());
    }
  }
  EXPECT_EQ(v.find("no such field"), std::nullopt);
  return std::move(*d);
}

// FindViews hands out exactly Find's documents (in Find's order, after skip and limit), through
// the raw path (no sort, no projection) and the encoded one; with indexes (a multikey one, read
// in batches) and without.
class FindViewsTest : public test::DocDbTest {
 protected:
  std::vector<Json> Views(std::string_view coll, const Json& filter, const DocFindOptions& o) {
    auto c = docs_->FindViews(coll, filter, o);
    EXPECT_TRUE(c.ok()) << c.status();
    std::vector<Json> out;
    if (!c.ok()) return out;
    for (; (*c)->Valid(); (*c)->Next()) {
      std::optional<Json> d = ViewedDocument((*c)->entry());
      if (!d) return out;
      out.push_back(std::move(*d));
    }
    EXPECT_TRUE((*c)->status().ok()) << (*c)->status();
    return out;
  }
};

TEST_F(FindViewsTest, ViewsAreFindsDocuments) {
  std::mt19937_64 rng(31);
  std::vector<Json> docs;
  for (int i = 0; i < 150; ++i) {
    Json d = RandomViewDocument(rng);
    d["_id"] = i;
    docs.push_back(d);
  }
  InsertAll("plain", docs);
  InsertAll("indexed", docs);
  ASSERT_OK(docs_->CreateIndex("indexed", {.keys = {{"a", 1}}}, nullptr).status());
  ASSERT_OK(docs_->CreateIndex("indexed", {.keys = {{"b", -1}}}, nullptr).status());
  int checked = 0;
  for (int q = 0; q < 80; ++q) {
    Json filter = RandomViewFilter(rng);
    if (!query::Filter::Parse(filter).ok()) continue;
    DocFindOptions o;
    if (rng() % 3 == 0) o.skip = rng() % 5;
    if (rng() % 3 == 0) o.limit = 1 + rng() % 20;
    if (rng() % 6 == 0) o.sort = Json{{"b", -1}};
    if (rng() % 6 == 0) o.projection = Json{{"a", 1}};
    for (const char* coll : {"plain", "indexed"}) {
      absl::StatusOr<std::vector<Json>> want = FindAll(coll, filter, o);
      ASSERT_TRUE(want.ok()) << want.status();
      std::vector<Json> got = Views(coll, filter, o);
      ASSERT_EQ(got.size(), want->size()) << coll << " " << filter.dump();
      for (size_t i = 0; i < got.size(); ++i) {
        ASSERT_TRUE(SameTyped(got[i], (*want)[i])) << got[i].dump() << " vs " << (*want)[i].dump();
      }
      checked += static_cast<int>(got.size());
    }
  }
  EXPECT_GT(checked, 500);
  // A collection that does not exist has no documents; a bad filter is an error.
  EXPECT_TRUE(Views("absent", Json::object(), {}).empty());
  EXPECT_EQ(docs_->FindViews("plain", Json{{"a", {{"$bad", 1}}}}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// GetView views exactly the document Get returns, for every kind of _id; a missing document,
// collection or bad _id leave the view empty; the view keeps its bytes while the document is
// rewritten; through a snapshot it views the snapshot's version.
TEST_F(FindViewsTest, GetViewViewsWhatGetReturnsAndKeepsItsOwnBytes) {
  std::mt19937_64 rng(47);
  std::vector<Json> ids = {Json(1),     Json(-7),     Json(2.5),
                           Json("ada"), Json(""),     Json{{"k", 1}, {"s", "x"}},
                           Json(true),  Json(nullptr)};
  std::vector<Json> docs;
  for (const Json& id : ids) {
    Json d = RandomViewDocument(rng);
    d["_id"] = id;
    docs.push_back(d);
  }
  InsertAll("c", docs);
  DocumentView v;
  for (const Json& id : ids) {
    ASSERT_OK_AND_ASSIGN(std::optional<Json> want, docs_->Get("c", id));
    ASSERT_TRUE(want.has_value()) << id.dump();
    ASSERT_OK_AND_ASSIGN(bool found, docs_->GetView("c", id, &v));
    ASSERT_TRUE(found) << id.dump();
    std::optional<Json> got = ViewedDocument(v);
    ASSERT_TRUE(got.has_value());
    EXPECT_TRUE(SameTyped(*got, *want)) << got->dump() << " vs " << want->dump();
  }

  // Absent: the view is emptied, not left on the previous document.
  ASSERT_OK_AND_ASSIGN(bool found, docs_->GetView("c", Json(12345), &v));
  EXPECT_FALSE(found);
  EXPECT_EQ(v.size(), 0u);
  ASSERT_OK(docs_->GetView("c", Json("ada"), &v).status());
  ASSERT_OK_AND_ASSIGN(found, docs_->GetView("absent", Json("ada"), &v));
  EXPECT_FALSE(found);
  EXPECT_EQ(v.size(), 0u);
  ASSERT_OK(docs_->GetView("c", Json("ada"), &v).status());
  EXPECT_EQ(docs_->GetView("c", Json::array({1}), &v).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(v.size(), 0u);
  EXPECT_EQ(docs_->GetView("c", Json(1), nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);

  // The view owns its bytes: rewriting and deleting the document does not change what it shows.
  ASSERT_OK_AND_ASSIGN(found, docs_->GetView("c", Json(1), &v));
  ASSERT_TRUE(found);
  std::optional<Json> before = ViewedDocument(v);
  ASSERT_TRUE(before.has_value());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Snapshot> snap, db_->GetSnapshot());
  ASSERT_OK(
      docs_->Update("c", Json{{"_id", 1}}, Json{{"$set", {{"fresh", "new value"}}}}, {}).status());
  for (int i = 0; i < 200; ++i) {
    ASSERT_OK(
        docs_->Insert("c", {Json{{"_id", 1000 + i}, {"pad", std::string(300, 'p')}}}).status());
  }
  std::optional<Json> still = ViewedDocument(v);
  ASSERT_TRUE(still.has_value());
  EXPECT_TRUE(SameTyped(*still, *before));
  EXPECT_EQ(v.find("fresh"), std::nullopt);

  // Latest: the update; through the snapshot: the document as it was.
  ASSERT_OK_AND_ASSIGN(found, docs_->GetView("c", Json(1), &v));
  ASSERT_TRUE(found);
  std::optional<size_t> fresh = v.find("fresh");
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ(v.string_value(*fresh), std::optional<std::string_view>("new value"));
  ASSERT_OK_AND_ASSIGN(found, docs_->GetView(*snap, "c", Json(1), &v));
  ASSERT_TRUE(found);
  std::optional<Json> old = ViewedDocument(v);
  ASSERT_TRUE(old.has_value());
  EXPECT_TRUE(SameTyped(*old, *before));
}

}  // namespace
}  // namespace tessera::doc
