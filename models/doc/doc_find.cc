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
#include "tessera/status.h"

namespace tessera::doc {
namespace {

using internal::BoundedIterator;
using internal::Cf;

// Documents in _id order (or reverse _id order) from the data column family, filtered: the
// whole collection, or the _id ranges of a primary plan.
class ScanStream final : public MatchStream {
 public:
  ScanStream(internal::ReadSource* src, const Query& q, DocExplain* stats)
      : src_(src), q_(q), stats_(stats) {
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
      absl::StatusOr<Json> doc = DecodeDocument(std::string_view(v.data(), v.size()), Fields());
      if (!doc.ok()) {
        status_ = doc.status();
        return false;
      }
      if (stats_ != nullptr) ++stats_->docs_examined;
      bool match = q_.filter.Matches(*doc);
      if (match) {
        out->pk.assign(k.data() + 8, k.size() - 8);
        out->doc = std::move(*doc);
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
  const FieldSet* Fields() const { return q_.decode_fields ? &*q_.decode_fields : nullptr; }
  internal::ReadSource* src_;
  const Query& q_;
  DocExplain* stats_;
  std::vector<std::pair<std::string, std::string>> whole_;  // the collection's range, if no plan
  size_t next_range_ = 0;
  std::unique_ptr<BoundedIterator> it_;
  absl::Status status_;
};

// Documents through index ranges, fetched by primary key, de-duplicated, filtered.
class IndexStream final : public MatchStream {
 public:
  IndexStream(internal::ReadSource* src, const Query& q, DocExplain* stats)
      : src_(src), q_(q), stats_(stats) {
    dedupe_ = q.plan.index->multikey || q.plan.ranges.size() > 1;
    next_range_ = 0;
  }

  bool Next(Match* out) override {
    while (status_.ok()) {
      if (it_ == nullptr || !(*it_)->Valid()) {
        if (it_ != nullptr) {
          status_ = internal::FromRocks((*it_)->status(), "document index scan");
          if (!status_.ok()) return false;
        }
        if (next_range_ >= q_.plan.ranges.size()) return false;
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
      if (stats_ != nullptr) ++stats_->keys_examined;
      if (dedupe_ && !seen_.insert(pk).second) continue;
      std::string raw;
      bool found = false;
      status_ = src_->Get(Cf::kData, DataKey(q_.coll, pk), &raw, &found);
      if (!status_.ok()) return false;
      if (!found) {
        status_ = absl::DataLossError(util::StrCat("index \"", q_.plan.index->name,
                                                   "\" has an entry for a missing document"));
        return false;
      }
      absl::StatusOr<Json> doc = DecodeDocument(raw, Fields());
      if (!doc.ok()) {
        status_ = doc.status();
        return false;
      }
      if (stats_ != nullptr) ++stats_->docs_examined;
      if (!q_.filter.Matches(*doc)) continue;
      out->pk = std::move(pk);
      out->doc = std::move(*doc);
      out->stored_bytes = raw.size();
      return true;
    }
    return false;
  }
  absl::Status status() const override { return status_; }

 private:
  const FieldSet* Fields() const { return q_.decode_fields ? &*q_.decode_fields : nullptr; }
  internal::ReadSource* src_;
  const Query& q_;
  DocExplain* stats_;
  bool dedupe_ = false;
  size_t next_range_ = 0;
  std::unique_ptr<BoundedIterator> it_;
  std::unordered_set<std::string> seen_;
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

}  // namespace tessera::doc
