// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// DocStoreImpl: the document model over the engine. Reads in doc_store.cc, writes in
// doc_write.cc, index builds in doc_index_build.cc.
//
// Concurrency: every write locks the collection's schema key (meta CF, ObjectLockKey) shared and
// only then reads the index definitions; an index build or drop locks it exclusively while it
// changes them. So a writer always maintains exactly the indexes that exist when it commits.
// An auto-commit $set by _id in direct mode (Engine::RunDirect) takes that shared lock as the
// engine's write gate (txn_impl.h), which the build's or drop's transaction cannot enter while
// the write is in flight: the same exclusion without a RocksDB lock.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/engine/engine.h"
#include "core/engine/txn_impl.h"
#include "core/obs/metrics.h"
#include "core/util/mutex.h"
#include "models/doc/doc_find.h"
#include "models/doc/doc_index.h"
#include "models/doc/doc_set_by_id.h"
#include "query/update.h"
#include "tessera/doc.h"

namespace tessera::doc {

// A collection as a write sees it, after locking its schema key.
struct CollCtx {
  ObjectInfo info;
  std::shared_ptr<const CollectionMeta> meta;
};

// One document change of a write: insert (no before), update, or delete (no after). An update
// spliced from the stored bytes (doc_splice.h) has neither: only its stored forms and _id text.
struct DocChange {
  std::string pk;
  std::optional<Json> before;
  std::optional<Json> after;
  std::string before_stored;  // the stored form of `before`, when read (the event's before-image)
  std::string after_stored;   // a spliced update's new stored form
  std::string id_text;        // a spliced update's _id as JSON text
  bool spliced = false;
};

class DocStoreImpl final : public DocStore {
 public:
  explicit DocStoreImpl(DB* db);

  absl::Status CreateCollection(std::string_view coll) override;
  absl::Status DropCollection(std::string_view coll) override;
  absl::StatusOr<std::vector<std::string>> ListCollections() override;

  absl::StatusOr<std::vector<Document>> Insert(std::string_view coll,
                                               const std::vector<Document>& docs) override;
  absl::StatusOr<std::vector<Document>> Insert(Transaction& txn, std::string_view coll,
                                               const std::vector<Document>& docs) override;
  absl::StatusOr<DocUpdateResult> Update(std::string_view coll, const Document& filter,
                                         const Document& update,
                                         const DocUpdateOptions& options) override;
  absl::StatusOr<DocUpdateResult> Update(Transaction& txn, std::string_view coll,
                                         const Document& filter, const Document& update,
                                         const DocUpdateOptions& options) override;
  absl::StatusOr<bool> Replace(std::string_view coll, const Document& id,
                               const Document& doc) override;
  absl::StatusOr<bool> Replace(Transaction& txn, std::string_view coll, const Document& id,
                               const Document& doc) override;
  absl::StatusOr<uint64_t> Delete(std::string_view coll, const Document& filter, bool one) override;
  absl::StatusOr<uint64_t> Delete(Transaction& txn, std::string_view coll, const Document& filter,
                                  bool one) override;

  absl::StatusOr<std::optional<Document>> Get(std::string_view coll, const Document& id) override;
  absl::StatusOr<std::optional<Document>> Get(const ReadView& view, std::string_view coll,
                                              const Document& id) override;
  absl::StatusOr<bool> GetView(std::string_view coll, const Document& id,
                               DocumentView* out) override;
  absl::StatusOr<bool> GetView(const ReadView& view, std::string_view coll, const Document& id,
                               DocumentView* out) override;
  absl::StatusOr<std::unique_ptr<Cursor<Document>>> Find(std::string_view coll,
                                                         const Document& filter,
                                                         const DocFindOptions& options) override;
  absl::StatusOr<std::unique_ptr<Cursor<Document>>> Find(const ReadView& view,
                                                         std::string_view coll,
                                                         const Document& filter,
                                                         const DocFindOptions& options) override;
  absl::StatusOr<std::unique_ptr<Cursor<DocumentView>>> FindViews(
      std::string_view coll, const Document& filter, const DocFindOptions& options) override;
  absl::StatusOr<std::unique_ptr<Cursor<DocumentView>>> FindViews(
      const ReadView& view, std::string_view coll, const Document& filter,
      const DocFindOptions& options) override;
  absl::StatusOr<uint64_t> Count(std::string_view coll, const Document& filter) override;
  absl::StatusOr<uint64_t> Count(const ReadView& view, std::string_view coll,
                                 const Document& filter) override;
  absl::StatusOr<DocExplain> Explain(std::string_view coll, const Document& filter,
                                     const DocFindOptions& options) override;

  absl::StatusOr<std::string> CreateIndex(std::string_view coll, const DocIndexSpec& spec,
                                          const DocProgress& progress) override;
  absl::StatusOr<std::vector<DocIndexInfo>> ListIndexes(std::string_view coll) override;
  absl::Status DropIndex(std::string_view coll, std::string_view name) override;

 private:
  // --- shared helpers (doc_store.cc) ---
  // The collection `coll`, or nullopt when it does not exist (an invalid name is an error).
  absl::StatusOr<std::optional<ObjectInfo>> FindCollection(std::string_view coll);
  // The parsed index definitions of `info` (cached per options string).
  absl::StatusOr<std::shared_ptr<const CollectionMeta>> MetaOf(const ObjectInfo& info);
  // Parses a find and plans it against the collection `info`.
  absl::StatusOr<std::unique_ptr<Query>> Prepare(const ObjectInfo& info, const Document& filter,
                                                 const DocFindOptions& options);
  absl::StatusOr<std::unique_ptr<Cursor<Document>>> FindIn(
      std::unique_ptr<Snapshot> snapshot, internal::ReadSource* src, std::string_view coll,
      const Document& filter, const DocFindOptions& options, std::shared_ptr<DocExplain> stats);
  absl::StatusOr<std::unique_ptr<Cursor<DocumentView>>> FindViewsIn(
      std::unique_ptr<Snapshot> snapshot, internal::ReadSource* src, std::string_view coll,
      const Document& filter, const DocFindOptions& options);
  absl::StatusOr<uint64_t> CountIn(internal::ReadSource* src, std::string_view coll,
                                   const Document& filter);
  absl::StatusOr<std::optional<Document>> GetIn(internal::ReadSource* src, std::string_view coll,
                                                const Document& id);
  absl::StatusOr<bool> GetViewIn(internal::ReadSource* src, std::string_view coll,
                                 const Document& id, DocumentView* out);
  // The stored bytes of the document with _id `id` in `coll`, into *stored (Get and GetView):
  // false when the collection or the document does not exist.
  absl::StatusOr<bool> ReadById(internal::ReadSource* src, std::string_view coll,
                                const Document& id, std::string* stored);
  // Read-modify-write of a collection's catalog options, serialised across threads.
  absl::Status ModifyMeta(std::string_view coll,
                          const std::function<absl::Status(CollectionMeta*)>& change);

  // --- writes (doc_write.cc) ---
  absl::StatusOr<std::optional<CollCtx>> LockForWrite(internal::TxnImpl& txn, std::string_view coll,
                                                      bool create);
  absl::StatusOr<std::vector<Document>> InsertIn(internal::TxnImpl& txn, std::string_view coll,
                                                 const std::vector<Document>& docs);
  // `autocommit`: `txn` is the update's own transaction (Update without a transaction), so the
  // $set-by-_id shortcut may write its one document as a direct write (TxnImpl::PutDirect).
  // `set_by_id`: MatchSetById(filter, update) when the caller has it already (null: computed).
  absl::StatusOr<DocUpdateResult> UpdateIn(internal::TxnImpl& txn, std::string_view coll,
                                           const Document& filter, const Document& update,
                                           const DocUpdateOptions& options, bool autocommit = false,
                                           const std::optional<SetById>* set_by_id = nullptr);
  // UpdateIn's shortcut for $set by _id (doc_set_by_id.h); nullopt, having written nothing, when
  // the general path must run instead. `direct`: lock, read and write the document as direct
  // writes (TxnImpl::LockAndRead, PutDirect). In a direct-mode transaction (Engine::RunDirect),
  // where the general path cannot run, it returns TxnImpl::NeedTransaction's error instead of
  // nullopt (the update then runs again in a RocksDB transaction).
  absl::StatusOr<std::optional<DocUpdateResult>> SetByIdIn(internal::TxnImpl& txn,
                                                           std::string_view coll,
                                                           const SetById& set, bool direct);
  absl::StatusOr<bool> ReplaceIn(internal::TxnImpl& txn, std::string_view coll, const Document& id,
                                 const Document& doc);
  absl::StatusOr<uint64_t> DeleteIn(internal::TxnImpl& txn, std::string_view coll,
                                    const Document& filter, bool one);
  // The primary keys of the documents matching `filter` in the transaction's view, in _id order
  // (only the first when `one`). When the filter names its documents by _id (equality or $in),
  // those keys without reading them (the caller reads and re-checks each document anyway).
  absl::StatusOr<std::vector<std::string>> MatchingKeys(internal::TxnImpl& txn, const CollCtx& ctx,
                                                        const query::Filter& filter, bool one);
  // Reads and locks one document; nullopt when absent. `stored` (if not null) gets its stored
  // form.
  absl::StatusOr<std::optional<Json>> ReadLocked(internal::TxnImpl& txn, const CollCtx& ctx,
                                                 const std::string& pk,
                                                 std::string* stored = nullptr);
  // Writes `changes` with their index entries and change events: checks everything first
  // (limits, parallel arrays, unique indexes), so an error writes nothing. `touched` (may be
  // null) lists the only top-level fields updates changed: indexes on other fields (and without a
  // partial filter) need no maintenance for them. `direct`: the documents are written as direct
  // writes (TxnImpl::PutDirect); only for changes that need no index maintenance (Internal
  // otherwise).
  absl::Status ApplyChanges(internal::TxnImpl& txn, const CollCtx& ctx,
                            std::vector<DocChange>& changes,
                            const std::vector<std::string>* touched = nullptr, bool direct = false);

  absl::Status Autocommit(std::string_view label, bool snapshot,
                          absl::FunctionRef<absl::Status(internal::TxnImpl&)> body) {
    return engine_->RunInTxn(label, snapshot, RetryOptions(), body);
  }

  DB* const db_;
  internal::Engine* const engine_;
  internal::Histogram* h_insert_;
  internal::Histogram* h_update_;
  internal::Histogram* h_delete_;
  internal::Histogram* h_get_;
  internal::Histogram* h_find_;
  util::Mutex cache_mu_;
  std::unordered_map<uint64_t, std::pair<std::string, std::shared_ptr<const CollectionMeta>>>
      meta_cache_ ABSL_GUARDED_BY(cache_mu_);
};

// Checks a document to be stored: an object, field names without a leading '$' or a '.', nesting
// within kMaxDocumentDepth. `what` names it in errors ("document 3").
absl::Status ValidateDocument(const Json& doc, std::string_view what);
// ValidateDocument's checks on the top-level fields named in `touched` (sorted) only: for a
// document whose other fields come unchanged from a stored (so already valid) document.
absl::Status ValidateTouchedFields(const Json& doc, const std::vector<std::string>& touched,
                                   std::string_view what);
// ValidateDocument's checks on one top-level field `name` holding `value`.
absl::Status ValidateField(const std::string& name, const Json& value, std::string_view what);
// Checks an _id value: any JSON value but an array (or an object holding one at the top).
absl::Status ValidateId(const Json& id);
// ValidateId, then the _id's key component (EncodeComponent), encoded once for both.
absl::StatusOr<std::string> EncodeValidId(const Json& id);

}  // namespace tessera::doc
