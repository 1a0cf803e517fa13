// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "tools/transfer/text.h"

#include "core/util/strings.h"

namespace tessera::transfer {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) |
                 (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int s[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      char c = text[i + j];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        s[j] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;
      s[j] = Sextet(c);
      if (s[j] < 0) return std::nullopt;
    }
    uint32_t v = (s[0] << 18) | (s[1] << 12) | (s[2] << 6) | s[3];
    out.push_back(static_cast<char>((v >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(v & 0xFF));
  }
  return out;
}

std::string CsvRecord(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    const std::string& f = fields[i];
    bool quote = f.find_first_of(",\"\r\n") != std::string::npos ||
                 (!f.empty() && (f.front() == ' ' || f.back() == ' '));
    if (!quote) {
      out += f;
      continue;
    }
    out.push_back('"');
    for (char c : f) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out += "\r\n";
  return out;
}

absl::StatusOr<bool> CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  std::string line;
  if (!std::getline(*in_, line)) return false;
  ++line_;
  record_line_ = line_;
  std::string field;
  bool quoted = false;       // inside a quoted field
  bool after_quote = false;  // a quoted field just closed
  size_t i = 0;
  while (true) {
    if (i == line.size()) {
      if (quoted) {
        // The quoted field goes on: the newline is part of it.
        if (!std::getline(*in_, line)) {
          return absl::InvalidArgumentError(
              util::StrCat(path_, ":", record_line_,
                           ": a quoted field is not closed before the end of the file"));
        }
        ++line_;
        field.push_back('\n');
        i = 0;
        continue;
      }
      break;
    }
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field.push_back('"');
          i += 2;
          continue;
        }
        quoted = false;
        after_quote = true;
        ++i;
        continue;
      }
      field.push_back(c);
      ++i;
      continue;
    }
    if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
      after_quote = false;
      ++i;
      continue;
    }
    if (c == '\r' && i + 1 == line.size()) {
      ++i;
      continue;
    }
    if (after_quote) {
      return absl::InvalidArgumentError(
          util::StrCat(path_, ":", line_, ": unexpected character '", std::string(1, c),
                       "' after a closing quote (column ", fields->size() + 1, ")"));
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      ++i;
      continue;
    }
    field.push_back(c);
    ++i;
  }
  // A quoted field spanning lines kept LF line ends; CRLF inside it became LF plus a CR kept
  // before it, which is what was written.
  fields->push_back(std::move(field));
  return true;
}

}  // namespace tessera::transfer
