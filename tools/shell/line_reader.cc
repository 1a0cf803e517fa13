// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The stream line reader.
#include "tools/shell/line_reader.h"

namespace tessera::shell {

StreamLineReader::StreamLineReader(std::istream& in, std::ostream* prompt_out)
    : in_(in), prompt_out_(prompt_out) {}

InputLine StreamLineReader::ReadLine(std::string_view prompt) {
  if (prompt_out_ != nullptr) *prompt_out_ << prompt << std::flush;
  InputLine line;
  if (!std::getline(in_, line.text)) {
    if (prompt_out_ != nullptr) *prompt_out_ << "\n" << std::flush;
    return InputLine{ReadStatus::kEnd, ""};
  }
  if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
  line.status = ReadStatus::kLine;
  return line;
}

}  // namespace tessera::shell
