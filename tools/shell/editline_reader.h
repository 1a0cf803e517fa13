// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The terminal line reader: line editing (emacs keys; ~/.editrc is read), a persistent history
// and Tab completion, through libedit (BSD licensed, so the shell binary stays permissively
// licensed; see docs/shell.md). Used only when standard input and output are terminals.
//
// Ctrl-C at the prompt drops the line being typed (ReadStatus::kInterrupted); Ctrl-D on an empty
// line ends the input. For Ctrl-C to reach the reader, install the shell's SIGINT handler
// (interrupt.h): the reader waits for input with ppoll, which that signal interrupts.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "tools/shell/completion.h"
#include "tools/shell/line_reader.h"

namespace tessera::shell {

struct EditLineOptions {
  std::string history_path;  // the history file, loaded at start and saved after each
                             // command; empty: no history file
  int history_size = 1000;   // how many commands the history keeps
  std::function<Completion(std::string_view before_cursor)> complete;  // Tab; null: none
};

// Not thread-safe; one per process (it owns the terminal).
class EditLineReader : public LineReader {
 public:
  // A reader on standard input and output; null if libedit cannot be set up on them.
  static std::unique_ptr<EditLineReader> Open(EditLineOptions options);
  ~EditLineReader() override;
  EditLineReader(const EditLineReader&) = delete;
  EditLineReader& operator=(const EditLineReader&) = delete;

  InputLine ReadLine(std::string_view prompt) override;
  void AddHistory(std::string_view command) override;

  struct State;  // libedit callbacks reach it through EL_CLIENTDATA

 private:
  explicit EditLineReader(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The history file: $TESSERA_HISTORY if set (empty: none), else ~/.tessera_history ($HOME), else
// none.
std::string DefaultHistoryPath();

}  // namespace tessera::shell
