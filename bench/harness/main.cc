// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// tessera-bench: compares Tessera's models with each other, with raw RocksDB and with SQLite on
// named workloads. See docs/benchmarks.md.
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "CLI/CLI.hpp"
#include "bench/harness/bench.h"
#include "bench/harness/report.h"
#include "bench/harness/runner.h"
#include "bench/harness/targets.h"

namespace tb = tessera::bench;

int main(int argc, char** argv) {
  CLI::App app{"tessera-bench: Tessera's models against each other, raw RocksDB and SQLite"};
  bool list = false;
  std::vector<std::string> workload_globs, engine_globs;
  tb::Config config;
  std::string json_path, report_dir;
  bool keep = false;
  app.add_flag("--list", list, "list every workload and the engines that serve it");
  app.add_option("--workload", workload_globs, "workload name or glob (repeatable), e.g. ycsb.*");
  app.add_option("--engine", engine_globs, "engine name or glob (repeatable)");
  app.add_option("--scale", config.scale,
                 "records, hosts or vertices per workload family (default: each family's own)")
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", config.threads, "client threads")->check(CLI::Range(1, 256));
  app.add_option("--seed", config.seed, "seed of every generator");
  app.add_option("--duration", config.duration_s, "longest measured phase, seconds")
      ->check(CLI::PositiveNumber);
  app.add_option("--ops", config.max_ops, "most operations of one measured phase")
      ->check(CLI::PositiveNumber);
  app.add_option("--rounds", config.rounds,
                 "run every pair N times, engines in alternating order; report the medians")
      ->check(CLI::Range(1, 1000));
  app.add_option("--json", json_path, "write the results as JSON to FILE");
  app.add_option("--report", report_dir, "write a Markdown report with SVG charts into DIR");
  app.add_option("--dir", config.dir, "working directory (default: a fresh one under /tmp)");
  app.add_flag("--keep", keep, "keep the working directory");
  CLI11_PARSE(app, argc, argv);

  std::vector<tb::Workload> all = tb::AllWorkloads();
  if (list) {
    for (const auto& w : all) {
      std::string engines;
      for (const auto& e : w.engines) engines += (engines.empty() ? "" : ",") + e;
      std::printf("%-28s %s\n  engines: %s\n", w.name.c_str(), w.description.c_str(),
                  engines.c_str());
    }
    return 0;
  }
  for (const auto& g : engine_globs) {
    bool known = false;
    for (const auto& e : tb::AllEngines()) known = known || tb::GlobMatch(g, e);
    if (!known) {
      std::fprintf(stderr, "tessera-bench: --engine %s matches no engine (see --list)\n",
                   g.c_str());
      return 2;
    }
  }
  std::vector<tb::Workload> chosen;
  for (const auto& g : workload_globs) {
    bool matched = false;
    for (const auto& w : all) matched = matched || tb::GlobMatch(g, w.name);
    if (!matched) {
      std::fprintf(stderr, "tessera-bench: --workload %s matches no workload (see --list)\n",
                   g.c_str());
      return 2;
    }
  }
  for (const auto& w : all) {
    bool wanted = workload_globs.empty();
    for (const auto& g : workload_globs) wanted = wanted || tb::GlobMatch(g, w.name);
    if (wanted) chosen.push_back(w);
  }

  bool own_dir = config.dir.empty();
  if (own_dir) {
    config.dir =
        (std::filesystem::temp_directory_path() / ("tessera-bench-" + std::to_string(getpid())))
            .string();
  }
  std::error_code ec;
  std::filesystem::create_directories(config.dir, ec);
  if (ec) {
    std::fprintf(stderr, "tessera-bench: cannot create %s: %s\n", config.dir.c_str(),
                 ec.message().c_str());
    return 2;
  }

  tb::RunSummary summary = tb::RunAll(chosen, engine_globs, config);
  auto machine = tb::MachineInfo(config);
  int rc = summary.failures.empty() ? 0 : 1;
  if (!json_path.empty()) {
    absl::Status s = tb::WriteJson(json_path, tb::ResultsJson(machine, summary.rows));
    if (!s.ok()) {
      std::fprintf(stderr, "tessera-bench: %s\n", s.ToString().c_str());
      rc = 1;
    }
  }
  if (!report_dir.empty()) {
    absl::Status s = tb::WriteReport(report_dir, machine, summary);
    if (!s.ok()) {
      std::fprintf(stderr, "tessera-bench: %s\n", s.ToString().c_str());
      rc = 1;
    }
  }
  if (json_path.empty() && report_dir.empty()) {
    for (const auto& r : summary.rows) {
      if (r.metric.name != "ops_per_sec" && r.metric.name != "p99_us" &&
          r.metric.name != "bytes_per_point" && r.metric.name != "peak_rss_mb") {
        continue;
      }
      std::printf("%-28s %-14s %-16s %12.2f %s\n", r.workload.c_str(), r.engine.c_str(),
                  r.metric.name.c_str(), r.metric.value, r.metric.unit.c_str());
    }
  }
  const std::string targets = tb::TargetsText(tb::CheckTargets(summary.rows));
  if (!targets.empty()) std::printf("\nTargets (docs/benchmarks.md):\n%s", targets.c_str());
  if (!keep && own_dir) std::filesystem::remove_all(config.dir, ec);
  if (!summary.failures.empty()) {
    std::fprintf(stderr, "tessera-bench: %zu failure(s)\n", summary.failures.size());
  }
  return rc;
}
