// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The key-value model (public API in tessera/kv.h, layout in kv_codec.h).

#include "core/codec/value_envelope.h"
#include "core/engine/engine.h"
#include "core/engine/txn_impl.h"
#include "core/util/strings.h"
#include "models/kv/kv_codec.h"
#include "models/kv/kv_cursor.h"
#include "tessera/kv.h"
#include "tessera/status.h"

namespace tessera {
namespace {

using internal::Cf;
using internal::Engine;
using internal::ReadSource;
using internal::ScopedOpTimer;
using internal::TxnImpl;

absl::Status ValidateKey(std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("key-value key is empty");
  if (key.size() > kMaxKvKeyBytes) {
    return absl::InvalidArgumentError(
        util::StrCat("key-value key is ", key.size(), " bytes; the limit is ", kMaxKvKeyBytes));
  }
  return absl::OkStatus();
}

absl::Status ValidateValue(std::string_view value) {
  if (value.size() > kMaxKvValueBytes) {
    return absl::InvalidArgumentError(util::StrCat("key-value value is ", value.size(),
                                                   " bytes; the limit is ", kMaxKvValueBytes));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ExpiryFor(int64_t ttl_seconds) {
  if (ttl_seconds < 0) {
    return absl::InvalidArgumentError(
        util::StrCat("ttl must be a positive number of seconds, got ", ttl_seconds));
  }
  if (ttl_seconds > int64_t{100} * 365 * 24 * 3600) {
    return absl::InvalidArgumentError(
        util::StrCat("ttl of ", ttl_seconds, " seconds is more than 100 years"));
  }
  return ttl_seconds == 0 ? 0 : Engine::NowMicros() + ttl_seconds * 1000000;
}

// The current (unexpired) state of one key inside a transaction, locked for update.
struct Current {
  bool exists = false;
  std::string raw;      // the stored envelope
  codec::Envelope env;  // views into raw
};

class KvStoreImpl final : public KvStore {
 public:
  explicit KvStoreImpl(DB* db) : engine_(&db->engine()) {
    auto& m = engine_->metrics();
    h_get_ = m.GetHistogram("kv.get");
    h_multiget_ = m.GetHistogram("kv.multiget");
    h_scan_ = m.GetHistogram("kv.scan");
    h_put_ = m.GetHistogram("kv.put");
    h_delete_ = m.GetHistogram("kv.delete");
    h_batch_ = m.GetHistogram("kv.batch");
    h_incr_ = m.GetHistogram("kv.incr");
    h_cas_ = m.GetHistogram("kv.cas");
  }

  absl::Status CreateNamespace(std::string_view ns) override {
    return engine_->catalog().Create(Model::kKeyValue, ns, "").status();
  }
  absl::Status DropNamespace(std::string_view ns) override {
    return engine_->catalog().Drop(Model::kKeyValue, ns);
  }
  absl::StatusOr<std::vector<std::string>> ListNamespaces() override {
    RETURN_IF_ERROR(engine_->CheckOpen());
    return engine_->catalog().Names(Model::kKeyValue);
  }

  // --- reads ---
  absl::StatusOr<std::optional<std::string>> Get(std::string_view ns,
                                                 std::string_view key) override {
    return GetFrom(engine_->latest(), ns, key);
  }
  absl::StatusOr<std::optional<std::string>> Get(const ReadView& view, std::string_view ns,
                                                 std::string_view key) override {
    return GetFrom(view.source(), ns, key);
  }
  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      std::string_view ns, const std::vector<std::string>& keys) override {
    return MultiGetFrom(engine_->latest(), ns, keys);
  }
  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      const ReadView& view, std::string_view ns, const std::vector<std::string>& keys) override {
    return MultiGetFrom(view.source(), ns, keys);
  }
  absl::StatusOr<std::unique_ptr<Cursor<KvEntry>>> Scan(std::string_view ns,
                                                        const KvScanOptions& options) override {
    return ScanFrom(engine_->latest(), ns, options);
  }
  absl::StatusOr<std::unique_ptr<Cursor<KvEntry>>> Scan(const ReadView& view, std::string_view ns,
                                                        const KvScanOptions& options) override {
    return ScanFrom(view.source(), ns, options);
  }

  // --- writes ---
  absl::Status Put(std::string_view ns, std::string_view key, std::string_view value,
                   const KvPutOptions& options) override {
    ScopedOpTimer t(h_put_);
    return Fail(t, Direct("kv.put", [&](TxnImpl& txn) {
                  return PutIn(txn, ns, key, value, options.ttl_seconds, /*direct=*/true);
                }));
  }
  absl::Status Put(Transaction& txn, std::string_view ns, std::string_view key,
                   std::string_view value, const KvPutOptions& options) override {
    ScopedOpTimer t(h_put_);
    return Fail(t, PutIn(txn.impl(), ns, key, value, options.ttl_seconds));
  }

  absl::StatusOr<bool> Delete(std::string_view ns, std::string_view key) override {
    ScopedOpTimer t(h_delete_);
    bool existed = false;
    RETURN_IF_ERROR(Fail(t, Direct("kv.delete", [&](TxnImpl& txn) -> absl::Status {
                           ASSIGN_OR_RETURN(existed, DeleteIn(txn, ns, key, /*direct=*/true));
                           return absl::OkStatus();
                         })));
    return existed;
  }
  absl::StatusOr<bool> Delete(Transaction& txn, std::string_view ns,
                              std::string_view key) override {
    ScopedOpTimer t(h_delete_);
    auto r = DeleteIn(txn.impl(), ns, key);
    if (!r.ok()) t.Fail();
    return r;
  }

  absl::Status WriteBatch(std::string_view ns, const std::vector<KvWrite>& writes) override {
    ScopedOpTimer t(h_batch_);
    return Fail(t, Autocommit("kv.batch", [&](TxnImpl& txn) { return BatchIn(txn, ns, writes); }));
  }
  absl::Status WriteBatch(Transaction& txn, std::string_view ns,
                          const std::vector<KvWrite>& writes) override {
    ScopedOpTimer t(h_batch_);
    return Fail(t, BatchIn(txn.impl(), ns, writes));
  }

  absl::StatusOr<int64_t> Increment(std::string_view ns, std::string_view key,
                                    int64_t delta) override {
    ScopedOpTimer t(h_incr_);
    int64_t result = 0;
    RETURN_IF_ERROR(Fail(t, Direct("kv.incr", [&](TxnImpl& txn) -> absl::Status {
                           ASSIGN_OR_RETURN(result, IncrementIn(txn, ns, key, delta, true));
                           return absl::OkStatus();
                         })));
    return result;
  }
  absl::StatusOr<int64_t> Increment(Transaction& txn, std::string_view ns, std::string_view key,
                                    int64_t delta) override {
    ScopedOpTimer t(h_incr_);
    auto r = IncrementIn(txn.impl(), ns, key, delta);
    if (!r.ok()) t.Fail();
    return r;
  }

  absl::StatusOr<bool> CompareAndSet(std::string_view ns, std::string_view key,
                                     const std::optional<std::string>& expected,
                                     const std::optional<std::string>& desired,
                                     const KvPutOptions& options) override {
    ScopedOpTimer t(h_cas_);
    bool swapped = false;
    RETURN_IF_ERROR(Fail(t, Direct("kv.cas", [&](TxnImpl& txn) -> absl::Status {
                           ASSIGN_OR_RETURN(swapped, CasIn(txn, ns, key, expected, desired,
                                                           options.ttl_seconds, true));
                           return absl::OkStatus();
                         })));
    return swapped;
  }
  absl::StatusOr<bool> CompareAndSet(Transaction& txn, std::string_view ns, std::string_view key,
                                     const std::optional<std::string>& expected,
                                     const std::optional<std::string>& desired,
                                     const KvPutOptions& options) override {
    ScopedOpTimer t(h_cas_);
    auto r = CasIn(txn.impl(), ns, key, expected, desired, options.ttl_seconds);
    if (!r.ok()) t.Fail();
    return r;
  }

 private:
  static absl::Status Fail(ScopedOpTimer& t, absl::Status s) {
    if (!s.ok()) t.Fail();
    return s;
  }

  // Runs `body` as its own transaction, retrying conflicts like DB::RunTransaction. No
  // snapshot: the body reads only keys it locks first, so it sees their latest values.
  absl::Status Autocommit(std::string_view label, absl::FunctionRef<absl::Status(TxnImpl&)> body) {
    return engine_->RunInTxn(label, /*snapshot=*/false, RetryOptions(), body);
  }

  // Autocommit for a body that locks one key (ReadCurrent with `direct`) and writes only it with
  // direct writes: Engine::RunDirect, i.e. without a RocksDB transaction when no transaction
  // holds locks (txn_impl.h "Direct mode"), else as Autocommit.
  absl::Status Direct(std::string_view label, absl::FunctionRef<absl::Status(TxnImpl&)> body) {
    return engine_->RunDirect(label, RetryOptions(), body);
  }

  // The namespace's id for a read, or nullopt when it does not exist.
  absl::StatusOr<std::optional<uint64_t>> ResolveForRead(std::string_view ns) {
    RETURN_IF_ERROR(engine_->CheckOpen());
    std::optional<uint64_t> id = engine_->catalog().FindId(Model::kKeyValue, ns);
    if (!id) RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kKeyValue, ns));
    return id;
  }

  absl::StatusOr<ObjectInfo> ResolveForWrite(std::string_view ns) {
    return engine_->catalog().GetOrCreate(Model::kKeyValue, ns);
  }

  absl::StatusOr<std::optional<std::string>> GetFrom(ReadSource& src, std::string_view ns,
                                                     std::string_view key) {
    ScopedOpTimer t(h_get_);
    auto r = GetImpl(src, ns, key);
    if (!r.ok()) t.Fail();
    return r;
  }

  absl::StatusOr<std::optional<std::string>> GetImpl(ReadSource& src, std::string_view ns,
                                                     std::string_view key) {
    RETURN_IF_ERROR(ValidateKey(key));
    ASSIGN_OR_RETURN(std::optional<uint64_t> id, ResolveForRead(ns));
    if (!id) return std::optional<std::string>();
    // The stored key built in a buffer reused by this thread's reads (no allocation per read).
    thread_local std::string encoded;
    encoded.clear();
    codec::PutFixed64BE(&encoded, *id);
    encoded.append(key.data(), key.size());
    std::string raw;
    bool found = false;
    RETURN_IF_ERROR(src.Get(Cf::kData, encoded, &raw, &found));
    if (!found) return std::optional<std::string>();
    codec::Envelope env;
    if (!codec::DecodeEnvelope(raw, &env)) {
      return absl::DataLossError(util::StrCat("key-value ", ns, ": malformed stored value"));
    }
    if (codec::IsExpired(env, Engine::NowMicros())) return std::optional<std::string>();
    // The payload is the tail of the stored value: returned in raw's own buffer, not copied to a
    // new one.
    const size_t offset = static_cast<size_t>(env.payload.data() - raw.data());
    const size_t size = env.payload.size();
    raw.erase(0, offset);
    raw.resize(size);
    return std::optional<std::string>(std::move(raw));
  }

  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGetFrom(
      ReadSource& src, std::string_view ns, const std::vector<std::string>& keys) {
    ScopedOpTimer t(h_multiget_);
    std::vector<std::optional<std::string>> out(keys.size());
    for (const auto& k : keys) {
      if (auto s = ValidateKey(k); !s.ok()) return Fail(t, s);
    }
    auto id = ResolveForRead(ns);
    if (!id.ok()) return Fail(t, id.status());
    if (!*id) return out;
    std::vector<std::string> encoded;
    encoded.reserve(keys.size());
    for (const auto& k : keys) encoded.push_back(kv::EncodeKey(**id, k));
    std::vector<std::string> values;
    std::vector<bool> found;
    if (auto s = src.MultiGet(Cf::kData, encoded, &values, &found); !s.ok()) return Fail(t, s);
    int64_t now = Engine::NowMicros();
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!found[i]) continue;
      codec::Envelope env;
      if (!codec::DecodeEnvelope(values[i], &env)) {
        return Fail(t, absl::DataLossError(util::StrCat("key-value ", ns, ": malformed value")));
      }
      if (!codec::IsExpired(env, now)) out[i] = std::string(env.payload);
    }
    return out;
  }

  absl::StatusOr<std::unique_ptr<Cursor<KvEntry>>> ScanFrom(ReadSource& src, std::string_view ns,
                                                            const KvScanOptions& o) {
    ScopedOpTimer t(h_scan_);
    auto id = ResolveForRead(ns);
    if (!id.ok()) return Fail(t, id.status());
    if (!*id) return kv::NewEmptyKvCursor();
    std::string lower = kv::EncodeKey(**id, o.prefix);
    std::string upper = codec::PrefixSuccessor(lower);
    if (o.from) lower = std::max(lower, kv::EncodeKey(**id, *o.from));
    if (o.to) upper = std::min(upper, kv::EncodeKey(**id, *o.to));
    if (lower >= upper) return kv::NewEmptyKvCursor();
    auto it = src.NewIterator(Cf::kData, std::move(lower), std::move(upper));
    return kv::NewKvCursor(engine_, std::move(it), o.reverse, o.limit);
  }

  // Reads and locks the current state of `k`. `direct`: for a transaction of direct writes
  // (TxnImpl::PutDirect), which has no writes of its own to read through.
  static absl::Status ReadCurrent(TxnImpl& txn, const std::string& k, Current* cur,
                                  bool direct = false) {
    bool found = false;
    RETURN_IF_ERROR(direct ? txn.LockAndRead(Cf::kData, k, &cur->raw, &found)
                           : txn.GetForUpdate(Cf::kData, k, &cur->raw, &found));
    cur->exists = false;
    if (!found) return absl::OkStatus();
    if (!codec::DecodeEnvelope(cur->raw, &cur->env)) {
      return absl::DataLossError("key-value: malformed stored value");
    }
    cur->exists = !codec::IsExpired(cur->env, Engine::NowMicros());
    return absl::OkStatus();
  }

  // Records the change event. The before-image is taken out of cur->raw (no copy): cur is not
  // used after this.
  static absl::Status Event(TxnImpl& txn, const ObjectInfo& ns, std::string_view key, Current* cur,
                            std::optional<std::string_view> after) {
    ChangeEvent e;
    e.model = Model::kKeyValue;
    e.object_id = ns.id;
    e.object = ns.name;
    e.key = std::string(key);
    e.op = !after ? ChangeOp::kDelete : (cur->exists ? ChangeOp::kUpdate : ChangeOp::kCreate);
    if (cur->exists) {
      // The payload is the tail of the stored envelope: trimmed in place.
      const size_t offset = static_cast<size_t>(cur->env.payload.data() - cur->raw.data());
      const size_t size = cur->env.payload.size();
      cur->env = codec::Envelope();
      cur->raw.erase(0, offset);
      cur->raw.resize(size);
      e.before = std::move(cur->raw);
      cur->exists = false;
    }
    if (after) e.after = std::string(*after);
    return txn.AddEvent(std::move(e));
  }

  // `direct`: the auto-commit put, a transaction that writes this one key and reads nothing
  // after it, writes it as a direct write (TxnImpl::PutDirect: no write index, no second lock
  // check; the same lock, before-image read, atomic commit and event).
  absl::Status PutIn(TxnImpl& txn, std::string_view ns, std::string_view key,
                     std::string_view value, int64_t ttl_seconds, bool direct = false) {
    RETURN_IF_ERROR(ValidateKey(key));
    RETURN_IF_ERROR(ValidateValue(value));
    ASSIGN_OR_RETURN(int64_t expiry, ExpiryFor(ttl_seconds));
    ASSIGN_OR_RETURN(ObjectInfo info, ResolveForWrite(ns));
    // The stored key and value built in buffers this thread reuses (the writes below copy them
    // into the transaction's batch): no allocation per put. A buffer a large value grew is
    // released when the put ends. A put entered again on this thread while one is in progress
    // (an application's log callback that writes, called from inside RocksDB) uses buffers of
    // its own.
    thread_local std::string shared_k;
    thread_local std::string shared_stored;
    thread_local bool in_use = false;
    std::string own_k, own_stored;
    const bool reuse = !in_use;
    std::string& k = reuse ? shared_k : own_k;
    std::string& stored = reuse ? shared_stored : own_stored;
    struct Release {
      bool reuse;
      ~Release() {
        if (!reuse) return;
        in_use = false;
        if (shared_stored.capacity() > (64 << 10)) std::string().swap(shared_stored);
      }
    } release{reuse};
    if (reuse) in_use = true;
    kv::EncodeKeyTo(&k, info.id, key);
    Current cur;
    RETURN_IF_ERROR(ReadCurrent(txn, k, &cur, direct));
    stored.clear();
    codec::EncodeEnvelope(&stored, value, expiry);
    RETURN_IF_ERROR(direct ? txn.PutDirect(Cf::kData, k, stored) : txn.Put(Cf::kData, k, stored));
    return Event(txn, info, key, &cur, value);
  }

  // `direct`: as for PutIn.
  absl::StatusOr<bool> DeleteIn(TxnImpl& txn, std::string_view ns, std::string_view key,
                                bool direct = false) {
    RETURN_IF_ERROR(ValidateKey(key));
    RETURN_IF_ERROR(txn.CheckActive());
    auto info = engine_->catalog().Find(Model::kKeyValue, ns);
    if (!info) {
      RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kKeyValue, ns));
      return false;
    }
    std::string k = kv::EncodeKey(info->id, key);
    Current cur;
    RETURN_IF_ERROR(ReadCurrent(txn, k, &cur, direct));
    if (cur.raw.empty() && !cur.exists) return false;  // nothing stored
    RETURN_IF_ERROR(direct ? txn.DeleteDirect(Cf::kData, k) : txn.Delete(Cf::kData, k));
    if (!cur.exists) return false;  // it had expired: removed, but logically already gone
    RETURN_IF_ERROR(Event(txn, *info, key, &cur, std::nullopt));
    return true;
  }

  absl::Status BatchIn(TxnImpl& txn, std::string_view ns, const std::vector<KvWrite>& writes) {
    for (const KvWrite& w : writes) {
      if (w.value) {
        RETURN_IF_ERROR(PutIn(txn, ns, w.key, *w.value, w.ttl_seconds));
      } else {
        RETURN_IF_ERROR(DeleteIn(txn, ns, w.key).status());
      }
    }
    return absl::OkStatus();
  }

  // `direct`: as for PutIn.
  absl::StatusOr<int64_t> IncrementIn(TxnImpl& txn, std::string_view ns, std::string_view key,
                                      int64_t delta, bool direct = false) {
    RETURN_IF_ERROR(ValidateKey(key));
    ASSIGN_OR_RETURN(ObjectInfo info, ResolveForWrite(ns));
    std::string k = kv::EncodeKey(info.id, key);
    Current cur;
    RETURN_IF_ERROR(ReadCurrent(txn, k, &cur, direct));
    int64_t result = delta;
    if (cur.exists) {
      auto old = codec::ParseDecimalInt64(cur.env.payload);
      if (!old) {
        return absl::InvalidArgumentError(
            util::StrCat("kv ", ns, ": the value of key \"", key.substr(0, 64),
                         "\" is not a decimal integer, so it cannot be incremented"));
      }
      if (__builtin_add_overflow(*old, delta, &result)) {
        return absl::InvalidArgumentError(util::StrCat("kv ", ns, ": incrementing ", *old, " by ",
                                                       delta, " overflows a 64-bit integer"));
      }
      // The merge operator applies the delta; the expiry of the key is kept.
      const std::string add = codec::EncodeCounterAdd(delta, cur.env.expiry_us);
      RETURN_IF_ERROR(direct ? txn.MergeDirect(Cf::kData, k, add) : txn.Merge(Cf::kData, k, add));
    } else {
      const std::string stored = codec::EncodeEnvelope(std::to_string(delta), 0);
      RETURN_IF_ERROR(direct ? txn.PutDirect(Cf::kData, k, stored) : txn.Put(Cf::kData, k, stored));
    }
    std::string after = std::to_string(result);
    RETURN_IF_ERROR(Event(txn, info, key, &cur, after));
    return result;
  }

  absl::StatusOr<bool> CasIn(TxnImpl& txn, std::string_view ns, std::string_view key,
                             const std::optional<std::string>& expected,
                             const std::optional<std::string>& desired, int64_t ttl_seconds,
                             bool direct = false) {
    RETURN_IF_ERROR(ValidateKey(key));
    if (desired) RETURN_IF_ERROR(ValidateValue(*desired));
    ASSIGN_OR_RETURN(int64_t expiry, ExpiryFor(ttl_seconds));
    ASSIGN_OR_RETURN(ObjectInfo info, ResolveForWrite(ns));
    std::string k = kv::EncodeKey(info.id, key);
    Current cur;
    RETURN_IF_ERROR(ReadCurrent(txn, k, &cur, direct));
    bool matches = expected ? (cur.exists && cur.env.payload == *expected) : !cur.exists;
    if (!matches) return false;
    if (desired) {
      const std::string stored = codec::EncodeEnvelope(*desired, expiry);
      RETURN_IF_ERROR(direct ? txn.PutDirect(Cf::kData, k, stored) : txn.Put(Cf::kData, k, stored));
      RETURN_IF_ERROR(Event(txn, info, key, &cur, std::string_view(*desired)));
    } else if (cur.exists) {
      RETURN_IF_ERROR(direct ? txn.DeleteDirect(Cf::kData, k) : txn.Delete(Cf::kData, k));
      RETURN_IF_ERROR(Event(txn, info, key, &cur, std::nullopt));
    }
    return true;
  }

  Engine* const engine_;
  internal::Histogram* h_get_;
  internal::Histogram* h_multiget_;
  internal::Histogram* h_scan_;
  internal::Histogram* h_put_;
  internal::Histogram* h_delete_;
  internal::Histogram* h_batch_;
  internal::Histogram* h_incr_;
  internal::Histogram* h_cas_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<KvStore>> KvStore::Open(DB* db) {
  if (db == nullptr) return absl::InvalidArgumentError("KvStore::Open: db is null");
  RETURN_IF_ERROR(db->engine().CheckOpen());
  return std::unique_ptr<KvStore>(new KvStoreImpl(db));
}

}  // namespace tessera
