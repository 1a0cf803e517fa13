// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/generators.h"

#include <cmath>

namespace tessera::bench {
namespace {
// YCSB ScrambledZipfianGenerator: ITEM_COUNT = 10^10, ZETAN = zeta(10^10, 0.99).
constexpr uint64_t kScrambledItems = 10000000000ULL;
constexpr double kScrambledZetan = 26.46902820178302;
}  // namespace

uint64_t FnvHash64(uint64_t v) {
  // YCSB: hash = FNV_offset_basis; for 8 octets: hash ^= octet; hash *= FNV_prime; abs(hash).
  int64_t hash = static_cast<int64_t>(0xCBF29CE484222325ULL);
  for (int i = 0; i < 8; ++i) {
    int64_t octet = static_cast<int64_t>(v & 0xff);
    v >>= 8;
    hash ^= octet;
    hash = static_cast<int64_t>(static_cast<uint64_t>(hash) * 1099511628211ULL);
  }
  return hash < 0 ? static_cast<uint64_t>(0) - static_cast<uint64_t>(hash)
                  : static_cast<uint64_t>(hash);
}

uint64_t Mix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double Zeta(uint64_t n, double theta) {
  double sum = 0;
  for (uint64_t i = 1; i <= n; ++i) sum += 1.0 / std::pow(static_cast<double>(i), theta);
  return sum;
}

ZipfianGenerator::ZipfianGenerator(uint64_t items, double theta)
    : ZipfianGenerator(items, theta, Zeta(items, theta)) {}

ZipfianGenerator::ZipfianGenerator(uint64_t items, double theta, double zetan)
    : items_(items), theta_(theta), zeta2_(Zeta(2, theta)), zetan_(zetan) {
  alpha_ = 1.0 / (1.0 - theta_);
  eta_ = (1 - std::pow(2.0 / static_cast<double>(items_), 1 - theta_)) / (1 - zeta2_ / zetan_);
}

void ZipfianGenerator::Grow(uint64_t items) {
  for (uint64_t i = items_ + 1; i <= items; ++i) {
    zetan_ += 1.0 / std::pow(static_cast<double>(i), theta_);
  }
  items_ = items;
  eta_ = (1 - std::pow(2.0 / static_cast<double>(items_), 1 - theta_)) / (1 - zeta2_ / zetan_);
}

uint64_t ZipfianGenerator::Next(std::mt19937_64& rng) {
  double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  double uz = u * zetan_;
  if (uz < 1.0) return 0;
  if (uz < 1.0 + std::pow(0.5, theta_)) return items_ > 1 ? 1 : 0;
  auto v =
      static_cast<uint64_t>(static_cast<double>(items_) * std::pow(eta_ * u - eta_ + 1, alpha_));
  return v >= items_ ? items_ - 1 : v;
}

uint64_t ZipfianGenerator::Next(std::mt19937_64& rng, uint64_t items) {
  if (items > items_) Grow(items);
  return Next(rng);
}

ScrambledZipfianGenerator::ScrambledZipfianGenerator(uint64_t items)
    : items_(items), zipf_(kScrambledItems, kZipfianTheta, kScrambledZetan) {}

uint64_t ScrambledZipfianGenerator::Next(std::mt19937_64& rng) {
  return FnvHash64(zipf_.Next(rng)) % items_;
}

SkewedLatestGenerator::SkewedLatestGenerator(uint64_t items) : zipf_(items) {}

uint64_t SkewedLatestGenerator::Next(std::mt19937_64& rng, uint64_t latest) {
  uint64_t n = latest + 1;
  uint64_t back = zipf_.Next(rng, n);
  return back > latest ? 0 : latest - back;
}

}  // namespace tessera::bench
