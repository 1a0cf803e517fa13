// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Physical garbage collection of wide-column cells: the model's compaction hook
// (core/engine/compaction_hook.h). Each compaction's filter walks the cells in key order,
// counting the versions of each column it sees, and removes the versions the family's policy
// collects (wide_codec.h KeepVersion), exactly as reads hide them. Its counts see only that
// compaction's input, so they are lower bounds of the true version index: it can only keep
// more than read-time GC, never remove a cell a read would return.
#pragma once

#include <memory>

#include "core/engine/compaction_hook.h"

namespace tessera::wide {

// Thread-safe (stateless; each filter it makes is single-threaded).
std::shared_ptr<const internal::ModelCompactionHook> NewWideCompactionHook();

}  // namespace tessera::wide
