// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The list of engines and the list of workloads, gathered from each family's file.
#include "bench/harness/bench.h"

namespace tessera::bench {

const std::vector<std::string>& AllEngines() {
  static const std::vector<std::string> kEngines = {"tessera-kv",    "tessera-doc", "tessera-wide",
                                                    "tessera-graph", "tessera-ts",  "rocksdb",
                                                    "sqlite"};
  return kEngines;
}

std::vector<Workload> AllWorkloads() {
  std::vector<Workload> all;
  for (auto family : {KvWorkloads, YcsbWorkloads, DocWorkloads, GraphWorkloads, TsWorkloads,
                      ModelsWorkloads, FeedWorkloads}) {
    for (auto& w : family()) all.push_back(std::move(w));
  }
  return all;
}

}  // namespace tessera::bench
