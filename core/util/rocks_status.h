// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The one place where rocksdb::Status becomes absl::Status. Conflicts (Busy, TimedOut on a lock,
// Deadlock) become Aborted, Tessera's retryable code.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "rocksdb/status.h"
#include "tessera/status.h"

namespace tessera::internal {

// Converts `s`; `context` names the operation and its input for the message ("get kv/users").
absl::Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace tessera::internal
