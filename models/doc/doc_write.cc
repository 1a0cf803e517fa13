// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Document writes: insert, update, replace, delete, with index maintenance and change events.
#include <algorithm>
#include <map>
#include <set>

#include "core/catalog/meta_keys.h"
#include "core/util/strings.h"
#include "core/util/utf8.h"
#include "models/doc/doc_codec.h"
#include "models/doc/doc_find.h"
#include "models/doc/doc_splice.h"
#include "models/doc/doc_store_impl.h"
#include "tessera/status.h"

namespace tessera::doc {
namespace {

using internal::Cf;
using internal::ScopedOpTimer;
using internal::TxnImpl;

absl::Status CheckName(const std::string& name, std::string_view what) {
  if (!util::IsValidUtf8(name)) {
    return absl::InvalidArgumentError(
        util::StrCat(what, " has a field name that is not valid UTF-8"));
  }
  if (!name.empty() && name[0] == '$') {
    return absl::InvalidArgumentError(
        util::StrCat(what, ": field name \"", name, "\" starts with '$'"));
  }
  if (name.find('.') != std::string::npos) {
    return absl::InvalidArgumentError(
        util::StrCat(what, ": field name \"", name, "\" contains '.'"));
  }
  return absl::OkStatus();
}

absl::Status CheckDepth(const Json& v, int depth, std::string_view what) {
  if (v.is_string() && !util::IsValidUtf8(v.get_ref<const std::string&>())) {
    return absl::InvalidArgumentError(
        util::StrCat(what, " holds a string that is not valid UTF-8"));
  }
  if (depth > kMaxDocumentDepth) {
    return absl::InvalidArgumentError(
        util::StrCat(what, " is nested more than ", kMaxDocumentDepth, " levels deep"));
  }
  if (v.is_object()) {
    for (const auto& [name, value] : v.items()) {
      RETURN_IF_ERROR(CheckName(name, what));
      RETURN_IF_ERROR(CheckDepth(value, depth + 1, what));
    }
  } else if (v.is_array()) {
    for (const Json& e : v) RETURN_IF_ERROR(CheckDepth(e, depth + 1, what));
  }
  return absl::OkStatus();
}

// `doc` with `_id` as its first field.
Json WithIdFirst(const Json& id, const Json& doc) {
  Json out = Json::object();
  out["_id"] = id;
  for (const auto& [name, value] : doc.items()) {
    if (name != "_id") out[name] = value;
  }
  return out;
}

// JSON text for messages; never throws (invalid UTF-8 is replaced).
std::string IdText(const Json& id) { return JsonText(id); }

// Sets `value` at the dotted path in `doc`, creating objects; false when a non-object is in the
// way.
bool SetPath(Json* doc, const query::Path& path, const Json& value) {
  Json* cur = doc;
  for (size_t i = 0; i + 1 < path.parts.size(); ++i) {
    if (!cur->is_object()) return false;
    Json& next = (*cur)[path.parts[i]];
    if (next.is_null()) next = Json::object();
    cur = &next;
  }
  if (!cur->is_object()) return false;
  (*cur)[path.parts.back()] = value;
  return true;
}

// The checks ValidateDocument makes on one top-level field.
absl::Status CheckField(const std::string& name, const Json& value, std::string_view what) {
  RETURN_IF_ERROR(CheckName(name, what));
  return CheckDepth(value, 2, what);
}

// One document of an update by splicing (doc_splice.h): `stored` is the document as read and
// locked. nullopt when it cannot be spliced (nothing counted: the caller applies the update to the
// whole decoded document); otherwise whether it matched the filter, with the change appended
// when the update changed it.
absl::StatusOr<std::optional<bool>> SpliceUpdate(const query::Filter& filter,
                                                 const query::Update& update,
                                                 const std::vector<std::string>& touched,
                                                 const FieldSet& wanted, const std::string& pk,
                                                 std::string* stored, DocUpdateResult* result,
                                                 std::vector<DocChange>* changes) {
  PartialDoc doc;
  RETURN_IF_ERROR(doc.Load(*stored, wanted));
  if (!filter.Matches(doc.fields())) return std::optional<bool>(false);
  auto id = doc.fields().find("_id");
  const Json id_value = id != doc.fields().end() ? *id : Json();
  // Applied in place: the partial document is not needed unchanged (Splice reads the stored
  // bytes and the event's before-image is the stored document).
  Json& after = *doc.mutable_fields();
  absl::StatusOr<bool> changed = update.Apply(&after, /*is_insert=*/false);
  if (!changed.ok()) {
    return absl::Status(
        changed.status().code(),
        util::StrCat("update of document ", IdText(id_value), ": ", changed.status().message()));
  }
  if (*changed) {
    absl::Status valid = ValidateTouchedFields(after, touched, "document");
    if (!valid.ok()) {
      RETURN_IF_ERROR(ValidateDocument(after, util::StrCat("document ", IdText(id_value))));
      return valid;
    }
  }
  DocChange ch;
  if (*changed && !doc.Splice(after, touched, &ch.after_stored)) return std::optional<bool>();
  ++result->matched;
  if (!*changed) return std::optional<bool>(true);
  ++result->modified;
  ch.pk = pk;
  ch.spliced = true;
  ch.id_text = IdText(id_value);
  ch.before_stored = std::move(*stored);
  changes->push_back(std::move(ch));
  return std::optional<bool>(true);
}

}  // namespace

absl::Status ValidateDocument(const Json& doc, std::string_view what) {
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(
        util::StrCat(what, " must be a JSON object, got ", doc.type_name()));
  }
  return CheckDepth(doc, 1, what);
}

absl::Status ValidateTouchedFields(const Json& doc, const std::vector<std::string>& touched,
                                   std::string_view what) {
  if (!doc.is_object()) return ValidateDocument(doc, what);
  for (const auto& [name, value] : doc.items()) {
    if (!std::binary_search(touched.begin(), touched.end(), name)) continue;
    RETURN_IF_ERROR(CheckField(name, value, what));
  }
  return absl::OkStatus();
}

absl::Status ValidateField(const std::string& name, const Json& value, std::string_view what) {
  return CheckField(name, value, what);
}

absl::StatusOr<std::string> EncodeValidId(const Json& id) {
  if (id.is_array()) return absl::InvalidArgumentError("_id cannot be an array");
  if (id.is_discarded()) return absl::InvalidArgumentError("_id is not a JSON value");
  RETURN_IF_ERROR(CheckDepth(id, 1, "_id"));
  std::string pk = EncodeComponent(id);
  if (pk.size() > kMaxIdBytes) {
    return absl::InvalidArgumentError(
        util::StrCat("_id is longer than ", kMaxIdBytes, " bytes when encoded"));
  }
  return pk;
}

absl::Status ValidateId(const Json& id) { return EncodeValidId(id).status(); }

absl::StatusOr<std::optional<CollCtx>> DocStoreImpl::LockForWrite(TxnImpl& txn,
                                                                  std::string_view coll,
                                                                  bool create) {
  RETURN_IF_ERROR(txn.CheckActive());
  std::optional<ObjectInfo> info;
  if (create) {
    ASSIGN_OR_RETURN(info, engine_->catalog().GetOrCreate(Model::kDocument, coll));
  } else {
    ASSIGN_OR_RETURN(info, FindCollection(coll));
    if (!info) return std::optional<CollCtx>();
  }
  RETURN_IF_ERROR(
      txn.Lock(Cf::kMeta, internal::meta::ObjectLockKey(info->id), /*exclusive=*/false));
  // Read the definitions again under the lock: an index build may have changed them.
  info = engine_->catalog().Find(Model::kDocument, coll);
  if (!info) return absl::NotFoundError(util::StrCat("collection ", coll, " was dropped"));
  CollCtx ctx;
  ctx.info = *info;
  ASSIGN_OR_RETURN(ctx.meta, MetaOf(*info));
  return std::optional<CollCtx>(std::move(ctx));
}

absl::StatusOr<std::optional<Json>> DocStoreImpl::ReadLocked(TxnImpl& txn, const CollCtx& ctx,
                                                             const std::string& pk,
                                                             std::string* stored) {
  std::string local;
  std::string& raw = stored != nullptr ? *stored : local;
  bool found = false;
  RETURN_IF_ERROR(txn.GetForUpdate(Cf::kData, DataKey(ctx.info.id, pk), &raw, &found));
  if (!found) return std::optional<Json>();
  ASSIGN_OR_RETURN(Json doc, DecodeDocument(raw));
  return std::optional<Json>(std::move(doc));
}

absl::Status DocStoreImpl::ApplyChanges(TxnImpl& txn, const CollCtx& ctx,
                                        std::vector<DocChange>& changes,
                                        const std::vector<std::string>* touched, bool direct) {
  const uint64_t coll = ctx.info.id;
  // Whether updates (before and after) can change the entries of `def`.
  auto maybe_changed = [touched](const IndexDef& def) {
    if (touched == nullptr || def.partial_filter != nullptr) return true;
    for (const IndexField& f : def.fields) {
      if (std::find(touched->begin(), touched->end(), f.path.parts[0]) != touched->end()) {
        return true;
      }
    }
    return false;
  };
  struct IndexWork {
    std::vector<std::pair<std::string, std::string>> removed;  // (entry, pk)
    std::vector<std::pair<std::string, std::string>> added;    // (entry, pk)
    bool multikey = false;
  };
  std::vector<IndexWork> work(ctx.meta->indexes.size());
  std::vector<std::string> encoded(changes.size());
  // 1. Compute and check everything; nothing is written yet.
  for (size_t c = 0; c < changes.size(); ++c) {
    DocChange& ch = changes[c];
    if (ch.spliced) {
      // Touches no indexed field (UpdateIn checked): only the size limit applies.
      encoded[c] = std::move(ch.after_stored);
      if (encoded[c].size() > kMaxDocumentBytes) {
        return absl::InvalidArgumentError(
            util::StrCat("document ", ch.id_text, " is ", encoded[c].size(),
                         " bytes encoded; the limit is ", kMaxDocumentBytes));
      }
      continue;
    }
    if (ch.after) {
      encoded[c] = EncodeDocument(*ch.after);
      if (encoded[c].size() > kMaxDocumentBytes) {
        return absl::InvalidArgumentError(
            util::StrCat("document ", IdText((*ch.after)["_id"]), " is ", encoded[c].size(),
                         " bytes encoded; the limit is ", kMaxDocumentBytes));
      }
    }
    for (size_t i = 0; i < ctx.meta->indexes.size(); ++i) {
      const IndexDef& def = ctx.meta->indexes[i];
      if (ch.before && ch.after && !maybe_changed(def)) continue;
      std::vector<std::string> old_entries, new_entries;
      bool unused = false;
      if (ch.before) RETURN_IF_ERROR(IndexEntries(def, *ch.before, &old_entries, &unused));
      if (ch.after) {
        bool mk = false;
        absl::Status s = IndexEntries(def, *ch.after, &new_entries, &mk);
        if (!s.ok()) {
          return absl::Status(s.code(), util::StrCat("document ", IdText((*ch.after)["_id"]), ": ",
                                                     util::ToStd(s.message())));
        }
        if (mk) work[i].multikey = true;
      }
      std::vector<std::string> removed, added;
      std::set_difference(old_entries.begin(), old_entries.end(), new_entries.begin(),
                          new_entries.end(), std::back_inserter(removed));
      std::set_difference(new_entries.begin(), new_entries.end(), old_entries.begin(),
                          old_entries.end(), std::back_inserter(added));
      for (auto& e : removed) work[i].removed.emplace_back(std::move(e), ch.pk);
      for (auto& e : added) work[i].added.emplace_back(std::move(e), ch.pk);
    }
  }
  for (size_t i = 0; i < ctx.meta->indexes.size(); ++i) {
    const IndexDef& def = ctx.meta->indexes[i];
    if (!def.unique) continue;
    std::set<std::pair<std::string, std::string>> removed(work[i].removed.begin(),
                                                          work[i].removed.end());
    std::map<std::string, std::string> added_by;
    for (const auto& [entry, pk] : work[i].added) {
      auto [it, inserted] = added_by.emplace(entry, pk);
      std::string holder;
      if (!inserted && it->second != pk) {
        holder = it->second;
      } else {
        std::string value;
        bool found = false;
        RETURN_IF_ERROR(
            txn.GetForUpdate(Cf::kIndex, EntryKey(coll, def, entry, pk), &value, &found));
        if (found && value != pk && !removed.count({entry, value})) holder = value;
      }
      if (!holder.empty()) {
        std::string_view rest = entry;
        Json key = Json::object();
        for (const IndexField& f : def.fields) {
          absl::StatusOr<Json> v = DecodeComponent(&rest, f.descending);
          key[f.path.dotted] = v.ok() ? *v : Json("?");
        }
        return absl::AlreadyExistsError(util::StrCat("duplicate key in unique index \"", def.name,
                                                     "\" of collection ", ctx.info.name, ": ",
                                                     JsonText(key)));
      }
    }
  }
  // A direct write (callers take it only when no index covers a changed field) has no index work;
  // checked before step 2, which may commit a flag.
  if (direct) {
    for (const IndexWork& w : work) {
      if (!w.removed.empty() || !w.added.empty() || w.multikey) {
        return absl::InternalError("a direct document write needs index maintenance");
      }
    }
  }
  // 2. Flag indexes that became multikey before anything is committed, so that a reader that can
  //    see these documents also sees the flag.
  bool flag = false;
  for (size_t i = 0; i < work.size(); ++i)
    flag |= work[i].multikey && !ctx.meta->indexes[i].multikey;
  if (flag) {
    RETURN_IF_ERROR(ModifyMeta(ctx.info.name, [&](CollectionMeta* meta) {
      for (size_t i = 0; i < work.size(); ++i) {
        if (!work[i].multikey) continue;
        if (IndexDef* d = meta->Find(ctx.meta->indexes[i].name)) d->multikey = true;
      }
      return absl::OkStatus();
    }));
  }
  // 3. Write.
  for (size_t i = 0; i < ctx.meta->indexes.size(); ++i) {
    const IndexDef& def = ctx.meta->indexes[i];
    for (const auto& [entry, pk] : work[i].removed) {
      RETURN_IF_ERROR(txn.Delete(Cf::kIndex, EntryKey(coll, def, entry, pk)));
    }
    for (const auto& [entry, pk] : work[i].added) {
      RETURN_IF_ERROR(txn.Put(Cf::kIndex, EntryKey(coll, def, entry, pk), pk));
    }
  }
  for (size_t c = 0; c < changes.size(); ++c) {
    DocChange& ch = changes[c];
    const bool has_before = ch.spliced || ch.before;
    const bool has_after = ch.spliced || ch.after;
    std::string key = DataKey(coll, ch.pk);
    if (has_after) {
      RETURN_IF_ERROR(direct ? txn.PutDirect(Cf::kData, key, encoded[c])
                             : txn.Put(Cf::kData, key, encoded[c]));
    } else {
      RETURN_IF_ERROR(direct ? txn.DeleteDirect(Cf::kData, key) : txn.Delete(Cf::kData, key));
    }
    ChangeEvent e;
    e.model = Model::kDocument;
    e.object_id = coll;
    e.object = ctx.info.name;
    e.op = !has_after ? ChangeOp::kDelete : (has_before ? ChangeOp::kUpdate : ChangeOp::kCreate);
    e.key_format = ImageFormat::kJson;
    e.key = ch.spliced ? std::move(ch.id_text)
                       : IdText(ch.after ? (*ch.after)["_id"] : (*ch.before)["_id"]);
    // The images are the stored bytes themselves (the read one and the written one); the change
    // log renders them as JSON text when read (docs/format/changelog.md).
    e.image_format = ImageFormat::kStoredDocument;
    if (has_before) {
      e.before =
          ch.before_stored.empty() ? EncodeDocument(*ch.before) : std::move(ch.before_stored);
    }
    if (has_after) e.after = std::move(encoded[c]);
    RETURN_IF_ERROR(txn.AddEvent(std::move(e)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Document>> DocStoreImpl::InsertIn(TxnImpl& txn, std::string_view coll,
                                                             const std::vector<Document>& docs) {
  std::vector<DocChange> changes;
  std::vector<Document> ids;
  changes.reserve(docs.size());
  std::set<std::string> batch_pks;
  for (size_t i = 0; i < docs.size(); ++i) {
    std::string what = docs.size() == 1 ? "document" : util::StrCat("document ", i + 1);
    RETURN_IF_ERROR(ValidateDocument(docs[i], what));
    Json doc;
    DocChange ch;
    auto it = docs[i].find("_id");
    if (it == docs[i].end()) {
      doc = WithIdFirst(Json(GenerateId()), docs[i]);
      ch.pk = EncodeComponent(doc["_id"]);
    } else {
      absl::StatusOr<std::string> pk = EncodeValidId(*it);
      if (!pk.ok()) {
        return absl::InvalidArgumentError(util::StrCat(what, ": ", pk.status().message()));
      }
      doc = docs[i];
      ch.pk = *std::move(pk);
    }
    if (!batch_pks.insert(ch.pk).second) {
      return absl::AlreadyExistsError(util::StrCat(
          "duplicate _id ", IdText(doc["_id"]), " in collection ", coll, " (twice in the batch)"));
    }
    ids.push_back(doc["_id"]);
    ch.after = std::move(doc);
    changes.push_back(std::move(ch));
  }
  ASSIGN_OR_RETURN(std::optional<CollCtx> ctx, LockForWrite(txn, coll, /*create=*/true));
  for (DocChange& ch : changes) {
    ASSIGN_OR_RETURN(std::optional<Json> existing, ReadLocked(txn, *ctx, ch.pk));
    if (existing) {
      return absl::AlreadyExistsError(
          util::StrCat("duplicate _id ", IdText((*ch.after)["_id"]), " in collection ", coll));
    }
  }
  RETURN_IF_ERROR(ApplyChanges(txn, *ctx, changes));
  return ids;
}

absl::StatusOr<std::vector<std::string>> DocStoreImpl::MatchingKeys(TxnImpl& txn,
                                                                    const CollCtx& ctx,
                                                                    const query::Filter& filter,
                                                                    bool one) {
  // A write by _id equality (the usual case) needs no plan: every key is read and the whole
  // filter checked on its document anyway.
  for (const auto& [path, value] : filter.Equalities()) {
    if (path.parts.size() == 1 && path.parts[0] == "_id" && !value.is_array()) {
      return std::vector<std::string>{EncodeComponent(value)};
    }
  }
  Query q;
  q.coll = ctx.info.id;
  q.meta = ctx.meta;
  q.filter = filter;
  q.plan = ChoosePlan(ctx.info.id, *ctx.meta, q.filter, nullptr);
  std::vector<std::string> pks;
  if (q.plan.primary && q.plan.points) {
    // The _id values themselves: no scan (ranges are sorted, so pks are in _id order).
    for (const auto& range : q.plan.ranges) pks.push_back(range.first.substr(8));
    return pks;
  }
  q.decode_fields = FilterFields(q.filter);  // only the keys are used
  std::unique_ptr<MatchStream> stream = NewMatchStream(&txn, q, nullptr);
  Match m;
  while (stream->Next(&m)) {
    if (one && !pks.empty()) {
      if (m.pk < pks[0]) pks[0] = m.pk;  // keep the smallest _id
    } else {
      pks.push_back(std::move(m.pk));
    }
  }
  RETURN_IF_ERROR(stream->status());
  std::sort(pks.begin(), pks.end());
  return pks;
}

absl::StatusOr<std::optional<DocUpdateResult>> DocStoreImpl::SetByIdIn(TxnImpl& txn,
                                                                       std::string_view coll,
                                                                       const SetById& set,
                                                                       bool direct) {
  using Result = std::optional<DocUpdateResult>;
  // The general path, which a direct-mode transaction cannot run (see doc_store_impl.h).
  auto general = [&txn]() -> absl::StatusOr<Result> {
    if (txn.direct_mode()) return txn.NeedTransaction("a document update off the $set path");
    return Result();
  };
  // In direct mode the schema lock (shared) is the engine's gate: DDL, which takes it exclusively
  // in a transaction, waits for this update to finish and keeps later ones out until it ends.
  ASSIGN_OR_RETURN(std::optional<CollCtx> ctx, LockForWrite(txn, coll, /*create=*/false));
  DocUpdateResult result;
  if (!ctx) return Result(result);
  std::vector<std::string> touched;
  touched.reserve(set.fields.size());
  for (const auto& field : set.fields) touched.push_back(*field.first);
  // UpdateIn's condition for splicing: no partial index, no index on a touched field.
  for (const IndexDef& def : ctx->meta->indexes) {
    if (def.partial_filter != nullptr) return general();
    for (const IndexField& f : def.fields) {
      if (std::binary_search(touched.begin(), touched.end(), f.path.parts[0])) return general();
    }
  }
  std::string pk = EncodeComponent(*set.id);
  std::string stored;
  bool found = false;
  const std::string key = DataKey(ctx->info.id, pk);
  RETURN_IF_ERROR(direct ? txn.LockAndRead(Cf::kData, key, &stored, &found)
                         : txn.GetForUpdate(Cf::kData, key, &stored, &found));
  if (!found) return Result(result);
  std::optional<SetByIdResult> applied = ApplySetById(set, stored);
  if (!applied) return general();
  result.matched = 1;
  if (!applied->changed) return Result(result);
  result.modified = 1;
  std::vector<DocChange> changes(1);
  DocChange& ch = changes[0];
  ch.pk = std::move(pk);
  ch.spliced = true;
  ch.id_text = std::move(applied->id_text);
  ch.before_stored = std::move(stored);
  ch.after_stored = std::move(applied->stored);
  RETURN_IF_ERROR(ApplyChanges(txn, *ctx, changes, &touched, direct));
  return Result(result);
}

absl::StatusOr<DocUpdateResult> DocStoreImpl::UpdateIn(
    TxnImpl& txn, std::string_view coll, const Document& filter, const Document& update,
    const DocUpdateOptions& options, bool autocommit, const std::optional<SetById>* set_by_id) {
  // $set of existing top-level fields by _id: on the stored bytes (doc_set_by_id.h).
  if (!options.upsert) {
    std::optional<SetById> own;
    if (set_by_id == nullptr) {
      own = MatchSetById(filter, update);
      set_by_id = &own;
    }
    if (*set_by_id) {
      ASSIGN_OR_RETURN(std::optional<DocUpdateResult> r,
                       SetByIdIn(txn, coll, **set_by_id, autocommit));
      if (r) return *r;
    }
  }
  absl::StatusOr<query::Filter> f = query::Filter::Parse(filter);
  if (!f.ok()) return absl::InvalidArgumentError(util::StrCat("filter: ", f.status().message()));
  absl::StatusOr<query::Update> u = query::Update::Parse(update);
  if (!u.ok()) return absl::InvalidArgumentError(util::StrCat("update: ", u.status().message()));
  if (u->is_replacement()) RETURN_IF_ERROR(ValidateDocument(update, "replacement document"));
  ASSIGN_OR_RETURN(std::optional<CollCtx> ctx, LockForWrite(txn, coll, options.upsert));
  DocUpdateResult result;
  if (!ctx) return result;
  ASSIGN_OR_RETURN(std::vector<std::string> pks, MatchingKeys(txn, *ctx, *f, options.one));
  std::optional<std::vector<std::string>> touched = u->TouchedFields();
  // An operator update that touches no indexed field is spliced into the stored bytes
  // (doc_splice.h): only the fields it touches and its filter reads are decoded.
  FieldSet wanted;
  bool splice = touched.has_value();
  for (const IndexDef& def : ctx->meta->indexes) {
    if (!splice) break;
    if (def.partial_filter != nullptr) splice = false;
    for (const IndexField& field : def.fields) {
      if (std::binary_search(touched->begin(), touched->end(), field.path.parts[0])) {
        splice = false;
      }
    }
  }
  if (splice) {
    wanted = FilterFields(*f);
    wanted.insert(wanted.end(), touched->begin(), touched->end());
    wanted.push_back("_id");
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  }
  std::vector<DocChange> changes;
  for (const std::string& pk : pks) {
    std::string stored;
    if (splice) {
      bool found = false;
      RETURN_IF_ERROR(txn.GetForUpdate(Cf::kData, DataKey(ctx->info.id, pk), &stored, &found));
      if (!found) continue;
      ASSIGN_OR_RETURN(std::optional<bool> done,
                       SpliceUpdate(*f, *u, *touched, wanted, pk, &stored, &result, &changes));
      if (done) {
        if (*done && options.one) break;
        continue;
      }
    }
    std::optional<Json> doc;
    if (splice) {
      ASSIGN_OR_RETURN(doc, DecodeDocument(stored));
    } else {
      ASSIGN_OR_RETURN(doc, ReadLocked(txn, *ctx, pk, &stored));
    }
    if (!doc || !f->Matches(*doc)) continue;  // changed since the scan, or not a match
    ++result.matched;
    Json after = *doc;
    absl::StatusOr<bool> changed = u->Apply(&after, /*is_insert=*/false);
    if (!changed.ok()) {
      return absl::Status(changed.status().code(),
                          util::StrCat("update of document ", IdText((*doc)["_id"]), ": ",
                                       changed.status().message()));
    }
    if (!*changed) {
      if (options.one) break;
      continue;
    }
    // Fields the update did not touch come from the stored, already valid document.
    absl::Status valid = touched ? ValidateTouchedFields(after, *touched, "document")
                                 : ValidateDocument(after, "document");
    if (!valid.ok()) {
      RETURN_IF_ERROR(ValidateDocument(after, util::StrCat("document ", IdText((*doc)["_id"]))));
      return valid;
    }
    ++result.modified;
    DocChange ch;
    ch.pk = pk;
    ch.before = std::move(doc);
    ch.after = std::move(after);
    ch.before_stored = std::move(stored);
    changes.push_back(std::move(ch));
    if (options.one) break;
  }
  if (result.matched == 0 && options.upsert) {
    Json doc = Json::object();
    for (const auto& [path, value] : f->Equalities()) SetPath(&doc, path, value);
    absl::StatusOr<bool> applied = u->Apply(&doc, /*is_insert=*/true);
    if (!applied.ok()) {
      return absl::Status(applied.status().code(),
                          util::StrCat("upsert: ", applied.status().message()));
    }
    auto it = doc.find("_id");
    if (it == doc.end()) {
      doc = WithIdFirst(Json(GenerateId()), doc);
    } else {
      RETURN_IF_ERROR(ValidateId(*it));
      doc = WithIdFirst(*it, doc);
    }
    RETURN_IF_ERROR(ValidateDocument(doc, "upserted document"));
    std::string pk = EncodeComponent(doc["_id"]);
    ASSIGN_OR_RETURN(std::optional<Json> existing, ReadLocked(txn, *ctx, pk));
    if (existing) {
      return absl::AlreadyExistsError(
          util::StrCat("upsert: duplicate _id ", IdText(doc["_id"]), " in collection ", coll));
    }
    result.upserted_id = doc["_id"];
    DocChange ch;
    ch.pk = pk;
    ch.after = std::move(doc);
    changes.push_back(std::move(ch));
  }
  RETURN_IF_ERROR(ApplyChanges(txn, *ctx, changes, touched ? &*touched : nullptr));
  return result;
}

absl::StatusOr<bool> DocStoreImpl::ReplaceIn(TxnImpl& txn, std::string_view coll,
                                             const Document& id, const Document& doc) {
  ASSIGN_OR_RETURN(std::string pk, EncodeValidId(id));
  RETURN_IF_ERROR(ValidateDocument(doc, "replacement document"));
  auto it = doc.find("_id");
  if (it != doc.end() && !query::ValuesEqual(*it, id)) {
    return absl::InvalidArgumentError(util::StrCat("replacement document has _id ", JsonText(*it),
                                                   ", not ", JsonText(id), "; _id cannot change"));
  }
  ASSIGN_OR_RETURN(std::optional<CollCtx> ctx, LockForWrite(txn, coll, /*create=*/false));
  if (!ctx) return false;
  std::string stored;
  ASSIGN_OR_RETURN(std::optional<Json> before, ReadLocked(txn, *ctx, pk, &stored));
  if (!before) return false;
  Json after = WithIdFirst((*before)["_id"], doc);
  std::vector<DocChange> changes(1);
  changes[0].pk = pk;
  changes[0].before = std::move(before);
  changes[0].after = std::move(after);
  changes[0].before_stored = std::move(stored);
  RETURN_IF_ERROR(ApplyChanges(txn, *ctx, changes));
  return true;
}

absl::StatusOr<uint64_t> DocStoreImpl::DeleteIn(TxnImpl& txn, std::string_view coll,
                                                const Document& filter, bool one) {
  absl::StatusOr<query::Filter> f = query::Filter::Parse(filter);
  if (!f.ok()) return absl::InvalidArgumentError(util::StrCat("filter: ", f.status().message()));
  ASSIGN_OR_RETURN(std::optional<CollCtx> ctx, LockForWrite(txn, coll, /*create=*/false));
  if (!ctx) return 0;
  ASSIGN_OR_RETURN(std::vector<std::string> pks, MatchingKeys(txn, *ctx, *f, one));
  std::vector<DocChange> changes;
  for (const std::string& pk : pks) {
    std::string stored;
    ASSIGN_OR_RETURN(std::optional<Json> doc, ReadLocked(txn, *ctx, pk, &stored));
    if (!doc || !f->Matches(*doc)) continue;
    DocChange ch;
    ch.pk = pk;
    ch.before = std::move(doc);
    ch.before_stored = std::move(stored);
    changes.push_back(std::move(ch));
    if (one) break;
  }
  RETURN_IF_ERROR(ApplyChanges(txn, *ctx, changes));
  return changes.size();
}

// --- public entry points: their own transaction, or the caller's ---

absl::StatusOr<std::vector<Document>> DocStoreImpl::Insert(std::string_view coll,
                                                           const std::vector<Document>& docs) {
  ScopedOpTimer t(h_insert_);
  std::vector<Document> ids;
  absl::Status s = Autocommit("doc.insert", false, [&](TxnImpl& txn) -> absl::Status {
    ASSIGN_OR_RETURN(ids, InsertIn(txn, coll, docs));
    return absl::OkStatus();
  });
  if (!s.ok()) {
    t.Fail();
    return s;
  }
  return ids;
}

absl::StatusOr<std::vector<Document>> DocStoreImpl::Insert(Transaction& txn, std::string_view coll,
                                                           const std::vector<Document>& docs) {
  ScopedOpTimer t(h_insert_);
  auto r = InsertIn(txn.impl(), coll, docs);
  if (!r.ok()) t.Fail();
  return r;
}

absl::StatusOr<DocUpdateResult> DocStoreImpl::Update(std::string_view coll, const Document& filter,
                                                     const Document& update,
                                                     const DocUpdateOptions& options) {
  ScopedOpTimer t(h_update_);
  DocUpdateResult result;
  // A $set by _id runs without a RocksDB transaction when it can (Engine::RunDirect).
  std::optional<SetById> set;
  if (!options.upsert) set = MatchSetById(filter, update);
  auto body = [&](TxnImpl& txn) -> absl::Status {
    ASSIGN_OR_RETURN(result,
                     UpdateIn(txn, coll, filter, update, options, /*autocommit=*/true, &set));
    return absl::OkStatus();
  };
  absl::Status s = set ? engine_->RunDirect("doc.update", RetryOptions(), body)
                       : Autocommit("doc.update", false, body);
  if (!s.ok()) {
    t.Fail();
    return s;
  }
  return result;
}

absl::StatusOr<DocUpdateResult> DocStoreImpl::Update(Transaction& txn, std::string_view coll,
                                                     const Document& filter, const Document& update,
                                                     const DocUpdateOptions& options) {
  ScopedOpTimer t(h_update_);
  auto r = UpdateIn(txn.impl(), coll, filter, update, options);
  if (!r.ok()) t.Fail();
  return r;
}

absl::StatusOr<bool> DocStoreImpl::Replace(std::string_view coll, const Document& id,
                                           const Document& doc) {
  ScopedOpTimer t(h_update_);
  bool replaced = false;
  absl::Status s = Autocommit("doc.replace", false, [&](TxnImpl& txn) -> absl::Status {
    ASSIGN_OR_RETURN(replaced, ReplaceIn(txn, coll, id, doc));
    return absl::OkStatus();
  });
  if (!s.ok()) {
    t.Fail();
    return s;
  }
  return replaced;
}

absl::StatusOr<bool> DocStoreImpl::Replace(Transaction& txn, std::string_view coll,
                                           const Document& id, const Document& doc) {
  ScopedOpTimer t(h_update_);
  auto r = ReplaceIn(txn.impl(), coll, id, doc);
  if (!r.ok()) t.Fail();
  return r;
}

absl::StatusOr<uint64_t> DocStoreImpl::Delete(std::string_view coll, const Document& filter,
                                              bool one) {
  ScopedOpTimer t(h_delete_);
  uint64_t n = 0;
  absl::Status s = Autocommit("doc.delete", false, [&](TxnImpl& txn) -> absl::Status {
    ASSIGN_OR_RETURN(n, DeleteIn(txn, coll, filter, one));
    return absl::OkStatus();
  });
  if (!s.ok()) {
    t.Fail();
    return s;
  }
  return n;
}

absl::StatusOr<uint64_t> DocStoreImpl::Delete(Transaction& txn, std::string_view coll,
                                              const Document& filter, bool one) {
  ScopedOpTimer t(h_delete_);
  auto r = DeleteIn(txn.impl(), coll, filter, one);
  if (!r.ok()) t.Fail();
  return r;
}

}  // namespace tessera::doc
