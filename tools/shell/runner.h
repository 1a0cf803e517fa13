// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The shell's read-execute-print loop, separate from main() so that tests can run it on strings.
// Results go to `out`; errors go to `out` in json format and to `err` in table format.
#pragma once

#include <ostream>
#include <string_view>

#include "tools/shell/commands.h"
#include "tools/shell/line_reader.h"

namespace tessera::shell {

// The shell's exit statuses.
inline constexpr int kExitOk = 0;             // every command succeeded
inline constexpr int kExitCommandFailed = 1;  // a command failed (non-interactive modes)
inline constexpr int kExitUsage = 2;          // bad command-line arguments
inline constexpr int kExitOpenFailed = 3;     // the database could not be opened

// Runs the commands in `text` (separated by `;` or line breaks). Stops at the first failing
// command unless `keep_going`. Returns false if a command failed.
bool RunText(Session& session, std::string_view text, bool keep_going, std::ostream& out,
             std::ostream& err);

// Runs the commands of every line of `reader` until the input ends or `quit`. Interactive: errors
// are printed and the loop goes on (exit status 0). Otherwise the first failing command stops the
// loop with kExitCommandFailed.
int RunLines(Session& session, LineReader& reader, bool interactive, std::ostream& out,
             std::ostream& err);

}  // namespace tessera::shell
