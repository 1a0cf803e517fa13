// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The stream line reader.
#include "tools/shell/line_reader.h"

#include <utility>

namespace tessera::shell {

StreamLineReader::StreamLineReader(std::istream& in, std::ostream* prompt_out, std::string prompt)
    : in_(in), prompt_out_(prompt_out), prompt_(std::move(prompt)) {}

std::optional<std::string> StreamLineReader::ReadLine() {
  if (prompt_out_ != nullptr) *prompt_out_ << prompt_ << std::flush;
  std::string line;
  if (!std::getline(in_, line)) {
    if (prompt_out_ != nullptr) *prompt_out_ << "\n" << std::flush;
    return std::nullopt;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace tessera::shell
