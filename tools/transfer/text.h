// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Text helpers of the transfer formats: base64 (RFC 4648, with padding), UTF-8 validation, and
// RFC 4180 CSV reading and writing.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

#include "core/util/utf8.h"

namespace tessera::transfer {

std::string Base64Encode(std::string_view bytes);
// nullopt when `text` is not valid padded base64.
std::optional<std::string> Base64Decode(std::string_view text);

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates).
using util::IsValidUtf8;

// One CSV record: fields joined by commas, a field quoted (with "" for a quote) when it holds a
// comma, a quote, CR or LF, or starts or ends with a space; terminated by CRLF as RFC 4180 says.
std::string CsvRecord(const std::vector<std::string>& fields);

// Reads RFC 4180 records (CRLF or LF line ends; quoted fields may span lines). Not thread-safe.
class CsvReader {
 public:
  // `path` only names the file in errors.
  CsvReader(std::istream* in, std::string path) : in_(in), path_(std::move(path)) {}
  // The next record into *fields; false at the end of the input. InvalidArgument "PATH:LINE: ..."
  // for an unterminated quote or a character after a closing quote.
  absl::StatusOr<bool> Next(std::vector<std::string>* fields);
  // The line the last record started on (1-based).
  size_t line() const { return record_line_; }

 private:
  std::istream* in_;
  std::string path_;
  size_t line_ = 0;
  size_t record_line_ = 0;
};

}  // namespace tessera::transfer
