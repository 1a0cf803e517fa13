// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Micro-benchmarks of the time-series chunk codec (models/ts/chunk_codec.h): encoding and
// decoding one chunk of 1,000 points at a regular 10 s interval, with TSBS-like int values (a
// random walk in [0, 100]) and float values (the same walk as doubles with fractions). Reports
// points per second and the encoded bytes per point. BM_DecodeChunk checks the whole chunk (its
// block index by encoding the points again); BM_DecodeChunkRange decodes as a query does.
#include <algorithm>
#include <random>

#include "benchmark/benchmark.h"
#include "models/ts/chunk_codec.h"

namespace tessera::ts {
namespace {

constexpr int kPoints = 1000;

std::vector<RawPoint> Walk(ValueType type) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> step(0, 1);
  double v = 50;
  std::vector<RawPoint> points;
  for (int i = 0; i < kPoints; ++i) {
    v = std::clamp(v + step(rng), 0.0, 100.0);
    int64_t ts = 1451606400LL * 1000000000LL + i * 10LL * 1000000000LL;
    uint64_t bits =
        type == ValueType::kInt ? static_cast<uint64_t>(static_cast<int64_t>(v)) : DoubleBits(v);
    points.push_back({ts, bits});
  }
  return points;
}

void Encode(benchmark::State& state, ValueType type) {
  auto points = Walk(type);
  size_t bytes = 0;
  for (auto _ : state) {
    auto chunk = EncodeChunk(type, points);
    if (!chunk.ok()) {
      state.SkipWithError("encode failed");
      return;
    }
    bytes = chunk->size();
    benchmark::DoNotOptimize(chunk);
  }
  state.SetItemsProcessed(state.iterations() * kPoints);
  state.counters["bytes_per_point"] = static_cast<double>(bytes) / kPoints;
}

void Decode(benchmark::State& state, ValueType type) {
  auto chunk = EncodeChunk(type, Walk(type));
  if (!chunk.ok()) {
    state.SkipWithError("encode failed");
    return;
  }
  for (auto _ : state) {
    auto points = DecodeChunk(*chunk);
    if (!points.ok() || points->points.size() != kPoints) {
      state.SkipWithError("decode failed");
      return;
    }
    benchmark::DoNotOptimize(points);
  }
  state.SetItemsProcessed(state.iterations() * kPoints);
}

// What a query does: the points of the whole chunk into a reused vector, without DecodeChunk's
// check of the block index (which encodes the points again).
void DecodeRange(benchmark::State& state, ValueType type) {
  auto chunk = EncodeChunk(type, Walk(type));
  if (!chunk.ok()) {
    state.SkipWithError("encode failed");
    return;
  }
  std::vector<RawPoint> points;
  for (auto _ : state) {
    points.clear();
    ValueType t;
    if (!DecodeChunkRange(*chunk, &t, &points, INT64_MIN, INT64_MAX).ok() ||
        points.size() != kPoints) {
      state.SkipWithError("decode failed");
      return;
    }
    benchmark::DoNotOptimize(points.data());
  }
  state.SetItemsProcessed(state.iterations() * kPoints);
}

void BM_EncodeChunk_Int(benchmark::State& state) { Encode(state, ValueType::kInt); }
void BM_EncodeChunk_Float(benchmark::State& state) { Encode(state, ValueType::kFloat); }
void BM_DecodeChunk_Int(benchmark::State& state) { Decode(state, ValueType::kInt); }
void BM_DecodeChunk_Float(benchmark::State& state) { Decode(state, ValueType::kFloat); }
BENCHMARK(BM_EncodeChunk_Int);
BENCHMARK(BM_EncodeChunk_Float);
BENCHMARK(BM_DecodeChunk_Int);
BENCHMARK(BM_DecodeChunk_Float);
void BM_DecodeChunkRange_Int(benchmark::State& state) { DecodeRange(state, ValueType::kInt); }
void BM_DecodeChunkRange_Float(benchmark::State& state) { DecodeRange(state, ValueType::kFloat); }
BENCHMARK(BM_DecodeChunkRange_Int);
BENCHMARK(BM_DecodeChunkRange_Float);

}  // namespace
}  // namespace tessera::ts
