// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Request-distribution generators as YCSB defines them (core/.../generator/*.java): uniform,
// zipfian (Gray et al., "Quickly generating billion-record synthetic databases"), scrambled
// zipfian (zipfian over 10^10 items, FNV-hashed into the key space, theta 0.99) and skewed latest
// (recent items most popular). Deterministic for a given seed.
//
// Thread safety: a generator is not thread-safe; give each thread its own.
#pragma once

#include <cstdint>
#include <random>

namespace tessera::bench {

inline constexpr double kZipfianTheta = 0.99;

// YCSB's Utils.fnvhash64: FNV-1a over the 8 bytes of `v`, made non-negative.
uint64_t FnvHash64(uint64_t v);

// SplitMix64: a fast, good 64-bit mix for deriving deterministic data from numbers.
uint64_t Mix64(uint64_t v);

// zeta(n, theta) = sum_{i=1..n} 1 / i^theta.
double Zeta(uint64_t n, double theta);

// Zipfian over [0, items): item 0 is the most popular. The item count may grow (for "latest");
// zeta is then extended incrementally, as YCSB does.
class ZipfianGenerator {
 public:
  ZipfianGenerator(uint64_t items, double theta = kZipfianTheta);
  // With a precomputed zeta(items) (ScrambledZipfian's constant for 10^10 items).
  ZipfianGenerator(uint64_t items, double theta, double zetan);
  // The next item in [0, items).
  uint64_t Next(std::mt19937_64& rng);
  // The next item in [0, items), first growing the item count to `items` if it is larger.
  uint64_t Next(std::mt19937_64& rng, uint64_t items);
  uint64_t items() const { return items_; }

 private:
  void Grow(uint64_t items);
  uint64_t items_;
  double theta_, zeta2_, zetan_, alpha_, eta_;
};

// ScrambledZipfian: popular items spread over the key space.
class ScrambledZipfianGenerator {
 public:
  explicit ScrambledZipfianGenerator(uint64_t items);
  uint64_t Next(std::mt19937_64& rng);

 private:
  uint64_t items_;
  ZipfianGenerator zipf_;
};

// SkewedLatest: the newest of `latest + 1` items is the most popular.
class SkewedLatestGenerator {
 public:
  explicit SkewedLatestGenerator(uint64_t items);
  // An item in [0, latest], where `latest` is the newest item inserted so far.
  uint64_t Next(std::mt19937_64& rng, uint64_t latest);

 private:
  ZipfianGenerator zipf_;
};

// Uniform integer in [lo, hi].
inline uint64_t UniformInt(std::mt19937_64& rng, uint64_t lo, uint64_t hi) {
  return lo + rng() % (hi - lo + 1);
}

}  // namespace tessera::bench
