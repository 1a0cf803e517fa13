// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Helpers shared by the workload families: deterministic keys and values, answer digests, and
// the per-(family, engine) directories of prepared (loaded once, read by several workloads)
// datasets.
//
// Thread safety: the functions are pure except the directory helpers, which touch the disk.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "bench/harness/bench.h"

namespace tessera::bench {

// The 16-byte key of item `n` (hex of a 64-bit mix: random order, fixed for a seed).
std::string Key16(uint64_t seed, uint64_t n);
// `len` deterministic printable bytes for (seed, n).
std::string ValueBytes(uint64_t seed, uint64_t n, size_t len);
void FillValueBytes(uint64_t seed, uint64_t n, char* out, size_t len);

// An order-sensitive digest of answers: feed it values, read it as text.
class Digest {
 public:
  void Add(std::string_view bytes);
  void Add(int64_t v);
  // A double rounded to 6 significant digits (so float summation order does not matter).
  void AddRounded(double v);
  std::string Hex() const;

 private:
  uint64_t h_ = 0xCBF29CE484222325ULL;
};

// A fresh, empty directory for one run: config.dir/name (removed first if it exists).
std::string FreshDir(const Config& config, const std::string& name);
// The directory of a prepared dataset, and whether it is complete (its marker file exists).
std::string PreparedDir(const Config& config, const std::string& family, const std::string& engine);
bool IsPrepared(const std::string& dir);
// Marks a prepared dataset complete.
absl::Status MarkPrepared(const std::string& dir);

}  // namespace tessera::bench
