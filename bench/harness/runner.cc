// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "bench/harness/measure.h"
#include "nlohmann/json.hpp"

namespace tessera::bench {
namespace {

// Runs one pair in this (child) process; the answer as one JSON text.
std::string RunChild(const Workload& w, const std::string& engine, const Config& config) {
  nlohmann::json out;
  Stopwatch sw;
  absl::StatusOr<RunResult> r = w.run(engine, config);
  if (!r.ok()) {
    out["ok"] = false;
    out["error"] = r.status().ToString();
    return out.dump();
  }
  out["ok"] = true;
  out["check"] = r->check;
  out["metrics"] = nlohmann::json::array();
  r->metrics.push_back({"peak_rss_mb", PeakRssMb(), "MB"});
  r->metrics.push_back({"wall_s", sw.Seconds(), "s"});
  for (const auto& m : r->metrics) {
    out["metrics"].push_back({{"metric", m.name}, {"value", m.value}, {"unit", m.unit}});
  }
  return out.dump();
}

// Forks, runs the pair in the child, and returns what the child reported.
nlohmann::json RunForked(const Workload& w, const std::string& engine, const Config& config) {
  int fds[2];
  if (pipe(fds) != 0) return {{"ok", false}, {"error", "pipe failed"}};
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) return {{"ok", false}, {"error", "fork failed"}};
  if (pid == 0) {
    close(fds[0]);
    std::string text = RunChild(w, engine, config);
    size_t off = 0;
    while (off < text.size()) {
      ssize_t n = write(fds[1], text.data() + off, text.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(fds[1]);
    std::fflush(nullptr);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) text.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || text.empty()) {
    std::string why = WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                          : "exited without an answer";
    return {{"ok", false}, {"error", why}};
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return {{"ok", false}, {"error", "unreadable answer from the child"}};
  return j;
}

void Progress(size_t done, size_t total, const std::string& what) {
  if (!isatty(STDERR_FILENO)) return;
  constexpr int kWidth = 30;
  int filled = total == 0 ? kWidth : static_cast<int>(kWidth * done / total);
  std::fprintf(stderr, "\r[%s%s] %zu/%zu %-40.40s", std::string(filled, '#').c_str(),
               std::string(kWidth - filled, '.').c_str(), done, total, what.c_str());
  if (done == total) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

}  // namespace

bool GlobMatch(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

RunSummary RunAll(const std::vector<Workload>& workloads,
                  const std::vector<std::string>& engine_filter, const Config& config) {
  std::vector<std::pair<const Workload*, std::string>> pairs;
  const int rounds = std::max(config.rounds, 1);
  for (int round = 0; round < rounds; ++round) {
    for (const auto& w : workloads) {
      std::vector<std::string> engines;
      for (const auto& e : w.engines) {
        bool wanted = engine_filter.empty();
        for (const auto& f : engine_filter) wanted = wanted || GlobMatch(f, e);
        if (wanted) engines.push_back(e);
      }
      if (round % 2 == 1) std::reverse(engines.begin(), engines.end());
      for (auto& e : engines) pairs.emplace_back(&w, std::move(e));
    }
  }
  RunSummary summary;
  CheckMap checks;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto& [w, engine] = pairs[i];
    Progress(i, pairs.size(), w->name + " " + engine);
    nlohmann::json j = RunForked(*w, engine, config);
    if (!j.value("ok", false)) {
      std::string msg = w->name + " on " + engine + " failed: " + j.value("error", "?");
      if (isatty(STDERR_FILENO)) std::fprintf(stderr, "\n");
      std::fprintf(stderr, "tessera-bench: %s\n", msg.c_str());
      summary.failures.push_back(msg);
      continue;
    }
    checks[w->name].emplace_back(engine, j.value("check", ""));
    for (const auto& m : j["metrics"]) {
      summary.rows.push_back({w->name,
                              engine,
                              {m["metric"].get<std::string>(), m["value"].get<double>(),
                               m["unit"].get<std::string>()}});
    }
  }
  Progress(pairs.size(), pairs.size(), "done");
  if (rounds > 1) summary.rows = Medians(summary.rows);
  for (const auto& msg : CompareChecks(checks)) {
    std::fprintf(stderr, "tessera-bench: %s\n", msg.c_str());
    summary.failures.push_back(msg);
  }
  return summary;
}

std::vector<ResultRow> Medians(const std::vector<ResultRow>& rows) {
  std::vector<ResultRow> out;
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<double>> values;
  for (const auto& r : rows) {
    auto [it, first] = values.try_emplace({r.workload, r.engine, r.metric.name});
    if (first) out.push_back(r);
    it->second.push_back(r.metric.value);
  }
  for (auto& r : out) {
    std::vector<double>& v = values[{r.workload, r.engine, r.metric.name}];
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    r.metric.value = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
  return out;
}

std::vector<std::string> CompareChecks(const CheckMap& checks) {
  std::vector<std::string> failures;
  for (const auto& [name, list] : checks) {
    for (size_t i = 1; i < list.size(); ++i) {
      if (list[i].second != list[0].second) {
        failures.push_back(name + ": answers disagree: " + list[0].first + " gave \"" +
                           list[0].second + "\" but " + list[i].first + " gave \"" +
                           list[i].second + "\"");
      }
    }
  }
  return failures;
}

}  // namespace tessera::bench
