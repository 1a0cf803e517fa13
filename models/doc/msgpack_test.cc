// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The document codecs that replace nlohmann's: MessagePack encode/decode (msgpack.h) must give
// nlohmann's bytes and values exactly, a decode of some top-level fields must equal the full
// decode restricted to them, and JsonText must equal nlohmann's compact dump.
#include "models/doc/msgpack.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "models/doc/doc_codec.h"
#include "models/doc/doc_find.h"
#include "query/filter.h"
#include "query/projection.h"
#include "tests/util/json_test_util.h"

namespace tessera::doc {
namespace {

using test::SameTyped;

std::string RandomMsgpackString(std::mt19937_64& rng) {
  static const std::vector<std::string> kPieces = {"a",
                                                   "field",
                                                   "\"",
                                                   "\\",
                                                   "\n",
                                                   "\t",
                                                   "\b",
                                                   "\f",
                                                   "\r",
                                                   std::string(1, '\0'),
                                                   "\x01",
                                                   "\x1f",
                                                   "\x7f",
                                                   "é",
                                                   "€",
                                                   "😀",
                                                   "\xff",
                                                   "\xc3",
                                                   "\xed\xa0\x80",
                                                   " ",
                                                   "/",
                                                   "{}"};
  size_t len;
  switch (rng() % 10) {
    case 0:
      len = 0;
      break;
    case 1:
      len = 20 + rng() % 300;  // str8 / str16
      break;
    default:
      len = rng() % 12;
  }
  std::string s;
  for (size_t i = 0; i < len; ++i) s += kPieces[rng() % kPieces.size()];
  return s;
}

int64_t RandomInt(std::mt19937_64& rng) {
  static const int64_t kEdges[] = {
      0,         1,        127,    128,        255,        256,
      65535,     65536,    -1,     -32,        -33,        -128,
      -129,      -32768,   -32769, 4294967295, 4294967296, INT32_MIN - int64_t{1},
      INT64_MIN, INT64_MAX};
  if (rng() % 2 == 0) return kEdges[rng() % (sizeof(kEdges) / sizeof(kEdges[0]))];
  int shift = static_cast<int>(rng() % 64);
  return static_cast<int64_t>(rng() >> shift) * (rng() % 2 == 0 ? 1 : -1);
}

Json RandomMsgpackValue(std::mt19937_64& rng, int depth) {
  switch (rng() % (depth > 3 ? 8 : 10)) {
    case 0:
      return Json(nullptr);
    case 1:
      return Json(rng() % 2 == 0);
    case 2:
      return Json(RandomInt(rng));
    case 3:
      return Json(static_cast<uint64_t>(rng()));
    case 4: {
      static const double kDoubles[] = {
          0.0, -0.0, 0.5, 1.5, 1e300, -1e-300, 3.4028234663852886e38, 1e39, 0.1, NAN, INFINITY};
      if (rng() % 2 == 0) return Json(kDoubles[rng() % (sizeof(kDoubles) / sizeof(double))]);
      return Json(static_cast<double>(RandomInt(rng)) / 7.0);
    }
    case 5:
    case 6:
      return Json(RandomMsgpackString(rng));
    case 7: {
      std::vector<uint8_t> bytes(rng() % 3 == 0 ? 300 : rng() % 18);
      for (auto& b : bytes) b = static_cast<uint8_t>(rng());
      if (rng() % 2 == 0) return Json::binary(bytes);
      return Json::binary(bytes, static_cast<uint8_t>(rng()));
    }
    case 8: {
      Json a = Json::array();
      for (size_t n = rng() % 4 == 0 ? 17 : rng() % 4; n > 0; --n) {
        a.push_back(RandomMsgpackValue(rng, depth + 1));
      }
      return a;
    }
    default: {
      Json o = Json::object();
      for (size_t n = rng() % 4 == 0 ? 18 : rng() % 4; n > 0; --n) {
        o[std::string(1, static_cast<char>('a' + rng() % 20))] = RandomMsgpackValue(rng, depth + 1);
      }
      return o;
    }
  }
}

Json RandomMsgpackDocument(std::mt19937_64& rng) {
  Json d = Json::object();
  d["_id"] = RandomMsgpackValue(rng, 3);
  for (size_t n = rng() % 20; n > 0; --n) {
    d[std::string(1, static_cast<char>('a' + rng() % 8))] = RandomMsgpackValue(rng, 1);
  }
  return d;
}

TEST(MsgpackTest, EncodesAndDecodesExactlyAsNlohmann) {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 3000; ++i) {
    Json doc = RandomMsgpackDocument(rng);
    std::string mine;
    AppendMsgpack(doc, &mine);
    std::vector<uint8_t> theirs = Json::to_msgpack(doc);
    ASSERT_EQ(mine, std::string(theirs.begin(), theirs.end())) << doc.dump();
    Json back;
    ASSERT_TRUE(DecodeMsgpackObject(mine, &back).ok()) << doc.dump();
    Json nl = Json::from_msgpack(theirs);
    EXPECT_TRUE(SameTyped(back, nl)) << back.dump() << "\nvs\n" << nl.dump();
  }
}

TEST(MsgpackTest, LongStringsArraysAndMaps) {
  Json doc = Json::object();
  doc["s16"] = std::string(70000, 'x');  // str 32
  doc["s8"] = std::string(300, 'y');     // str 16
  Json big = Json::array();
  for (int i = 0; i < 70000; ++i) big.push_back(i % 300);  // array 32
  doc["arr"] = big;
  Json wide = Json::object();
  // map 32 (appended directly: ordered_json's operator[] searches linearly)
  auto& fields = static_cast<std::vector<std::pair<const std::string, Json>>&>(
      wide.get_ref<Json::object_t&>());
  for (int i = 0; i < 70000; ++i) fields.emplace_back("k" + std::to_string(i), i);
  doc["map"] = wide;
  doc["bin"] = Json::binary(std::vector<uint8_t>(70000, 7), 3);  // ext 32
  std::string mine;
  AppendMsgpack(doc, &mine);
  std::vector<uint8_t> theirs = Json::to_msgpack(doc);
  ASSERT_EQ(mine, std::string(theirs.begin(), theirs.end()));
  Json back;
  ASSERT_TRUE(DecodeMsgpackObject(mine, &back).ok());
  // nlohmann's from_msgpack is quadratic in the size of a map; compare with the original.
  EXPECT_TRUE(back == doc);
  std::string again;
  AppendMsgpack(back, &again);
  EXPECT_EQ(again, mine);
}

TEST(MsgpackTest, MalformedInputIsDataLossNeverACrash) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 60; ++i) {
    std::string bytes;
    AppendMsgpack(RandomMsgpackDocument(rng), &bytes);
    // Every strict prefix is truncated.
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      Json out;
      absl::Status s = DecodeMsgpackObject(std::string_view(bytes).substr(0, cut), &out);
      ASSERT_EQ(s.code(), absl::StatusCode::kDataLoss) << cut;
    }
    Json out;
    EXPECT_EQ(DecodeMsgpackObject(bytes + "x", &out).code(), absl::StatusCode::kDataLoss);
    // Random corruption: an error or some value, never a crash.
    for (int k = 0; k < 5; ++k) {
      std::string bad = bytes;
      bad[rng() % bad.size()] = static_cast<char>(rng());
      (void)DecodeMsgpackObject(bad, &out);
    }
  }
  Json out;
  EXPECT_EQ(DecodeMsgpackObject("\x92\x01\x02", &out).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeMsgpackObject(std::string("\x81\x01\x02", 3), &out).code(),
            absl::StatusCode::kDataLoss);  // integer key
  EXPECT_EQ(DecodeMsgpackObject(std::string("\x81\xa1k\xc1", 4), &out).code(),
            absl::StatusCode::kDataLoss);  // 0xc1 is never used
  EXPECT_EQ(DecodeMsgpackObject(std::string("\xdf\xff\xff\xff\xff", 5), &out).code(),
            absl::StatusCode::kDataLoss);  // a count beyond the input
  std::string deep = "\x81\xa1k";
  for (int i = 0; i < 2000; ++i) deep += "\x91";
  deep += "\xc0";
  absl::Status s = DecodeMsgpackObject(deep, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("nesting"), std::string::npos) << s;
}

TEST(MsgpackTest, DecodingSomeFieldsEqualsTheFullDecodeRestricted) {
  std::mt19937_64 rng(11);
  for (int i = 0; i < 2000; ++i) {
    Json doc = RandomMsgpackDocument(rng);
    std::string bytes;
    AppendMsgpack(doc, &bytes);
    FieldSet only;
    for (char c = 'a'; c <= 'h'; ++c) {
      if (rng() % 3 == 0) only.emplace_back(1, c);
    }
    if (rng() % 2 == 0) only.push_back("_id");
    std::sort(only.begin(), only.end());
    Json part, full;
    ASSERT_TRUE(DecodeMsgpackObject(bytes, &part, &only).ok());
    ASSERT_TRUE(DecodeMsgpackObject(bytes, &full).ok());
    Json want = Json::object();
    for (auto it = full.begin(); it != full.end(); ++it) {
      if (std::binary_search(only.begin(), only.end(), it.key())) want[it.key()] = it.value();
    }
    EXPECT_TRUE(SameTyped(part, want)) << part.dump() << "\nvs\n" << want.dump();
  }
}

// The projections a find can push into the decode: applying the projection to the document
// decoded with only its (and the filter's) top-level fields gives what applying it to the whole
// document gives, and the filter decides the same.
TEST(MsgpackTest, ProjectionDecodedLazilyEqualsProjectionOfTheFullDecode) {
  std::mt19937_64 rng(23);
  static const std::vector<std::string> kPaths = {"a", "b", "c", "d.a", "d.b.c", "e", "f.g", "_id"};
  int checked = 0;
  for (int i = 0; i < 2000; ++i) {
    Json doc = RandomMsgpackDocument(rng);
    if (rng() % 2 == 0)
      doc["d"] = Json{{"a", RandomMsgpackValue(rng, 2)}, {"b", {{"c", 1}, {"x", 2}}}};
    if (rng() % 3 == 0) doc["f"] = Json::array({Json{{"g", 1}, {"h", 2}}, 5, Json{{"h", 3}}});
    Json spec = Json::object();
    for (size_t n = 1 + rng() % 3; n > 0; --n) spec[kPaths[rng() % kPaths.size()]] = 1;
    if (rng() % 4 == 0) spec["_id"] = 0;
    absl::StatusOr<query::Projection> p = query::Projection::Parse(spec);
    if (!p.ok()) continue;  // a path collision such as d.a with d.a
    Json filter = Json{{kPaths[rng() % kPaths.size()], {{"$exists", rng() % 2 == 0}}}};
    absl::StatusOr<query::Filter> f = query::Filter::Parse(filter);
    ASSERT_TRUE(f.ok());
    if (p->IncludedTopLevelFields().empty()) continue;  // {_id: 0}: an exclusion
    ++checked;
    Query q;
    q.filter = *f;
    q.projection = *p;
    if (rng() % 2 == 0) q.sort = *query::SortSpec::Parse(Json{{"f.g", 1}});
    std::optional<FieldSet> fields = FindFields(q);
    ASSERT_TRUE(fields.has_value());
    const FieldSet& only = *fields;
    std::string stored = EncodeDocument(doc);
    absl::StatusOr<Json> full = DecodeDocument(stored);
    absl::StatusOr<Json> part = DecodeDocument(stored, &only);
    ASSERT_TRUE(full.ok() && part.ok());
    EXPECT_EQ(f->Matches(*part), f->Matches(*full)) << filter.dump() << " on " << full->dump();
    Json want = p->Apply(*full);
    Json got = p->Apply(*part);
    EXPECT_TRUE(SameTyped(got, want)) << spec.dump() << ": " << got.dump() << " vs " << want.dump();
  }
  EXPECT_GT(checked, 1000);
}

TEST(MsgpackTest, ExclusionProjectionsNeedTheWholeDocument) {
  for (const char* spec : {R"({"a": 0})", R"({"_id": 0})", "{}"}) {
    absl::StatusOr<query::Projection> p = query::Projection::Parse(Json::parse(spec));
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(p->IncludedTopLevelFields().empty()) << spec;
  }
  absl::StatusOr<query::Projection> p = query::Projection::Parse(Json::parse(R"({"b.c": 1})"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->IncludedTopLevelFields(), (std::vector<std::string>{"_id", "b"}));
  p = query::Projection::Parse(Json::parse(R"({"b": 1, "_id": 0})"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->IncludedTopLevelFields(), (std::vector<std::string>{"b"}));
}

TEST(JsonTextTest, EqualsNlohmannsCompactDump) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 5000; ++i) {
    Json v = i % 2 == 0 ? RandomMsgpackDocument(rng) : RandomMsgpackValue(rng, 0);
    EXPECT_EQ(JsonText(v), v.dump(-1, ' ', false, Json::error_handler_t::replace));
  }
  Json keys = Json::object();
  keys["\xff"] = 1;
  keys["a\"b"] = std::string("\x01\x7f\xe2\x82\xac", 5);
  EXPECT_EQ(JsonText(keys), keys.dump(-1, ' ', false, Json::error_handler_t::replace));
}

}  // namespace
}  // namespace tessera::doc
