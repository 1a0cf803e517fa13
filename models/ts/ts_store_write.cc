// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Writes, sealing, retention and downsampling of the time-series model (ts_store_impl.h).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <thread>

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

// One series' points of one window in a write, and how the write stored them.
struct WindowWrite {
  enum class How {
    kChunk,   // the window held nothing: the points became its chunk
    kHead,    // a head block (and the window's marker), sealed later
    kMerged,  // the window is closed: its chunk rewritten with every head block and the points
  };
  size_t group = 0;                               // index of the measurement's group
  const SeriesRecord* rec = nullptr;              // the series
  const std::vector<RawPoint>* points = nullptr;  // its points in the write, sorted
  size_t begin = 0, end = 0;                      // those of the window: [begin, end)
  int64_t window = 0;                             // the window's start
  bool closed = false;  // older than the window before the series' newest after the write
  bool filled = false;  // known to hold points (OpenWindows::filled)
  std::string encoded;  // points[begin, end) encoded as a chunk (when `has_encoded`)
  bool has_encoded = false;
  How how = How::kHead;  // set by WriteWindow
  // The encoder of points[begin, end) behind `encoded`, when built outside a caller's
  // transaction (it becomes `result` if they become the window's chunk).
  WindowCache::Encoder fresh;
  // The window's encoder from the window cache, valid if LastSeqOf(mid) is still
  // `cached_change` once the window's keys are locked (ts_window_cache.h).
  WindowCache::Encoder cached;
  uint64_t cached_change = 0;
  uint64_t cached_gen = 0;  // and while Catalog::generation() is still this
  // The encoder of every point of the window after the write, when it is then one chunk (for the
  // cache).
  WindowCache::Encoder result;
};

// Writes one WindowWrite in `txn` (a transaction without a snapshot) and sets ww->how. `log` is
// the change log when the window cache may be used (else null).
absl::Status WriteWindow(TxnImpl& txn, internal::ChangeLog* log, const internal::Catalog& catalog,
                         uint64_t mid, uint64_t block_seq, WindowWrite* ww);

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
    size_t windows = 0;                      // (series, window) pairs written
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
    // The series this process has not resolved yet, created (or loaded) together in one
    // transaction rather than one each.
    std::vector<std::shared_ptr<const TagSetSeries>> known(members.size());
    std::vector<SeriesIndex::Wanted> wanted;
    for (size_t m = 0; m < members.size(); ++m) {
      const BatchSeries* s = members[m];
      known[m] = index_.FindTagSet(g.info.id, s->tagset);
      for (size_t fi = 0; fi < s->fields.size(); ++fi) {
        const BatchField& f = s->fields[fi];
        if (f.typed && (known[m] == nullptr || known[m]->Find(f.name, fi) == nullptr)) {
          wanted.push_back(SeriesIndex::Wanted{&f.name, &s->tags, f.type});
        }
      }
    }
    if (!wanted.empty()) RETURN_IF_ERROR(index_.Prefetch(g.info.id, wanted));
    for (size_t m = 0; m < members.size(); ++m) {
      BatchSeries* s = members[m];
      // One cache lookup per series key (above); each field by position in its small table.
      const std::shared_ptr<const TagSetSeries>& known_set = known[m];
      for (size_t fi = 0; fi < s->fields.size(); ++fi) {
        BatchField& f = s->fields[fi];
        if (!f.typed) continue;  // named by a line that then took the slow path
        std::shared_ptr<const SeriesRecord> rec =
            known_set ? known_set->FindShared(f.name, fi) : std::shared_ptr<const SeriesRecord>();
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
  // Each series' points as one write per window (the points are sorted, so a window is a run),
  // encoded once: the value of a head block, or the chunk of a window that holds nothing yet.
  std::vector<WindowWrite> writes;
  {
    // Per series of each group, in order: the newest window after this write, which decides the
    // windows it closes, and the open windows known to hold points.
    std::vector<int64_t> newest;
    std::vector<std::set<int64_t>> filled;
    std::vector<std::set<int64_t>> open;  // windows known to hold head blocks
    {
      util::MutexLock l(&mu_);
      for (const Group& g : groups) {
        for (const SeriesPoints& sp : g.series) {
          const OpenWindows& ow = open_[{g.info.id, sp.rec->sid}];
          newest.push_back(std::max(ow.newest, FloorTo(sp.points.back().ts, kWindowNs)));
          filled.push_back(ow.filled);
          open.push_back(ow.windows);
        }
      }
    }
    size_t n = 0;
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      Group& g = groups[gi];
      for (const SeriesPoints& sp : g.series) {
        const int64_t top = newest[n];
        const std::set<int64_t>& known = filled[n];
        const std::set<int64_t>& heads = open[n++];
        // Windows with head blocks that this write closes without writing into them: sealed in
        // the same transaction (no points of their own).
        if (user == nullptr && top > INT64_MIN + 2 * kWindowNs) {
          for (auto it = heads.begin(); it != heads.end() && *it < top - kWindowNs; ++it) {
            const int64_t w = *it;
            // Sorted points: the first at or after w tells whether the write has any in w.
            auto at = std::lower_bound(sp.points.begin(), sp.points.end(), w,
                                       [](const RawPoint& p, int64_t t) { return p.ts < t; });
            const bool written = at != sp.points.end() && FloorTo(at->ts, kWindowNs) == w;
            if (written) continue;
            WindowWrite& ww = writes.emplace_back();
            ww.group = gi;
            ww.rec = sp.rec.get();
            ww.points = &sp.points;
            ww.window = w;
            ww.closed = true;
          }
        }
        size_t i = 0;
        while (i < sp.points.size()) {
          const int64_t w = FloorTo(sp.points[i].ts, kWindowNs);
          const size_t begin = i;
          // Points at or after w (sorted); unsigned, so that no difference overflows.
          while (i < sp.points.size() &&
                 static_cast<uint64_t>(sp.points[i].ts) - static_cast<uint64_t>(w) <
                     static_cast<uint64_t>(kWindowNs)) {
            ++i;
          }
          WindowWrite& ww = writes.emplace_back();
          ww.group = gi;
          ww.rec = sp.rec.get();
          ww.points = &sp.points;
          ww.window = w;
          ww.begin = begin;
          ww.end = i;
          ww.closed = top > INT64_MIN + 2 * kWindowNs && w < top - kWindowNs;
          ww.filled = known.count(w) > 0;
          // The window cache (outside callers' transactions, with the change log on).
          if (user == nullptr && engine_->options().change_log) {
            if (auto e = windows_.Find(g.info.id, sp.rec->sid, w)) {
              ww.cached = std::move(e->enc);
              ww.cached_change = e->change;
              ww.cached_gen = e->gen;
            }
          }
          // A closed window is usually merged (encoded then), except in a caller's transaction;
          // an open one is written as it is, unless the cache has it.
          if ((!ww.closed && ww.cached == nullptr) || user != nullptr) {
            auto enc = std::make_shared<ChunkEncoder>(sp.rec->type);
            RETURN_IF_ERROR(enc->Append(sp.points.data() + begin, i - begin));
            ww.encoded = enc->Chunk();
            ww.has_encoded = true;
            if (user == nullptr) ww.fresh = std::move(enc);
          }
          ++g.windows;
        }
      }
    }
  }
  auto add_events = [&](TxnImpl& txn) -> absl::Status {
    for (const Group& g : groups) {
      if (g.series.empty()) continue;
      // One event per measurement per batch (docs/models/time-series.md says why).
      ChangeEvent e;
      e.model = Model::kTimeSeries;
      e.object_id = g.info.id;
      e.object = g.info.name;
      e.op = ChangeOp::kCreate;
      e.key = std::to_string(g.lo);
      e.image_format = ImageFormat::kJson;
      e.after = util::StrCat("{\"from\":", g.lo, ",\"points\":", g.values,
                             ",\"series\":", g.windows, ",\"to\":", g.hi, "}");
      RETURN_IF_ERROR(txn.AddEvent(std::move(e)));
    }
    return absl::OkStatus();
  };
  if (user != nullptr) {
    // In a caller's transaction every window gets a head block: sealing waits for a later write
    // or Flush (the caller's commit is not reported here); the windows are remembered as open so
    // that those find them. A rollback leaves only markers, which sealing then deletes.
    TxnImpl& txn = user->impl();
    for (const WindowWrite& ww : writes) {
      const uint64_t mid = groups[ww.group].info.id;
      const uint64_t sid = ww.rec->sid;
      RETURN_IF_ERROR(txn.Put(Cf::kData, HeadBlockKey(mid, sid, ww.window, block_seq), ww.encoded));
      RETURN_IF_ERROR(txn.Put(Cf::kIndex, OpenWindowKey(mid, sid, ww.window), ""));
    }
    RETURN_IF_ERROR(add_events(txn));
    util::MutexLock l(&mu_);
    for (const WindowWrite& ww : writes) {
      OpenWindows& ow = open_[{groups[ww.group].info.id, ww.rec->sid}];
      ow.windows.insert(ww.window);
      ow.newest = std::max(ow.newest, ww.window);
    }
    return absl::OkStatus();
  }
  // Locks are taken in key order, so that two writers of the same series never wait on each
  // other crosswise.
  std::sort(writes.begin(), writes.end(), [&](const WindowWrite& a, const WindowWrite& b) {
    const uint64_t ma = groups[a.group].info.id, mb = groups[b.group].info.id;
    if (ma != mb) return ma < mb;
    if (a.rec->sid != b.rec->sid) return a.rec->sid < b.rec->sid;
    return a.window < b.window;
  });
  for (size_t i = 1; i < writes.size(); ++i) {  // (the write below relies on it)
    if (writes[i].group == writes[i - 1].group && writes[i].rec->sid == writes[i - 1].rec->sid &&
        writes[i].window == writes[i - 1].window) {
      return absl::InternalError("time-series write: a window is written twice in one batch");
    }
  }
  internal::ChangeLog* log = engine_->options().change_log ? &engine_->change_log() : nullptr;
  // Read after the measurements exist and before the transaction reads any window: what the write
  // caches is tagged with it (ts_window_cache.h).
  const uint64_t catalog_gen = engine_->catalog().generation();
  auto body = [&](TxnImpl& txn) -> absl::Status {
    // Each (series, window) comes once in `writes`, and each window's keys are read (and
    // locked) before any of them is written, so no write is read back: they all skip the
    // transaction's write index, whose upkeep costs more than the writes themselves.
    txn.SetIndexing(false);
    for (WindowWrite& ww : writes) {
      RETURN_IF_ERROR(
          WriteWindow(txn, log, engine_->catalog(), groups[ww.group].info.id, block_seq, &ww));
    }
    return add_events(txn);
  };
  // Engine::RunInTxn's loop, keeping the committed events: their sequence numbers tag the
  // window cache's entries.
  std::vector<ChangeEvent> committed;
  {
    const RetryOptions retry;
    int64_t backoff = retry.initial_backoff_us;
    absl::Status last;
    for (int attempt = 1;; ++attempt) {
      ASSIGN_OR_RETURN(std::unique_ptr<TxnImpl> txn, engine_->BeginTxn("ts.write", false));
      last = body(*txn);
      if (last.ok() && txn->active()) last = txn->Commit();
      if (last.ok()) {
        committed = txn->events();
        break;
      }
      if (txn->active()) txn->Rollback().IgnoreError();
      for (WindowWrite& ww : writes) ww.result.reset();
      if (!IsConflict(last)) return last;
      if (attempt >= std::max(1, retry.max_attempts)) {
        return absl::AbortedError(util::StrCat("transaction still conflicting after ", attempt,
                                               " attempts: ", last.message()));
      }
      std::this_thread::sleep_for(std::chrono::microseconds(backoff));
      backoff = std::min(backoff * 2, retry.max_backoff_us);
    }
  }
  if (log != nullptr) {
    // The windows that are one chunk after the write, and still open, are cached under the
    // sequence number of the write's event of their measurement; the others are forgotten.
    std::map<uint64_t, uint64_t> seq_of;  // measurement id -> event seq
    for (const ChangeEvent& e : committed) seq_of[e.object_id] = e.seq;
    for (const WindowWrite& ww : writes) {
      const uint64_t mid = groups[ww.group].info.id;
      auto seq = seq_of.find(mid);
      if (ww.result != nullptr && !ww.closed && seq != seq_of.end() && seq->second != 0) {
        windows_.Put(mid, ww.rec->sid, ww.window, seq->second, catalog_gen, ww.result);
      } else {
        windows_.Erase(mid, ww.rec->sid, ww.window);
      }
    }
  }
  {
    util::MutexLock l(&mu_);
    for (const WindowWrite& ww : writes) {
      OpenWindows& ow = open_[{groups[ww.group].info.id, ww.rec->sid}];
      ow.newest = std::max(ow.newest, ww.window);
      if (ww.how == WindowWrite::How::kHead) {
        ow.windows.insert(ww.window);
      } else {
        ow.windows.erase(ww.window);  // it has no head block now
      }
      ow.filled.insert(ww.window);
    }
    for (const WindowWrite& ww : writes) {  // only open windows are worth remembering
      OpenWindows& ow = open_[{groups[ww.group].info.id, ww.rec->sid}];
      if (ow.newest > INT64_MIN + 2 * kWindowNs) {
        ow.filled.erase(ow.filled.begin(), ow.filled.lower_bound(ow.newest - kWindowNs));
        windows_.EraseBefore(groups[ww.group].info.id, ww.rec->sid, ow.newest - kWindowNs);
      }
    }
  }
  for (const Group& g : groups) {
    if (!g.series.empty()) RETURN_IF_ERROR(AfterWrite(g.info, g.opts, g.series, depth));
  }
  return absl::OkStatus();
}

namespace {

absl::Status WriteWindow(TxnImpl& txn, internal::ChangeLog* log, const internal::Catalog& catalog,
                         uint64_t mid, uint64_t block_seq, WindowWrite* ww) {
  const SeriesRecord& rec = *ww->rec;
  const auto mine_begin = ww->points->begin() + static_cast<std::ptrdiff_t>(ww->begin);
  const auto mine_end = ww->points->begin() + static_cast<std::ptrdiff_t>(ww->end);
  ww->result.reset();
  // An open window is rewritten from the cache only while the write brings at least 1/8 as many
  // points as it holds: an appending rewrite encodes only the write's points, but still copies and
  // stores the whole chunk (WAL, memtable, flush), at most about 9 times its size over the
  // window's life; a smaller write (many series, few points each) appends a head block as before.
  // (At 32 and 64 hosts rewriting always measured faster than 1/2 did.)
  if (ww->cached != nullptr && log != nullptr && ww->begin < ww->end &&
      (ww->closed || (ww->end - ww->begin) * 8 >= ww->cached->count())) {
    // The window as the cache holds it, if still current once its keys are locked (see
    // ts_window_cache.h): the chunk is rewritten with the points merged in; nothing is read.
    RETURN_IF_ERROR(txn.Lock(Cf::kData, ChunkKey(mid, rec.sid, ww->window)));
    RETURN_IF_ERROR(txn.Lock(Cf::kIndex, OpenWindowKey(mid, rec.sid, ww->window)));
    if (log->LastSeqOf(mid) == ww->cached_change && catalog.generation() == ww->cached_gen &&
        ww->cached->type() == rec.type) {
      std::shared_ptr<ChunkEncoder> merged;
      if (ww->cached->count() == 0 || ww->cached->last().ts < mine_begin->ts) {
        // Appended (the rule): the cached state resumed, encoding only the new points.
        merged = std::make_shared<ChunkEncoder>(*ww->cached);
        RETURN_IF_ERROR(merged->Append(&*mine_begin, ww->end - ww->begin));
      } else {  // out of order (the write's points win on equal times): encoded again
        std::vector<RawPoint> old;
        ValueType stored = rec.type;
        RETURN_IF_ERROR(DecodeChunkInto(ww->cached->Chunk(), &stored, &old));
        const std::vector<RawPoint> all =
            MergeWindow(std::move(old), std::vector<RawPoint>(mine_begin, mine_end));
        merged = std::make_shared<ChunkEncoder>(rec.type);
        RETURN_IF_ERROR(merged->Append(all.data(), all.size()));
      }
      RETURN_IF_ERROR(
          txn.PutUnlocked(Cf::kData, ChunkKey(mid, rec.sid, ww->window), merged->Chunk()));
      ww->how = WindowWrite::How::kMerged;
      ww->result = std::move(merged);
      return absl::OkStatus();
    }
  }
  if (!ww->has_encoded && !ww->closed && ww->begin < ww->end) {  // skipped for a stale cache
    auto enc = std::make_shared<ChunkEncoder>(rec.type);
    RETURN_IF_ERROR(enc->Append(&*mine_begin, ww->end - ww->begin));
    ww->encoded = enc->Chunk();
    ww->has_encoded = true;
    ww->fresh = std::move(enc);
  }
  if (ww->filled && !ww->closed) {
    // An open window known to hold points: a head block, without reading. Writing the marker
    // locks it, so a concurrent write that would find the window empty waits for this one.
    ww->how = WindowWrite::How::kHead;
    RETURN_IF_ERROR(
        txn.PutUnlocked(Cf::kData, HeadBlockKey(mid, rec.sid, ww->window, block_seq), ww->encoded));
    return txn.Put(Cf::kIndex, OpenWindowKey(mid, rec.sid, ww->window), "");
  }
  // The window's chunk key and marker, locked (and read at the latest state while locked): no
  // other write can add a head block to the window, or seal it, until this one commits.
  const std::string ck = ChunkKey(mid, rec.sid, ww->window);
  std::string chunk;
  bool has_chunk = false;
  RETURN_IF_ERROR(txn.GetForUpdate(Cf::kData, ck, &chunk, &has_chunk));
  const std::string mk = OpenWindowKey(mid, rec.sid, ww->window);
  std::string marker;
  bool has_marker = false;
  RETURN_IF_ERROR(txn.GetForUpdate(Cf::kIndex, mk, &marker, &has_marker));
  if (ww->begin == ww->end && !has_marker) {  // a window to seal that has no head block now
    ww->how = WindowWrite::How::kMerged;
    return absl::OkStatus();
  }
  if (!has_chunk && !has_marker) {
    // Nothing in the window yet: the points are its chunk, and there is nothing to seal.
    ww->how = WindowWrite::How::kChunk;
    if (log != nullptr && !ww->closed) ww->result = ww->fresh;
    if (ww->closed) {
      const std::vector<RawPoint> mine(ww->points->begin() + static_cast<std::ptrdiff_t>(ww->begin),
                                       ww->points->begin() + static_cast<std::ptrdiff_t>(ww->end));
      ASSIGN_OR_RETURN(std::string encoded, EncodeChunk(rec.type, mine));
      return txn.PutUnlocked(Cf::kData, ck, encoded);
    }
    return txn.PutUnlocked(Cf::kData, ck, ww->encoded);
  }
  if (!ww->closed) {
    ww->how = WindowWrite::How::kHead;
    RETURN_IF_ERROR(
        txn.PutUnlocked(Cf::kData, HeadBlockKey(mid, rec.sid, ww->window, block_seq), ww->encoded));
    return has_marker ? absl::OkStatus() : txn.PutUnlocked(Cf::kIndex, mk, "");
  }
  // A window this write closes (or one closed before, written late): sealed now, in this
  // transaction, with the points merged in (they are the latest write, so they win).
  ww->how = WindowWrite::How::kMerged;
  WindowAccumulator acc;
  if (has_chunk) {
    ValueType stored = rec.type;
    RETURN_IF_ERROR(acc.Add(ck, chunk, &stored));
    if (stored != rec.type) return absl::DataLossError("time-series: chunk of another type");
  }
  std::vector<std::string> head_keys;
  if (has_marker) {
    auto it = txn.NewIterator(Cf::kData, ck, codec::PrefixSuccessor(ck));
    for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
      const rocksdb::Slice k = (*it)->key();
      if (k.size() == kChunkKeyBytes) continue;
      if (k.size() != kHeadKeyBytes) return absl::DataLossError("time-series: malformed key");
      const rocksdb::Slice v = (*it)->value();
      RETURN_IF_ERROR(
          acc.Add(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size())));
      head_keys.emplace_back(k.data(), k.size());
    }
    RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "time-series write"));
  }
  const std::vector<RawPoint>& all = *ww->points;
  const std::vector<RawPoint> mine(all.begin() + static_cast<std::ptrdiff_t>(ww->begin),
                                   all.begin() + static_cast<std::ptrdiff_t>(ww->end));
  std::vector<RawPoint> merged = MergeWindow(acc.Take(), mine);
  if (!merged.empty()) {  // (a marker left by a rolled-back write, alone, seals to nothing)
    ASSIGN_OR_RETURN(std::string encoded, EncodeChunk(rec.type, merged));
    RETURN_IF_ERROR(txn.PutUnlocked(Cf::kData, ck, encoded));
  }
  for (const std::string& k : head_keys) RETURN_IF_ERROR(txn.Delete(Cf::kData, k));
  return has_marker ? txn.Delete(Cf::kIndex, mk) : absl::OkStatus();
}

}  // namespace

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
  for (const SeriesPoints& sp : series) {
    const SeriesRecord* rec = sp.rec.get();
    const int64_t newest = FloorTo(sp.points.back().ts, kWindowNs);  // sorted
    RETURN_IF_ERROR(LoadOpenWindows(mid, rec->sid));
    std::vector<int64_t> to_seal;
    {
      // The windows of the write are sealed or known as open already (WriteBatch); windows
      // with head blocks from before that this write closes are sealed here.
      util::MutexLock l(&mu_);
      OpenWindows& ow = open_[{mid, rec->sid}];
      ow.newest = std::max(ow.newest, newest);
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
  windows_.EraseMeasurementBefore(info.id, cutoff_window);
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
  windows_.EraseMeasurement(info.id);
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
