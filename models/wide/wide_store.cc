// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The wide-column model (public API in tessera/wide.h, layout in wide_codec.h).
//
// Row atomicity: every write of a row first locks the row's lock key (GetForUpdate) and writes
// a deletion to it. Writers of one row therefore queue on the lock; a transaction with a
// snapshot that another writer of the row committed after fails with a conflict (Aborted) and
// is retried. The deletion leaves no data behind (the key never holds a value).
#include <algorithm>
#include <charconv>
#include <set>

#include "core/codec/coding.h"
#include "core/engine/engine.h"
#include "core/engine/txn_impl.h"
#include "core/util/mutex.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/wide/wide_codec.h"
#include "models/wide/wide_gc.h"
#include "models/wide/wide_reader.h"
#include "tessera/status.h"
#include "tessera/wide.h"

namespace tessera {
namespace {

using internal::Cf;
using internal::Engine;
using internal::ReadSource;
using internal::ScopedOpTimer;
using internal::TxnImpl;
using wide::FamilySchema;
using wide::TableSchema;

constexpr int64_t kMaxTtlSeconds = int64_t{100} * 365 * 24 * 3600;

// Serialises schema changes (read-modify-write of a table's options) in the process.
util::Mutex schema_mu;

absl::Status ValidateFamilyName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return absl::InvalidArgumentError(
        util::StrCat("column family name must be 1..64 bytes, got ", name.size(), " bytes"));
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) {
      return absl::InvalidArgumentError(util::StrCat(
          "column family name \"", name, "\" may only hold letters, digits, '_', '-' and '.'"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateFamilyOptions(const WideFamilyOptions& o) {
  if (o.ttl_seconds < 0 || o.ttl_seconds > kMaxTtlSeconds) {
    return absl::InvalidArgumentError(util::StrCat(
        "ttl must be 0 (forever) or a positive number of seconds up to 100 years, got ",
        o.ttl_seconds));
  }
  if (o.max_versions != 0 && o.min_versions > o.max_versions) {
    return absl::InvalidArgumentError(util::StrCat(
        "min_versions (", o.min_versions, ") exceeds max_versions (", o.max_versions, ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateRow(std::string_view row) {
  if (row.empty()) return absl::InvalidArgumentError("wide-column row key is empty");
  if (row.size() > kMaxWideRowKeyBytes) {
    return absl::InvalidArgumentError(util::StrCat("wide-column row key is ", row.size(),
                                                   " bytes; the limit is ", kMaxWideRowKeyBytes));
  }
  return absl::OkStatus();
}

absl::Status ValidateQualifier(std::string_view q) {
  if (q.size() > kMaxWideQualifierBytes) {
    return absl::InvalidArgumentError(util::StrCat(
        "column qualifier is ", q.size(), " bytes; the limit is ", kMaxWideQualifierBytes));
  }
  return absl::OkStatus();
}

absl::Status ValidateTimestamp(int64_t ts, std::string_view what) {
  if (ts < 0) {
    return absl::InvalidArgumentError(
        util::StrCat(what, " must be a non-negative number of microseconds, got ", ts));
  }
  return absl::OkStatus();
}

absl::Status ValidateTimeRange(int64_t min_ts, const std::optional<int64_t>& max_ts) {
  RETURN_IF_ERROR(ValidateTimestamp(min_ts, "min_timestamp"));
  if (max_ts) {
    RETURN_IF_ERROR(ValidateTimestamp(*max_ts, "max_timestamp"));
    if (*max_ts < min_ts) {
      return absl::InvalidArgumentError(util::StrCat("time range is empty: max_timestamp ", *max_ts,
                                                     " < min_timestamp ", min_ts));
    }
  }
  return absl::OkStatus();
}

std::optional<int64_t> ParseDecimal(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// A table as an operation sees it.
struct Table {
  ObjectInfo info;
  TableSchema schema;

  absl::StatusOr<const FamilySchema*> Family(std::string_view name) const {
    if (const FamilySchema* f = schema.Find(name)) return f;
    std::string names;
    for (const auto& f : schema.families) names += util::StrCat(names.empty() ? "" : ", ", f.name);
    return absl::NotFoundError(util::StrCat("wide-column table \"", info.name,
                                            "\" has no column family \"", name,
                                            "\" (families: ", names, ")"));
  }
};

class WideStoreImpl final : public WideStore {
 public:
  explicit WideStoreImpl(DB* db) : engine_(&db->engine()) {
    auto& m = engine_->metrics();
    h_get_ = m.GetHistogram("wide.get");
    h_scan_ = m.GetHistogram("wide.scan");
    h_put_ = m.GetHistogram("wide.put");
    h_delete_ = m.GetHistogram("wide.delete");
    h_check_ = m.GetHistogram("wide.checkmutate");
    h_incr_ = m.GetHistogram("wide.incr");
  }

  // --- tables and families ---
  absl::Status CreateFamily(std::string_view table, std::string_view family,
                            const WideFamilyOptions& options) override {
    RETURN_IF_ERROR(engine_->CheckOpen());
    RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kWideColumn, table));
    RETURN_IF_ERROR(ValidateFamilyName(family));
    RETURN_IF_ERROR(ValidateFamilyOptions(options));
    util::MutexLock l(&schema_mu);
    auto& catalog = engine_->catalog();
    std::optional<ObjectInfo> info = catalog.Find(Model::kWideColumn, table);
    if (!info) {
      TableSchema schema;
      schema.families.push_back(FamilySchema{1, std::string(family), options});
      return catalog.Create(Model::kWideColumn, table, wide::EncodeSchema(schema)).status();
    }
    TableSchema schema;
    if (!wide::DecodeSchema(info->options, &schema)) return MalformedSchema(table);
    if (FamilySchema* f = const_cast<FamilySchema*>(schema.Find(family))) {
      f->options = options;
    } else {
      if (schema.families.size() >= kMaxWideFamilies) {
        return absl::ResourceExhaustedError(util::StrCat("wide-column table \"", table,
                                                         "\" already has the maximum of ",
                                                         kMaxWideFamilies, " families"));
      }
      uint8_t id = 0;
      for (const auto& f : schema.families) id = std::max(id, f.id);
      schema.families.push_back(
          FamilySchema{static_cast<uint8_t>(id + 1), std::string(family), options});
    }
    return catalog.SetOptions(Model::kWideColumn, table, wide::EncodeSchema(schema));
  }

  absl::Status DropTable(std::string_view table) override {
    return engine_->catalog().Drop(Model::kWideColumn, table);
  }

  absl::StatusOr<std::vector<std::string>> ListTables() override {
    RETURN_IF_ERROR(engine_->CheckOpen());
    return engine_->catalog().Names(Model::kWideColumn);
  }

  absl::StatusOr<std::vector<WideFamily>> ListFamilies(std::string_view table) override {
    ASSIGN_OR_RETURN(Table t, LoadTable(table));
    std::vector<WideFamily> out;
    for (const auto& f : t.schema.families) out.push_back(WideFamily{f.name, f.options});
    return out;
  }

  // --- reads ---
  absl::StatusOr<std::optional<WideRow>> Get(std::string_view table, std::string_view row,
                                             const WideGetOptions& options) override {
    return Timed(h_get_, [&] { return GetImpl(engine_->latest(), table, row, options); });
  }
  absl::StatusOr<std::optional<WideRow>> Get(const ReadView& view, std::string_view table,
                                             std::string_view row,
                                             const WideGetOptions& options) override {
    return Timed(h_get_, [&] { return GetImpl(view.source(), table, row, options); });
  }
  absl::StatusOr<std::unique_ptr<Cursor<WideRow>>> Scan(std::string_view table,
                                                        const WideScanOptions& options) override {
    return Timed(h_scan_, [&] { return ScanImpl(engine_->latest(), table, options); });
  }
  absl::StatusOr<std::unique_ptr<Cursor<WideRow>>> Scan(const ReadView& view,
                                                        std::string_view table,
                                                        const WideScanOptions& options) override {
    return Timed(h_scan_, [&] { return ScanImpl(view.source(), table, options); });
  }

  // --- writes ---
  absl::Status Put(std::string_view table, std::string_view row,
                   const std::vector<WideCellWrite>& cells) override {
    ScopedOpTimer t(h_put_);
    return Fail(
        t, Autocommit("wide.put", [&](TxnImpl& txn) { return PutIn(txn, table, row, cells); }));
  }
  absl::Status Put(Transaction& txn, std::string_view table, std::string_view row,
                   const std::vector<WideCellWrite>& cells) override {
    ScopedOpTimer t(h_put_);
    return Fail(t, PutIn(txn.impl(), table, row, cells));
  }

  absl::StatusOr<size_t> Delete(std::string_view table, std::string_view row,
                                const WideDelete& what) override {
    ScopedOpTimer t(h_delete_);
    size_t n = 0;
    RETURN_IF_ERROR(Fail(t, Autocommit("wide.delete", [&](TxnImpl& txn) -> absl::Status {
                           ASSIGN_OR_RETURN(n, DeleteIn(txn, table, row, what));
                           return absl::OkStatus();
                         })));
    return n;
  }
  absl::StatusOr<size_t> Delete(Transaction& txn, std::string_view table, std::string_view row,
                                const WideDelete& what) override {
    return Timed(h_delete_, [&] { return DeleteIn(txn.impl(), table, row, what); });
  }

  absl::StatusOr<bool> CheckAndMutate(std::string_view table, std::string_view row,
                                      const WideCheck& check,
                                      const std::vector<WideCellWrite>& puts,
                                      const std::vector<WideDelete>& deletes) override {
    ScopedOpTimer t(h_check_);
    bool applied = false;
    RETURN_IF_ERROR(Fail(t, Autocommit("wide.checkmutate", [&](TxnImpl& txn) -> absl::Status {
                           ASSIGN_OR_RETURN(applied,
                                            CheckIn(txn, table, row, check, puts, deletes));
                           return absl::OkStatus();
                         })));
    return applied;
  }
  absl::StatusOr<bool> CheckAndMutate(Transaction& txn, std::string_view table,
                                      std::string_view row, const WideCheck& check,
                                      const std::vector<WideCellWrite>& puts,
                                      const std::vector<WideDelete>& deletes) override {
    return Timed(h_check_, [&] { return CheckIn(txn.impl(), table, row, check, puts, deletes); });
  }

  absl::StatusOr<int64_t> Increment(std::string_view table, std::string_view row,
                                    std::string_view family, std::string_view qualifier,
                                    int64_t delta) override {
    ScopedOpTimer t(h_incr_);
    int64_t result = 0;
    RETURN_IF_ERROR(Fail(t, Autocommit("wide.incr", [&](TxnImpl& txn) -> absl::Status {
                           ASSIGN_OR_RETURN(result,
                                            IncrementIn(txn, table, row, family, qualifier, delta));
                           return absl::OkStatus();
                         })));
    return result;
  }
  absl::StatusOr<int64_t> Increment(Transaction& txn, std::string_view table, std::string_view row,
                                    std::string_view family, std::string_view qualifier,
                                    int64_t delta) override {
    return Timed(h_incr_,
                 [&] { return IncrementIn(txn.impl(), table, row, family, qualifier, delta); });
  }

 private:
  static absl::Status Fail(ScopedOpTimer& t, absl::Status s) {
    if (!s.ok()) t.Fail();
    return s;
  }
  template <typename F>
  static auto Timed(internal::Histogram* h, F f) -> decltype(f()) {
    ScopedOpTimer t(h);
    auto r = f();
    if (!r.ok()) t.Fail();
    return r;
  }

  static absl::Status MalformedSchema(std::string_view table) {
    return absl::DataLossError(
        util::StrCat("wide-column table \"", table, "\": malformed schema in the catalog"));
  }

  // Single-row writes lock the row first and then read the latest data: no snapshot needed.
  absl::Status Autocommit(std::string_view label, absl::FunctionRef<absl::Status(TxnImpl&)> body) {
    return engine_->RunInTxn(label, /*snapshot=*/false, RetryOptions(), body);
  }

  absl::StatusOr<Table> LoadTable(std::string_view table) {
    RETURN_IF_ERROR(engine_->CheckOpen());
    std::optional<ObjectInfo> info = engine_->catalog().Find(Model::kWideColumn, table);
    if (!info) {
      RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kWideColumn, table));
      return absl::NotFoundError(util::StrCat("wide-column table \"", table,
                                              "\" does not exist (declare a family first: "
                                              "wide create TABLE FAMILY)"));
    }
    Table t;
    if (!wide::DecodeSchema(info->options, &t.schema)) return MalformedSchema(table);
    t.info = std::move(*info);
    return t;
  }

  // Resolves a column selection and the filters shared by Get and Scan.
  static absl::StatusOr<wide::ReadSpec> MakeSpec(const Table& t,
                                                 const std::vector<WideColumn>& columns,
                                                 uint32_t max_versions, int64_t min_ts,
                                                 const std::optional<int64_t>& max_ts) {
    RETURN_IF_ERROR(ValidateTimeRange(min_ts, max_ts));
    wide::ReadSpec spec;
    for (const WideColumn& c : columns) {
      ASSIGN_OR_RETURN(const FamilySchema* f, t.Family(c.family));
      auto [it, inserted] = spec.columns.try_emplace(f->id, std::set<std::string>());
      if (!c.qualifier) {
        it->second.reset();  // the whole family
      } else if (it->second) {
        RETURN_IF_ERROR(ValidateQualifier(*c.qualifier));
        it->second->insert(*c.qualifier);
      }
    }
    spec.max_versions = max_versions;
    spec.min_timestamp = min_ts;
    spec.max_timestamp = max_ts;
    return spec;
  }

  absl::StatusOr<std::optional<WideRow>> GetImpl(ReadSource& src, std::string_view table,
                                                 std::string_view row, const WideGetOptions& o) {
    RETURN_IF_ERROR(ValidateRow(row));
    ASSIGN_OR_RETURN(Table t, LoadTable(table));
    ASSIGN_OR_RETURN(wide::ReadSpec spec,
                     MakeSpec(t, o.columns, o.max_versions, o.min_timestamp, o.max_timestamp));
    // One family selected: read only its keys.
    std::string lower = spec.columns.size() == 1
                            ? wide::FamilyPrefix(t.info.id, row, spec.columns.begin()->first)
                            : wide::RowPrefix(t.info.id, row);
    std::string upper = codec::PrefixSuccessor(lower);
    auto it = src.NewIterator(Cf::kData, std::move(lower), std::move(upper));
    wide::SeekStart(*it, /*reverse=*/false);
    if (!wide::InBounds(*it)) {
      RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "wide-column get"));
      return std::optional<WideRow>();
    }
    WideRow out;
    RETURN_IF_ERROR(wide::ReadRow(it->get(), t.schema, spec, Engine::NowMicros(), &out));
    if (out.cells.empty()) return std::optional<WideRow>();
    return std::optional<WideRow>(std::move(out));
  }

  absl::StatusOr<std::unique_ptr<Cursor<WideRow>>> ScanImpl(ReadSource& src, std::string_view table,
                                                            const WideScanOptions& o) {
    ASSIGN_OR_RETURN(Table t, LoadTable(table));
    ASSIGN_OR_RETURN(wide::ReadSpec spec,
                     MakeSpec(t, o.columns, o.max_versions, o.min_timestamp, o.max_timestamp));
    RETURN_IF_ERROR(ValidateQualifier(o.qualifier_prefix));
    spec.qualifier_prefix = o.qualifier_prefix;
    spec.qualifier_from = o.qualifier_from;
    spec.qualifier_to = o.qualifier_to;
    spec.value_filters = o.value_filters;
    std::string lower = wide::RowBytesPrefix(t.info.id, o.prefix);
    std::string upper = codec::PrefixSuccessor(lower);
    if (o.from) lower = std::max(lower, wide::RowBytesPrefix(t.info.id, *o.from));
    if (o.to) upper = std::min(upper, wide::RowBytesPrefix(t.info.id, *o.to));
    std::unique_ptr<internal::BoundedIterator> it;
    if (lower < upper) it = src.NewIterator(Cf::kData, std::move(lower), std::move(upper));
    return wide::NewRowCursor(engine_, std::move(it), std::move(t.schema), std::move(spec),
                              o.reverse, o.limit);
  }

  // Locks `row` for this transaction (see the file comment).
  static absl::Status LockRow(TxnImpl& txn, const Table& t, std::string_view row) {
    std::string key = wide::LockKey(t.info.id, row);
    std::string ignored;
    bool found = false;
    RETURN_IF_ERROR(txn.GetForUpdate(Cf::kData, key, &ignored, &found));
    return txn.Delete(Cf::kData, key);
  }

  // The newest version of a column that the GC policy keeps, or nullopt.
  static absl::StatusOr<std::optional<WideCell>> NewestLive(TxnImpl& txn, const Table& t,
                                                            std::string_view row,
                                                            const FamilySchema& f,
                                                            std::string_view qualifier,
                                                            int64_t now_us) {
    std::string lower = wide::ColumnPrefix(t.info.id, row, f.id, qualifier);
    std::string upper = codec::PrefixSuccessor(lower);
    auto it = txn.NewIterator(Cf::kData, std::move(lower), std::move(upper));
    size_t index = 0;
    for (wide::SeekStart(*it, false); wide::InBounds(*it); (*it)->Next(), ++index) {
      wide::DecodedKey k;
      rocksdb::Slice key = (*it)->key();
      if (!wide::DecodeKey(std::string_view(key.data(), key.size()), &k)) {
        return absl::DataLossError("wide-column: malformed key");
      }
      // Kept-ness only decreases with the index (older timestamps, higher index): stop at the
      // first version collected.
      if (!wide::KeepVersion(f.options, index, k.timestamp, now_us)) break;
      rocksdb::Slice raw = (*it)->value();
      std::string_view value;
      if (!wide::DecodeCellValue(std::string_view(raw.data(), raw.size()), &value)) {
        return absl::DataLossError("wide-column: malformed cell value");
      }
      return std::optional<WideCell>(
          WideCell{f.name, std::string(qualifier), k.timestamp, std::string(value)});
    }
    RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "wide-column read"));
    return std::optional<WideCell>();
  }

  static absl::Status Event(TxnImpl& txn, const Table& t, std::string_view row,
                            const std::vector<WideCell>& before,
                            const std::vector<WideCell>* after) {
    ChangeEvent e;
    e.model = Model::kWideColumn;
    e.object_id = t.info.id;
    e.object = t.info.name;
    e.key = std::string(row);
    e.image_format = ImageFormat::kJson;
    e.op = after == nullptr ? ChangeOp::kDelete
                            : (before.empty() ? ChangeOp::kCreate : ChangeOp::kUpdate);
    if (!before.empty()) e.before = wide::CellsJson(before);
    if (after != nullptr) e.after = wide::CellsJson(*after);
    return txn.AddEvent(std::move(e));
  }

  // Checks every cell of a write before anything is written.
  static absl::Status ValidateCells(const Table& t, const std::vector<WideCellWrite>& cells) {
    for (const WideCellWrite& c : cells) {
      RETURN_IF_ERROR(t.Family(c.family).status());
      RETURN_IF_ERROR(ValidateQualifier(c.qualifier));
      if (c.value.size() > kMaxWideValueBytes) {
        return absl::InvalidArgumentError(util::StrCat(
            "wide-column value is ", c.value.size(), " bytes; the limit is ", kMaxWideValueBytes));
      }
      if (c.timestamp) RETURN_IF_ERROR(ValidateTimestamp(*c.timestamp, "cell timestamp"));
    }
    return absl::OkStatus();
  }

  // Writes validated cells to a locked row.
  static absl::Status PutLocked(TxnImpl& txn, const Table& t, std::string_view row,
                                const std::vector<WideCellWrite>& cells) {
    int64_t now = Engine::NowMicros();
    std::vector<WideCell> before, after;
    std::set<std::pair<std::string, std::string>> seen;
    for (const WideCellWrite& c : cells) {
      const FamilySchema* f = t.schema.Find(c.family);
      if (seen.emplace(c.family, c.qualifier).second) {
        ASSIGN_OR_RETURN(std::optional<WideCell> old,
                         NewestLive(txn, t, row, *f, c.qualifier, now));
        if (old) before.push_back(std::move(*old));
      }
      int64_t ts = c.timestamp.value_or(now);
      RETURN_IF_ERROR(txn.Put(Cf::kData, wide::CellKey(t.info.id, row, f->id, c.qualifier, ts),
                              wide::EncodeCellValue(c.value)));
      after.push_back(WideCell{c.family, c.qualifier, ts, c.value});
    }
    return Event(txn, t, row, before, &after);
  }

  absl::Status PutIn(TxnImpl& txn, std::string_view table, std::string_view row,
                     const std::vector<WideCellWrite>& cells) {
    RETURN_IF_ERROR(ValidateRow(row));
    if (cells.empty()) return absl::InvalidArgumentError("wide-column put has no cells");
    ASSIGN_OR_RETURN(Table t, LoadTable(table));
    RETURN_IF_ERROR(ValidateCells(t, cells));
    RETURN_IF_ERROR(LockRow(txn, t, row));
    return PutLocked(txn, t, row, cells);
  }

  static absl::Status ValidateDelete(const Table& t, const WideDelete& d) {
    if (d.scope == WideDelete::Scope::kRow) return absl::OkStatus();
    RETURN_IF_ERROR(t.Family(d.family).status());
    if (d.scope == WideDelete::Scope::kFamily) return absl::OkStatus();
    RETURN_IF_ERROR(ValidateQualifier(d.qualifier));
    if (d.scope == WideDelete::Scope::kVersion && !d.timestamp) {
      return absl::InvalidArgumentError("deleting one version needs its timestamp");
    }
    if (d.timestamp) RETURN_IF_ERROR(ValidateTimestamp(*d.timestamp, "delete timestamp"));
    return absl::OkStatus();
  }

  // Deletes from a locked row, key by key (range deletions are not available inside a
  // TransactionDB transaction; a row's keys are bounded). Returns the live cells removed.
  static absl::StatusOr<size_t> DeleteLocked(TxnImpl& txn, const Table& t, std::string_view row,
                                             const WideDelete& d) {
    std::string lower;
    switch (d.scope) {
      case WideDelete::Scope::kRow:
        lower = wide::RowPrefix(t.info.id, row);
        break;
      case WideDelete::Scope::kFamily:
        lower = wide::FamilyPrefix(t.info.id, row, t.schema.Find(d.family)->id);
        break;
      case WideDelete::Scope::kColumn:
      case WideDelete::Scope::kVersion:
        lower = wide::ColumnPrefix(t.info.id, row, t.schema.Find(d.family)->id, d.qualifier);
        break;
    }
    std::string upper = codec::PrefixSuccessor(lower);
    int64_t now = Engine::NowMicros();
    std::vector<std::string> doomed;
    std::vector<WideCell> before;
    {
      auto it = txn.NewIterator(Cf::kData, std::move(lower), std::move(upper));
      std::string column;
      size_t index = 0;
      for (wide::SeekStart(*it, false); wide::InBounds(*it); (*it)->Next()) {
        rocksdb::Slice raw_key = (*it)->key();
        std::string_view key(raw_key.data(), raw_key.size());
        wide::DecodedKey k;
        if (!wide::DecodeKey(key, &k)) return absl::DataLossError("wide-column: malformed key");
        if (k.family == wide::kLockFamilyId) continue;
        if (key.substr(0, k.column_prefix_len) != column) {
          column = std::string(key.substr(0, k.column_prefix_len));
          index = 0;
        }
        size_t version = index++;
        bool hit = d.scope == WideDelete::Scope::kVersion ? k.timestamp == *d.timestamp
                   : d.scope == WideDelete::Scope::kColumn && d.timestamp
                       ? k.timestamp <= *d.timestamp
                       : true;
        const FamilySchema* f = t.schema.FindId(k.family);
        bool live = f != nullptr && wide::KeepVersion(f->options, version, k.timestamp, now);
        // A version the policy already hides goes too, so that removing a newer version can
        // never bring an older one back (HBase's "deleted newer version exposes the older").
        if (!hit && live) continue;
        doomed.emplace_back(key);
        if (!live) continue;
        rocksdb::Slice raw = (*it)->value();
        std::string_view value;
        if (!wide::DecodeCellValue(std::string_view(raw.data(), raw.size()), &value)) {
          return absl::DataLossError("wide-column: malformed cell value");
        }
        before.push_back(WideCell{f->name, k.qualifier, k.timestamp, std::string(value)});
      }
      RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "wide-column delete"));
    }
    for (const std::string& key : doomed) RETURN_IF_ERROR(txn.Delete(Cf::kData, key));
    if (!before.empty()) RETURN_IF_ERROR(Event(txn, t, row, before, nullptr));
    return before.size();
  }

  absl::StatusOr<size_t> DeleteIn(TxnImpl& txn, std::string_view table, std::string_view row,
                                  const WideDelete& what) {
    RETURN_IF_ERROR(ValidateRow(row));
    ASSIGN_OR_RETURN(Table t, LoadTable(table));
    RETURN_IF_ERROR(ValidateDelete(t, what));
    RETURN_IF_ERROR(LockRow(txn, t, row));
    return DeleteLocked(txn, t, row, what);
  }

  absl::StatusOr<bool> CheckIn(TxnImpl& txn, std::string_view table, std::string_view row,
                               const WideCheck& check, const std::vector<WideCellWrite>& puts,
                               const std::vector<WideDelete>& deletes) {
    RETURN_IF_ERROR(ValidateRow(row));
    ASSIGN_OR_RETURN(Table t, LoadTable(table));
    ASSIGN_OR_RETURN(const FamilySchema* f, t.Family(check.family));
    RETURN_IF_ERROR(ValidateQualifier(check.qualifier));
    RETURN_IF_ERROR(ValidateCells(t, puts));
    for (const WideDelete& d : deletes) RETURN_IF_ERROR(ValidateDelete(t, d));
    RETURN_IF_ERROR(LockRow(txn, t, row));
    ASSIGN_OR_RETURN(std::optional<WideCell> current,
                     NewestLive(txn, t, row, *f, check.qualifier, Engine::NowMicros()));
    bool holds = check.expected
                     ? current && wide::ValueMatches({check.op, *check.expected}, current->value)
                     : !current.has_value();
    if (!holds) return false;
    if (!puts.empty()) RETURN_IF_ERROR(PutLocked(txn, t, row, puts));
    for (const WideDelete& d : deletes) RETURN_IF_ERROR(DeleteLocked(txn, t, row, d).status());
    return true;
  }

  absl::StatusOr<int64_t> IncrementIn(TxnImpl& txn, std::string_view table, std::string_view row,
                                      std::string_view family, std::string_view qualifier,
                                      int64_t delta) {
    RETURN_IF_ERROR(ValidateRow(row));
    ASSIGN_OR_RETURN(Table t, LoadTable(table));
    ASSIGN_OR_RETURN(const FamilySchema* f, t.Family(family));
    RETURN_IF_ERROR(ValidateQualifier(qualifier));
    RETURN_IF_ERROR(LockRow(txn, t, row));
    int64_t now = Engine::NowMicros();
    ASSIGN_OR_RETURN(std::optional<WideCell> current, NewestLive(txn, t, row, *f, qualifier, now));
    int64_t sum = delta;
    int64_t ts = now;
    std::vector<WideCell> before;
    if (current) {
      std::optional<int64_t> old = ParseDecimal(current->value);
      if (!old) {
        return absl::InvalidArgumentError(util::StrCat(
            "wide-column ", table, ": the value of ", family, ":", qualifier.substr(0, 64),
            " is not a decimal integer, so it cannot be incremented"));
      }
      if (__builtin_add_overflow(*old, delta, &sum)) {
        return absl::InvalidArgumentError(util::StrCat("wide-column ", table, ": incrementing ",
                                                       *old, " by ", delta,
                                                       " overflows a 64-bit integer"));
      }
      if (current->timestamp < INT64_MAX) ts = std::max(now, current->timestamp + 1);
      before.push_back(std::move(*current));
    }
    std::string value = std::to_string(sum);
    RETURN_IF_ERROR(txn.Put(Cf::kData, wide::CellKey(t.info.id, row, f->id, qualifier, ts),
                            wide::EncodeCellValue(value)));
    std::vector<WideCell> after{WideCell{f->name, std::string(qualifier), ts, value}};
    RETURN_IF_ERROR(Event(txn, t, row, before, &after));
    return sum;
  }

  Engine* const engine_;
  internal::Histogram* h_get_;
  internal::Histogram* h_scan_;
  internal::Histogram* h_put_;
  internal::Histogram* h_delete_;
  internal::Histogram* h_check_;
  internal::Histogram* h_incr_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<WideStore>> WideStore::Open(DB* db) {
  if (db == nullptr) return absl::InvalidArgumentError("WideStore::Open: db is null");
  RETURN_IF_ERROR(db->engine().CheckOpen());
  if (db->engine().compaction_hook(Model::kWideColumn) == nullptr) {
    db->engine().SetCompactionHook(Model::kWideColumn, wide::NewWideCompactionHook());
  }
  return std::unique_ptr<WideStore>(new WideStoreImpl(db));
}

}  // namespace tessera
