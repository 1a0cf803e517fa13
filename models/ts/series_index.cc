// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/series_index.h"

#include <algorithm>
#include <optional>
#include <set>

#include "core/engine/txn_impl.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/ts/ts_keys.h"
#include "re2/re2.h"
#include "tessera/status.h"

namespace tessera::ts {
namespace {

using internal::Cf;
using internal::ReadSource;
using internal::TxnImpl;

std::string_view TypeName(ValueType t) {
  switch (t) {
    case ValueType::kFloat:
      return "float";
    case ValueType::kInt:
      return "integer";
    case ValueType::kBool:
      return "boolean";
  }
  return "?";
}

std::string EncodeRecord(ValueType type, std::string_view identity) {
  std::string out(1, static_cast<char>(type));
  out.append(identity);
  return out;
}

absl::StatusOr<SeriesRecord> DecodeRecord(uint64_t sid, std::string_view raw) {
  SeriesRecord r;
  r.sid = sid;
  if (raw.empty() || static_cast<uint8_t>(raw[0]) > 2 ||
      !DecodeIdentity(raw.substr(1), &r.field, &r.tags)) {
    return absl::DataLossError(util::StrCat("time-series: malformed series record ", sid));
  }
  r.type = static_cast<ValueType>(raw[0]);
  return r;
}

// Every series id whose index key starts with `prefix` and ends with the 8-byte id. With
// `value_filter`, the remainder between prefix and id must be lp(value) and the value must match.
template <typename Filter>
absl::Status CollectIds(ReadSource& src, const std::string& prefix, Filter&& keep,
                        std::set<uint64_t>* out) {
  auto it = src.NewIterator(Cf::kIndex, prefix, codec::PrefixSuccessor(prefix));
  for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) {
    rocksdb::Slice k = (*it)->key();
    if (k.size() < prefix.size() + 8) return absl::DataLossError("time-series: malformed posting");
    std::string_view mid(k.data() + prefix.size(), k.size() - prefix.size() - 8);
    if (!keep(mid)) continue;
    out->insert(codec::DecodeFixed64BE(k.data() + k.size() - 8));
  }
  return internal::FromRocks((*it)->status(), "time-series series index");
}

std::set<uint64_t> Minus(const std::set<uint64_t>& a, const std::set<uint64_t>& b) {
  std::set<uint64_t> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
  return out;
}

}  // namespace

const SeriesRecord* TagSetSeries::Find(std::string_view field, size_t hint) const {
  if (hint < fields.size() && fields[hint]->field == field) return fields[hint].get();
  for (const auto& r : fields) {
    if (r->field == field) return r.get();
  }
  return nullptr;
}

std::shared_ptr<const SeriesRecord> TagSetSeries::FindShared(std::string_view field,
                                                             size_t hint) const {
  if (hint < fields.size() && fields[hint]->field == field) return fields[hint];
  for (const auto& r : fields) {
    if (r->field == field) return r;
  }
  return nullptr;
}

std::shared_ptr<const TagSetSeries> SeriesIndex::FindTagSet(uint64_t mid,
                                                            const std::string& tagset) {
  util::MutexLock l(&mu_);
  auto c = cache_.find(mid);
  if (c == cache_.end()) return nullptr;
  auto it = c->second.by_tagset.find(tagset);
  return it == c->second.by_tagset.end() ? nullptr : it->second;
}

absl::StatusOr<std::shared_ptr<const SeriesRecord>> SeriesIndex::ResolveInTagSet(
    uint64_t mid, const std::string& field, const TsTags& tags, const std::string& tagset,
    ValueType type) {
  ASSIGN_OR_RETURN(SeriesRecord r, Resolve(mid, field, tags, type));
  auto rec = std::make_shared<const SeriesRecord>(std::move(r));
  util::MutexLock l(&mu_);
  Cache& c = cache_[mid];
  if (c.by_tagset.size() >= kMaxCachedTagSets) c.by_tagset.clear();
  std::shared_ptr<const TagSetSeries>& slot = c.by_tagset[tagset];
  auto next = slot ? std::make_shared<TagSetSeries>(*slot) : std::make_shared<TagSetSeries>();
  if (next->Find(field, 0) == nullptr) next->fields.push_back(rec);
  slot = std::move(next);
  return rec;
}

void SeriesIndex::Remember(uint64_t mid, const std::string& identity, const SeriesRecord& r) {
  util::MutexLock l(&mu_);
  Cache& c = cache_[mid];
  c.by_identity[identity] = r;
  c.by_id[r.sid] = r;
}

void SeriesIndex::Forget(uint64_t mid) {
  util::MutexLock l(&mu_);
  cache_.erase(mid);
}

absl::StatusOr<SeriesRecord> SeriesIndex::Resolve(uint64_t mid, const std::string& field,
                                                  const TsTags& tags, ValueType type) {
  const std::string identity = EncodeIdentity(field, tags);
  auto check = [&](const SeriesRecord& r) -> absl::StatusOr<SeriesRecord> {
    if (r.type != type) {
      return absl::InvalidArgumentError(util::StrCat("time-series field \"", field,
                                                     "\" of this series holds ", TypeName(r.type),
                                                     " values; got a ", TypeName(type), " value"));
    }
    return r;
  };
  {
    util::MutexLock l(&mu_);
    auto c = cache_.find(mid);
    if (c != cache_.end()) {
      auto it = c->second.by_identity.find(identity);
      if (it != c->second.by_identity.end()) return check(it->second);
    }
  }
  SeriesRecord rec;
  RETURN_IF_ERROR(engine_->RunInTxn(
      "ts.series", /*snapshot=*/false, RetryOptions(), [&](TxnImpl& txn) -> absl::Status {
        std::string raw;
        bool found = false;
        const std::string ik = IdentityKey(mid, identity);
        RETURN_IF_ERROR(txn.GetForUpdate(Cf::kIndex, ik, &raw, &found));
        if (found) {
          if (raw.size() != 8) return absl::DataLossError("time-series: malformed series id");
          const uint64_t sid = codec::DecodeFixed64BE(raw.data());
          std::string rec_raw;
          RETURN_IF_ERROR(txn.Get(Cf::kIndex, SeriesRecordKey(mid, sid), &rec_raw, &found));
          if (!found) return absl::DataLossError("time-series: series record missing");
          ASSIGN_OR_RETURN(rec, DecodeRecord(sid, rec_raw));
          return absl::OkStatus();
        }
        const std::string ck = IndexPrefix(mid, kIdxCounter);
        RETURN_IF_ERROR(txn.GetForUpdate(Cf::kIndex, ck, &raw, &found));
        uint64_t sid = 1;
        if (found) {
          if (raw.size() != 8) return absl::DataLossError("time-series: malformed series counter");
          sid = codec::DecodeFixed64BE(raw.data());
        }
        std::string next;
        codec::PutFixed64BE(&next, sid + 1);
        std::string id_bytes;
        codec::PutFixed64BE(&id_bytes, sid);
        RETURN_IF_ERROR(txn.Put(Cf::kIndex, ck, next));
        RETURN_IF_ERROR(txn.Put(Cf::kIndex, ik, id_bytes));
        RETURN_IF_ERROR(
            txn.Put(Cf::kIndex, SeriesRecordKey(mid, sid), EncodeRecord(type, identity)));
        RETURN_IF_ERROR(txn.Put(Cf::kIndex, FieldPostingPrefix(mid, field) + id_bytes, ""));
        for (const auto& [k, v] : tags) {
          RETURN_IF_ERROR(txn.Put(Cf::kIndex, TagPostingPrefix(mid, k, v, true) + id_bytes, ""));
        }
        rec = SeriesRecord{sid, type, field, tags};
        return absl::OkStatus();
      }));
  generation_.fetch_add(1, std::memory_order_acq_rel);  // before any point of it is written
  Remember(mid, identity, rec);
  return check(rec);
}

absl::Status SeriesIndex::Prefetch(uint64_t mid, const std::vector<Wanted>& wanted) {
  std::vector<std::pair<std::string, const Wanted*>> todo;  // (identity, series), not cached
  {
    util::MutexLock l(&mu_);
    auto c = cache_.find(mid);
    std::set<std::string> seen;  // each identity once (the writes below are not read back)
    for (const Wanted& w : wanted) {
      std::string identity = EncodeIdentity(*w.field, *w.tags);
      if (c != cache_.end() && c->second.by_identity.count(identity) > 0) continue;
      if (!seen.insert(identity).second) continue;
      todo.emplace_back(std::move(identity), &w);
    }
  }
  for (size_t start = 0; start < todo.size(); start += kPrefetchBatch) {
    const size_t end = std::min(todo.size(), start + kPrefetchBatch);
    std::vector<SeriesRecord> recs;
    RETURN_IF_ERROR(engine_->RunInTxn(
        "ts.series", /*snapshot=*/false, RetryOptions(), [&](TxnImpl& txn) -> absl::Status {
          recs.assign(end - start, SeriesRecord{});
          const std::string ck = IndexPrefix(mid, kIdxCounter);
          std::optional<uint64_t> next_sid;  // read (and locked) when the first one is created
          for (size_t i = start; i < end; ++i) {
            const auto& [identity, w] = todo[i];
            std::string raw;
            bool found = false;
            const std::string ik = IdentityKey(mid, identity);
            RETURN_IF_ERROR(txn.GetForUpdate(Cf::kIndex, ik, &raw, &found));
            if (found) {
              if (raw.size() != 8) return absl::DataLossError("time-series: malformed series id");
              const uint64_t sid = codec::DecodeFixed64BE(raw.data());
              std::string rec_raw;
              RETURN_IF_ERROR(txn.Get(Cf::kIndex, SeriesRecordKey(mid, sid), &rec_raw, &found));
              if (!found) return absl::DataLossError("time-series: series record missing");
              ASSIGN_OR_RETURN(recs[i - start], DecodeRecord(sid, rec_raw));
              continue;
            }
            if (!next_sid) {
              RETURN_IF_ERROR(txn.GetForUpdate(Cf::kIndex, ck, &raw, &found));
              next_sid = 1;
              if (found) {
                if (raw.size() != 8) {
                  return absl::DataLossError("time-series: malformed series counter");
                }
                next_sid = codec::DecodeFixed64BE(raw.data());
              }
            }
            const uint64_t sid = (*next_sid)++;
            std::string id_bytes;
            codec::PutFixed64BE(&id_bytes, sid);
            // The identity key is locked (above); the others hold the new id, which only this
            // transaction has: no row locks needed. None of these keys is read again by this
            // transaction (each identity comes once; the counter is read before any of them), so
            // they skip its write index, which would cost more than the writes.
            txn.SetIndexing(false);
            RETURN_IF_ERROR(txn.PutUnlocked(Cf::kIndex, ik, id_bytes));
            RETURN_IF_ERROR(txn.PutUnlocked(Cf::kIndex, SeriesRecordKey(mid, sid),
                                            EncodeRecord(w->type, identity)));
            RETURN_IF_ERROR(
                txn.PutUnlocked(Cf::kIndex, FieldPostingPrefix(mid, *w->field) + id_bytes, ""));
            for (const auto& [k, v] : *w->tags) {
              RETURN_IF_ERROR(
                  txn.PutUnlocked(Cf::kIndex, TagPostingPrefix(mid, k, v, true) + id_bytes, ""));
            }
            txn.SetIndexing(true);
            recs[i - start] = SeriesRecord{sid, w->type, *w->field, *w->tags};
          }
          if (next_sid) {
            std::string next;
            codec::PutFixed64BE(&next, *next_sid);
            RETURN_IF_ERROR(txn.Put(Cf::kIndex, ck, next));
          }
          return absl::OkStatus();
        }));
    generation_.fetch_add(1, std::memory_order_acq_rel);  // before any point of them is written
    for (size_t i = start; i < end; ++i) Remember(mid, todo[i].first, recs[i - start]);
  }
  return absl::OkStatus();
}

absl::StatusOr<SeriesRecord> SeriesIndex::Load(ReadSource& src, uint64_t mid, uint64_t sid) {
  {
    util::MutexLock l(&mu_);
    auto c = cache_.find(mid);
    if (c != cache_.end()) {
      auto it = c->second.by_id.find(sid);
      if (it != c->second.by_id.end()) return it->second;
    }
  }
  std::string raw;
  bool found = false;
  RETURN_IF_ERROR(src.Get(Cf::kIndex, SeriesRecordKey(mid, sid), &raw, &found));
  if (!found) return absl::DataLossError(util::StrCat("time-series: series ", sid, " missing"));
  ASSIGN_OR_RETURN(SeriesRecord r, DecodeRecord(sid, raw));
  Remember(mid, EncodeIdentity(r.field, r.tags), r);
  return r;
}

absl::StatusOr<std::vector<SeriesRecord>> SeriesIndex::Select(
    ReadSource& src, uint64_t mid, const std::optional<std::string>& field,
    const std::vector<TsTagFilter>& where) {
  auto all = [](std::string_view) { return true; };
  for (const TsTagFilter& f : where) {
    if (f.tag.empty()) return absl::InvalidArgumentError("time-series tag filter: empty tag key");
    if (f.op == TsTagFilter::Op::kRegex) {
      if (f.values.size() != 1) {
        return absl::InvalidArgumentError(
            util::StrCat("time-series tag filter on \"", f.tag, "\": a regex needs one pattern"));
      }
    } else if (f.values.empty() || (f.op != TsTagFilter::Op::kIn && f.values.size() != 1)) {
      return absl::InvalidArgumentError(util::StrCat(
          "time-series tag filter on \"", f.tag, "\": ",
          f.op == TsTagFilter::Op::kIn ? "IN needs at least one value" : "needs one value"));
    }
  }
  // `=` and IN first: their postings are usually far fewer than the field's series (one host of
  // thousands), so the field's postings are read only when no such filter narrows the set.
  std::optional<std::set<uint64_t>> result;
  for (const TsTagFilter& f : where) {
    if (f.op != TsTagFilter::Op::kEq && f.op != TsTagFilter::Op::kIn) continue;
    std::set<uint64_t> eq;
    for (const std::string& v : f.values) {
      RETURN_IF_ERROR(CollectIds(src, TagPostingPrefix(mid, f.tag, v, true), all, &eq));
    }
    if (result) {
      std::set<uint64_t> next;
      std::set_intersection(result->begin(), result->end(), eq.begin(), eq.end(),
                            std::inserter(next, next.end()));
      result = std::move(next);
    } else {
      result = std::move(eq);
    }
  }
  const bool check_field = result.has_value() && field.has_value();
  if (!result) {
    // The universe: the field's series, or every series of the measurement.
    result.emplace();
    if (field) {
      RETURN_IF_ERROR(CollectIds(src, FieldPostingPrefix(mid, *field), all, &*result));
    } else {
      RETURN_IF_ERROR(CollectIds(src, IndexPrefix(mid, kIdxField), all, &*result));
    }
  }
  for (const TsTagFilter& f : where) {
    if (result->empty()) break;
    if (f.op == TsTagFilter::Op::kNe) {
      std::set<uint64_t> eq;
      RETURN_IF_ERROR(CollectIds(src, TagPostingPrefix(mid, f.tag, f.values[0], true), all, &eq));
      result = Minus(*result, eq);
    } else if (f.op == TsTagFilter::Op::kRegex) {
      RE2 re(f.values[0], RE2::Quiet);
      if (!re.ok()) {
        return absl::InvalidArgumentError(util::StrCat("time-series tag filter on \"", f.tag,
                                                       "\": bad regex \"", f.values[0],
                                                       "\": ", re.error()));
      }
      std::set<uint64_t> has, match;
      RETURN_IF_ERROR(CollectIds(src, TagPostingPrefix(mid, f.tag, "", false), all, &has));
      RETURN_IF_ERROR(CollectIds(
          src, TagPostingPrefix(mid, f.tag, "", false),
          [&](std::string_view lp_value) {
            std::string_view v;
            if (!codec::GetLengthPrefixed(&lp_value, &v)) return false;
            return RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), re);
          },
          &match));
      // A series without the tag matches when the regex matches "".
      if (RE2::PartialMatch("", re)) {
        for (uint64_t id : Minus(*result, has)) match.insert(id);
      }
      std::set<uint64_t> next;
      std::set_intersection(result->begin(), result->end(), match.begin(), match.end(),
                            std::inserter(next, next.end()));
      result = std::move(next);
    }
  }
  std::vector<SeriesRecord> out;
  out.reserve(result->size());
  for (uint64_t sid : *result) {
    ASSIGN_OR_RETURN(SeriesRecord r, Load(src, mid, sid));
    if (check_field && r.field != *field) continue;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tessera::ts
