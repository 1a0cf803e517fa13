// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: decoding of every stored value format, as read back from disk: the value
// envelope and counter operands (core/codec), change events (core/changelog), documents and
// index components (models/doc), time-series chunks and measurement options (models/ts),
// wide-column keys, cells and schemas (models/wide), graph vertex, edge and adjacency records
// (models/graph). The first byte picks the decoder, the rest is the stored bytes. Corrupt input
// must be rejected (false, nullopt or DataLoss), never crash; what decodes must encode and decode
// back to the same value.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/changelog/event_codec.h"
#include "core/codec/value_envelope.h"
#include "models/doc/doc_codec.h"
#include "models/doc/doc_view.h"
#include "models/graph/graph_codec.h"
#include "models/ts/chunk_codec.h"
#include "models/ts/measurement_options.h"
#include "models/wide/wide_codec.h"
#include "query/update.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tessera;
  if (size == 0) return 0;
  const uint8_t which = data[0];
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (which % 12) {
    case 0: {
      codec::Envelope e;
      if (codec::DecodeEnvelope(in, &e)) {
        codec::Envelope e2;
        const std::string again = codec::EncodeEnvelope(e.payload, e.expiry_us);
        Check(codec::DecodeEnvelope(again, &e2));
        Check(e2.payload == e.payload && e2.expiry_us == e.expiry_us);
      }
      break;
    }
    case 1: {
      int64_t delta = 0, expiry = 0;
      if (codec::DecodeCounterAdd(in, &delta, &expiry)) {
        int64_t d2 = 0, x2 = 0;
        Check(codec::DecodeCounterAdd(codec::EncodeCounterAdd(delta, expiry), &d2, &x2));
        Check(d2 == delta && x2 == expiry);
      }
      (void)codec::ParseDecimalInt64(in);
      break;
    }
    case 2: {
      ChangeEvent e;
      if (internal::DecodeEventValue(7, in, &e).ok()) {
        std::string again;
        internal::EncodeEventValue(e, &again);
        ChangeEvent e2;
        Check(internal::DecodeEventValue(7, again, &e2).ok());
        Check(e2.key == e.key && e2.before == e.before && e2.after == e.after &&
              e2.txn_id == e.txn_id && e2.object == e.object);
      }
      break;
    }
    case 3: {
      auto doc = doc::DecodeDocument(in);
      if (doc.ok()) {
        auto again = doc::DecodeDocument(doc::EncodeDocument(*doc));
        Check(again.ok() && query::IdenticalValues(*again, *doc));
        (void)doc::JsonText(*doc);
      } else {
        Check(doc.status().code() == absl::StatusCode::kDataLoss);
      }
      // The lazy view of the read path (doc_view.h): it accepts what the decoder accepts, and
      // every field it yields is the decoded document's.
      doc::LazyDocument view;
      absl::Status s = view.Reset(in);
      if (doc.ok()) {
        Check(s.ok());
        for (auto it = doc->begin(); it != doc->end(); ++it) {
          const query::Json* v = view.Field(it.key());
          Check(v != nullptr && query::IdenticalValues(*v, *doc->find(it.key())));
        }
      } else if (s.ok()) {
        // Framing is fine but a value is not: decoding the fields one by one finds it.
        for (const auto& f : view.fields()) (void)view.Field(std::string(f.name));
      } else {
        Check(s.code() == absl::StatusCode::kDataLoss);
      }
      break;
    }
    case 4: {
      std::string_view rest = in;
      while (!rest.empty()) {
        auto v = doc::DecodeComponent(&rest, (which & 0x80) != 0);
        if (!v.ok()) break;
        (void)doc::JsonText(*v);
      }
      break;
    }
    case 5: {
      auto chunk = ts::DecodeChunk(in);
      if (chunk.ok()) {
        auto again = ts::EncodeChunk(chunk->type, chunk->points);
        Check(again.ok());
        auto chunk2 = ts::DecodeChunk(*again);
        Check(chunk2.ok() && chunk2->points == chunk->points && chunk2->type == chunk->type);
      } else {
        Check(chunk.status().code() == absl::StatusCode::kDataLoss);
      }
      // The block index (version 3): decoding from any checkpoint of what parses stays inside
      // the value and yields ascending times; of a valid chunk, the points from that block on.
      ts::ChunkInfo info;
      if (ts::ParseChunk(in, &info).ok()) {
        for (size_t b = 0; b < info.blocks.size(); ++b) {
          std::vector<ts::RawPoint> out;
          absl::Status s = ts::DecodeChunkBlocks(info, b, INT64_MIN, INT64_MAX, &out);
          Check(s.ok() || s.code() == absl::StatusCode::kDataLoss);
          for (size_t i = 1; i < out.size(); ++i) Check(out[i - 1].ts < out[i].ts);
          if (chunk.ok()) {
            const auto from =
                chunk->points.begin() + static_cast<std::ptrdiff_t>(info.blocks[b].first_point);
            Check(s.ok() && out == std::vector<ts::RawPoint>(from, chunk->points.end()));
          }
        }
      }
      break;
    }
    case 6:
      (void)ts::DecodeMeasurementOptions(in);
      break;
    case 7: {
      wide::DecodedKey k;
      (void)wide::DecodeKey(in, &k);
      std::string_view v;
      if (wide::DecodeCellValue(in, &v)) {
        std::string_view v2;
        const std::string again = wide::EncodeCellValue(v);
        Check(wide::DecodeCellValue(again, &v2) && v2 == v);
      }
      break;
    }
    case 8: {
      wide::TableSchema s;
      if (wide::DecodeSchema(in, &s)) {
        wide::TableSchema s2;
        Check(wide::DecodeSchema(wide::EncodeSchema(s), &s2));
      }
      break;
    }
    case 9: {
      auto v = graph::DecodeVertex(in);
      if (v) {
        auto v2 = graph::DecodeVertex(graph::EncodeVertex(*v));
        Check(v2 && v2->label == v->label && v2->props == v->props);
      }
      break;
    }
    case 10: {
      auto e = graph::DecodeEdge(in, 42);
      if (e) {
        auto e2 = graph::DecodeEdge(graph::EncodeEdge(*e), 42);
        Check(e2 && e2->src == e->src && e2->dst == e->dst && e2->type == e->type &&
              e2->props == e->props);
      }
      break;
    }
    case 11: {
      AdjEntry a;
      std::string_view vertex;
      (void)graph::DecodeAdjKey(in, &a, &vertex);
      double w = 0;
      (void)graph::DecodeWeight(in, &w);
      break;
    }
  }
  return 0;
}
