// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Micro-benchmarks of filter evaluation (query/filter.h): parsing a MongoDB filter, and matching
// parsed filters against a 6-field document: an equality, a range, a conjunction with $in and a
// nested path, and a $regex.
#include "benchmark/benchmark.h"
#include "query/filter.h"

namespace tessera::query {
namespace {

Json SampleDoc() {
  return Json::parse(R"({"_id": 42, "name": "ada lovelace", "age": 36, "city": "london",
                         "tags": ["math", "engines"], "address": {"zip": "N1", "n": 12}})");
}

void Match(benchmark::State& state, const char* filter_text) {
  auto filter = Filter::Parse(Json::parse(filter_text));
  if (!filter.ok()) {
    state.SkipWithError("parse failed");
    return;
  }
  Json doc = SampleDoc();
  for (auto _ : state) benchmark::DoNotOptimize(filter->Matches(doc));
}

void BM_FilterParse(benchmark::State& state) {
  Json f = Json::parse(R"({"age": {"$gte": 30, "$lt": 40}, "city": {"$in": ["london", "paris"]}})");
  for (auto _ : state) benchmark::DoNotOptimize(Filter::Parse(f));
}
void BM_FilterMatch_Eq(benchmark::State& state) { Match(state, R"({"age": 36})"); }
void BM_FilterMatch_Range(benchmark::State& state) {
  Match(state, R"({"age": {"$gte": 30, "$lt": 40}})");
}
void BM_FilterMatch_AndInNested(benchmark::State& state) {
  Match(state, R"({"city": {"$in": ["paris", "london"]}, "address.n": {"$gt": 10},
                   "tags": "math"})");
}
void BM_FilterMatch_Regex(benchmark::State& state) {
  Match(state, R"({"name": {"$regex": "^ada"}})");
}
BENCHMARK(BM_FilterParse);
BENCHMARK(BM_FilterMatch_Eq);
BENCHMARK(BM_FilterMatch_Range);
BENCHMARK(BM_FilterMatch_AndInNested);
BENCHMARK(BM_FilterMatch_Regex);

}  // namespace
}  // namespace tessera::query
