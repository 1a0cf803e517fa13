// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The shell's read-execute-print loop, separate from main() so that tests can run it on strings.
// Results go to `out`; errors go to `out` in the json and jsonl formats and to `err` in the table
// and csv formats; `.timer` lines go to `err`.
#pragma once

#include <ostream>
#include <string_view>

#include "tools/shell/commands.h"
#include "tools/shell/line_reader.h"

namespace tessera::shell {

// The shell's exit statuses (documented in docs/shell.md and `tessera --help`).
inline constexpr int kExitOk = 0;             // every command succeeded
inline constexpr int kExitCommandFailed = 1;  // a command failed (non-interactive modes)
inline constexpr int kExitUsage = 2;          // bad command-line arguments
inline constexpr int kExitOpenFailed = 3;     // the database could not be opened
inline constexpr int kExitInterrupted = 130;  // scripts: SIGINT cancelled a command (128 + 2)

// The prompts: the first line of a command, and the lines that continue an unbalanced one.
inline constexpr std::string_view kPrompt = "tessera> ";
inline constexpr std::string_view kContinuationPrompt = "   ...> ";

struct RunOptions {
  bool interactive = false;  // errors never stop the loop; the exit status stays 0
  bool keep_going = false;   // non-interactive: run the commands after a failing one too
  bool color_out = false;    // ANSI colour on `out` (table headers)
  bool color_err = false;    // ANSI colour on `err` (error lines in table and csv formats)
};

// Runs the commands in `text` (separated by `;` or line breaks). Stops at the first failing
// command unless `options.interactive` or `options.keep_going`. Interactive: the session's cancel
// token is reset first. A cancelled token stops the rest of `text` (a command that has not
// started fails with `cancelled` without running); a result is written in chunks so that Ctrl-C
// also cuts a long output. Returns false if a command failed.
bool RunText(Session& session, std::string_view text, const RunOptions& options, std::ostream& out,
             std::ostream& err);
bool RunText(Session& session, std::string_view text, bool keep_going, std::ostream& out,
             std::ostream& err);

// Runs the commands of every line of `reader` until the input ends or `quit`. A line whose JSON
// is unbalanced continues on the next ones (prompt kContinuationPrompt), which are joined to it;
// each complete command goes to the reader's history. Interactive: errors are printed and the loop
// goes on (exit status 0); the cancel token is reset before each line is read, so that a Ctrl-C
// that comes any time after the line was read cancels its command. Otherwise the first failing
// command stops the loop with kExitCommandFailed, unless keep_going (which still exits with
// kExitCommandFailed at the end); a cancelled command (SIGINT) always stops it, with
// kExitInterrupted.
int RunLines(Session& session, LineReader& reader, const RunOptions& options, std::ostream& out,
             std::ostream& err);
int RunLines(Session& session, LineReader& reader, bool interactive, std::ostream& out,
             std::ostream& err);

}  // namespace tessera::shell
