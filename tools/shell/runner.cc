// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The read-execute-print loop.
#include "tools/shell/runner.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "tools/shell/output.h"
#include "tools/shell/tokenizer.h"

namespace tessera::shell {
namespace {

// Results are written in pieces of this size, checking for Ctrl-C between them.
constexpr size_t kWriteChunk = 4096;

// Writes `text` to `out`, stopping early once `cancel` is set. Returns false if it stopped.
bool WriteCancellable(std::ostream& out, std::string_view text, const CancelToken& cancel) {
  for (size_t pos = 0; pos < text.size(); pos += kWriteChunk) {
    if (cancel.cancelled()) return false;
    out << text.substr(pos, kWriteChunk) << std::flush;
  }
  return true;
}

std::string Elapsed(std::chrono::steady_clock::duration d) {
  double ms = std::chrono::duration<double, std::milli>(d).count();
  char text[64];
  std::snprintf(text, sizeof(text), "time: %.3f ms\n", ms);
  return text;
}

// Joins the lines of a multi-line command for the history: one line, so that recalling it
// brings back the whole command.
std::string HistoryEntry(std::string_view command) {
  std::string entry(command);
  for (char& c : entry) {
    if (c == '\n') c = ' ';
  }
  return entry;
}

// RunText without resetting the cancel token.
bool RunCommands(Session& session, std::string_view text, const RunOptions& options,
                 std::ostream& out, std::ostream& err) {
  bool all_ok = true;
  for (const std::string& command : SplitCommands(text)) {
    if (session.quit_requested()) break;
    auto start = std::chrono::steady_clock::now();
    // A Ctrl-C that came after the line was read but before this command started cancels it.
    absl::StatusOr<Json> result = session.cancel_requested()
                                      ? absl::StatusOr<Json>(CancelledByUser())
                                      : session.Execute(command);
    auto elapsed = std::chrono::steady_clock::now() - start;
    Format format = session.format();  // after the command: `.format` applies to its own "ok"
    if (result.ok()) {
      std::string rendered = RenderResult(*result, format, options.color_out);
      if (!WriteCancellable(out, rendered, session.cancel_token())) {
        out.clear();
        out << "\n" << std::flush;
        err << RenderError(absl::CancelledError("output cut: interrupted by Ctrl-C"),
                           Format::kTable, options.color_err)
            << std::flush;
        all_ok = false;
      }
    } else {
      all_ok = false;
      if (ErrorsOnStdout(format)) {
        out << RenderError(result.status(), format) << std::flush;
      } else {
        out << std::flush;
        err << RenderError(result.status(), format, options.color_err) << std::flush;
      }
    }
    if (session.timer()) err << Elapsed(elapsed) << std::flush;
    if (session.cancel_requested()) return false;  // Ctrl-C also drops the rest of the line
    if (!all_ok && !options.interactive && !options.keep_going) break;
  }
  return all_ok;
}

}  // namespace

bool RunText(Session& session, std::string_view text, const RunOptions& options, std::ostream& out,
             std::ostream& err) {
  if (options.interactive) session.cancel_token().Reset();
  return RunCommands(session, text, options, out, err);
}

bool RunText(Session& session, std::string_view text, bool keep_going, std::ostream& out,
             std::ostream& err) {
  return RunText(session, text, RunOptions{.keep_going = keep_going}, out, err);
}

int RunLines(Session& session, LineReader& reader, const RunOptions& options, std::ostream& out,
             std::ostream& err) {
  bool failed = false;
  std::string pending;  // the lines of a command whose JSON is not yet balanced
  while (!session.quit_requested()) {
    if (options.interactive) session.cancel_token().Reset();
    InputLine line = reader.ReadLine(pending.empty() ? kPrompt : kContinuationPrompt);
    if (line.status == ReadStatus::kInterrupted) {
      pending.clear();
      continue;
    }
    if (line.status == ReadStatus::kEnd) {
      // An unbalanced command at the end of the input runs as it is (and reports the JSON error).
      if (!pending.empty() && !options.interactive) {
        failed |= !RunCommands(session, pending, options, out, err);
      }
      if (!options.interactive && session.cancel_requested()) return kExitInterrupted;
      break;
    }
    pending += pending.empty() ? line.text : "\n" + line.text;
    if (NeedsContinuation(pending)) continue;
    std::string command = std::move(pending);
    pending.clear();
    bool blank = command.find_first_not_of(" \t\r\n") == std::string::npos;
    // A command typed with a leading space stays out of the history (as with bash's ignorespace).
    if (!blank && command.front() != ' ') reader.AddHistory(HistoryEntry(command));
    if (!RunCommands(session, command, options, out, err)) {
      failed = true;
      if (!options.interactive && session.cancel_requested()) return kExitInterrupted;
      if (!options.interactive && !options.keep_going) return kExitCommandFailed;
    }
  }
  return failed && !options.interactive ? kExitCommandFailed : kExitOk;
}

int RunLines(Session& session, LineReader& reader, bool interactive, std::ostream& out,
             std::ostream& err) {
  return RunLines(session, reader, RunOptions{.interactive = interactive}, out, err);
}

}  // namespace tessera::shell
