// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "query/sort.h"

#include "absl/status/status.h"
#include "core/util/strings.h"
#include "tessera/status.h"

namespace tessera::query {

absl::StatusOr<SortSpec> SortSpec::Parse(const Json& sort) {
  if (!sort.is_object()) return absl::InvalidArgumentError("a sort must be an object");
  if (sort.empty()) return absl::InvalidArgumentError("a sort needs at least one field");
  SortSpec spec;
  for (auto it = sort.begin(); it != sort.end(); ++it) {
    const Json& v = it.value();
    bool one = v.is_number() && v.get<double>() == 1;
    bool minus_one = v.is_number() && v.get<double>() == -1;
    if (!one && !minus_one) {
      return absl::InvalidArgumentError(
          util::StrCat("sort direction for ", it.key(), " must be 1 or -1, got ", v.dump()));
    }
    auto path = Path::Parse(it.key());
    if (!path.ok()) {
      return absl::InvalidArgumentError(
          util::StrCat("bad sort field: ", util::ToStd(path.status().message())));
    }
    for (const SortField& f : spec.fields_) {
      if (f.path.dotted == path->dotted) {
        return absl::InvalidArgumentError(util::StrCat("sort field ", it.key(), " repeated"));
      }
    }
    spec.fields_.push_back(SortField{std::move(*path), minus_one});
  }
  return spec;
}

int SortSpec::Compare(const Json& a, const Json& b) const {
  for (const SortField& f : fields_) {
    int c = CompareSortKeys(SortKey(a, f.path, f.descending), SortKey(b, f.path, f.descending));
    if (c != 0) return f.descending ? -c : c;
  }
  return 0;
}

}  // namespace tessera::query
