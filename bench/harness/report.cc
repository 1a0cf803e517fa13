// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/report.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "bench/harness/svg_chart.h"
#include "bench/harness/targets.h"
#include "tessera/status.h"

namespace tessera::bench {
namespace {

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto p = line.find(':');
      if (p != std::string::npos) return line.substr(p + 2);
    }
  }
  return "unknown";
}

double MemTotalGb() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0;
  in >> key >> kb;
  return kb / 1024 / 1024;
}

std::string FormatValue(double v) {
  char buf[32];
  if (v >= 100) {
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  } else if (v >= 10) {
    std::snprintf(buf, sizeof(buf), "%.1f", v);
  } else {
    std::snprintf(buf, sizeof(buf), "%.3g", v);
  }
  return buf;
}

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) return absl::InternalError("cannot write " + path);
  return absl::OkStatus();
}

}  // namespace

nlohmann::ordered_json MachineInfo(const Config& config) {
  struct utsname u {};
  uname(&u);
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  nlohmann::ordered_json m;
  m["date"] = date;
  m["host"] = host;
  m["cpu"] = CpuModel();
  m["cores"] = sysconf(_SC_NPROCESSORS_ONLN);
  m["memory_gb"] = MemTotalGb();
  m["kernel"] = std::string(u.sysname) + " " + u.release;
  m["threads"] = config.threads;
  m["scale"] = config.scale;
  m["seed"] = config.seed;
  m["duration_s"] = config.duration_s;
  m["max_ops"] = config.max_ops;
  m["rounds"] = config.rounds;
  return m;
}

nlohmann::ordered_json ResultsJson(const nlohmann::ordered_json& machine,
                                   const std::vector<ResultRow>& rows) {
  nlohmann::ordered_json doc;
  doc["machine"] = machine;
  doc["results"] = nlohmann::ordered_json::array();
  for (const auto& r : rows) {
    doc["results"].push_back({{"workload", r.workload},
                              {"engine", r.engine},
                              {"metric", r.metric.name},
                              {"value", r.metric.value},
                              {"unit", r.metric.unit}});
  }
  return doc;
}

absl::Status WriteJson(const std::string& path, const nlohmann::ordered_json& doc) {
  return WriteFile(path, doc.dump(2) + "\n");
}

absl::Status WriteReport(const std::string& dir, const nlohmann::ordered_json& machine,
                         const RunSummary& summary) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::InternalError("cannot create " + dir + ": " + ec.message());
  // workload -> engine -> metric -> value, in first-seen order.
  std::vector<std::string> workloads;
  std::map<std::string, std::vector<std::string>> engines;
  std::map<std::string, std::vector<std::string>> metric_names;
  std::map<std::string, std::map<std::string, std::map<std::string, double>>> values;
  std::map<std::string, std::string> units;
  for (const auto& r : summary.rows) {
    if (values.find(r.workload) == values.end()) workloads.push_back(r.workload);
    auto& e = engines[r.workload];
    if (values[r.workload].find(r.engine) == values[r.workload].end()) e.push_back(r.engine);
    auto& names = metric_names[r.workload];
    if (std::find(names.begin(), names.end(), r.metric.name) == names.end()) {
      names.push_back(r.metric.name);
    }
    values[r.workload][r.engine][r.metric.name] = r.metric.value;
    units[r.workload + "/" + r.metric.name] = r.metric.unit;
  }

  std::string md = "# tessera-bench report\n\n";
  md += "Machine: " + machine.value("cpu", std::string("?")) + ", " +
        std::to_string(machine.value("cores", 0)) + " cores, " +
        FormatValue(machine.value("memory_gb", 0.0)) + " GB, " +
        machine.value("kernel", std::string("?")) + "; run " +
        machine.value("date", std::string("?")) + ". Compare ratios within this run only.\n\n";
  if (!summary.failures.empty()) {
    md += "## Failures\n\n";
    for (const auto& f : summary.failures) md += "- " + f + "\n";
    md += "\n";
  }
  const std::string targets = TargetsMarkdown(CheckTargets(summary.rows));
  if (!targets.empty()) {
    md +=
        "## Targets\n\nTessera's performance targets (docs/benchmarks.md), checked against this "
        "run.\n\n" +
        targets + "\n";
  }
  for (const auto& w : workloads) {
    md += "## " + w + "\n\n";
    const auto& es = engines[w];
    // The charts: ops_per_sec when measured (else the first metric), and bytes_per_point.
    std::vector<std::string> charted = {values[w][es[0]].count("ops_per_sec") ? "ops_per_sec"
                                                                              : metric_names[w][0]};
    if (values[w][es[0]].count("bytes_per_point")) charted.push_back("bytes_per_point");
    for (const auto& metric : charted) {
      std::vector<std::pair<std::string, double>> bars;
      for (const auto& e : es) {
        auto it = values[w][e].find(metric);
        if (it != values[w][e].end()) bars.emplace_back(e, it->second);
      }
      std::string file = metric == charted[0] ? w + ".svg" : w + "." + metric + ".svg";
      RETURN_IF_ERROR(WriteFile(dir + "/" + file,
                                BarChartSvg(w + ": " + metric, units[w + "/" + metric], bars)));
      md += "![" + w + " " + metric + "](" + file + ")\n\n";
    }
    md += "| metric |";
    for (const auto& e : es) md += " " + e + " |";
    md += "\n|---|";
    for (size_t i = 0; i < es.size(); ++i) md += "---:|";
    md += "\n";
    for (const auto& m : metric_names[w]) {
      md += "| " + m + " (" + units[w + "/" + m] + ") |";
      for (const auto& e : es) {
        auto it = values[w][e].find(m);
        md += " " + (it == values[w][e].end() ? std::string("") : FormatValue(it->second)) + " |";
      }
      md += "\n";
    }
    md += "\n";
  }
  return WriteFile(dir + "/README.md", md);
}

}  // namespace tessera::bench
