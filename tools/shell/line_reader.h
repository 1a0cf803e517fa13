// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Where the shell's input lines come from. An interface so that the plain stream reader used now
// can be replaced by one with line editing and history (libedit) without touching the loop.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>

namespace tessera::shell {

class LineReader {
 public:
  virtual ~LineReader() = default;
  // The next line without its line break, or nullopt at the end of the input.
  virtual std::optional<std::string> ReadLine() = 0;
};

// Reads lines from a stream. With a prompt stream, writes `prompt` to it before each line, and a
// line break when the input ends (so that the terminal's next prompt starts on a new line).
class StreamLineReader : public LineReader {
 public:
  explicit StreamLineReader(std::istream& in, std::ostream* prompt_out = nullptr,
                            std::string prompt = "tessera> ");
  std::optional<std::string> ReadLine() override;

 private:
  std::istream& in_;
  std::ostream* prompt_out_;
  std::string prompt_;
};

}  // namespace tessera::shell
