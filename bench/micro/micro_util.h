// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Helpers shared by the micro-benchmarks: sizes from the environment and scratch directories.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace tessera::bench::micro {

// The integer in environment variable `name`, or `fallback` when unset. Iterations and preloaded
// key counts can be lowered this way for runs under valgrind --tool=callgrind (instruction counts
// are repeatable where wall time is not): TESSERA_BENCH_ITERS, TESSERA_BENCH_PRELOAD.
inline int64_t EnvOr(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoll(v) : fallback;
}

// A fresh (emptied) path "tessera-bench-<name>" in the system's temporary directory.
inline std::string TempPath(const char* name) {
  auto p = std::filesystem::temp_directory_path() / (std::string("tessera-bench-") + name);
  std::filesystem::remove_all(p);
  return p.string();
}

}  // namespace tessera::bench::micro
