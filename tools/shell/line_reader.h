// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Where the shell's input lines come from: a plain stream (scripts, pipes), or a terminal with
// line editing, history and completion (editline_reader.h). The read loop (runner.h) sees only
// this interface.
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <string_view>

namespace tessera::shell {

// The outcome of reading one line.
enum class ReadStatus {
  kLine,         // a line was read
  kInterrupted,  // Ctrl-C at the prompt: the line being typed (and any pending continuation
                 // lines) are dropped
  kEnd,          // the input ended (Ctrl-D on a terminal)
};

struct InputLine {
  ReadStatus status = ReadStatus::kEnd;
  std::string text;  // the line without its line break (kLine only)
};

// Not thread-safe.
class LineReader {
 public:
  virtual ~LineReader() = default;
  // Reads the next line, showing `prompt` where the reader shows prompts.
  virtual InputLine ReadLine(std::string_view prompt) = 0;
  // Records a complete command (possibly joined from several lines) in the history, if any.
  virtual void AddHistory(std::string_view command) { (void)command; }
};

// Reads lines from a stream. With a prompt stream, writes the prompt to it before each line, and
// a line break when the input ends (so that the terminal's next prompt starts on a new line).
class StreamLineReader : public LineReader {
 public:
  explicit StreamLineReader(std::istream& in, std::ostream* prompt_out = nullptr);
  InputLine ReadLine(std::string_view prompt) override;

 private:
  std::istream& in_;
  std::ostream* prompt_out_;
};

}  // namespace tessera::shell
