// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// feed.push_latency and feed.pull_throughput: the change feed (models/feed) of a Tessera
// database written through the key-value model (engine "tessera-kv"; the other engines have no
// change feed).
// - push_latency: a subscriber on namespace "probe" while a writer thread fills namespace "load"
//   as fast as it can; each probe put carries its start time, and the latency is from just
//   before the put (so it includes the commit) to the subscriber's delivery. p50/p99.
// - pull_throughput: 50k events written in 1000-key batches, then read with Read() in pages of
//   1000; events per second.
#include <atomic>
#include <chrono>
#include <thread>

#include "bench/harness/bench.h"
#include "bench/harness/common.h"
#include "bench/harness/measure.h"
#include "bench/harness/stores.h"
#include "tessera/feed.h"
#include "tessera/kv.h"
#include "tessera/status.h"

namespace tessera::bench {
namespace {

constexpr int64_t kPullEvents = 50000;
constexpr int kProbes = 2000;

absl::StatusOr<RunResult> PushLatency(const std::string& engine, const Config& c) {
  ASSIGN_OR_RETURN(auto db, OpenTessera(FreshDir(c, "feed.push-" + engine)));
  ASSIGN_OR_RETURN(auto kv, KvStore::Open(db.get()));
  ASSIGN_OR_RETURN(auto feed, ChangeFeed::Open(db.get()));
  RETURN_IF_ERROR(kv->CreateNamespace("probe"));
  RETURN_IF_ERROR(kv->CreateNamespace("load"));
  SubscribeOptions so;
  so.filter.objects = {"probe"};
  ASSIGN_OR_RETURN(auto sub, feed->Subscribe(so));

  std::atomic<bool> stop{false};
  absl::Status writer_status;
  std::thread writer([&] {
    for (uint64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
      absl::Status s = kv->Put("load", Key16(c.seed, i), ValueBytes(c.seed, i, 100));
      if (!s.ok()) {
        writer_status = s;
        return;
      }
    }
  });
  std::vector<float> latencies;
  absl::Status status;
  Stopwatch sw;
  const int probes = static_cast<int>(std::min<int64_t>(kProbes, c.max_ops));
  for (int i = 0; i < probes && sw.Seconds() < c.duration_s * 2; ++i) {
    std::string key = Key16(c.seed + 1, i);
    status = kv->Put("probe", key, std::to_string(NowNs()));
    if (!status.ok()) break;
    absl::StatusOr<ChangeEvent> ev = sub->Next(absl::Seconds(5));
    int64_t now = NowNs();
    if (!ev.ok()) {
      status = ev.status();
      break;
    }
    if (ev->key != key || !ev->after) {
      status = absl::DataLossError("feed delivered probe " + ev->key + ", expected " + key);
      break;
    }
    latencies.push_back(static_cast<float>(now - std::stoll(*ev->after)) / 1000.0f);
  }
  double seconds = sw.Seconds();
  stop = true;
  writer.join();
  sub.reset();
  RETURN_IF_ERROR(status);
  RETURN_IF_ERROR(writer_status);
  feed.reset();
  kv.reset();
  RETURN_IF_ERROR(db->Close());
  RunResult r;
  double n = static_cast<double>(latencies.size());
  r.metrics = {{"ops_per_sec", n / seconds, "probes/s"},
               {"p50_us", Percentile(&latencies, 50), "us"},
               {"p99_us", Percentile(&latencies, 99), "us"}};
  r.check = "every probe delivered in order";
  return r;
}

absl::StatusOr<RunResult> PullThroughput(const std::string& engine, const Config& c) {
  ASSIGN_OR_RETURN(auto db, OpenTessera(FreshDir(c, "feed.pull-" + engine)));
  ASSIGN_OR_RETURN(auto kv, KvStore::Open(db.get()));
  ASSIGN_OR_RETURN(auto feed, ChangeFeed::Open(db.get()));
  uint64_t first = db->LastSequence() + 1;
  for (int64_t base = 0; base < kPullEvents; base += 1000) {
    std::vector<KvWrite> batch;
    for (int64_t i = base; i < base + 1000; ++i) {
      batch.push_back({Key16(c.seed, i), ValueBytes(c.seed, i, 100), 0});
    }
    RETURN_IF_ERROR(kv->WriteBatch("pull", batch));
  }
  FeedReadOptions o;
  o.from_seq = first;
  o.limit = 1000;
  o.filter.objects = {"pull"};
  int64_t events = 0;
  std::vector<float> latencies;
  Stopwatch sw;
  while (events < kPullEvents) {
    Stopwatch page;
    ASSIGN_OR_RETURN(auto got, feed->Read(o));
    latencies.push_back(static_cast<float>(page.Seconds() * 1e6));
    if (got.empty()) break;
    for (const auto& ev : got) {
      if (ev.seq < o.from_seq) return absl::DataLossError("feed went backwards");
      o.from_seq = ev.seq + 1;
    }
    events += static_cast<int64_t>(got.size());
  }
  double seconds = sw.Seconds();
  if (events != kPullEvents) {
    return absl::DataLossError("feed.pull read " + std::to_string(events) + " events of " +
                               std::to_string(kPullEvents));
  }
  feed.reset();
  kv.reset();
  RETURN_IF_ERROR(db->Close());
  RunResult r;
  r.metrics = {{"ops_per_sec", events / seconds, "events/s"},
               {"p50_us", Percentile(&latencies, 50), "us"},
               {"p99_us", Percentile(&latencies, 99), "us"}};
  r.check = std::to_string(events) + " events in order";
  return r;
}

}  // namespace

std::vector<Workload> FeedWorkloads() {
  return {
      {"feed.push_latency",
       "change feed: commit-to-delivery latency of a subscriber, with a writer",
       {"tessera-kv"},
       PushLatency},
      {"feed.pull_throughput",
       "change feed: reading 50k events in pages of 1000 (events/s)",
       {"tessera-kv"},
       PullThroughput},
  };
}

}  // namespace tessera::bench
