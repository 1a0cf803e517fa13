// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// JSON and table rendering. Table cells are sanitized for a terminal: invalid UTF-8 becomes
// U+FFFD, control characters are escaped, and long values are cut to kMaxCellWidth characters.
#include "tools/shell/output.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/util/strings.h"
#include "tessera/status.h"

namespace tessera::shell {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026 "…"

// The length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  auto cont = [&](size_t k) { return k < s.size() && (byte(k) & 0xC0) == 0x80; };
  uint8_t b = byte(i);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    if (!cont(i + 1) || !cont(i + 2)) return 0;
    if (b == 0xE0 && byte(i + 1) < 0xA0) return 0;   // overlong
    if (b == 0xED && byte(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (b == 0xF0 && byte(i + 1) < 0x90) return 0;   // overlong
    if (b == 0xF4 && byte(i + 1) >= 0x90) return 0;  // beyond U+10FFFF
    return 4;
  }
  return 0;
}

// One character of terminal text per element: valid UTF-8 kept, the rest made printable.
// Line breaks and tabs are escaped unless `multiline`.
std::vector<std::string> PrintableChars(std::string_view s, bool multiline = false) {
  std::vector<std::string> chars;
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      chars.emplace_back(kReplacement);
      ++i;
      continue;
    }
    char c = s[i];
    if (multiline && (c == '\n' || c == '\t')) {
      chars.emplace_back(1, c);
    } else if (n == 1 && (static_cast<uint8_t>(c) < 0x20 || c == 0x7F)) {
      if (c == '\n') {
        chars.emplace_back("\\n");
      } else if (c == '\t') {
        chars.emplace_back("\\t");
      } else if (c == '\r') {
        chars.emplace_back("\\r");
      } else {
        chars.emplace_back(kReplacement);
      }
    } else {
      chars.emplace_back(s.substr(i, n));
    }
    i += n;
  }
  return chars;
}

struct Cell {
  std::string text;
  size_t width = 0;  // in characters
};

Cell MakeCell(std::string_view raw) {
  std::vector<std::string> chars = PrintableChars(raw);
  Cell cell;
  size_t keep = chars.size() > kMaxCellWidth ? kMaxCellWidth - 1 : chars.size();
  for (size_t i = 0; i < keep; ++i) cell.text += chars[i];
  cell.width = keep;
  if (keep < chars.size()) {
    cell.text += kEllipsis;
    ++cell.width;
  }
  return cell;
}

// A value as the text of a table cell (or of a scalar result): strings unquoted.
std::string ScalarText(const Json& value) {
  if (value.is_null()) return "(null)";
  if (value.is_string()) return value.get<std::string>();
  return DumpJson(value);
}

constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kRed = "\x1b[31m";
constexpr std::string_view kReset = "\x1b[0m";

std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows, bool footer,
                        bool color) {
  std::vector<Cell> head;
  std::vector<size_t> widths;
  for (const std::string& h : header) {
    head.push_back(MakeCell(h));
    widths.push_back(head.back().width);
  }
  std::vector<std::vector<Cell>> body;
  for (const auto& row : rows) {
    std::vector<Cell> cells;
    for (size_t c = 0; c < row.size(); ++c) {
      cells.push_back(MakeCell(row[c]));
      widths[c] = std::max(widths[c], cells.back().width);
    }
    body.push_back(std::move(cells));
  }
  auto line = [&](const std::vector<Cell>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out += " | ";
      out += cells[c].text;
      if (c + 1 < cells.size()) out.append(widths[c] - cells[c].width, ' ');
    }
    return out + "\n";
  };
  std::string out = line(head);
  if (color) out = util::StrCat(kBold, out.substr(0, out.size() - 1), kReset, "\n");
  for (size_t c = 0; c < widths.size(); ++c) {
    if (c > 0) out += "-+-";
    out.append(widths[c], '-');
  }
  out += "\n";
  for (const auto& cells : body) out += line(cells);
  if (footer) {
    out += rows.size() == 1 ? "(1 row)\n" : util::StrCat("(", rows.size(), " rows)\n");
  }
  return out;
}

// An array as columns (the union of its objects' keys, in order of first appearance; "value" for
// elements that are not objects) and rows of cell texts made by `text`.
void Tabulate(const Json& array, std::string (*text)(const Json&), std::vector<std::string>* header,
              std::vector<std::vector<std::string>>* table) {
  std::vector<std::string>& columns = *header;
  auto column_of = [&](const std::string& key) {
    auto it = std::find(columns.begin(), columns.end(), key);
    if (it != columns.end()) return static_cast<size_t>(it - columns.begin());
    columns.push_back(key);
    return columns.size() - 1;
  };
  std::vector<std::vector<std::pair<size_t, std::string>>> sparse;
  for (const Json& element : array) {
    std::vector<std::pair<size_t, std::string>> row;
    if (element.is_object()) {
      for (const auto& [key, value] : element.items()) {
        row.emplace_back(column_of(key), text(value));
      }
    } else {
      row.emplace_back(column_of("value"), text(element));
    }
    sparse.push_back(std::move(row));
  }
  for (const auto& cells : sparse) {
    std::vector<std::string> row(columns.size());
    for (const auto& [c, cell] : cells) row[c] = cell;
    table->push_back(std::move(row));
  }
}

std::string ArrayTable(const Json& array, bool color) {
  if (array.empty()) return "(0 rows)\n";
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  Tabulate(array, &ScalarText, &columns, &rows);
  return FormatTable(columns, rows, /*footer=*/true, color);
}

// A value as a CSV field's text: null is empty, strings unquoted, the rest compact JSON.
std::string CsvText(const Json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  return DumpJson(value);
}

// RFC 4180: a field holding a comma, a quote, a line break or outer spaces is quoted, with its
// quotes doubled.
std::string CsvField(std::string_view text) {
  bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) return std::string(text);
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string CsvRecord(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ",";
    out += CsvField(fields[i]);
  }
  return out + "\r\n";
}

// Nested objects become dotted keys ("operations.kv.get.count").
void Flatten(const Json& object, const std::string& prefix, std::string (*text)(const Json&),
             std::vector<std::vector<std::string>>* rows) {
  for (const auto& [key, value] : object.items()) {
    std::string path = prefix.empty() ? key : util::StrCat(prefix, ".", key);
    if (value.is_object() && !value.empty()) {
      Flatten(value, path, text, rows);
    } else {
      rows->push_back({path, text(value)});
    }
  }
}

}  // namespace

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "table") return Format::kTable;
  if (name == "json") return Format::kJson;
  if (name == "jsonl") return Format::kJsonl;
  if (name == "csv") return Format::kCsv;
  return std::nullopt;
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kTable:
      return "table";
    case Format::kJson:
      return "json";
    case Format::kJsonl:
      return "jsonl";
    case Format::kCsv:
      return "csv";
  }
  return "json";
}

bool ErrorsOnStdout(Format format) { return format == Format::kJson || format == Format::kJsonl; }

std::string DumpJson(const Json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

std::string RenderTable(const Json& value, bool color) {
  if (value.is_array()) return ArrayTable(value, color);
  if (value.is_object()) {
    if (value == Json{{"ok", true}}) return "ok\n";
    std::vector<std::vector<std::string>> rows;
    Flatten(value, "", &ScalarText, &rows);
    if (rows.empty()) return "(empty)\n";
    return FormatTable({"key", "value"}, rows, /*footer=*/false, color);
  }
  std::string out;
  for (const std::string& c : PrintableChars(ScalarText(value), /*multiline=*/true)) out += c;
  if (out.empty() || out.back() != '\n') out += "\n";
  return out;
}

std::string RenderCsv(const Json& value) {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  if (value.is_array()) {
    if (value.empty()) return "";
    Tabulate(value, &CsvText, &header, &rows);
  } else if (value.is_object()) {
    header = {"key", "value"};
    Flatten(value, "", &CsvText, &rows);
  } else {
    return CsvRecord({CsvText(value)});
  }
  std::string out = CsvRecord(header);
  for (const auto& row : rows) out += CsvRecord(row);
  return out;
}

std::string RenderJsonLines(const Json& value) {
  if (!value.is_array()) return DumpJson(value) + "\n";
  std::string out;
  for (const Json& element : value) out += DumpJson(element) + "\n";
  return out;
}

std::string RenderResult(const Json& value, Format format, bool color) {
  switch (format) {
    case Format::kJson:
      return DumpJson(value) + "\n";
    case Format::kJsonl:
      return RenderJsonLines(value);
    case Format::kCsv:
      return RenderCsv(value);
    case Format::kTable:
      break;
  }
  return RenderTable(value, color);
}

Json ErrorJson(const absl::Status& status) {
  Json error;
  error["error"] = StatusCodeName(status.code());
  error["message"] = std::string(util::ToStd(status.message()));
  return error;
}

std::string RenderError(const absl::Status& status, Format format, bool color) {
  if (ErrorsOnStdout(format)) return DumpJson(ErrorJson(status)) + "\n";
  std::string message;
  for (const std::string& c : PrintableChars(util::ToStd(status.message()))) message += c;
  std::string text = util::StrCat("error (", StatusCodeName(status.code()), "): ", message);
  if (color) text = util::StrCat(kRed, text, kReset);
  return text + "\n";
}

}  // namespace tessera::shell
