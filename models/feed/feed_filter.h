// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Event filters of the change feed (model, object name, op).
#pragma once

#include "absl/status/status.h"
#include "tessera/feed.h"

namespace tessera::feed {

// InvalidArgument naming the bad character when `filter.ops` holds anything but c, u, d, r.
absl::Status ValidateFilter(const FeedFilter& filter);

// True when `e` passes `filter` (empty lists pass everything).
bool Matches(const FeedFilter& filter, const ChangeEvent& e);

}  // namespace tessera::feed
