// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Ctrl-C (SIGINT). InstallInterruptHandler() installs a SIGINT handler (with SA_RESTART, so that
// an interrupted write to the terminal resumes) that
//   - cancels the running command, through the session's CancelToken (commands.h), and
//   - interactive: marks an interrupt as pending, which the line editor takes to clear the line
//     being typed;
//   - scripts (-c, FILE, piped input): a SIGINT while the shell waits for its next input line, or
//     a second SIGINT once the command was already cancelled, ends the process at once with the
//     default action (killed by SIGINT), as a filter such as cat(1) would be.
// The caller stops the script after a cancelled command and exits with kExitInterrupted (130).
// Process-wide state: call these from the main thread only.
#pragma once

#include "tools/shell/commands.h"

namespace tessera::shell {

enum class InterruptMode {
  kInteractive,  // Ctrl-C cancels the command or drops the line being typed; the shell goes on
  kScript,       // SIGINT cancels the command; waiting for input or a second SIGINT: terminate
};

// Installs the handler; `token` (or null) is the token Ctrl-C cancels. Call it from the main
// thread: the handler forwards a SIGINT that another thread received to the caller's thread.
// Returns false if sigaction failed.
bool InstallInterruptHandler(CancelToken* token, InterruptMode mode = InterruptMode::kInteractive);
// Restores the default SIGINT action and forgets the token.
void RemoveInterruptHandler();

// Whether a Ctrl-C arrived since the last call; clears the mark.
bool TakePendingInterrupt();

// Script mode: whether the shell is blocked reading its next input line (see InterruptMode).
void SetWaitingForInput(bool waiting);

}  // namespace tessera::shell
