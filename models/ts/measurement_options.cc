// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/measurement_options.h"

#include <nlohmann/json.hpp>

#include "core/util/strings.h"

namespace tessera::ts {

absl::StatusOr<MeasurementOptions> DecodeMeasurementOptions(std::string_view text) {
  MeasurementOptions o;
  if (text.empty()) return o;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    o.retention_ns = j.value("retention_ns", int64_t{0});
    if (j.contains("downsample")) {
      for (const auto& r : j.at("downsample")) {
        DownsampleRule rule;
        rule.dst = r.at("dst").get<std::string>();
        auto fn = ParseTsAggregate(r.at("fn").get<std::string>());
        if (!fn.ok()) return absl::DataLossError("time-series options: bad aggregate");
        rule.fn = *fn;
        rule.every = r.at("every_ns").get<int64_t>();
        if (rule.every <= 0) return absl::DataLossError("time-series options: bad bucket width");
        o.rules.push_back(std::move(rule));
      }
    }
  } catch (const std::exception& e) {
    return absl::DataLossError(util::StrCat("time-series options are malformed: ", e.what()));
  }
  return o;
}

std::string EncodeMeasurementOptions(const MeasurementOptions& o) {
  nlohmann::json j = nlohmann::json::object();
  if (o.retention_ns != 0) j["retention_ns"] = o.retention_ns;
  if (!o.rules.empty()) {
    nlohmann::json rules = nlohmann::json::array();
    for (const DownsampleRule& r : o.rules) {
      rules.push_back({{"dst", r.dst}, {"fn", TsAggregateName(r.fn)}, {"every_ns", r.every}});
    }
    j["downsample"] = std::move(rules);
  }
  return j.dump();
}

}  // namespace tessera::ts
