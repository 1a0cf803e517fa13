// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Writes seed inputs for the binary fuzz targets from the real encoders:
//   fuzz_seed_gen tests/fuzz/corpus
// creates corpus/key_codec/seed-* and corpus/stored_values/seed-* (the first byte of a
// stored_values input picks its decoder, see fuzz_stored_values.cc). Run once after a format
// change; the output is committed.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/changelog/event_codec.h"
#include "core/codec/key_codec.h"
#include "core/codec/value_envelope.h"
#include "models/doc/doc_codec.h"
#include "models/graph/graph_codec.h"
#include "models/ts/chunk_codec.h"
#include "models/ts/measurement_options.h"
#include "models/wide/wide_codec.h"

namespace {

std::filesystem::path root;
int counter = 0;

void Write(const std::string& dir, const std::string& bytes) {
  std::filesystem::create_directories(root / dir);
  char name[32];
  std::snprintf(name, sizeof(name), "seed-%03d", counter++);
  std::ofstream(root / dir / name, std::ios::binary) << bytes;
}

void Stored(uint8_t which, const std::string& bytes) {
  Write("stored_values", std::string(1, static_cast<char>(which)) + bytes);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tessera;
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seed_gen CORPUS_DIR\n");
    return 2;
  }
  root = argv[1];
  using codec::Element;
  Write("key_codec", codec::EncodeTuple({Element::Null(), Element::Int(5), Element::Double(2.5),
                                         Element::String(std::string("a\0b", 3)),
                                         Element::Bytes("\xff\x00"), Element::Bool(true)}));
  Write("key_codec",
        codec::EncodeTuple({Element::Int(-9007199254740993LL).Desc(),
                            Element::Tuple({Element::Int(1), Element::String("x").Desc()}),
                            Element::Double(-0.0), Element::String("")}));
  Write("key_codec", codec::EncodeTuple({Element::Int(INT64_MAX), Element::Int(INT64_MIN)}));

  Stored(0, codec::EncodeEnvelope("payload", 0));
  Stored(0, codec::EncodeEnvelope("p", 1700000000000000));
  Stored(1, codec::EncodeCounterAdd(-42, 0));
  Stored(1, codec::EncodeCounterAdd(7, 99));
  ChangeEvent e;
  e.commit_time_us = 1700000000000000;
  e.txn_id = (3ULL << 32) | 9;
  e.txn_index = 1;
  e.txn_events = 2;
  e.model = Model::kDocument;
  e.object_id = 12;
  e.object = "users";
  e.op = ChangeOp::kUpdate;
  e.key_format = ImageFormat::kJson;
  e.key = "\"alice\"";
  e.image_format = ImageFormat::kJson;
  e.before = "{\"a\":1}";
  e.after = "{\"a\":2}";
  std::string ev;
  internal::EncodeEventValue(e, &ev);
  Stored(2, ev);
  e.before.reset();
  e.op = ChangeOp::kCreate;
  ev.clear();
  internal::EncodeEventValue(e, &ev);
  Stored(2, ev);
  const doc::Json d = doc::Json::parse(
      R"({"_id": "x1", "n": 5, "f": 2.5, "s": "text", "b": true, "z": null, "a": [1, [2, {"k": -3}]],
          "o": {"p": {"q": "r"}}, "big": 18446744073709551615, "neg": -9223372036854775808})");
  Stored(3, doc::EncodeDocument(d));
  Stored(3, doc::EncodeDocument(doc::Json::object()));
  Stored(4, doc::EncodeComponent(d["a"]) + doc::EncodeComponent(d["n"]));
  Stored(4 | 0x80, doc::EncodeComponent(d["o"], true) + doc::EncodeComponent(d["s"], true));
  std::vector<ts::RawPoint> pts;
  for (int i = 0; i < 20; ++i) {
    pts.push_back({1700000000000000000 + i * 1000000000LL, ts::DoubleBits(0.5 * i * i)});
  }
  Stored(5, *ts::EncodeChunk(ts::ValueType::kFloat, pts));
  for (auto& p : pts) p.bits = static_cast<uint64_t>(p.ts % 977 - 400);
  Stored(5, *ts::EncodeChunk(ts::ValueType::kInt, pts));
  for (auto& p : pts) p.bits = p.ts % 3 == 0;
  Stored(5, *ts::EncodeChunk(ts::ValueType::kBool, pts));
  // A block index (floats: version 3, ints: version 4): 100 points a minute apart span four
  // 30-minute sub-windows.
  std::vector<ts::RawPoint> idx;
  for (int i = 0; i < 100; ++i) {
    idx.push_back({1700000000000000000 + i * 60000000000LL, ts::DoubleBits(0.25 * (i % 7))});
  }
  Stored(5, *ts::EncodeChunk(ts::ValueType::kFloat, idx));
  for (auto& p : idx) p.bits = static_cast<uint64_t>(p.ts / 1000000000 % 101);
  Stored(5, *ts::EncodeChunk(ts::ValueType::kInt, idx));
  ts::MeasurementOptions mo;
  mo.retention_ns = 3600000000000LL;
  Stored(6, ts::EncodeMeasurementOptions(mo));
  Stored(7, wide::CellKey(3, "row", 1, "qual", 1700000000000000));
  Stored(7, wide::EncodeCellValue("value bytes"));
  wide::TableSchema schema;
  schema.families.push_back({1, "f", {.max_versions = 3, .ttl_seconds = 60, .min_versions = 1}});
  schema.families.push_back({2, "g", {}});
  Stored(8, wide::EncodeSchema(schema));
  Stored(9, graph::EncodeVertex({.label = "Person", .props = R"({"age":30})"}));
  Edge edge;
  edge.src = "alice";
  edge.dst = "bob";
  edge.type = "knows";
  edge.weight = 2.5;
  edge.props = R"({"since":2020})";
  Stored(10, graph::EncodeEdge(edge));
  Stored(11, graph::AdjKey(4, "alice", Direction::kOut, "knows", "bob", 17));
  Stored(11, graph::EncodeWeight(2.5));
  // A document change event whose images are stored documents (rendered as JSON when read).
  e.image_format = ImageFormat::kStoredDocument;
  e.op = ChangeOp::kUpdate;
  e.before = doc::EncodeDocument(d);
  e.after = doc::EncodeDocument(doc::Json::object({{"_id", "x1"}, {"n", 6}}));
  ev.clear();
  internal::EncodeEventValue(e, &ev);
  Stored(2, ev);
  std::printf("wrote %d seeds under %s\n", counter, root.c_str());
  return 0;
}
