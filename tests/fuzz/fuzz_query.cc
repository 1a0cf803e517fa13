// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the document query language (query/): filter, update and projection parsing and
// evaluation. The input is up to four lines of JSON: a filter, an update, a projection and a
// document (a line that is not JSON counts as {}). Parsing must fail with InvalidArgument or
// succeed; a parsed filter is matched against the document, a parsed update applied to it and a
// parsed projection applied to the result. No exception may escape, nothing may crash.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "query/filter.h"
#include "query/projection.h"
#include "query/update.h"
#include "query/value.h"

namespace {

using tessera::query::Json;

Json ParseOr(std::string_view text, Json fallback) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? fallback : j;
}

void CheckCode(const absl::Status& s) {
  if (!s.ok() && s.code() != absl::StatusCode::kInvalidArgument) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tessera::query;
  std::vector<std::string_view> lines;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (lines.size() < 3) {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) break;
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  lines.push_back(rest);
  lines.resize(4);
  Json doc = ParseOr(lines[3], Json::object());
  if (!doc.is_object()) doc = Json{{"v", doc}};

  auto filter = Filter::Parse(ParseOr(lines[0], Json::object()));
  CheckCode(filter.status());
  if (filter.ok()) {
    (void)filter->Matches(doc);
    (void)filter->Equalities();
  }
  auto update = Update::Parse(ParseOr(lines[1], Json::object()));
  CheckCode(update.status());
  if (update.ok()) {
    Json copy = doc;
    auto changed = update->Apply(&copy, /*is_insert=*/true);
    if (!changed.ok()) {
      CheckCode(changed.status());
      if (!IdenticalValues(copy, doc)) std::abort();  // a failed update leaves the doc unchanged
    } else {
      doc = std::move(copy);
    }
    (void)update->TouchedFields();
  }
  auto projection = Projection::Parse(ParseOr(lines[2], Json::object()));
  CheckCode(projection.status());
  if (projection.ok()) (void)projection->Apply(doc);
  (void)CompareValues(doc, ParseOr(lines[0], Json()));
  return 0;
}
