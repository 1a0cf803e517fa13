// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Micro-benchmarks of the tuple key codec.
#include <random>

#include "benchmark/benchmark.h"
#include "core/codec/key_codec.h"

namespace tessera::codec {
namespace {

Tuple SampleTuple(std::mt19937_64& rng) {
  return Tuple{Element::Int(static_cast<int64_t>(rng())), Element::String("user:12345678"),
               Element::Double(static_cast<double>(rng() % 100000) / 7.0)};
}

void BM_EncodeTuple(benchmark::State& state) {
  std::mt19937_64 rng(1);
  Tuple t = SampleTuple(rng);
  for (auto _ : state) benchmark::DoNotOptimize(EncodeTuple(t));
}
BENCHMARK(BM_EncodeTuple);

void BM_DecodeTuple(benchmark::State& state) {
  std::mt19937_64 rng(1);
  std::string enc = EncodeTuple(SampleTuple(rng));
  Tuple out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(DecodeTuple(enc, &out));
  }
}
BENCHMARK(BM_DecodeTuple);

}  // namespace
}  // namespace tessera::codec
