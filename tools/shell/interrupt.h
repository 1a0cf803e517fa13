// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Ctrl-C in the interactive shell. InstallInterruptHandler() installs a SIGINT handler (with
// SA_RESTART, so that an interrupted write to the terminal resumes) that
//   - cancels the running command, through the session's CancelToken (commands.h), and
//   - marks an interrupt as pending, which the line editor takes to clear the line being typed.
// Process-wide state: call these from the main thread only.
#pragma once

#include "tools/shell/commands.h"

namespace tessera::shell {

// Installs the handler; `token` (or null) is the token Ctrl-C cancels. Call it from the main
// thread: the handler forwards a SIGINT that another thread received to the caller's thread.
// Returns false if sigaction failed.
bool InstallInterruptHandler(CancelToken* token);
// Restores the default SIGINT action and forgets the token.
void RemoveInterruptHandler();

// Whether a Ctrl-C arrived since the last call; clears the mark.
bool TakePendingInterrupt();

}  // namespace tessera::shell
