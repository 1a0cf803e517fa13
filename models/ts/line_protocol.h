// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// InfluxDB line protocol parser (pure; no database):
//
//   measurement[,tag_key=tag_value...] field_key=field_value[,field_key=field_value...] [timestamp]
//
// - Escapes: in the measurement `\,` and `\ `; in tag keys, tag values and field keys `\,`, `\=`
//   and `\ `; in string field values `\"` and `\\`. A backslash before any other character is
//   kept literally.
// - Field values: float (`1`, `1.0`, `-2.5e3`; NaN and infinities are refused as InfluxDB does),
//   int64 (`1i`), uint64 (`1u`), string (`"..."`, at most 64 KiB), bool (t T true True TRUE, f F
//   false False FALSE).
// - Timestamp: an optional signed integer in the chosen precision, scaled to nanoseconds.
// - Blank lines and lines whose first non-blank character is `#` are skipped. A trailing `\r` is
//   dropped.
// - Tags are returned sorted by key; a duplicate tag key is an error; a duplicate field key keeps
//   the last value.
// Errors are InvalidArgument "line N: what was wrong".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace tessera::ts {

// Timestamp precision of line-protocol input.
enum class Precision { kNanoseconds, kMicroseconds, kMilliseconds, kSeconds };

// Parses "ns", "us", "ms" or "s".
[[nodiscard]] absl::StatusOr<Precision> ParsePrecision(std::string_view s);
// Nanoseconds per unit of `p` (1 for nanoseconds, 10^9 for seconds).
int64_t PrecisionScale(Precision p);

// Line protocol's boolean literals: t, T, true, True, TRUE and f, F, false, False, FALSE.
inline bool IsTrueLiteral(std::string_view v) {
  return v == "t" || v == "T" || v == "true" || v == "True" || v == "TRUE";
}
inline bool IsFalseLiteral(std::string_view v) {
  return v == "f" || v == "F" || v == "false" || v == "False" || v == "FALSE";
}

// A field value: float, int64, uint64, bool or string.
using FieldValue = std::variant<double, int64_t, uint64_t, bool, std::string>;

// One field of a point.
struct LineField {
  std::string key;   // unescaped field key
  FieldValue value;  // typed value
  bool operator==(const LineField&) const = default;
};

// One parsed line.
struct LinePoint {
  std::string measurement;                                // unescaped
  std::vector<std::pair<std::string, std::string>> tags;  // sorted by key, unescaped
  std::vector<LineField> fields;                          // in first-appearance order, >= 1
  std::optional<int64_t> timestamp;                       // nanoseconds, if the line had one
  size_t line_number = 0;                                 // 1-based line of the input
};

// Parses one line (without its newline). Returns nullopt for a blank or comment line.
[[nodiscard]] absl::StatusOr<std::optional<LinePoint>> ParseLine(std::string_view line,
                                                                 size_t line_number,
                                                                 Precision precision);

// Parses text of many lines, numbering them from `first_line`. Stops at the first malformed
// line and returns its error (so a caller writing the result writes all or nothing).
[[nodiscard]] absl::StatusOr<std::vector<LinePoint>> ParseLines(std::string_view text,
                                                                Precision precision,
                                                                size_t first_line = 1);

}  // namespace tessera::ts
