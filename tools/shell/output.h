// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Rendering of command results and errors, in the shell's output formats:
//   json   one line per command holding one JSON value; errors as {"error": CODE, "message": TEXT}
//   jsonl  JSON Lines: an array result prints one line per element (none when empty), any other
//          result one line; errors as in json
//   table  readable text: arrays of objects as aligned tables, objects as key/value tables,
//          scalars as themselves; errors as `error (CODE): TEXT` on standard error
//   csv    RFC 4180: arrays of objects as a header row and one row per element, objects as
//          key,value rows, scalars as one field; errors as in table
// With `color` (a terminal, NO_COLOR unset), table headers are bold and table errors red.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace tessera::shell {

// Results keep their keys in insertion order, so that tables show columns as commands built them.
using Json = nlohmann::ordered_json;

enum class Format { kTable, kJson, kJsonl, kCsv };

// "table", "json", "jsonl" or "csv" -> the format; nullopt for anything else.
std::optional<Format> ParseFormat(std::string_view name);
// The inverse of ParseFormat.
std::string_view FormatName(Format format);
// Whether errors in `format` go to standard output as JSON (json, jsonl) rather than to standard
// error as text (table, csv).
bool ErrorsOnStdout(Format format);

// Table cells longer than this many characters are cut and end with "…".
inline constexpr size_t kMaxCellWidth = 60;

// Compact single-line JSON. Never throws: invalid UTF-8 in strings becomes U+FFFD.
std::string DumpJson(const Json& value);

// The text printed for a successful result, ending with a line break.
std::string RenderResult(const Json& value, Format format, bool color = false);
std::string RenderTable(const Json& value, bool color = false);
std::string RenderCsv(const Json& value);
std::string RenderJsonLines(const Json& value);

// The error object of the json format: {"error": StatusCodeName(code), "message": message}.
Json ErrorJson(const absl::Status& status);
// The text printed for a failed command, ending with a line break: the error object's JSON line
// (json format, for standard output) or `error (CODE): TEXT` (table format, for standard error).
std::string RenderError(const absl::Status& status, Format format, bool color = false);

}  // namespace tessera::shell
