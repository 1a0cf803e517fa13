// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The outputs of a run: the JSON file ({"machine": {...}, "results": [{"workload", "engine",
// "metric", "value", "unit"}, ...]}) and the Markdown report with one SVG chart per workload.
//
// Thread safety: pure functions apart from the files they write.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "bench/harness/runner.h"
#include "nlohmann/json.hpp"

namespace tessera::bench {

// The machine the run happened on: CPU model, cores, memory, kernel, date, and the config.
nlohmann::ordered_json MachineInfo(const Config& config);

// The JSON document of a run.
nlohmann::ordered_json ResultsJson(const nlohmann::ordered_json& machine,
                                   const std::vector<ResultRow>& rows);
absl::Status WriteJson(const std::string& path, const nlohmann::ordered_json& doc);

// Writes DIR/README.md and DIR/<workload>.svg.
absl::Status WriteReport(const std::string& dir, const nlohmann::ordered_json& machine,
                         const RunSummary& summary);

}  // namespace tessera::bench
