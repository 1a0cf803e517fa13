// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Query execution: the cursor that streams the documents of a plan through the filter, the sort,
// skip, limit and the projection, and counts its work for explain.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/engine/read_source.h"
#include "models/doc/doc_codec.h"
#include "models/doc/doc_index.h"
#include "models/doc/doc_planner.h"
#include "query/filter.h"
#include "query/projection.h"
#include "query/sort.h"
#include "tessera/cursor.h"
#include "tessera/db.h"
#include "tessera/doc.h"

namespace tessera::doc {

// Memory an in-memory sort may use before the query fails with ResourceExhausted.
inline constexpr size_t kMaxSortBytes = size_t{256} << 20;

// One matching document with its primary key component.
struct Match {
  std::string pk;
  Json doc;                          // the decoded document (not set for a raw query)
  std::string stored;                // a raw query's match: the stored form, undecoded
  std::vector<MsgpackField> fields;  // a raw match's top-level fields in `stored`, when located
  bool located = false;              // whether `fields` is set (the filter read the document)
  size_t stored_bytes = 0;           // the size of the stored (MessagePack) form
};

// Everything a query needs; the cursor owns it.
struct Query {
  uint64_t coll = 0;
  std::shared_ptr<const CollectionMeta> meta;  // keeps plan.index valid
  Plan plan;
  query::Filter filter;
  std::optional<query::SortSpec> sort;
  std::optional<query::Projection> projection;
  uint64_t skip = 0;
  uint64_t limit = 0;
  // When set, documents are decoded with only these top-level fields (the filter's, the sort's
  // and the projection's, and _id): the rest is skipped unbuilt (see msgpack.h).
  std::optional<FieldSet> decode_fields;
  // Matches are handed out in their stored form (Match::stored), never decoded (FindViews; no
  // sort or projection then).
  bool raw = false;
};

// The top-level field names the filter reads, and _id (sorted, distinct). A document holding
// only these fields matches the filter exactly when the whole document does.
FieldSet FilterFields(const query::Filter& filter);
// Adds the sort's and the projection's top-level fields to FilterFields for a find; nullopt when
// every field is needed (no projection, or an exclusion).
std::optional<FieldSet> FindFields(const Query& q);

// A cursor over the matching documents (before skip, limit and projection) in plan order,
// without sorting: used by count, update and delete. `stats` (may be null) counts the work.
class MatchStream {
 public:
  virtual ~MatchStream() = default;
  // Sets *out to the next match; false at the end or on error (see status()).
  virtual bool Next(Match* out) = 0;
  virtual absl::Status status() const = 0;
};
std::unique_ptr<MatchStream> NewMatchStream(internal::ReadSource* src, const Query& q,
                                            DocExplain* stats);

// The find cursor. `snapshot` (may be null) is owned and kept alive for `src` when the query
// reads its own snapshot. `stats` (may be null) must outlive the cursor.
absl::StatusOr<std::unique_ptr<Cursor<Document>>> NewFindCursor(internal::Engine* engine,
                                                                std::unique_ptr<Snapshot> snapshot,
                                                                internal::ReadSource* src,
                                                                std::unique_ptr<Query> q,
                                                                std::shared_ptr<DocExplain> stats);

// The FindViews cursor of a raw query (no sort, no projection): views of the stored documents,
// after skip and limit. `snapshot` as for NewFindCursor.
absl::StatusOr<std::unique_ptr<Cursor<DocumentView>>> NewViewCursor(
    internal::Engine* engine, std::unique_ptr<Snapshot> snapshot, internal::ReadSource* src,
    std::unique_ptr<Query> q);
// Views of the documents of a find cursor (each encoded to its stored form, then viewed).
std::unique_ptr<Cursor<DocumentView>> ViewOfDocuments(std::unique_ptr<Cursor<Document>> docs);

}  // namespace tessera::doc
