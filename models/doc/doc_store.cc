// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The document model: collections, reads and queries (public API in tessera/doc.h).
#include "core/util/strings.h"
#include "models/doc/doc_codec.h"
#include "models/doc/doc_store_impl.h"
#include "models/doc/doc_view.h"
#include "tessera/status.h"

namespace tessera {

absl::StatusOr<std::unique_ptr<DocStore>> DocStore::Open(DB* db) {
  if (db == nullptr) return absl::InvalidArgumentError("DocStore::Open: db is null");
  RETURN_IF_ERROR(db->engine().CheckOpen());
  return std::unique_ptr<DocStore>(new doc::DocStoreImpl(db));
}

namespace doc {
namespace {

using internal::ScopedOpTimer;

// Serialises read-modify-writes of collection options across every store of the process.
util::Mutex& MetaMutex() {
  static util::Mutex* mu = new util::Mutex();
  return *mu;
}

// A cursor over nothing (the collection does not exist).
class EmptyCursor final : public Cursor<Document> {
 public:
  bool Valid() const override { return false; }
  void Next() override {}
  const Document& entry() const override { return doc_; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  Document doc_;
};

// Wraps a query-language parse error so that it says which argument was wrong.
absl::Status Arg(std::string_view what, const absl::Status& s) {
  return absl::Status(s.code(), util::StrCat(what, ": ", util::ToStd(s.message())));
}

}  // namespace

DocStoreImpl::DocStoreImpl(DB* db) : db_(db), engine_(&db->engine()) {
  auto& m = engine_->metrics();
  h_insert_ = m.GetHistogram("doc.insert");
  h_update_ = m.GetHistogram("doc.update");
  h_delete_ = m.GetHistogram("doc.delete");
  h_get_ = m.GetHistogram("doc.get");
  h_find_ = m.GetHistogram("doc.find");
}

absl::Status DocStoreImpl::CreateCollection(std::string_view coll) {
  return engine_->catalog().Create(Model::kDocument, coll, "").status();
}

absl::Status DocStoreImpl::DropCollection(std::string_view coll) {
  return engine_->catalog().Drop(Model::kDocument, coll);
}

absl::StatusOr<std::vector<std::string>> DocStoreImpl::ListCollections() {
  RETURN_IF_ERROR(engine_->CheckOpen());
  return engine_->catalog().Names(Model::kDocument);
}

absl::StatusOr<std::optional<ObjectInfo>> DocStoreImpl::FindCollection(std::string_view coll) {
  RETURN_IF_ERROR(engine_->CheckOpen());
  std::optional<ObjectInfo> info = engine_->catalog().Find(Model::kDocument, coll);
  if (!info) RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kDocument, coll));
  return info;
}

absl::StatusOr<std::shared_ptr<const CollectionMeta>> DocStoreImpl::MetaOf(const ObjectInfo& info) {
  {
    util::MutexLock l(&cache_mu_);
    auto it = meta_cache_.find(info.id);
    if (it != meta_cache_.end() && it->second.first == info.options) return it->second.second;
  }
  ASSIGN_OR_RETURN(CollectionMeta meta, CollectionMeta::Parse(info.options));
  auto shared = std::make_shared<const CollectionMeta>(std::move(meta));
  util::MutexLock l(&cache_mu_);
  meta_cache_[info.id] = {info.options, shared};
  return shared;
}

absl::Status DocStoreImpl::ModifyMeta(std::string_view coll,
                                      const std::function<absl::Status(CollectionMeta*)>& change) {
  util::MutexLock l(&MetaMutex());
  ASSIGN_OR_RETURN(ObjectInfo info, engine_->catalog().Get(Model::kDocument, coll));
  ASSIGN_OR_RETURN(CollectionMeta meta, CollectionMeta::Parse(info.options));
  RETURN_IF_ERROR(change(&meta));
  return engine_->catalog().SetOptions(Model::kDocument, coll, meta.Serialize());
}

absl::StatusOr<std::unique_ptr<Query>> DocStoreImpl::Prepare(const ObjectInfo& info,
                                                             const Document& filter,
                                                             const DocFindOptions& options) {
  auto q = std::make_unique<Query>();
  q->coll = info.id;
  ASSIGN_OR_RETURN(q->meta, MetaOf(info));
  absl::StatusOr<query::Filter> f = query::Filter::Parse(filter);
  if (!f.ok()) return Arg("filter", f.status());
  q->filter = std::move(*f);
  if (!options.sort.is_null() && !(options.sort.is_object() && options.sort.empty())) {
    absl::StatusOr<query::SortSpec> s = query::SortSpec::Parse(options.sort);
    if (!s.ok()) return Arg("sort", s.status());
    q->sort = std::move(*s);
  }
  if (!options.projection.is_null()) {
    absl::StatusOr<query::Projection> p = query::Projection::Parse(options.projection);
    if (!p.ok()) return Arg("projection", p.status());
    if (!p->empty()) q->projection = std::move(*p);
  }
  q->skip = options.skip;
  q->limit = options.limit;
  q->plan = ChoosePlan(info.id, *q->meta, q->filter, q->sort ? &*q->sort : nullptr);
  q->decode_fields = FindFields(*q);
  return q;
}

absl::StatusOr<std::unique_ptr<Cursor<Document>>> DocStoreImpl::FindIn(
    std::unique_ptr<Snapshot> snapshot, internal::ReadSource* src, std::string_view coll,
    const Document& filter, const DocFindOptions& options, std::shared_ptr<DocExplain> stats) {
  ScopedOpTimer t(h_find_);
  ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, FindCollection(coll));
  if (!info) {
    // Still check the arguments, so that a mistake is reported even on an empty collection.
    ObjectInfo none;
    auto q = Prepare(none, filter, options);
    if (!q.ok()) return q.status();
    return std::unique_ptr<Cursor<Document>>(std::make_unique<EmptyCursor>());
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Query> q, Prepare(*info, filter, options));
  if (stats != nullptr) {
    if (q->plan.index != nullptr) {
      stats->index = q->plan.index->name;
      stats->bounds = q->plan.bounds;
    } else if (q->plan.primary) {
      stats->index = std::string(kIdIndexName);
      stats->bounds = q->plan.bounds;
    }
    stats->sort_from_index = q->plan.sort_from_index;
  }
  auto r = NewFindCursor(engine_, std::move(snapshot), src, std::move(q), std::move(stats));
  if (!r.ok()) t.Fail();
  return r;
}

absl::StatusOr<std::unique_ptr<Cursor<Document>>> DocStoreImpl::Find(
    std::string_view coll, const Document& filter, const DocFindOptions& options) {
  // Take the snapshot before reading the catalog: an index flag (multikey) set by a writer is
  // then always visible when that writer's documents are.
  ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snap, db_->GetSnapshot());
  internal::ReadSource* src = &snap->source();
  return FindIn(std::move(snap), src, coll, filter, options, nullptr);
}

absl::StatusOr<std::unique_ptr<Cursor<Document>>> DocStoreImpl::Find(
    const ReadView& view, std::string_view coll, const Document& filter,
    const DocFindOptions& options) {
  return FindIn(nullptr, &view.source(), coll, filter, options, nullptr);
}

absl::StatusOr<std::unique_ptr<Cursor<DocumentView>>> DocStoreImpl::FindViewsIn(
    std::unique_ptr<Snapshot> snapshot, internal::ReadSource* src, std::string_view coll,
    const Document& filter, const DocFindOptions& options) {
  ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, FindCollection(coll));
  if (info) {
    ScopedOpTimer t(h_find_);
    ASSIGN_OR_RETURN(std::unique_ptr<Query> q, Prepare(*info, filter, options));
    if (!q->sort && !q->projection) {
      q->raw = true;
      auto r = NewViewCursor(engine_, std::move(snapshot), src, std::move(q));
      if (!r.ok()) t.Fail();
      return r;
    }
  }
  // A projection or a sort (or no collection): Find's documents, viewed.
  ASSIGN_OR_RETURN(std::unique_ptr<Cursor<Document>> docs,
                   FindIn(std::move(snapshot), src, coll, filter, options, nullptr));
  return ViewOfDocuments(std::move(docs));
}

absl::StatusOr<std::unique_ptr<Cursor<DocumentView>>> DocStoreImpl::FindViews(
    std::string_view coll, const Document& filter, const DocFindOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snap, db_->GetSnapshot());  // as in Find
  internal::ReadSource* src = &snap->source();
  return FindViewsIn(std::move(snap), src, coll, filter, options);
}

absl::StatusOr<std::unique_ptr<Cursor<DocumentView>>> DocStoreImpl::FindViews(
    const ReadView& view, std::string_view coll, const Document& filter,
    const DocFindOptions& options) {
  return FindViewsIn(nullptr, &view.source(), coll, filter, options);
}

absl::StatusOr<uint64_t> DocStoreImpl::CountIn(internal::ReadSource* src, std::string_view coll,
                                               const Document& filter) {
  ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, FindCollection(coll));
  ObjectInfo none;
  ASSIGN_OR_RETURN(std::unique_ptr<Query> q, Prepare(info ? *info : none, filter, {}));
  if (!info) return 0;
  q->decode_fields = FilterFields(q->filter);  // a count needs only what the filter reads
  std::unique_ptr<MatchStream> stream = NewMatchStream(src, *q, nullptr);
  uint64_t n = 0;
  Match m;
  while (stream->Next(&m)) ++n;
  RETURN_IF_ERROR(stream->status());
  return n;
}

absl::StatusOr<uint64_t> DocStoreImpl::Count(std::string_view coll, const Document& filter) {
  ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snap, db_->GetSnapshot());
  return CountIn(&snap->source(), coll, filter);
}

absl::StatusOr<uint64_t> DocStoreImpl::Count(const ReadView& view, std::string_view coll,
                                             const Document& filter) {
  return CountIn(&view.source(), coll, filter);
}

absl::StatusOr<DocExplain> DocStoreImpl::Explain(std::string_view coll, const Document& filter,
                                                 const DocFindOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snap, db_->GetSnapshot());
  internal::ReadSource* src = &snap->source();
  auto stats = std::make_shared<DocExplain>();  // FindIn records the plan, the cursor the work
  {
    ASSIGN_OR_RETURN(std::unique_ptr<Cursor<Document>> c,
                     FindIn(std::move(snap), src, coll, filter, options, stats));
    while (c->Valid()) c->Next();
    RETURN_IF_ERROR(c->status());
  }
  return *stats;
}

absl::StatusOr<bool> DocStoreImpl::ReadById(internal::ReadSource* src, std::string_view coll,
                                            const Document& id, std::string* stored) {
  ASSIGN_OR_RETURN(std::string pk, EncodeValidId(id));
  ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, FindCollection(coll));
  if (!info) return false;
  bool found = false;
  RETURN_IF_ERROR(src->Get(internal::Cf::kData, DataKey(info->id, pk), stored, &found));
  return found;
}

absl::StatusOr<std::optional<Document>> DocStoreImpl::GetIn(internal::ReadSource* src,
                                                            std::string_view coll,
                                                            const Document& id) {
  ScopedOpTimer t(h_get_);
  std::string raw;
  ASSIGN_OR_RETURN(bool found, ReadById(src, coll, id, &raw));
  if (!found) return std::optional<Document>();
  ASSIGN_OR_RETURN(Json doc, DecodeDocument(raw));
  return std::optional<Document>(std::move(doc));
}

absl::StatusOr<std::optional<Document>> DocStoreImpl::Get(std::string_view coll,
                                                          const Document& id) {
  return GetIn(&engine_->latest(), coll, id);
}

absl::StatusOr<std::optional<Document>> DocStoreImpl::Get(const ReadView& view,
                                                          std::string_view coll,
                                                          const Document& id) {
  return GetIn(&view.source(), coll, id);
}

absl::StatusOr<bool> DocStoreImpl::GetViewIn(internal::ReadSource* src, std::string_view coll,
                                             const Document& id, DocumentView* out) {
  ScopedOpTimer t(h_get_);
  if (out == nullptr) return absl::InvalidArgumentError("GetView: the output view is null");
  DocumentViewAccess::Clear(out);
  std::string* stored = DocumentViewAccess::Owned(out);
  ASSIGN_OR_RETURN(bool found, ReadById(src, coll, id, stored));
  if (!found) {
    stored->clear();
    return false;
  }
  thread_local std::vector<MsgpackField> fields;  // reused: no allocation per read
  absl::Status s = DocumentViewAccess::Reset(out, *stored, &fields);
  if (!s.ok()) {
    DocumentViewAccess::Clear(out);
    return s;
  }
  return true;
}

absl::StatusOr<bool> DocStoreImpl::GetView(std::string_view coll, const Document& id,
                                           DocumentView* out) {
  return GetViewIn(&engine_->latest(), coll, id, out);
}

absl::StatusOr<bool> DocStoreImpl::GetView(const ReadView& view, std::string_view coll,
                                           const Document& id, DocumentView* out) {
  return GetViewIn(&view.source(), coll, id, out);
}

absl::StatusOr<std::vector<DocIndexInfo>> DocStoreImpl::ListIndexes(std::string_view coll) {
  ASSIGN_OR_RETURN(std::optional<ObjectInfo> info, FindCollection(coll));
  std::vector<DocIndexInfo> out;
  if (!info) return out;
  ASSIGN_OR_RETURN(std::shared_ptr<const CollectionMeta> meta, MetaOf(*info));
  for (const IndexDef& d : meta->indexes) {
    if (d.ready) out.push_back(d.Info());
  }
  return out;
}

}  // namespace doc
}  // namespace tessera
