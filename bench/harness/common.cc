// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/common.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "bench/harness/generators.h"

namespace tessera::bench {

std::string Key16(uint64_t seed, uint64_t n) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx",
                static_cast<unsigned long long>(Mix64(seed * 0x100000001B3ULL + n)));
  return std::string(buf, 16);
}

void FillValueBytes(uint64_t seed, uint64_t n, char* out, size_t len) {
  uint64_t x = Mix64(seed ^ (n * 0x9E3779B97F4A7C15ULL));
  for (size_t i = 0; i < len; ++i) {
    if ((i & 7) == 0) x = Mix64(x);
    out[i] = static_cast<char>('a' + ((x >> ((i & 7) * 8)) & 0xff) % 26);
  }
}

std::string ValueBytes(uint64_t seed, uint64_t n, size_t len) {
  std::string v(len, '\0');
  FillValueBytes(seed, n, v.data(), len);
  return v;
}

void Digest::Add(std::string_view bytes) {
  for (unsigned char c : bytes) {
    h_ ^= c;
    h_ *= 1099511628211ULL;
  }
  h_ ^= 0xff;  // a separator, so ("ab","c") and ("a","bc") differ
  h_ *= 1099511628211ULL;
}

void Digest::Add(int64_t v) { Add(std::to_string(v)); }

void Digest::AddRounded(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", std::abs(v) < 1e-12 ? 0.0 : v);
  Add(std::string_view(buf));
}

std::string Digest::Hex() const {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h_));
  return buf;
}

std::string FreshDir(const Config& config, const std::string& name) {
  std::filesystem::path p = std::filesystem::path(config.dir) / name;
  std::error_code ec;
  std::filesystem::remove_all(p, ec);
  std::filesystem::create_directories(p, ec);
  return p.string();
}

std::string PreparedDir(const Config& config, const std::string& family,
                        const std::string& engine) {
  return (std::filesystem::path(config.dir) / ("prepared-" + family + "-" + engine)).string();
}

bool IsPrepared(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::exists(dir + ".ready", ec);
}

absl::Status MarkPrepared(const std::string& dir) {
  std::ofstream out(dir + ".ready");
  out << "ready\n";
  if (!out) return absl::InternalError("cannot write " + dir + ".ready");
  return absl::OkStatus();
}

}  // namespace tessera::bench
