// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The document write path's shortcuts must not change what is stored or what the change feed
// says: change events carry stored documents as their images and render them as the JSON text
// they used to store; updates spliced into the stored bytes (doc_splice.h) give the bytes of a
// full decode, apply and encode; and a collection whose updates are spliced ends with the same
// documents and the same change events as one whose updates take the full path.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>

#include "core/changelog/event_codec.h"
#include "core/codec/json_text.h"
#include "models/doc/doc_codec.h"
#include "models/doc/doc_find.h"
#include "models/doc/doc_set_by_id.h"
#include "models/doc/doc_splice.h"
#include "models/doc/doc_test_util.h"
#include "query/filter.h"
#include "query/update.h"

namespace tessera::doc {
namespace {

// `valid`: only what a document store accepts (valid UTF-8, no binary, finite numbers).
std::string RandomString(std::mt19937_64& rng, bool valid) {
  static const std::vector<std::string> kPieces = {
      "a", "field", "\"", "\\", "\n",   "\t",   std::string(1, '\0'), "\x1f", "\x7f", "é", "€",
      "😀", " ",     "/",  "{}", "\xff", "\xc3", "\xed\xa0\x80"};
  const size_t pieces = valid ? kPieces.size() - 3 : kPieces.size();
  size_t len = rng() % 8 == 0 ? 20 + rng() % 300 : rng() % 12;
  std::string s;
  for (size_t i = 0; i < len; ++i) s += kPieces[rng() % pieces];
  return s;
}

Json RandomValue(std::mt19937_64& rng, int depth, bool valid) {
  switch (rng() % (depth > 2 ? 7 : 9)) {
    case 0:
      return Json(nullptr);
    case 1:
      return Json(rng() % 2 == 0);
    case 2:
      return Json(static_cast<int64_t>(rng() >> (rng() % 64)) * (rng() % 2 == 0 ? 1 : -1));
    case 3: {
      static const double kDoubles[] = {0.0, -0.0,    0.5, 1e300, 0.1, 3.4028234663852886e38,
                                        NAN, INFINITY};
      const size_t n = sizeof(kDoubles) / sizeof(double) - (valid ? 2 : 0);
      if (rng() % 2 == 0) return Json(kDoubles[rng() % n]);
      return Json(static_cast<double>(static_cast<int64_t>(rng() % 100000) - 50000) / 7.0);
    }
    case 4:
    case 5:
      return Json(RandomString(rng, valid));
    case 6: {
      if (valid) return Json(static_cast<uint64_t>(rng()));
      std::vector<uint8_t> bytes(rng() % 18);
      for (auto& b : bytes) b = static_cast<uint8_t>(rng());
      if (rng() % 2 == 0) return Json::binary(bytes);
      return Json::binary(bytes, static_cast<uint8_t>(rng()));
    }
    case 7: {
      Json a = Json::array();
      for (size_t n = rng() % 4; n > 0; --n) a.push_back(RandomValue(rng, depth + 1, valid));
      return a;
    }
    default: {
      Json o = Json::object();
      for (size_t n = rng() % 4 == 0 ? 17 : rng() % 4; n > 0; --n) {
        o[std::string(1, static_cast<char>('p' + rng() % 4))] = RandomValue(rng, depth + 1, valid);
      }
      return o;
    }
  }
}

std::string FieldName(std::mt19937_64& rng) {
  return std::string(1, static_cast<char>('a' + rng() % 8));
}

Json RandomDocument(std::mt19937_64& rng, Json id, bool valid) {
  Json d = Json::object();
  d["_id"] = std::move(id);
  // Up to 20 fields, so that some documents need a 16-bit map header after an update.
  for (size_t n = rng() % 4 == 0 ? 12 + rng() % 8 : rng() % 8; n > 0; --n) {
    std::string name = FieldName(rng);
    if (rng() % 3 == 0) name += std::to_string(rng() % 10);
    d[name] = RandomValue(rng, 1, valid);
  }
  return d;
}

// An operator update of one to three clauses on top-level fields (or one level below).
Json RandomUpdate(std::mt19937_64& rng) {
  static const char* kOps[] = {"$set", "$unset", "$inc",      "$push", "$rename", "$min",
                               "$max", "$pop",   "$addToSet", "$mul",  "$pull"};
  Json u = Json::object();
  for (size_t n = 1 + rng() % 3; n > 0; --n) {
    std::string op = kOps[rng() % (sizeof(kOps) / sizeof(kOps[0]))];
    std::string path = FieldName(rng);
    if (rng() % 5 == 0) path += ".q";
    Json value;
    if (op == "$unset") {
      value = "";
    } else if (op == "$rename") {
      value = FieldName(rng) + (rng() % 2 == 0 ? "x" : "");
    } else if (op == "$inc" || op == "$mul") {
      value = static_cast<int64_t>(rng() % 5);
    } else if (op == "$pop") {
      value = rng() % 2 == 0 ? 1 : -1;
    } else {
      value = RandomValue(rng, 2, /*valid=*/true);
    }
    if (!u.contains(op)) u[op] = Json::object();
    u[op][path] = value;
  }
  return u;
}

TEST(DocEventImageTest, StoredDocumentsRenderAsTheirJsonText) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 1000; ++i) {
    Json doc = RandomDocument(rng, Json(i), /*valid=*/false);
    const std::string stored = EncodeDocument(doc);
    std::string rendered;
    ASSERT_OK(codec::MsgpackToJson(std::string_view(stored).substr(1), &rendered));
    ASSERT_EQ(rendered, JsonText(doc));

    // Through the change log's encoding: stored images come back as JSON text.
    ChangeEvent e;
    e.model = Model::kDocument;
    e.object = "c";
    e.op = ChangeOp::kUpdate;
    e.key_format = ImageFormat::kJson;
    e.key = JsonText(doc["_id"]);
    e.image_format = ImageFormat::kStoredDocument;
    e.before = stored;
    e.after = EncodeDocument(Json::object({{"_id", i}}));
    std::string value;
    internal::EncodeEventValue(e, &value);
    ChangeEvent back;
    ASSERT_OK(internal::DecodeEventValue(9, value, &back));
    EXPECT_EQ(back.image_format, ImageFormat::kJson);
    EXPECT_EQ(back.before, JsonText(doc));
    EXPECT_EQ(back.after, JsonText(Json::object({{"_id", i}})));
  }
}

TEST(DocEventImageTest, JsonImagesWrittenBeforeStillRead) {
  ChangeEvent e;
  e.model = Model::kDocument;
  e.object = "c";
  e.op = ChangeOp::kCreate;
  e.key_format = ImageFormat::kJson;
  e.key = "1";
  e.image_format = ImageFormat::kJson;
  e.after = R"({"_id":1,"a":"x"})";
  std::string value;
  internal::EncodeEventValue(e, &value);
  ChangeEvent back;
  ASSERT_OK(internal::DecodeEventValue(3, value, &back));
  EXPECT_EQ(back.image_format, ImageFormat::kJson);
  EXPECT_EQ(back.after, e.after);
  EXPECT_FALSE(back.before.has_value());
}

TEST(DocEventImageTest, MalformedStoredImageIsDataLoss) {
  ChangeEvent e;
  e.model = Model::kDocument;
  e.object = "c";
  e.op = ChangeOp::kCreate;
  e.image_format = ImageFormat::kStoredDocument;
  for (const std::string& bad :
       {std::string(), std::string("\x02\x80", 2), std::string("\x01\x81\xa1", 3),
        std::string("\x01\x80\x00", 3), std::string("\x01\x81\x01\x02", 4)}) {
    e.after = bad;
    std::string value;
    internal::EncodeEventValue(e, &value);
    ChangeEvent back;
    absl::Status s = internal::DecodeEventValue(5, value, &back);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
    EXPECT_NE(std::string(s.message()).find("after image"), std::string::npos) << s;
  }
}

TEST(DocSpliceTest, RandomUpdatesGiveTheFullPathsBytes) {
  std::mt19937_64 rng(11);
  int spliced = 0, changed_count = 0;
  for (int i = 0; i < 2000; ++i) {
    const Json doc = RandomDocument(rng, Json(i), /*valid=*/true);
    const std::string stored = EncodeDocument(doc);
    absl::StatusOr<query::Update> u = query::Update::Parse(RandomUpdate(rng));
    if (!u.ok()) continue;  // conflicting paths
    const std::vector<std::string> touched = *u->TouchedFields();
    absl::StatusOr<query::Filter> f = query::Filter::Parse(Json::object({{"_id", i}}));
    ASSERT_OK(f.status());
    FieldSet wanted = FilterFields(*f);
    wanted.insert(wanted.end(), touched.begin(), touched.end());
    wanted.push_back("_id");
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());

    Json full = doc;
    absl::StatusOr<bool> full_changed = u->Apply(&full, false);
    PartialDoc partial;
    ASSERT_OK(partial.Load(stored, wanted));
    ASSERT_TRUE(f->Matches(partial.fields()));
    Json after = partial.fields();
    absl::StatusOr<bool> changed = u->Apply(&after, false);
    ASSERT_EQ(changed.status(), full_changed.status()) << doc.dump();
    if (!changed.ok()) continue;
    ASSERT_EQ(*changed, *full_changed) << doc.dump();
    if (!*changed) continue;
    ++changed_count;
    std::string out;
    if (!partial.Splice(after, touched, &out)) continue;
    ++spliced;
    ASSERT_EQ(out, EncodeDocument(full)) << doc.dump() << "\n" << full.dump();
  }
  // Apply keeps fields in place, so every changed document can be spliced.
  EXPECT_EQ(spliced, changed_count);
  EXPECT_GT(spliced, 600);
}

TEST(DocSpliceTest, RefusesWhatItCannotReproduce) {
  // A field stored twice (not written by Tessera, but decodable): the full path keeps both.
  std::string stored(
      "\x01\x83\xa3_id\x01\xa1"
      "a\x02\xa1"
      "a\x03",
      13);
  PartialDoc p;
  ASSERT_OK(p.Load(stored, {"_id", "a"}));
  std::string out;
  EXPECT_FALSE(p.Splice(Json::object({{"_id", 1}, {"a", 5}}), {"a"}, &out));
  // Fields that moved.
  const std::string abc = EncodeDocument(Json::object({{"_id", 1}, {"a", 1}, {"b", 2}}));
  ASSERT_OK(p.Load(abc, {"_id", "a", "b"}));
  EXPECT_FALSE(p.Splice(Json::object({{"_id", 1}, {"b", 3}, {"a", 4}}), {"a", "b"}, &out));
  EXPECT_EQ(p.Load(std::string("\x01\x81", 2), {"a"}).code(), absl::StatusCode::kDataLoss);
}

class DocWriteFastPathTest : public test::DocDbTest {};

// The same documents and updates in two collections: "fast" has no index, so its updates are
// spliced; "slow" has a partial index, which sends every update through the full path.
TEST_F(DocWriteFastPathTest, SplicedUpdatesEqualFullPathDocumentsAndEvents) {
  DocIndexSpec spec;
  spec.keys = Json::object({{"zz", 1}});
  spec.partial = Json::object({{"zz", Json::object({{"$exists", true}})}});
  ASSERT_OK(docs_->CreateIndex("slow", spec, nullptr).status());
  std::mt19937_64 rng(5);
  std::vector<Json> docs;
  for (int i = 0; i < 60; ++i) docs.push_back(RandomDocument(rng, Json(i), /*valid=*/true));
  InsertAll("fast", docs);
  InsertAll("slow", docs);
  for (int i = 0; i < 600; ++i) {
    Json update = RandomUpdate(rng);
    Json filter = rng() % 4 == 0 ? Json::object({{"_id", Json::object({{"$in", {1, 2, 3}}})}})
                                 : Json::object({{"_id", static_cast<int>(rng() % 65)}});
    if (rng() % 5 == 0) filter[FieldName(rng)] = RandomValue(rng, 2, true);
    DocUpdateOptions o;
    o.one = rng() % 2 == 0;
    auto fast = docs_->Update("fast", filter, update, o);
    auto slow = docs_->Update("slow", filter, update, o);
    ASSERT_EQ(fast.status(), slow.status()) << update.dump();
    if (!fast.ok()) continue;
    EXPECT_EQ(fast->matched, slow->matched) << update.dump();
    EXPECT_EQ(fast->modified, slow->modified) << update.dump();
  }
  ASSERT_OK_AND_ASSIGN(auto fast_docs, FindAll("fast", Json::object()));
  ASSERT_OK_AND_ASSIGN(auto slow_docs, FindAll("slow", Json::object()));
  ASSERT_EQ(fast_docs.size(), slow_docs.size());
  for (size_t i = 0; i < fast_docs.size(); ++i) {
    EXPECT_EQ(JsonText(fast_docs[i]), JsonText(slow_docs[i]));
  }
  // The change events of both collections, in order, say the same.
  std::vector<ChangeEvent> fast_events, slow_events;
  for (uint64_t from = 1;;) {
    ASSERT_OK_AND_ASSIGN(auto batch, db_->ReadChanges({.from_seq = from, .limit = 1000}));
    if (batch.empty()) break;
    for (ChangeEvent& e : batch) {
      if (e.model != Model::kDocument) continue;
      EXPECT_EQ(e.image_format, ImageFormat::kJson);
      (e.object == "fast" ? fast_events : slow_events).push_back(e);
    }
    from = batch.back().seq + 1;
  }
  ASSERT_EQ(fast_events.size(), slow_events.size());
  EXPECT_GT(fast_events.size(), 200u);
  for (size_t i = 0; i < fast_events.size(); ++i) {
    EXPECT_EQ(fast_events[i].op, slow_events[i].op) << i;
    EXPECT_EQ(fast_events[i].key, slow_events[i].key) << i;
    EXPECT_EQ(fast_events[i].before, slow_events[i].before) << i;
    EXPECT_EQ(fast_events[i].after, slow_events[i].after) << i;
  }
}

// A $set by _id for `doc`: mostly fields it has (some with their stored value, some numbers of
// the other integer signedness), sometimes a field it lacks, a bad name or an invalid value.
Json RandomSetById(std::mt19937_64& rng, const Json& doc) {
  std::vector<std::string> names;
  for (const auto& [name, value] : doc.items()) {
    if (name != "_id") names.push_back(name);
  }
  Json set = Json::object();
  for (size_t n = 1 + rng() % 3; n > 0; --n) {
    std::string name =
        names.empty() || rng() % 8 == 0 ? FieldName(rng) + "new" : names[rng() % names.size()];
    Json value = RandomValue(rng, 1, /*valid=*/rng() % 10 != 0);
    switch (rng() % 8) {
      case 0:
        if (doc.contains(name)) value = doc[name];  // unchanged
        break;
      case 1:
        value = rng() % 2 == 0 ? Json(static_cast<uint64_t>(rng() % 300))
                               : Json(static_cast<int64_t>(rng() % 300));
        break;
      case 2: {
        static const char* kBad[] = {"$x", "a.b", "", "_id", "\xff"};
        name = kBad[rng() % 5];
        break;
      }
      default:
        break;
    }
    set[name] = value;
  }
  return Json::object({{"$set", set}});
}

TEST(SetByIdTest, GivesTheFullPathsBytesAndChangeFlag) {
  std::mt19937_64 rng(23);
  int applied = 0, changed = 0, unchanged = 0;
  for (int i = 0; i < 3000; ++i) {
    const Json doc = RandomDocument(rng, RandomValue(rng, 3, true), /*valid=*/true);
    if (doc["_id"].is_array() || doc["_id"].is_object()) continue;
    const std::string stored = EncodeDocument(doc);
    const Json filter = Json::object({{"_id", doc["_id"]}});
    const Json update = RandomSetById(rng, doc);
    std::optional<SetById> set = MatchSetById(filter, update);
    if (!set) continue;
    std::optional<SetByIdResult> fast = ApplySetById(*set, stored);
    absl::StatusOr<query::Update> u = query::Update::Parse(update);
    if (!fast) continue;  // left to the full path
    ASSERT_TRUE(u.ok()) << update.dump() << ": " << u.status();
    ++applied;
    Json after = doc;
    absl::StatusOr<bool> full_changed = u->Apply(&after, /*is_insert=*/false);
    ASSERT_TRUE(full_changed.ok()) << full_changed.status();
    ASSERT_EQ(fast->changed, *full_changed) << update.dump() << " on " << doc.dump();
    EXPECT_EQ(fast->id_text, JsonText(doc["_id"]));
    if (!*full_changed) {
      ++unchanged;
      continue;
    }
    ++changed;
    EXPECT_EQ(fast->stored, EncodeDocument(after)) << update.dump() << " on " << doc.dump();
  }
  EXPECT_GT(changed, 500);
  EXPECT_GT(unchanged, 50);
  EXPECT_GT(applied, changed);
}

TEST(SetByIdTest, OtherShapesTakeTheFullPath) {
  const Json id = Json::object({{"_id", 1}});
  const Json set = Json::object({{"$set", Json::object({{"a", 1}})}});
  EXPECT_TRUE(MatchSetById(id, set).has_value());
  EXPECT_FALSE(MatchSetById(Json::object({{"_id", 1}, {"b", 2}}), set).has_value());
  EXPECT_FALSE(MatchSetById(Json::object({{"_id", Json::object({{"$gt", 1}})}}), set));
  EXPECT_FALSE(MatchSetById(Json::object({{"_id", Json::array({1})}}), set));
  EXPECT_FALSE(MatchSetById(id, Json::object({{"$inc", Json::object({{"a", 1}})}})));
  EXPECT_FALSE(MatchSetById(id, Json::object({{"$set", Json::object({{"a.b", 1}})}})));
  EXPECT_FALSE(MatchSetById(id, Json::object({{"$set", Json::object({{"a", NAN}})}})));
  EXPECT_FALSE(MatchSetById(id, Json::object({{"$set", Json::object()}})));
  EXPECT_FALSE(MatchSetById(id, Json::object({{"a", 1}})));  // a replacement
  // A field the document lacks, or stores twice.
  auto s = MatchSetById(id, set);
  EXPECT_FALSE(ApplySetById(*s, EncodeDocument(Json::object({{"_id", 1}, {"b", 1}}))));
  std::string twice = EncodeDocument(Json::object({{"_id", 1}, {"a", 1}, {"c", 1}}));
  twice[twice.size() - 2] = 'a';  // the last key "c" becomes a second "a"
  EXPECT_FALSE(ApplySetById(*s, twice));
  EXPECT_FALSE(ApplySetById(*s, std::string("\x01\x81", 2)));
}

// The same documents and $set-by-_id updates in "fast" (no index: the shortcut) and "slow" (a
// partial index: the full path): same results, documents and change events.
TEST_F(DocWriteFastPathTest, SetByIdEqualsTheFullPath) {
  DocIndexSpec spec;
  spec.keys = Json::object({{"zz", 1}});
  spec.partial = Json::object({{"zz", Json::object({{"$exists", true}})}});
  ASSERT_OK(docs_->CreateIndex("slow", spec, nullptr).status());
  std::mt19937_64 rng(29);
  std::vector<Json> docs;
  for (int i = 0; i < 40; ++i) docs.push_back(RandomDocument(rng, Json(i), /*valid=*/true));
  InsertAll("fast", docs);
  InsertAll("slow", docs);
  int shortcuts = 0;  // updates the shortcut can serve
  for (int i = 0; i < 500; ++i) {
    const int id = static_cast<int>(rng() % 44);  // a few ids that do not exist
    ASSERT_OK_AND_ASSIGN(auto current, docs_->Get("fast", Json(id)));
    const Json update = RandomSetById(rng, current ? *current : Json::object());
    const Json filter = Json::object({{"_id", id}});
    if (std::optional<SetById> set = MatchSetById(filter, update); set && current) {
      if (ApplySetById(*set, EncodeDocument(*current))) ++shortcuts;
    }
    auto fast = docs_->Update("fast", filter, update, {.one = true});
    auto slow = docs_->Update("slow", filter, update, {.one = true});
    ASSERT_EQ(fast.status(), slow.status()) << update.dump();
    if (!fast.ok()) continue;
    EXPECT_EQ(fast->matched, slow->matched) << update.dump();
    EXPECT_EQ(fast->modified, slow->modified) << update.dump();
  }
  EXPECT_GT(shortcuts, 150);
  ASSERT_OK_AND_ASSIGN(auto fast_docs, FindAll("fast", Json::object()));
  ASSERT_OK_AND_ASSIGN(auto slow_docs, FindAll("slow", Json::object()));
  ASSERT_EQ(fast_docs.size(), slow_docs.size());
  for (size_t i = 0; i < fast_docs.size(); ++i) {
    EXPECT_EQ(JsonText(fast_docs[i]), JsonText(slow_docs[i]));
  }
  std::vector<ChangeEvent> fast_events, slow_events;
  for (uint64_t from = 1;;) {
    ASSERT_OK_AND_ASSIGN(auto batch, db_->ReadChanges({.from_seq = from, .limit = 1000}));
    if (batch.empty()) break;
    for (ChangeEvent& e : batch) {
      if (e.model == Model::kDocument)
        (e.object == "fast" ? fast_events : slow_events).push_back(e);
    }
    from = batch.back().seq + 1;
  }
  ASSERT_EQ(fast_events.size(), slow_events.size());
  EXPECT_GT(fast_events.size(), 200u);
  for (size_t i = 0; i < fast_events.size(); ++i) {
    EXPECT_EQ(fast_events[i].op, slow_events[i].op) << i;
    EXPECT_EQ(fast_events[i].key, slow_events[i].key) << i;
    EXPECT_EQ(fast_events[i].before, slow_events[i].before) << i;
    EXPECT_EQ(fast_events[i].after, slow_events[i].after) << i;
  }
}

// The auto-commit $set by _id writes its document as a direct write (TxnImpl::PutDirect): it
// must still lock the document against transactions. A transaction that read the document at
// its snapshot and then updates it after a direct $set conflicts instead of overwriting it.
TEST_F(DocWriteFastPathTest, DirectSetByIdConflictsWithASnapshotTransaction) {
  InsertAll("c", {Json::object({{"_id", 1}, {"a", 1}, {"n", 0}})});
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin({}));
  ASSERT_OK_AND_ASSIGN(auto seen, docs_->Get(*txn, "c", Json(1)));
  ASSERT_TRUE(seen.has_value());
  ASSERT_OK_AND_ASSIGN(auto direct,
                       docs_->Update("c", Json::object({{"_id", 1}}),
                                     Json::object({{"$set", Json::object({{"a", 2}})}}), {}));
  EXPECT_EQ(direct.modified, 1u);
  auto r = docs_->Update(*txn, "c", Json::object({{"_id", 1}}),
                         Json::object({{"$set", Json::object({{"a", 3}})}}), {});
  absl::Status s = r.status();
  if (s.ok()) s = txn->Commit();
  EXPECT_TRUE(IsConflict(s)) << s;
  ASSERT_OK_AND_ASSIGN(auto now, docs_->Get("c", Json(1)));
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ((*now)["a"], Json(2));
}

// Lost updates: direct $set writes rewrite the whole stored document while other threads $inc
// a field of it in transactions; every increment survives and the events chain (each
// before-image is the previous after-image).
TEST_F(DocWriteFastPathTest, DirectSetByIdLosesNoConcurrentIncrement) {
  InsertAll("c", {Json::object({{"_id", 1}, {"a", 0}, {"n", 0}})});
  constexpr int kEach = 40;
  std::atomic<int> increments{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r =
            docs_->Update("c", Json::object({{"_id", 1}}),
                          Json::object({{"$set", Json::object({{"a", t * 1000 + i + 1}})}}), {});
        EXPECT_TRUE(r.ok()) << r.status();
      }
    });
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        absl::Status s = db_->RunTransaction(
            [&](Transaction& txn) -> absl::Status {
              // Not the $set shortcut: $inc takes the transactional path.
              return docs_
                  ->Update(txn, "c", Json::object({{"_id", 1}}),
                           Json::object({{"$inc", Json::object({{"n", 1}})}}), {})
                  .status();
            },
            {.max_attempts = 1000, .initial_backoff_us = 10, .max_backoff_us = 200});
        EXPECT_OK(s);
        if (s.ok()) increments.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_OK_AND_ASSIGN(auto doc, docs_->Get("c", Json(1)));
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ((*doc)["n"], Json(increments.load()));
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadChanges({.from_seq = 1, .limit = 100000}));
  std::vector<ChangeEvent> mine;
  for (ChangeEvent& e : events) {
    if (e.model == Model::kDocument && e.object == "c") mine.push_back(std::move(e));
  }
  ASSERT_EQ(mine.size(), 1u + 2 * kEach + increments.load());
  for (size_t i = 1; i < mine.size(); ++i) {
    ASSERT_EQ(mine[i].before, mine[i - 1].after) << i;
  }
}

}  // namespace
}  // namespace tessera::doc
