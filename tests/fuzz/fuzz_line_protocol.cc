// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: InfluxDB line protocol parsing (models/ts/line_protocol.h). The first byte picks
// the timestamp precision; the rest is the text. Parsing must fail with a status or return
// points with at least one field and sorted tags.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "models/ts/line_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tessera::ts;
  if (size == 0) return 0;
  const Precision precision = static_cast<Precision>(data[0] % 4);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto points = ParseLines(text, precision, 1);
  if (!points.ok()) {
    if (points.status().message().empty()) std::abort();  // errors must say what was wrong
    return 0;
  }
  for (const LinePoint& p : *points) {
    if (p.fields.empty() || p.measurement.empty()) std::abort();
    if (!std::is_sorted(p.tags.begin(), p.tags.end())) std::abort();
  }
  return 0;
}
