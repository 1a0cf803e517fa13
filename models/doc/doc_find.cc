// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Query execution (see doc_find.h).
#include "models/doc/doc_find.h"

#include <algorithm>
#include <deque>
#include <unordered_set>

#include "core/codec/coding.h"
#include "core/engine/engine.h"
#include "core/util/rocks_status.h"
#include "core/util/strings.h"
#include "models/doc/doc_codec.h"
#include "models/doc/doc_view.h"
#include "tessera/status.h"

namespace tessera::doc {
namespace {

using internal::BoundedIterator;
using internal::Cf;

// Matches stored documents against a query's filter and decodes the matches (with the query's
// decode_fields). While most documents fail the filter, each is matched through a LazyDocument:
// only the fields the filter names are decoded, and a document that does not match is never
// built. Once most documents match (a selective plan, or a filter that keeps almost everything),
// a document is decoded first and matched as JSON, which reads the filter's fields only once.
// Both ways give the same answer (doc_view_test.cc).
class Matcher {
 public:
  explicit Matcher(const Query& q)
      : q_(q), always_(q.filter.root().op == query::FilterOp::kAlways) {}

  // Sets *matched; when true, out->doc holds the decoded document (out->stored the stored form,
  // for a raw query).
  absl::Status Check(std::string_view stored, bool* matched, Match* out) {
    ++seen_;
    Json* doc = &out->doc;
    if (q_.raw) {
      *matched = always_;
      if (!always_) {
        RETURN_IF_ERROR(view_.Reset(stored));
        *matched = q_.filter.Matches(view_);
        RETURN_IF_ERROR(view_.status());
      }
      out->located = false;
      if (*matched) {
        out->stored.assign(stored.data(), stored.size());
        if (!always_) {
          // The fields the filter located, moved onto the copy (same offsets).
          const char* from = view_.stored().data();
          const char* to = out->stored.data();
          out->fields.clear();
          for (const MsgpackField& f : view_.fields()) {
            out->fields.push_back({std::string_view(to + (f.name.data() - from), f.name.size()),
                                   std::string_view(to + (f.value.data() - from), f.value.size())});
          }
          out->located = true;
        }
      }
    } else if (always_ || !Lazy()) {
      RETURN_IF_ERROR(DecodeDocumentInto(stored, doc, Fields()));
      *matched = q_.filter.Matches(*doc);
    } else {
      RETURN_IF_ERROR(view_.Reset(stored));
      *matched = q_.filter.Matches(view_);
      RETURN_IF_ERROR(view_.status());
      if (*matched) RETURN_IF_ERROR(view_.Decode(doc, Fields()));
    }
    if (*matched) ++matched_;
    return absl::OkStatus();
  }

 private:
  // Lazy while fewer than 3 in 4 of the documents seen so far matched (always for the first 8).
  bool Lazy() const { return seen_ <= 8 || matched_ * 4 < seen_ * 3; }
  const FieldSet* Fields() const { return q_.decode_fields ? &*q_.decode_fields : nullptr; }

  const Query& q_;
  const bool always_;
  LazyDocument view_;
  uint64_t seen_ = 0;
  uint64_t matched_ = 0;
};

// Documents in _id order (or reverse _id order) from the data column family, filtered: the
// whole collection, or the _id ranges of a primary plan.
class ScanStream final : public MatchStream {
 public:
  ScanStream(internal::ReadSource* src, const Query& q, DocExplain* stats)
      : src_(src), q_(q), stats_(stats), matcher_(q) {
    if (!q.plan.primary) {
      std::string lower;
      codec::PutFixed64BE(&lower, q.coll);
      std::string upper = codec::PrefixSuccessor(lower);
      whole_.emplace_back(std::move(lower), std::move(upper));
    }
  }

  bool Next(Match* out) override {
    const auto& ranges = q_.plan.primary ? q_.plan.ranges : whole_;
    while (status_.ok()) {
      if (it_ == nullptr || !(*it_)->Valid()) {
        if (it_ != nullptr) {
          status_ = internal::FromRocks((*it_)->status(), "document scan");
          if (!status_.ok()) return false;
        }
        if (next_range_ >= ranges.size()) return false;
        size_t i = q_.plan.reverse ? ranges.size() - 1 - next_range_ : next_range_;
        ++next_range_;
        it_ = src_->NewIterator(Cf::kData, ranges[i].first, ranges[i].second);
        if (q_.plan.reverse) {
          (*it_)->SeekToLast();
        } else {
          (*it_)->SeekToFirst();
        }
        continue;
      }
      rocksdb::Slice k = (*it_)->key();
      rocksdb::Slice v = (*it_)->value();
      bool match = false;
      status_ = matcher_.Check(std::string_view(v.data(), v.size()), &match, out);
      if (!status_.ok()) return false;
      if (stats_ != nullptr) ++stats_->docs_examined;
      if (match) {
        out->pk.assign(k.data() + 8, k.size() - 8);
        out->stored_bytes = v.size();
      }
      if (q_.plan.reverse) {
        (*it_)->Prev();
      } else {
        (*it_)->Next();
      }
      if (match) return true;
    }
    return false;
  }
  absl::Status status() const override { return status_; }

 private:
  internal::ReadSource* src_;
  const Query& q_;
  DocExplain* stats_;
  Matcher matcher_;
  std::vector<std::pair<std::string, std::string>> whole_;  // the collection's range, if no plan
  size_t next_range_ = 0;
  std::unique_ptr<BoundedIterator> it_;
  absl::Status status_;
};

// Documents through index ranges, de-duplicated, fetched by primary key, filtered. Index entries
// are read in batches (4, then doubling up to 64) and their documents fetched with one MultiGet
// per batch, then handed out in index order; explain counts an entry and its document when it
// is handed out, so the read-ahead does not change the counts.
class IndexStream final : public MatchStream {
 public:
  IndexStream(internal::ReadSource* src, const Query& q, DocExplain* stats)
      : src_(src), q_(q), stats_(stats), matcher_(q) {
    dedupe_ = q.plan.index->multikey || q.plan.ranges.size() > 1;
  }

  bool Next(Match* out) override {
    while (status_.ok()) {
      if (pos_ == pks_.size()) {
        if (!Fill()) return false;
        continue;
      }
      const size_t i = pos_++;
      if (stats_ != nullptr) stats_->keys_examined += weights_[i];
      if (!found_[i]) {
        status_ = absl::DataLossError(util::StrCat("index \"", q_.plan.index->name,
                                                   "\" has an entry for a missing document"));
        return false;
      }
      bool match = false;
      status_ = matcher_.Check(values_[i], &match, out);
      if (!status_.ok()) return false;
      if (stats_ != nullptr) ++stats_->docs_examined;
      if (!match) continue;
      out->pk = std::move(pks_[i]);
      out->stored_bytes = values_[i].size();
      return true;
    }
    return false;
  }
  absl::Status status() const override { return status_; }

 private:
  // Reads the next batch of index entries and fetches their documents; false at the end of the
  // ranges (after counting trailing duplicates) or on error.
  bool Fill() {
    pks_.clear();
    weights_.clear();
    keys_.clear();
    pos_ = 0;
    while (pks_.size() < batch_ && status_.ok()) {
      if (it_ == nullptr || !(*it_)->Valid()) {
        if (it_ != nullptr) {
          status_ = internal::FromRocks((*it_)->status(), "document index scan");
          if (!status_.ok()) return false;
        }
        if (next_range_ >= q_.plan.ranges.size()) break;
        size_t i = q_.plan.reverse ? q_.plan.ranges.size() - 1 - next_range_ : next_range_;
        ++next_range_;
        const auto& [lo, hi] = q_.plan.ranges[i];
        it_ = src_->NewIterator(Cf::kIndex, lo, hi);
        if (q_.plan.reverse) {
          (*it_)->SeekToLast();
        } else {
          (*it_)->SeekToFirst();
        }
        continue;
      }
      rocksdb::Slice v = (*it_)->value();
      std::string pk(v.data(), v.size());
      if (q_.plan.reverse) {
        (*it_)->Prev();
      } else {
        (*it_)->Next();
      }
      ++skipped_;  // this entry, counted with the document it names (or as a duplicate)
      if (dedupe_ && !seen_.insert(pk).second) continue;
      keys_.push_back(DataKey(q_.coll, pk));
      pks_.push_back(std::move(pk));
      weights_.push_back(skipped_);
      skipped_ = 0;
    }
    if (!status_.ok()) return false;
    if (pks_.empty()) {
      if (stats_ != nullptr) stats_->keys_examined += skipped_;
      skipped_ = 0;
      return false;
    }
    batch_ = std::min<size_t>(batch_ * 2, 64);
    status_ = src_->MultiGet(Cf::kData, keys_, &values_, &found_);
    return status_.ok();
  }

  internal::ReadSource* src_;
  const Query& q_;
  DocExplain* stats_;
  Matcher matcher_;
  bool dedupe_ = false;
  size_t next_range_ = 0;
  std::unique_ptr<BoundedIterator> it_;
  std::unordered_set<std::string> seen_;
  size_t batch_ = 4;                 // entries to read next
  std::vector<std::string> pks_;     // the batch: primary key components, in index order
  std::vector<uint64_t> weights_;    // index entries read for each (itself and duplicates before)
  std::vector<std::string> keys_;    // their data keys
  std::vector<std::string> values_;  // their stored documents
  std::vector<bool> found_;
  size_t pos_ = 0;        // the next of the batch to hand out
  uint64_t skipped_ = 0;  // entries read since the last one kept
  absl::Status status_;
};

int CompareIds(const Json& a, const Json& b) {
  auto ia = a.find("_id"), ib = b.find("_id");
  if (ia == a.end() || ib == b.end()) return 0;
  return query::CompareValues(*ia, *ib);
}

class FindCursor final : public Cursor<Document> {
 public:
  FindCursor(internal::Engine* engine, std::unique_ptr<Snapshot> snapshot,
             internal::ReadSource* src, std::unique_ptr<Query> q, std::shared_ptr<DocExplain> stats)
      : engine_(engine),
        snapshot_(std::move(snapshot)),
        q_(std::move(q)),
        stats_(std::move(stats)) {
    engine_->live_handles().fetch_add(1);
    stream_ = NewMatchStream(src, *q_, stats_.get());
  }
  ~FindCursor() override {
    stream_.reset();
    engine_->live_handles().fetch_sub(1);
  }

  // Positions the cursor on its first document.
  absl::Status Init() {
    if (q_->sort && !q_->plan.sort_from_index) RETURN_IF_ERROR(SortAll());
    Advance();
    return status_;
  }

  bool Valid() const override { return valid_; }
  void Next() override {
    if (valid_) Advance();
  }
  const Document& entry() const override { return current_; }
  absl::Status status() const override { return status_; }

 private:
  // Buffers every match and sorts it (keeping only skip + limit when there is a limit).
  absl::Status SortAll() {
    const query::SortSpec& spec = *q_->sort;
    auto less = [&spec](const Json& a, const Json& b) {
      int c = spec.Compare(a, b);
      return c != 0 ? c < 0 : CompareIds(a, b) < 0;
    };
    size_t keep = q_->limit == 0 ? 0 : static_cast<size_t>(q_->skip + q_->limit);
    std::vector<Json> docs;
    size_t bytes = 0;
    Match m;
    while (stream_->Next(&m)) {
      // A rough estimate of the memory the parsed document takes: a few times its stored size.
      bytes += 64 + 4 * m.stored_bytes;
      docs.push_back(std::move(m.doc));
      if (keep != 0 && docs.size() >= 2 * keep + 1024) {
        std::nth_element(docs.begin(), docs.begin() + keep, docs.end(), less);
        docs.resize(keep);
        bytes = bytes * keep / (2 * keep + 1024);
      }
      if (bytes > kMaxSortBytes) {
        return absl::ResourceExhaustedError(
            "sort needs more than 256 MiB of memory; add an index on the sort fields or a limit");
      }
    }
    RETURN_IF_ERROR(stream_->status());
    std::sort(docs.begin(), docs.end(), less);
    if (keep != 0 && docs.size() > keep) docs.resize(keep);
    pending_.assign(std::make_move_iterator(docs.begin()), std::make_move_iterator(docs.end()));
    sorted_all_ = true;
    return absl::OkStatus();
  }

  // Refills pending_ with the next run of documents (one document, or when the index serves the
  // sort, every document with an equal sort key, ordered by _id).
  bool Refill() {
    if (sorted_all_) return false;
    Match m;
    if (lookahead_) {
      m.doc = std::move(*lookahead_);
      lookahead_.reset();
    } else if (!stream_->Next(&m)) {
      status_ = stream_->status();
      return false;
    }
    pending_.push_back(std::move(m.doc));
    if (!q_->sort) return true;
    Match n;
    while (stream_->Next(&n)) {
      if (q_->sort->Compare(n.doc, pending_.front()) != 0) {
        lookahead_ = std::move(n.doc);
        break;
      }
      pending_.push_back(std::move(n.doc));
    }
    if (!lookahead_) status_ = stream_->status();
    std::sort(pending_.begin(), pending_.end(),
              [](const Json& a, const Json& b) { return CompareIds(a, b) < 0; });
    return status_.ok();
  }

  void Advance() {
    valid_ = false;
    if (!status_.ok()) return;
    if (q_->limit != 0 && returned_ >= q_->limit) return;
    while (true) {
      if (pending_.empty() && !Refill()) return;
      if (pending_.empty()) return;
      Json doc = std::move(pending_.front());
      pending_.pop_front();
      if (skipped_ < q_->skip) {
        ++skipped_;
        continue;
      }
      current_ = q_->projection ? q_->projection->Apply(doc) : std::move(doc);
      ++returned_;
      if (stats_ != nullptr) ++stats_->returned;
      valid_ = true;
      return;
    }
  }

  internal::Engine* const engine_;
  std::unique_ptr<Snapshot> snapshot_;  // destroyed after stream_ (declared before it)
  std::unique_ptr<Query> q_;
  std::shared_ptr<DocExplain> stats_;
  std::unique_ptr<MatchStream> stream_;
  std::deque<Json> pending_;
  std::optional<Json> lookahead_;
  bool sorted_all_ = false;
  uint64_t skipped_ = 0;
  uint64_t returned_ = 0;
  bool valid_ = false;
  Document current_;
  absl::Status status_;
};

// FindViews over a raw query: the stream's stored documents, viewed in place.
class ViewCursor final : public Cursor<DocumentView> {
 public:
  ViewCursor(internal::Engine* engine, std::unique_ptr<Snapshot> snapshot,
             internal::ReadSource* src, std::unique_ptr<Query> q)
      : engine_(engine), snapshot_(std::move(snapshot)), q_(std::move(q)) {
    engine_->live_handles().fetch_add(1);
    stream_ = NewMatchStream(src, *q_, nullptr);
  }
  ~ViewCursor() override {
    stream_.reset();
    engine_->live_handles().fetch_sub(1);
  }

  absl::Status Init() {
    Advance();
    return status_;
  }
  bool Valid() const override { return valid_; }
  void Next() override {
    if (valid_) Advance();
  }
  const DocumentView& entry() const override { return view_; }
  absl::Status status() const override { return status_; }

 private:
  void Advance() {
    valid_ = false;
    if (!status_.ok()) return;
    if (q_->limit != 0 && returned_ >= q_->limit) return;
    while (stream_->Next(&m_)) {
      if (skipped_ < q_->skip) {
        ++skipped_;
        continue;
      }
      if (m_.located) {
        DocumentViewAccess::Set(&view_, m_.stored, m_.fields);
      } else {
        status_ = DocumentViewAccess::Reset(&view_, m_.stored, &scratch_);
        if (!status_.ok()) return;
      }
      ++returned_;
      valid_ = true;
      return;
    }
    status_ = stream_->status();
  }

  internal::Engine* const engine_;
  std::unique_ptr<Snapshot> snapshot_;  // destroyed after stream_ (declared before it)
  std::unique_ptr<Query> q_;
  std::unique_ptr<MatchStream> stream_;
  Match m_;  // the current match; view_ points into m_.stored
  std::vector<MsgpackField> scratch_;
  DocumentView view_;
  uint64_t skipped_ = 0;
  uint64_t returned_ = 0;
  bool valid_ = false;
  absl::Status status_;
};

// FindViews over Find's documents (projections and in-memory sorts): each encoded, then viewed.
class EncodedViewCursor final : public Cursor<DocumentView> {
 public:
  explicit EncodedViewCursor(std::unique_ptr<Cursor<Document>> docs) : docs_(std::move(docs)) {
    View();
  }
  bool Valid() const override { return valid_; }
  void Next() override {
    if (!valid_) return;
    docs_->Next();
    View();
  }
  const DocumentView& entry() const override { return view_; }
  absl::Status status() const override { return status_.ok() ? docs_->status() : status_; }

 private:
  void View() {
    valid_ = false;
    if (!status_.ok() || !docs_->Valid()) return;
    stored_ = EncodeDocument(docs_->entry());
    status_ = DocumentViewAccess::Reset(&view_, stored_, &scratch_);
    valid_ = status_.ok();
  }
  std::unique_ptr<Cursor<Document>> docs_;
  std::string stored_;
  std::vector<MsgpackField> scratch_;
  DocumentView view_;
  bool valid_ = false;
  absl::Status status_;
};

void CollectFields(const query::FilterNode& node, FieldSet* out) {
  if (!node.path.parts.empty()) out->push_back(node.path.parts[0]);
  // $elemMatch conditions name paths inside the elements, not in the document.
  if (node.op == query::FilterOp::kElemMatch) return;
  for (const query::FilterNode& c : node.children) CollectFields(c, out);
}

void SortUnique(FieldSet* f) {
  std::sort(f->begin(), f->end());
  f->erase(std::unique(f->begin(), f->end()), f->end());
}

}  // namespace

FieldSet FilterFields(const query::Filter& filter) {
  FieldSet out = {"_id"};
  CollectFields(filter.root(), &out);
  SortUnique(&out);
  return out;
}

std::optional<FieldSet> FindFields(const Query& q) {
  if (!q.projection) return std::nullopt;
  FieldSet shown = q.projection->IncludedTopLevelFields();
  if (shown.empty()) return std::nullopt;
  FieldSet out = FilterFields(q.filter);
  out.insert(out.end(), shown.begin(), shown.end());
  if (q.sort) {
    for (const query::SortField& f : q.sort->fields()) out.push_back(f.path.parts[0]);
  }
  SortUnique(&out);
  return out;
}

std::unique_ptr<MatchStream> NewMatchStream(internal::ReadSource* src, const Query& q,
                                            DocExplain* stats) {
  if (q.plan.index == nullptr) return std::make_unique<ScanStream>(src, q, stats);
  return std::make_unique<IndexStream>(src, q, stats);
}

absl::StatusOr<std::unique_ptr<Cursor<Document>>> NewFindCursor(internal::Engine* engine,
                                                                std::unique_ptr<Snapshot> snapshot,
                                                                internal::ReadSource* src,
                                                                std::unique_ptr<Query> q,
                                                                std::shared_ptr<DocExplain> stats) {
  auto cursor = std::make_unique<FindCursor>(engine, std::move(snapshot), src, std::move(q),
                                             std::move(stats));
  RETURN_IF_ERROR(cursor->Init());
  return std::unique_ptr<Cursor<Document>>(std::move(cursor));
}

absl::StatusOr<std::unique_ptr<Cursor<DocumentView>>> NewViewCursor(
    internal::Engine* engine, std::unique_ptr<Snapshot> snapshot, internal::ReadSource* src,
    std::unique_ptr<Query> q) {
  auto cursor = std::make_unique<ViewCursor>(engine, std::move(snapshot), src, std::move(q));
  RETURN_IF_ERROR(cursor->Init());
  return std::unique_ptr<Cursor<DocumentView>>(std::move(cursor));
}

std::unique_ptr<Cursor<DocumentView>> ViewOfDocuments(std::unique_ptr<Cursor<Document>> docs) {
  return std::make_unique<EncodedViewCursor>(std::move(docs));
}

}  // namespace tessera::doc
