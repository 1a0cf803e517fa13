// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// PointBatch: the first half of a time-series write. It collects points, from line protocol or
// from the batch API, grouped by series key (measurement + tag set) and field, and validates them,
// before anything is resolved or created in the database. Pure; no database.
//
// Line protocol takes a fast path for the common line (no backslash, no quote, no leading blank):
// the text before the first space is the series key, looked up as a string_view into the input,
// so a series key seen before in the batch costs one hash lookup and no tag parsing, sorting or
// allocation; fields are matched against the series' small field table (by position first). Any
// other line, and the first line of each series key, go through ParseLine (line_protocol.h),
// whose errors and semantics are the reference.
//
// Thread safety: not thread-safe (one per write call).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "models/ts/chunk_codec.h"
#include "models/ts/line_protocol.h"
#include "tessera/ts.h"

namespace tessera::ts {

// The points of one field of one series key, in input order.
struct BatchField {
  std::string name;                     // the field key
  ValueType type = ValueType::kFloat;   // the type of its first point in the batch
  bool typed = false;                   // `type` is set (the field has had a point)
  std::optional<ValueType> other_type;  // a different type seen later in the batch (an error)
  std::vector<RawPoint> points;         // input order; duplicates possible (last wins)
  size_t stamp = 0;                     // the last line that wrote it (duplicate detection)
  bool plain = false;  // `name` has no byte the fast path's key scan stops at or refuses
};

// One series key (measurement + tag set) of the batch and its fields.
struct BatchSeries {
  std::string measurement;         // the measurement name (validated)
  TsTags tags;                     // sorted by key, validated
  std::string tagset;              // EncodeTagSet(tags) (ts_keys.h)
  std::vector<BatchField> fields;  // in first-appearance order

  // The field named `name`, added when new; `hint` is where it is expected.
  BatchField* Field(std::string_view name, size_t hint);
};

class PointBatch {
 public:
  PointBatch() = default;
  PointBatch(const PointBatch&) = delete;
  PointBatch& operator=(const PointBatch&) = delete;

  // Adds every point of line-protocol `text` (lines numbered from `first_line`); lines without a
  // timestamp take `now`. The error is the one WriteLineProtocol documents: the first malformed
  // line's, or else the first line whose point the store refuses (a string field, an unsigned
  // value above 2^63-1, a bad measurement name). `text` must outlive the batch.
  absl::Status AddLines(std::string_view text, Precision precision, size_t first_line, int64_t now);
  // Adds one point of the batch API, validated as TsStore::Write documents.
  absl::Status AddPoint(const TsPoint& p);

  // The series keys, in first-appearance order.
  const std::vector<std::unique_ptr<BatchSeries>>& series() const { return series_; }
  std::vector<std::unique_ptr<BatchSeries>>& series() { return series_; }
  // Lines (or batch points) added.
  size_t points() const { return points_; }
  // Sends every line through ParseLine (tests compare the fast path against it).
  void DisableFastPathForTesting() { fast_path_ = false; }

 private:
  struct FastField {
    std::string_view key;  // (not set when `target` is)
    size_t target;         // its field's index in the series, or kNoTarget until looked up
    ValueType type;
    uint64_t bits;
  };
  static constexpr size_t kNoTarget = ~size_t{0};
  // A series key text seen in the batch (no backslash, no quote, no space), its series, and the
  // key of the line that followed its last line: lines cycle through the series in a fixed
  // order (one line per host and time), so the next line's key is checked against it before
  // the key is searched for its end and hashed.
  struct RawKey {
    std::string_view text;
    BatchSeries* series = nullptr;
    RawKey* next = nullptr;
  };
  // The series of (measurement, sorted tags), added when new.
  BatchSeries* SeriesFor(std::string_view measurement, TsTags tags);
  // Parses one line the fast way; false when the line needs ParseLine.
  bool AddFast(std::string_view line, size_t line_number, Precision precision, int64_t now);
  // Parses one line with ParseLine and adds it; `raw_key` (if not empty) is remembered as its
  // series key text.
  absl::Status AddSlow(std::string_view line, size_t line_number, Precision precision, int64_t now,
                       std::string_view raw_key);

  std::vector<std::unique_ptr<BatchSeries>> series_;
  absl::flat_hash_map<std::string, BatchSeries*> by_canonical_;  // measurement \0 tagset
  absl::flat_hash_map<std::string_view, RawKey*> by_raw_;        // line text before the space
  std::vector<std::unique_ptr<RawKey>> raw_keys_;                // by_raw_'s values
  RawKey* prev_key_ = nullptr;                                   // the last fast line's key
  std::string scratch_;                                          // canonical key buffer
  static constexpr size_t kMaxFastFields = 64;                   // lines with more take ParseLine
  FastField fast_[kMaxFastFields];                               // one line's fields
  absl::Status deferred_;  // the first refused point (reported after every line parsed)
  size_t points_ = 0;
  bool fast_path_ = true;
};

}  // namespace tessera::ts
