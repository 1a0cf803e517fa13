// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Writes, sealing, retention and downsampling of the time-series model (ts_store_impl.h).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <set>

#include "core/engine/txn_impl.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/ts/line_protocol.h"
#include "models/ts/series_reader.h"
#include "models/ts/ts_aggregate.h"
#include "models/ts/ts_batch.h"
#include "models/ts/ts_keys.h"
#include "models/ts/ts_store_impl.h"
#include "tessera/status.h"

namespace tessera {

absl::StatusOr<std::unique_ptr<TsStore>> TsStore::Open(DB* db) {
  if (db == nullptr) return absl::InvalidArgumentError("TsStore::Open: db is null");
  RETURN_IF_ERROR(db->engine().CheckOpen());
  return std::unique_ptr<TsStore>(new ts::TsStoreImpl(db));
}

namespace ts {
namespace {

using internal::Cf;
using internal::ScopedOpTimer;
using internal::TxnImpl;

constexpr int kMaxDownsampleDepth = 8;
constexpr size_t kDownsampleBatch = 10000;
// Writes run EnforceRetention for their measurement at most this often.
constexpr int64_t kRetentionIntervalNs = int64_t{60} * 1000000000;

}  // namespace

TsStoreImpl::TsStoreImpl(DB* db) : db_(db), engine_(&db->engine()), index_(engine_) {
  auto& m = engine_->metrics();
  h_write_ = m.GetHistogram("ts.write");
  h_query_ = m.GetHistogram("ts.query");
  h_last_ = m.GetHistogram("ts.last");
  h_seal_ = m.GetHistogram("ts.seal");
}

int64_t TsStoreImpl::NowNs() { return internal::Engine::NowMicros() * 1000; }

namespace {
std::atomic<uint64_t> g_block_seq{0};
}  // namespace

uint64_t TsStoreImpl::NextBlockSeq() {
  // Seeded from the clock so that numbers keep growing across restarts; LoadOpenWindows also
  // moves past the blocks it finds, in case the clock went backwards.
  const uint64_t now = static_cast<uint64_t>(internal::Engine::NowMicros());
  uint64_t cur = g_block_seq.load(std::memory_order_relaxed);
  while (true) {
    const uint64_t next = std::max(cur + 1, now);
    if (g_block_seq.compare_exchange_weak(cur, next, std::memory_order_relaxed)) return next;
  }
}

void TsStoreImpl::BumpBlockSeq(uint64_t used) {
  uint64_t cur = g_block_seq.load(std::memory_order_relaxed);
  while (cur < used && !g_block_seq.compare_exchange_weak(cur, used, std::memory_order_relaxed)) {
  }
}

int64_t TsStoreImpl::Cutoff(const MeasurementOptions& o) {
  if (o.retention_ns <= 0) return INT64_MIN;
  return NowNs() - o.retention_ns;
}

absl::Status TsStoreImpl::Write(const std::vector<TsPoint>& points) {
  ScopedOpTimer t(h_write_);
  absl::Status s = WriteImpl(points, 0);
  if (!s.ok()) t.Fail();
  return s;
}

absl::Status TsStoreImpl::Write(Transaction& txn, const std::vector<TsPoint>& points) {
  ScopedOpTimer t(h_write_);
  absl::Status s = WriteImpl(points, 0, &txn);
  if (!s.ok()) t.Fail();
  return s;
}

absl::StatusOr<size_t> TsStoreImpl::WriteLineProtocol(std::string_view text, TsPrecision precision,
                                                      size_t first_line) {
  return WriteLines(text, precision, first_line, nullptr);
}

absl::StatusOr<size_t> TsStoreImpl::WriteLineProtocol(Transaction& txn, std::string_view text,
                                                      TsPrecision precision, size_t first_line) {
  return WriteLines(text, precision, first_line, &txn);
}

absl::StatusOr<size_t> TsStoreImpl::WriteLines(std::string_view text, TsPrecision precision,
                                               size_t first_line, Transaction* user) {
  ScopedOpTimer t(h_write_);
  PointBatch batch;
  absl::Status s = batch.AddLines(text, static_cast<Precision>(static_cast<int>(precision)),
                                  first_line == 0 ? 1 : first_line, NowNs());
  if (s.ok()) s = WriteBatch(batch, 0, user);
  if (!s.ok()) {
    t.Fail();
    return s;
  }
  return batch.points();
}

absl::Status TsStoreImpl::WriteImpl(const std::vector<TsPoint>& points, int depth,
                                    Transaction* user) {
  PointBatch batch;
  for (const TsPoint& p : points) RETURN_IF_ERROR(batch.AddPoint(p));
  return WriteBatch(batch, depth, user);
}

absl::Status TsStoreImpl::WriteBatch(PointBatch& batch, int depth, Transaction* user) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  // The series keys by measurement (events and creation follow the measurements' name order).
  std::map<std::string_view, std::vector<BatchSeries*>> by_measurement;
  for (auto& s : batch.series()) by_measurement[s->measurement].push_back(s.get());
  struct Group {
    ObjectInfo info;
    MeasurementOptions opts;
    std::vector<SeriesPoints> series;
    size_t values = 0;                       // values within retention, duplicates included
    int64_t lo = INT64_MAX, hi = INT64_MIN;  // their time span
    std::vector<std::pair<std::pair<uint64_t, int64_t>, std::string>> blocks;  // (sid, window)
  };
  std::vector<Group> groups;
  groups.reserve(by_measurement.size());
  for (auto& [name, members] : by_measurement) {
    Group& g = groups.emplace_back();
    ASSIGN_OR_RETURN(g.info, engine_->catalog().GetOrCreate(Model::kTimeSeries, name));
    ASSIGN_OR_RETURN(g.opts, DecodeMeasurementOptions(g.info.options));
    if (user != nullptr && !g.opts.rules.empty()) {
      return absl::FailedPreconditionError(util::StrCat(
          "time-series measurement \"", name,
          "\" has downsampling rules, which run after a write commits; write it outside a "
          "transaction"));
    }
    const int64_t cutoff = Cutoff(g.opts);
    for (BatchSeries* s : members) {
      // One cache lookup per series key; each field by position in its small table.
      std::shared_ptr<const TagSetSeries> known = index_.FindTagSet(g.info.id, s->tagset);
      for (size_t fi = 0; fi < s->fields.size(); ++fi) {
        BatchField& f = s->fields[fi];
        if (!f.typed) continue;  // named by a line that then took the slow path
        std::shared_ptr<const SeriesRecord> rec =
            known ? known->FindShared(f.name, fi) : std::shared_ptr<const SeriesRecord>();
        if (rec == nullptr || rec->type != f.type) {
          ASSIGN_OR_RETURN(rec,
                           index_.ResolveInTagSet(g.info.id, f.name, s->tags, s->tagset, f.type));
        }
        if (f.other_type) {  // the batch wrote two types to one series: the index says which
          RETURN_IF_ERROR(
              index_.ResolveInTagSet(g.info.id, f.name, s->tags, s->tagset, *f.other_type)
                  .status());
        }
        std::vector<RawPoint>& pts = f.points;
        if (cutoff != INT64_MIN) {  // already past retention: never visible, not written
          pts.erase(std::remove_if(pts.begin(), pts.end(),
                                   [&](const RawPoint& p) { return p.ts < cutoff; }),
                    pts.end());
        }
        if (pts.empty()) continue;
        g.values += pts.size();
        bool sorted = true;
        for (size_t i = 1; i < pts.size() && sorted; ++i) sorted = pts[i - 1].ts < pts[i].ts;
        if (!sorted) SortDedupLastWins(&pts);  // last write wins within the batch
        g.lo = std::min(g.lo, pts.front().ts);
        g.hi = std::max(g.hi, pts.back().ts);
        g.series.push_back(SeriesPoints{std::move(rec), std::move(pts)});
      }
    }
  }
  // Every series' open windows (and the head blocks in them) are known before a block number
  // is taken, so that the number is above every block of the series, even after a restart.
  for (const Group& g : groups) {
    for (const SeriesPoints& sp : g.series)
      RETURN_IF_ERROR(LoadOpenWindows(g.info.id, sp.rec->sid));
  }
  const uint64_t block_seq = NextBlockSeq();
  // Each series' points as one block per window (the points are sorted, so a window is a run).
  std::vector<RawPoint> run;
  for (Group& g : groups) {
    for (const SeriesPoints& sp : g.series) {
      size_t i = 0;
      while (i < sp.points.size()) {
        const int64_t w = FloorTo(sp.points[i].ts, kWindowNs);
        run.clear();
        while (i < sp.points.size() && FloorTo(sp.points[i].ts, kWindowNs) == w) {
          run.push_back(sp.points[i++]);
        }
        ASSIGN_OR_RETURN(std::string chunk, EncodeChunk(sp.rec->type, run));
        g.blocks.emplace_back(std::make_pair(sp.rec->sid, w), std::move(chunk));
      }
    }
  }
  auto write = [&](TxnImpl& txn) -> absl::Status {
    for (const Group& g : groups) {
      if (g.series.empty()) continue;
      for (const auto& [key, chunk] : g.blocks) {
        const auto [sid, w] = key;
        RETURN_IF_ERROR(txn.Put(Cf::kData, HeadBlockKey(g.info.id, sid, w, block_seq), chunk));
        RETURN_IF_ERROR(txn.Put(Cf::kIndex, OpenWindowKey(g.info.id, sid, w), ""));
      }
      // One event per measurement per batch (docs/models/time-series.md says why).
      ChangeEvent e;
      e.model = Model::kTimeSeries;
      e.object_id = g.info.id;
      e.object = g.info.name;
      e.op = ChangeOp::kCreate;
      e.key = std::to_string(g.lo);
      e.image_format = ImageFormat::kJson;
      e.after = util::StrCat("{\"from\":", g.lo, ",\"points\":", g.values,
                             ",\"series\":", g.blocks.size(), ",\"to\":", g.hi, "}");
      RETURN_IF_ERROR(txn.AddEvent(std::move(e)));
    }
    return absl::OkStatus();
  };
  if (user != nullptr) {
    RETURN_IF_ERROR(write(user->impl()));
    // Sealing waits for a later write or Flush (the caller's commit is not reported here); the
    // windows are remembered as open so that those find them. A rollback leaves only markers,
    // which sealing then deletes.
    util::MutexLock l(&mu_);
    for (const Group& g : groups) {
      for (const auto& [key, chunk] : g.blocks) {
        OpenWindows& ow = open_[{g.info.id, key.first}];
        ow.windows.insert(key.second);
        ow.newest = std::max(ow.newest, key.second);
      }
    }
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(engine_->RunInTxn("ts.write", /*snapshot=*/false, RetryOptions(), write));
  for (const Group& g : groups) {
    if (!g.series.empty()) RETURN_IF_ERROR(AfterWrite(g.info, g.opts, g.series, depth));
  }
  return absl::OkStatus();
}

absl::Status TsStoreImpl::LoadOpenWindows(uint64_t mid, uint64_t sid) {
  {
    util::MutexLock l(&mu_);
    if (open_[{mid, sid}].loaded) return absl::OkStatus();
  }
  std::string lower = IndexPrefix(mid, kIdxOpenWindow);
  codec::PutFixed64BE(&lower, sid);
  auto it = engine_->latest().NewIterator(Cf::kIndex, lower, codec::PrefixSuccessor(lower));
  std::vector<int64_t> found;
  for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
    if ((*it)->key().size() != lower.size() + 8) {
      return absl::DataLossError("time-series: malformed open-window key");
    }
    found.push_back(DecodeTime((*it)->key().data() + lower.size()));
  }
  RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "time-series open windows"));
  for (int64_t w : found) {
    // The window's newest head block, if any: later blocks must be numbered above it.
    const std::string ck = ChunkKey(mid, sid, w);
    auto blocks = engine_->latest().NewIterator(Cf::kData, ck, codec::PrefixSuccessor(ck));
    (*blocks)->SeekToLast();
    if ((*blocks)->Valid() && (*blocks)->key().size() == kHeadKeyBytes) {
      BumpBlockSeq(codec::DecodeFixed64BE((*blocks)->key().data() + kChunkKeyBytes));
    }
    RETURN_IF_ERROR(internal::FromRocks((*blocks)->status(), "time-series open windows"));
  }
  util::MutexLock l(&mu_);
  OpenWindows& ow = open_[{mid, sid}];
  if (!ow.loaded) {
    ow.loaded = true;
    for (int64_t w : found) {
      ow.windows.insert(w);
      ow.newest = std::max(ow.newest, w);
    }
  }
  return absl::OkStatus();
}

absl::Status TsStoreImpl::AfterWrite(const ObjectInfo& info, const MeasurementOptions& opts,
                                     const std::vector<SeriesPoints>& series, int depth) {
  const uint64_t mid = info.id;
  // Sealing: windows older than the one before the series' newest window are closed.
  std::vector<int64_t> windows;
  for (const SeriesPoints& sp : series) {
    const SeriesRecord* rec = sp.rec.get();
    windows.clear();
    for (const RawPoint& p : sp.points) {  // sorted: each window is a run
      const int64_t w = FloorTo(p.ts, kWindowNs);
      if (windows.empty() || windows.back() != w) windows.push_back(w);
    }
    RETURN_IF_ERROR(LoadOpenWindows(mid, rec->sid));
    std::vector<int64_t> to_seal;
    {
      util::MutexLock l(&mu_);
      OpenWindows& ow = open_[{mid, rec->sid}];
      for (int64_t w : windows) ow.windows.insert(w);
      ow.newest = std::max(ow.newest, windows.back());
      if (ow.newest > INT64_MIN + 2 * kWindowNs) {
        const int64_t limit = ow.newest - kWindowNs;  // windows below this are closed
        for (auto it = ow.windows.begin(); it != ow.windows.end() && *it < limit;) {
          to_seal.push_back(*it);
          it = ow.windows.erase(it);
        }
      }
    }
    for (int64_t w : to_seal) {
      absl::Status s = SealWindow(mid, rec->sid, rec->type, w);
      if (!s.ok()) {
        util::MutexLock l(&mu_);
        open_[{mid, rec->sid}].windows.insert(w);
        return s;
      }
    }
  }
  // Continuous aggregation.
  if (depth < kMaxDownsampleDepth) {
    for (const DownsampleRule& rule : opts.rules) {
      std::vector<std::pair<const SeriesRecord*, int64_t>> buckets;
      for (const SeriesPoints& sp : series) {
        for (const RawPoint& p : sp.points) {
          const int64_t b = FloorTo(p.ts, rule.every);
          if (buckets.empty() || buckets.back() != std::make_pair(sp.rec.get(), b)) {
            buckets.emplace_back(sp.rec.get(), b);
          }
        }
      }
      RETURN_IF_ERROR(Downsample(info, rule, buckets, depth));
    }
  }
  // Retention, at most once a minute per measurement from the write path.
  if (opts.retention_ns > 0) {
    const int64_t now = NowNs();
    bool due = false;
    {
      util::MutexLock l(&mu_);
      auto [it, inserted] = last_retention_ns_.emplace(mid, now);
      if (inserted || now - it->second >= kRetentionIntervalNs) {
        it->second = now;
        due = true;
      }
    }
    if (due) RETURN_IF_ERROR(EnforceRetentionFor(info, opts.retention_ns));
  }
  return absl::OkStatus();
}

absl::Status TsStoreImpl::SealWindow(uint64_t mid, uint64_t sid, ValueType type, int64_t window) {
  ScopedOpTimer t(h_seal_);
  absl::Status s = engine_->RunInTxn(
      "ts.seal", /*snapshot=*/true, RetryOptions(), [&](TxnImpl& txn) -> absl::Status {
        const std::string ck = ChunkKey(mid, sid, window);
        std::string raw;
        bool found = false;
        RETURN_IF_ERROR(txn.GetForUpdate(Cf::kData, ck, &raw, &found));
        WindowAccumulator acc;
        if (found) {
          ValueType stored = type;
          RETURN_IF_ERROR(acc.Add(ck, raw, &stored));
          if (stored != type) return absl::DataLossError("time-series: chunk of another type");
        }
        std::vector<std::string> head_keys;
        {
          auto it = txn.NewIterator(Cf::kData, ck, codec::PrefixSuccessor(ck));
          for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
            const rocksdb::Slice k = (*it)->key();
            if (k.size() == kChunkKeyBytes) continue;
            const rocksdb::Slice v = (*it)->value();
            if (k.size() != kHeadKeyBytes) return absl::DataLossError("time-series: malformed key");
            RETURN_IF_ERROR(acc.Add(std::string_view(k.data(), k.size()),
                                    std::string_view(v.data(), v.size())));
            head_keys.emplace_back(k.data(), k.size());
          }
          RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "time-series seal"));
        }
        if (!head_keys.empty()) {
          ASSIGN_OR_RETURN(std::string encoded, EncodeChunk(type, acc.Take()));
          RETURN_IF_ERROR(txn.Put(Cf::kData, ck, encoded));
          for (const std::string& k : head_keys) RETURN_IF_ERROR(txn.Delete(Cf::kData, k));
        }
        return txn.Delete(Cf::kIndex, OpenWindowKey(mid, sid, window));
      });
  if (!s.ok()) t.Fail();
  return s;
}

absl::Status TsStoreImpl::Flush(std::string_view measurement) {
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> ms, Measurements(measurement));
  for (const ObjectInfo& info : ms) {
    const std::string prefix = IndexPrefix(info.id, kIdxOpenWindow);
    std::vector<std::pair<uint64_t, int64_t>> open;
    {
      auto it = engine_->latest().NewIterator(Cf::kIndex, prefix, codec::PrefixSuccessor(prefix));
      for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
        const rocksdb::Slice k = (*it)->key();
        if (k.size() != prefix.size() + 16) {
          return absl::DataLossError("time-series: malformed open-window key");
        }
        open.emplace_back(codec::DecodeFixed64BE(k.data() + prefix.size()),
                          DecodeTime(k.data() + prefix.size() + 8));
      }
      RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "time-series flush"));
    }
    for (const auto& [sid, w] : open) {
      ASSIGN_OR_RETURN(SeriesRecord rec, index_.Load(engine_->latest(), info.id, sid));
      RETURN_IF_ERROR(SealWindow(info.id, sid, rec.type, w));
      util::MutexLock l(&mu_);
      auto it = open_.find({info.id, sid});
      if (it != open_.end()) it->second.windows.erase(w);
    }
  }
  return absl::OkStatus();
}

absl::Status TsStoreImpl::Downsample(
    const ObjectInfo& src, const DownsampleRule& rule,
    const std::vector<std::pair<const SeriesRecord*, int64_t>>& buckets, int depth) {
  std::vector<TsPoint> out;
  for (const auto& [rec, start] : buckets) {
    const int64_t end = start > INT64_MAX - rule.every ? INT64_MAX : start + rule.every - 1;
    ASSIGN_OR_RETURN(std::vector<RawPoint> pts,
                     ReadSeries(engine_->latest(), src.id, rec->sid, start, end));
    if (pts.empty()) continue;
    std::vector<Sample> samples;
    samples.reserve(pts.size());
    for (const RawPoint& p : pts) {
      TsValue v = rec->type == ValueType::kFloat ? TsValue(BitsDouble(p.bits))
                  : rec->type == ValueType::kInt ? TsValue(static_cast<int64_t>(p.bits))
                                                 : TsValue(p.bits != 0);
      samples.push_back(Sample{p.ts, v, AsDouble(v)});
    }
    TsPoint tp;
    tp.measurement = rule.dst;
    tp.tags = rec->tags;
    tp.time = start;
    tp.fields.emplace_back(rec->field, AggregateSamples(rule.fn, samples));
    out.push_back(std::move(tp));
    if (out.size() >= kDownsampleBatch) {
      RETURN_IF_ERROR(WriteImpl(out, depth + 1));
      out.clear();
    }
  }
  if (!out.empty()) RETURN_IF_ERROR(WriteImpl(out, depth + 1));
  return absl::OkStatus();
}

absl::Status TsStoreImpl::UpdateOptions(
    std::string_view measurement, const std::function<absl::Status(MeasurementOptions*)>& change) {
  util::MutexLock l(&options_mu_);
  ASSIGN_OR_RETURN(ObjectInfo info,
                   engine_->catalog().GetOrCreate(Model::kTimeSeries, measurement));
  ASSIGN_OR_RETURN(MeasurementOptions o, DecodeMeasurementOptions(info.options));
  RETURN_IF_ERROR(change(&o));
  return engine_->catalog().SetOptions(Model::kTimeSeries, measurement,
                                       EncodeMeasurementOptions(o));
}

absl::Status TsStoreImpl::SetRetention(std::string_view measurement, int64_t duration_ns) {
  RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kTimeSeries, measurement));
  if (duration_ns < 0) {
    return absl::InvalidArgumentError(
        util::StrCat("time-series retention must not be negative, got ", duration_ns, " ns"));
  }
  RETURN_IF_ERROR(UpdateOptions(measurement, [&](MeasurementOptions* o) {
    o->retention_ns = duration_ns;
    return absl::OkStatus();
  }));
  if (duration_ns == 0) return absl::OkStatus();
  ASSIGN_OR_RETURN(ObjectInfo info, engine_->catalog().Get(Model::kTimeSeries, measurement));
  return EnforceRetentionFor(info, duration_ns);
}

absl::Status TsStoreImpl::EnforceRetention() {
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> ms, Measurements(""));
  for (const ObjectInfo& info : ms) {
    ASSIGN_OR_RETURN(MeasurementOptions o, DecodeMeasurementOptions(info.options));
    if (o.retention_ns > 0) RETURN_IF_ERROR(EnforceRetentionFor(info, o.retention_ns));
  }
  return absl::OkStatus();
}

absl::Status TsStoreImpl::EnforceRetentionFor(const ObjectInfo& info, int64_t retention_ns) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  const int64_t cutoff_window = FloorTo(NowNs() - retention_ns, kWindowNs);
  // Every window that starts before the cutoff's window ends at or before the cutoff.
  ASSIGN_OR_RETURN(std::vector<SeriesRecord> series,
                   index_.Select(engine_->latest(), info.id, std::nullopt, {}));
  rocksdb::WriteBatch batch;
  for (const SeriesRecord& r : series) {
    batch.DeleteRange(engine_->cf(Cf::kData), ChunkKey(info.id, r.sid, INT64_MIN),
                      ChunkKey(info.id, r.sid, cutoff_window));
    batch.DeleteRange(engine_->cf(Cf::kIndex), OpenWindowKey(info.id, r.sid, INT64_MIN),
                      OpenWindowKey(info.id, r.sid, cutoff_window));
  }
  if (series.empty()) return absl::OkStatus();
  rocksdb::TransactionDBWriteOptimizations opt;
  opt.skip_concurrency_control = true;  // range deletions cannot take row locks
  RETURN_IF_ERROR(internal::FromRocks(engine_->db()->Write(engine_->write_options(), opt, &batch),
                                      util::StrCat("time-series retention of ", info.name)));
  util::MutexLock l(&mu_);
  for (const SeriesRecord& r : series) {
    auto it = open_.find({info.id, r.sid});
    if (it == open_.end()) continue;
    auto& ws = it->second.windows;
    ws.erase(ws.begin(), ws.lower_bound(cutoff_window));
  }
  return absl::OkStatus();
}

absl::Status TsStoreImpl::AddDownsample(std::string_view src, std::string_view dst,
                                        const TsAggregate& fn, int64_t every_ns) {
  RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kTimeSeries, src));
  RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kTimeSeries, dst));
  if (every_ns <= 0) {
    return absl::InvalidArgumentError(
        util::StrCat("downsample bucket width must be positive, got ", every_ns, " ns"));
  }
  if (fn.fn == TsAggFn::kPercentile && !(fn.percentile >= 0 && fn.percentile <= 100)) {
    return absl::InvalidArgumentError("downsample percentile must lie in [0, 100]");
  }
  // Refuse cycles: follow dst's rules; reaching src would feed src from itself.
  std::vector<std::string> todo{std::string(dst)};
  std::set<std::string> seen;
  while (!todo.empty()) {
    std::string m = std::move(todo.back());
    todo.pop_back();
    if (m == src) {
      return absl::InvalidArgumentError(
          util::StrCat("downsampling ", src, " into ", dst, " would make a cycle of rules"));
    }
    if (!seen.insert(m).second) continue;
    if (auto info = engine_->catalog().Find(Model::kTimeSeries, m)) {
      ASSIGN_OR_RETURN(MeasurementOptions o, DecodeMeasurementOptions(info->options));
      for (const DownsampleRule& r : o.rules) todo.push_back(r.dst);
    }
  }
  DownsampleRule rule{std::string(dst), fn, every_ns};
  RETURN_IF_ERROR(UpdateOptions(src, [&](MeasurementOptions* o) {
    auto same = [&](const DownsampleRule& r) { return r.dst == rule.dst; };
    o->rules.erase(std::remove_if(o->rules.begin(), o->rules.end(), same), o->rules.end());
    o->rules.push_back(rule);
    return absl::OkStatus();
  }));
  // Roll up what exists.
  ASSIGN_OR_RETURN(ObjectInfo info, engine_->catalog().Get(Model::kTimeSeries, src));
  ASSIGN_OR_RETURN(MeasurementOptions o, DecodeMeasurementOptions(info.options));
  const int64_t cutoff = Cutoff(o);
  ASSIGN_OR_RETURN(std::vector<SeriesRecord> series,
                   index_.Select(engine_->latest(), info.id, std::nullopt, {}));
  for (const SeriesRecord& rec : series) {
    ASSIGN_OR_RETURN(std::vector<RawPoint> pts,
                     ReadSeries(engine_->latest(), info.id, rec.sid, cutoff, INT64_MAX));
    std::set<int64_t> starts;
    for (const RawPoint& p : pts) starts.insert(FloorTo(p.ts, every_ns));
    std::vector<std::pair<const SeriesRecord*, int64_t>> buckets;
    for (int64_t s : starts) buckets.emplace_back(&rec, s);
    RETURN_IF_ERROR(Downsample(info, rule, buckets, 0));
  }
  return absl::OkStatus();
}

absl::Status TsStoreImpl::DropMeasurement(std::string_view measurement) {
  RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kTimeSeries, measurement));
  ASSIGN_OR_RETURN(ObjectInfo info, engine_->catalog().Get(Model::kTimeSeries, measurement));
  RETURN_IF_ERROR(engine_->catalog().Drop(Model::kTimeSeries, measurement));
  index_.Forget(info.id);
  util::MutexLock l(&mu_);
  open_.erase(open_.lower_bound({info.id, 0}), open_.lower_bound({info.id + 1, 0}));
  last_retention_ns_.erase(info.id);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ObjectInfo>> TsStoreImpl::Measurements(std::string_view measurement) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  if (measurement.empty()) return engine_->catalog().List(Model::kTimeSeries);
  RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kTimeSeries, measurement));
  std::vector<ObjectInfo> out;
  if (auto info = engine_->catalog().Find(Model::kTimeSeries, measurement)) out.push_back(*info);
  return out;
}

}  // namespace ts
}  // namespace tessera
