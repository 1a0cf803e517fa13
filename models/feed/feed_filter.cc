// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/feed/feed_filter.h"

#include <algorithm>

#include "core/util/strings.h"

namespace tessera::feed {

absl::Status ValidateFilter(const FeedFilter& filter) {
  for (char c : filter.ops) {
    if (c != 'c' && c != 'u' && c != 'd' && c != 'r') {
      return absl::InvalidArgumentError(
          util::StrCat("unknown change op '", std::string_view(&c, 1), "' in \"", filter.ops,
                       "\"; ops are c (create), u (update), d (delete), r (snapshot read)"));
    }
  }
  return absl::OkStatus();
}

bool Matches(const FeedFilter& filter, const ChangeEvent& e) {
  if (!filter.models.empty() &&
      std::find(filter.models.begin(), filter.models.end(), e.model) == filter.models.end()) {
    return false;
  }
  if (!filter.objects.empty() &&
      std::find(filter.objects.begin(), filter.objects.end(), e.object) == filter.objects.end()) {
    return false;
  }
  if (!filter.ops.empty() && filter.ops.find(static_cast<char>(e.op)) == std::string::npos) {
    return false;
  }
  return true;
}

}  // namespace tessera::feed
