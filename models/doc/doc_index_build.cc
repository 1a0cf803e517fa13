// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Creating and dropping indexes.
//
// CreateIndex: (1) under the collection's schema lock held exclusively (so that no writer is
// between reading the index definitions and committing), add the index to the catalog as "not
// ready"; from then on every writer maintains it. (2) Index the existing documents in batches of
// kBuildBatch, each its own transaction that locks the documents it reads, so concurrent writers
// and the build agree on every entry. (3) Mark it ready: the planner may use it. A unique
// violation found by the build removes the index again and reports the key. If the process dies
// during (2), the index stays registered but not ready (never used by queries); CreateIndex of
// the same definition then builds it again, and a different definition under its name or keys
// is refused with FailedPrecondition saying how to drop it.
#include "core/catalog/meta_keys.h"
#include "core/codec/coding.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/doc/doc_codec.h"
#include "models/doc/doc_store_impl.h"
#include "tessera/status.h"

namespace tessera::doc {
namespace {

using internal::Cf;
using internal::TxnImpl;

constexpr size_t kBuildBatch = 512;

bool SameSpec(const IndexDef& a, const IndexDef& b) {
  return a.keys == b.keys && a.unique == b.unique && a.sparse == b.sparse && a.partial == b.partial;
}

// The error for a CreateIndex that meets a different index whose build never finished.
absl::Status InterruptedBuild(std::string_view coll, const IndexDef& d) {
  return absl::FailedPreconditionError(util::StrCat(
      "index \"", d.name, "\" on collection ", coll, " (keys ", JsonText(d.keys),
      ") is an earlier build that was interrupted and never finished: drop it (DropIndex, or the "
      "shell's `doc index drop ",
      coll, " ", d.name, "`) and create the index again"));
}

}  // namespace

absl::StatusOr<std::string> DocStoreImpl::CreateIndex(std::string_view coll,
                                                      const DocIndexSpec& spec,
                                                      const DocProgress& progress) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  ASSIGN_OR_RETURN(IndexDef proposed, MakeIndexDef(spec, 0));
  ASSIGN_OR_RETURN(ObjectInfo info, engine_->catalog().GetOrCreate(Model::kDocument, coll));
  const std::string lock_key = internal::meta::ObjectLockKey(info.id);
  bool exists_already = false;
  IndexDef def;
  // (1) Register the index under the exclusive schema lock.
  RETURN_IF_ERROR(Autocommit("doc.index.create", false, [&](TxnImpl& txn) -> absl::Status {
    std::string unused;
    bool found = false;
    RETURN_IF_ERROR(txn.GetForUpdate(Cf::kMeta, lock_key, &unused, &found, /*exclusive=*/true));
    RETURN_IF_ERROR(ModifyMeta(coll, [&](CollectionMeta* meta) -> absl::Status {
      if (const IndexDef* same = meta->Find(proposed.name)) {
        if (SameSpec(*same, proposed) && same->ready) {
          exists_already = true;  // as in MongoDB: creating an identical index is a no-op
          return absl::OkStatus();
        }
        if (SameSpec(*same, proposed)) {
          // An identical index whose build never finished (the process was killed, or another
          // thread is building it): build it again. Entries already written are rewritten
          // identically, and writers have maintained it since it was registered.
          def = *same;
          return absl::OkStatus();
        }
        if (!same->ready) return InterruptedBuild(coll, *same);
        return absl::AlreadyExistsError(
            util::StrCat("index \"", proposed.name, "\" already exists on collection ", coll));
      }
      for (const IndexDef& d : meta->indexes) {
        if (d.keys == proposed.keys && d.partial == proposed.partial) {
          if (!d.ready) return InterruptedBuild(coll, d);
          return absl::AlreadyExistsError(util::StrCat(
              "index \"", d.name, "\" already has the keys ", JsonText(proposed.keys)));
        }
      }
      if (meta->indexes.size() >= kMaxIndexesPerCollection) {
        return absl::ResourceExhaustedError(util::StrCat("collection ", coll, " already has ",
                                                         kMaxIndexesPerCollection, " indexes"));
      }
      def = proposed;
      def.no = meta->next_index++;
      def.ready = false;
      meta->indexes.push_back(def);
      return absl::OkStatus();
    }));
    return absl::OkStatus();
  }));
  if (exists_already) return proposed.name;

  // (2) Index the existing documents.
  std::string lower;
  codec::PutFixed64BE(&lower, info.id);
  const std::string upper = codec::PrefixSuccessor(lower);
  std::string next = lower;  // the first data key not yet indexed
  uint64_t done = 0;
  uint64_t total = 0;
  {
    // An estimate for the progress report: count the documents once.
    auto it = engine_->latest().NewIterator(Cf::kData, lower, upper);
    for ((*it)->SeekToFirst(); (*it)->Valid(); (*it)->Next()) ++total;
  }
  absl::Status build;
  bool multikey = false;
  while (build.ok()) {
    bool finished = false;
    build = Autocommit("doc.index.build", false, [&](TxnImpl& txn) -> absl::Status {
      std::string unused;
      bool found = false;
      RETURN_IF_ERROR(txn.GetForUpdate(Cf::kMeta, lock_key, &unused, &found, false));
      std::vector<std::string> keys;
      {
        auto it = txn.NewIterator(Cf::kData, next, upper);
        for ((*it)->SeekToFirst(); (*it)->Valid() && keys.size() < kBuildBatch; (*it)->Next()) {
          keys.emplace_back((*it)->key().data(), (*it)->key().size());
        }
        RETURN_IF_ERROR(internal::FromRocks((*it)->status(), "index build scan"));
      }
      finished = keys.size() < kBuildBatch;
      std::optional<ObjectInfo> now = engine_->catalog().Find(Model::kDocument, coll);
      if (!now || now->id != info.id) {
        return absl::AbortedError(
            util::StrCat("collection ", coll, " was dropped during the build"));
      }
      ASSIGN_OR_RETURN(std::shared_ptr<const CollectionMeta> meta, MetaOf(*now));
      const IndexDef* current = nullptr;
      for (const IndexDef& d : meta->indexes) {
        if (d.no == def.no) current = &d;
      }
      if (current == nullptr) {
        return absl::AbortedError(
            util::StrCat("index \"", def.name, "\" was dropped during its build"));
      }
      CollCtx ctx{*now, meta};
      for (const std::string& key : keys) {
        std::string pk = key.substr(8);
        ASSIGN_OR_RETURN(std::optional<Json> doc, ReadLocked(txn, ctx, pk));
        if (!doc) continue;
        std::vector<std::string> entries;
        bool mk = false;
        RETURN_IF_ERROR(IndexEntries(*current, *doc, &entries, &mk));
        multikey |= mk;
        if (mk && !current->multikey) {
          RETURN_IF_ERROR(ModifyMeta(coll, [&](CollectionMeta* m) {
            if (IndexDef* d = m->Find(def.name)) d->multikey = true;
            return absl::OkStatus();
          }));
        }
        for (const std::string& entry : entries) {
          std::string ikey = EntryKey(info.id, *current, entry, pk);
          if (current->unique) {
            std::string holder;
            bool taken = false;
            RETURN_IF_ERROR(txn.GetForUpdate(Cf::kIndex, ikey, &holder, &taken));
            if (taken && holder != pk) {
              std::string_view holder_view = holder;
              absl::StatusOr<Json> other = DecodeComponent(&holder_view);
              return absl::AlreadyExistsError(
                  util::StrCat("cannot create unique index \"", def.name, "\": documents ",
                               other.ok() ? JsonText(*other) : "?", " and ",
                               JsonText((*doc)["_id"]), " have the same key"));
            }
          }
          RETURN_IF_ERROR(txn.Put(Cf::kIndex, ikey, pk));
        }
      }
      if (!keys.empty()) next = codec::PrefixSuccessor(keys.back());
      done += keys.size();
      return absl::OkStatus();
    });
    if (build.ok() && progress) progress(done, std::max(total, done));
    if (finished) break;
  }
  if (!build.ok()) {
    // Remove the half-built index: first from the catalog (under the exclusive lock, so no writer
    // adds entries after), then its entries.
    absl::Status undo = DropIndex(coll, def.name);
    if (!undo.ok() && !absl::IsNotFound(undo)) {
      engine_->logger().Log(LogLevel::kError, {engine_->path(), std::string(coll), 0},
                            "doc.index.build_undo_failed",
                            {{"index", def.name}, {"error", util::ToStd(undo.message())}});
    }
    return build;
  }
  // (3) Ready.
  RETURN_IF_ERROR(ModifyMeta(coll, [&](CollectionMeta* meta) -> absl::Status {
    IndexDef* d = meta->Find(def.name);
    if (d == nullptr) return absl::AbortedError("the index was dropped during its build");
    d->ready = true;
    return absl::OkStatus();
  }));
  return def.name;
}

absl::Status DocStoreImpl::DropIndex(std::string_view coll, std::string_view name) {
  ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, FindCollection(coll));
  if (!info) return absl::NotFoundError(util::StrCat("collection ", coll, " does not exist"));
  uint32_t no = 0;
  RETURN_IF_ERROR(Autocommit("doc.index.drop", false, [&](TxnImpl& txn) -> absl::Status {
    std::string unused;
    bool found = false;
    RETURN_IF_ERROR(txn.GetForUpdate(Cf::kMeta, internal::meta::ObjectLockKey(info->id), &unused,
                                     &found, /*exclusive=*/true));
    return ModifyMeta(coll, [&](CollectionMeta* meta) -> absl::Status {
      for (auto it = meta->indexes.begin(); it != meta->indexes.end(); ++it) {
        if (it->name == name) {
          no = it->no;
          meta->indexes.erase(it);
          return absl::OkStatus();
        }
      }
      return absl::NotFoundError(
          util::StrCat("index \"", name, "\" does not exist on collection ", coll));
    });
  }));
  // No writer can add entries any more (the definition is gone); remove them in one range delete.
  std::string lo = IndexPrefix(info->id, no);
  std::string hi = codec::PrefixSuccessor(lo);
  rocksdb::WriteBatch batch;
  batch.DeleteRange(engine_->cf(Cf::kIndex), lo, hi);
  rocksdb::TransactionDBWriteOptimizations opt;
  opt.skip_concurrency_control = true;  // range deletions cannot take row locks
  return internal::FromRocks(engine_->db()->Write(engine_->write_options(), opt, &batch),
                             util::StrCat("drop index ", name));
}

}  // namespace tessera::doc
