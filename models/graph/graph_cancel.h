// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Cancellation polls shared by the traversals and the algorithms: their options structs
// (TraversalOptions, SubgraphOptions) carry a `cancelled` callback that long loops poll.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "core/util/strings.h"

namespace tessera::graph {

// Items (adjacency entries, vertices, expansion steps) a long loop handles between two polls.
inline constexpr uint32_t kCancelPoll = 4096;

// Cancelled("<what> cancelled") once `o.cancelled` says so; OK otherwise (also without one).
template <typename Options>
absl::Status CheckCancelled(const Options& o, std::string_view what) {
  if (o.cancelled && o.cancelled()) return absl::CancelledError(util::StrCat(what, " cancelled"));
  return absl::OkStatus();
}

}  // namespace tessera::graph
