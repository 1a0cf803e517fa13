// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/ts_data.h"

#include <algorithm>
#include <charconv>
#include <random>

namespace tessera::bench {

const char* const kTsFieldNames[kTsFields] = {
    "usage_user", "usage_system",  "usage_idle",  "usage_nice",  "usage_iowait",
    "usage_irq",  "usage_softirq", "usage_steal", "usage_guest", "usage_guest_nice"};

namespace {
const char* const kRegions[] = {"us-east-1",      "us-west-1",      "us-west-2",
                                "eu-west-1",      "eu-central-1",   "ap-southeast-1",
                                "ap-southeast-2", "ap-northeast-1", "sa-east-1"};
const char* const kOs[] = {"Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"};
const char* const kArch[] = {"x64", "x86"};
const char* const kTeam[] = {"SF", "NYC", "LON", "CHI"};
const char* const kEnv[] = {"production", "staging", "test"};
}  // namespace

std::vector<std::string> TsbsLines(uint64_t seed, int64_t hosts, int64_t rows_per_host,
                                   int64_t chunk_rows) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0, 1);
  std::uniform_real_distribution<double> start(0, 100);
  std::vector<std::string> prefix(hosts);
  std::vector<double> walk(hosts * kTsFields);
  for (int64_t h = 0; h < hosts; ++h) {
    const char* region = kRegions[rng() % 9];
    prefix[h] =
        "cpu,hostname=host_" + std::to_string(h) + ",region=" + region + ",datacenter=" + region +
        static_cast<char>('a' + rng() % 3) + ",rack=" + std::to_string(rng() % 100) +
        ",os=" + kOs[rng() % 3] + ",arch=" + kArch[rng() % 2] + ",team=" + kTeam[rng() % 4] +
        ",service=" + std::to_string(rng() % 20) + ",service_version=" + std::to_string(rng() % 2) +
        ",service_environment=" + kEnv[rng() % 3] + " ";
    for (int f = 0; f < kTsFields; ++f) walk[h * kTsFields + f] = start(rng);
  }
  std::vector<std::string> chunks;
  std::string cur;
  int64_t in_chunk = 0;
  for (int64_t r = 0; r < rows_per_host; ++r) {
    std::string ts = std::to_string(kTsStartNs + r * kTsIntervalNs);
    for (int64_t h = 0; h < hosts; ++h) {
      cur += prefix[h];
      for (int f = 0; f < kTsFields; ++f) {
        double& v = walk[h * kTsFields + f];
        v = std::clamp(v + step(rng), 0.0, 100.0);
        if (f > 0) cur += ',';
        cur += kTsFieldNames[f];
        cur += '=';
        cur += std::to_string(static_cast<int64_t>(v));
        cur += 'i';
      }
      cur += ' ';
      cur += ts;
      cur += '\n';
      if (++in_chunk == chunk_rows) {
        chunks.push_back(std::move(cur));
        cur.clear();
        in_chunk = 0;
      }
    }
  }
  if (!cur.empty()) chunks.push_back(std::move(cur));
  return chunks;
}

bool ParseCpuLine(std::string_view line, CpuRow* row) {
  if (line.substr(0, 4) != "cpu,") return false;
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return false;
  row->tagset = line.substr(4, sp - 4);
  size_t h = row->tagset.find("hostname=");
  if (h == std::string_view::npos) return false;
  size_t hend = row->tagset.find(',', h);
  row->hostname = row->tagset.substr(h + 9, hend == std::string_view::npos ? hend : hend - h - 9);
  size_t sp2 = line.find(' ', sp + 1);
  if (sp2 == std::string_view::npos) return false;
  std::string_view fields = line.substr(sp + 1, sp2 - sp - 1);
  int f = 0;
  while (!fields.empty() && f < kTsFields) {
    size_t eq = fields.find('=');
    size_t comma = fields.find(',');
    if (eq == std::string_view::npos) return false;
    std::string_view name = fields.substr(0, eq);
    if (name != kTsFieldNames[f]) return false;
    std::string_view val = fields.substr(
        eq + 1, comma == std::string_view::npos ? std::string_view::npos : comma - eq - 1);
    if (val.empty() || val.back() != 'i') return false;
    auto r = std::from_chars(val.data(), val.data() + val.size() - 1, row->values[f]);
    if (r.ec != std::errc()) return false;
    ++f;
    fields = comma == std::string_view::npos ? std::string_view() : fields.substr(comma + 1);
  }
  if (f != kTsFields) return false;
  std::string_view t = line.substr(sp2 + 1);
  auto r = std::from_chars(t.data(), t.data() + t.size(), row->time);
  return r.ec == std::errc();
}

}  // namespace tessera::bench
