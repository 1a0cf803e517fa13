// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Rendering of command results and errors, in the shell's two output formats:
//   json   one line per command holding one JSON value; errors as {"error": CODE, "message": TEXT}
//   table  readable text: arrays of objects as aligned tables, objects as key/value tables,
//          scalars as themselves; errors as `error (CODE): TEXT` on standard error
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"

namespace tessera::shell {

// Results keep their keys in insertion order, so that tables show columns as commands built them.
using Json = nlohmann::ordered_json;

enum class Format { kTable, kJson };

// "table" or "json" -> the format; nullopt for anything else.
std::optional<Format> ParseFormat(std::string_view name);

// Table cells longer than this many characters are cut and end with "…".
inline constexpr size_t kMaxCellWidth = 60;

// Compact single-line JSON. Never throws: invalid UTF-8 in strings becomes U+FFFD.
std::string DumpJson(const Json& value);

// The text printed for a successful result, ending with a line break.
std::string RenderResult(const Json& value, Format format);
std::string RenderTable(const Json& value);

// The error object of the json format: {"error": StatusCodeName(code), "message": message}.
Json ErrorJson(const absl::Status& status);
// The text printed for a failed command, ending with a line break: the error object's JSON line
// (json format, for standard output) or `error (CODE): TEXT` (table format, for standard error).
std::string RenderError(const absl::Status& status, Format format);

}  // namespace tessera::shell
