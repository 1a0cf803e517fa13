// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The document model: named collections of JSON objects with MongoDB's query, projection, sort
// and update language, and secondary indexes (single-field, compound, multikey, unique, sparse,
// partial) chosen by a planner.
//
//   ASSIGN_OR_RETURN(auto docs, tessera::DocStore::Open(db));
//   ASSIGN_OR_RETURN(auto ids, docs->Insert("users", {{{"name", "ada"}, {"age", 36}}}));
//   ASSIGN_OR_RETURN(auto cursor, docs->Find("users", {{"age", {{"$gte", 30}}}}, {}));
//   for (; cursor->Valid(); cursor->Next()) Use(cursor->entry());
//   RETURN_IF_ERROR(cursor->status());
//
// Every write without a Transaction argument is its own transaction; every read without a
// ReadView reads one consistent snapshot. Writing to a collection that does not exist creates it
// (as MongoDB does); reading one finds nothing. The language is described in docs/query.md, the
// model and every difference from MongoDB in docs/models/document.md.
//
// Thread safety: a DocStore is safe for concurrent use from many threads. It must not outlive its
// DB.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tessera/cursor.h"
#include "tessera/db.h"

namespace tessera {

// A JSON document or value. Objects keep their fields in insertion order, as BSON does.
using Document = nlohmann::ordered_json;

// Limits, checked on every write with an error naming the limit.
inline constexpr size_t kMaxDocumentBytes = 16 << 20;   // encoded size of one document
inline constexpr int kMaxDocumentDepth = 100;           // nesting of objects and arrays
inline constexpr size_t kMaxIdBytes = 1024;             // encoded size of an _id
inline constexpr size_t kMaxIndexKeyBytes = 4096;       // encoded size of one index entry's values
inline constexpr size_t kMaxIndexesPerCollection = 64;  // secondary indexes of one collection

struct DocFindOptions {
  Document projection = Document::object();  // {a: 1, ...} inclusion or {a: 0} exclusion; {} all
  Document sort = Document::object();        // {a: 1, b: -1}; {} for _id order
  uint64_t skip = 0;                         // documents skipped before the first returned
  uint64_t limit = 0;                        // the most documents returned (0 = no limit)
};

struct DocUpdateOptions {
  bool one = false;     // update only the first matching document (in _id order)
  bool upsert = false;  // insert a document when none matches
};

struct DocUpdateResult {
  uint64_t matched = 0;                 // documents the filter matched
  uint64_t modified = 0;                // documents actually changed
  std::optional<Document> upserted_id;  // the _id of the inserted document, when upserted
};

struct DocIndexSpec {
  Document keys;                  // {"a": 1, "b.c": -1}: fields in order, 1 or -1
  std::string name;               // "" = generated from the keys, like "a_1_b.c_-1"
  bool unique = false;            // at most one document per key
  bool sparse = false;            // skip documents that have none of the fields
  Document partial = Document();  // only documents matching this filter (null: all)
};

struct DocIndexInfo {
  std::string name;       // the index name
  Document keys;          // as given at creation
  bool unique = false;    // see DocIndexSpec
  bool sparse = false;    // see DocIndexSpec
  Document partial;       // the partial filter, or null
  bool multikey = false;  // some document put several entries in it (an array field)
};

// The name explain gives to the documents' own _id order (reserved: no index may take it).
inline constexpr std::string_view kIdIndexName = "_id_";

// What a query did (DocStore::Explain).
struct DocExplain {
  std::optional<std::string> index;  // the index used ("_id_": the _id keys), nullopt: a scan
  Document bounds;                   // the index ranges scanned, per field (null for a scan)
  bool sort_from_index = false;      // the order came from the index (no in-memory sort)
  uint64_t keys_examined = 0;        // index entries read
  uint64_t docs_examined = 0;        // documents fetched and tested against the filter
  uint64_t returned = 0;             // documents returned
};

namespace doc {
struct DocumentViewAccess;
}

// A read-only view of one stored document, handed out by DocStore::FindViews and GetView: its
// top-level fields are located in the stored bytes, and a value is decoded only when asked (as
// MongoDB's C++ driver hands out bsoncxx document views instead of parsed documents).
// string_value reads a string field without copying it. A view from a cursor is valid until the
// cursor moves or is destroyed; one filled by GetView holds its own copy of the stored bytes and
// is valid until the next GetView into it or its destruction. Not thread-safe.
class DocumentView {
 public:
  DocumentView() = default;
  DocumentView(const DocumentView&) = delete;
  DocumentView& operator=(const DocumentView&) = delete;

  // The number of top-level fields, and the name of the i-th in stored order (i < size()).
  size_t size() const { return fields_.size(); }
  std::string_view name(size_t i) const { return fields_[i].first; }
  // The position of the field `name`, or nullopt when the document has none.
  std::optional<size_t> find(std::string_view name) const;
  // The i-th field's bytes when it holds a string (no copy); nullopt for any other type.
  std::optional<std::string_view> string_value(size_t i) const;
  // The i-th field's value, decoded. DataLoss on malformed stored bytes.
  [[nodiscard]] absl::StatusOr<Document> value(size_t i) const;
  // The whole document, decoded (what Find would have returned).
  [[nodiscard]] absl::StatusOr<Document> ToDocument() const;

 private:
  friend struct doc::DocumentViewAccess;
  std::string_view stored_;                                            // the stored form
  std::vector<std::pair<std::string_view, std::string_view>> fields_;  // name, value bytes
  std::string owned_;  // the stored bytes a GetView read (stored_ views them)
};

// Progress of an index build: documents indexed so far, out of an estimate of the total.
using DocProgress = std::function<void(uint64_t done, uint64_t total)>;

class DocStore {
 public:
  // The document model of `db`, which must outlive it.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<DocStore>> Open(DB* db);

  DocStore(const DocStore&) = delete;
  DocStore& operator=(const DocStore&) = delete;
  virtual ~DocStore() = default;

  // --- Collections ---
  // AlreadyExists if it exists.
  [[nodiscard]] virtual absl::Status CreateCollection(std::string_view coll) = 0;
  // Drops the collection, its documents and its indexes. NotFound if absent.
  [[nodiscard]] virtual absl::Status DropCollection(std::string_view coll) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<std::string>> ListCollections() = 0;

  // --- Writes ---
  // Inserts the documents, all or none. A document without _id gets a generated one (24 hex
  // digits: seconds, a per-process random part and a counter, so ids are unique and increase with
  // time). Returns the ids in order. AlreadyExists for a duplicate _id or a unique-index
  // violation (naming the index and the key); nothing of the batch is then written.
  [[nodiscard]] virtual absl::StatusOr<std::vector<Document>> Insert(
      std::string_view coll, const std::vector<Document>& docs) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<Document>> Insert(
      Transaction& txn, std::string_view coll, const std::vector<Document>& docs) = 0;

  // Applies `update` (operators, or a replacement document) to the documents matching `filter`.
  [[nodiscard]] virtual absl::StatusOr<DocUpdateResult> Update(std::string_view coll,
                                                               const Document& filter,
                                                               const Document& update,
                                                               const DocUpdateOptions& options) = 0;
  [[nodiscard]] virtual absl::StatusOr<DocUpdateResult> Update(Transaction& txn,
                                                               std::string_view coll,
                                                               const Document& filter,
                                                               const Document& update,
                                                               const DocUpdateOptions& options) = 0;

  // Replaces the document with _id `id` by `doc` (whose _id, if any, must equal `id`).
  // Returns whether a document was replaced (false: none had that id and nothing was written).
  [[nodiscard]] virtual absl::StatusOr<bool> Replace(std::string_view coll, const Document& id,
                                                     const Document& doc) = 0;
  [[nodiscard]] virtual absl::StatusOr<bool> Replace(Transaction& txn, std::string_view coll,
                                                     const Document& id, const Document& doc) = 0;

  // Deletes the documents matching `filter` (only the first in _id order when `one`). Returns
  // how many were deleted.
  [[nodiscard]] virtual absl::StatusOr<uint64_t> Delete(std::string_view coll,
                                                        const Document& filter, bool one) = 0;
  [[nodiscard]] virtual absl::StatusOr<uint64_t> Delete(Transaction& txn, std::string_view coll,
                                                        const Document& filter, bool one) = 0;

  // --- Reads ---
  // The document with _id `id`, or nullopt.
  [[nodiscard]] virtual absl::StatusOr<std::optional<Document>> Get(std::string_view coll,
                                                                    const Document& id) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::optional<Document>> Get(const ReadView& view,
                                                                    std::string_view coll,
                                                                    const Document& id) = 0;
  // Get, viewing the stored document instead of parsing it (see DocumentView): true with *out
  // set when the document with _id `id` exists; false, and *out empty, when it does not. For a
  // caller that reads a few fields, or copies string fields out, without building a Document.
  [[nodiscard]] virtual absl::StatusOr<bool> GetView(std::string_view coll, const Document& id,
                                                     DocumentView* out) = 0;
  [[nodiscard]] virtual absl::StatusOr<bool> GetView(const ReadView& view, std::string_view coll,
                                                     const Document& id, DocumentView* out) = 0;

  // The documents matching `filter`, streamed (only a sort the planner cannot serve from an
  // index buffers the matching documents, up to Options-independent 256 MiB; past that the query
  // fails with ResourceExhausted). Without a sort, documents come in the order of the chosen
  // index, or of _id for a collection scan.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<Document>>> Find(
      std::string_view coll, const Document& filter, const DocFindOptions& options) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<Document>>> Find(
      const ReadView& view, std::string_view coll, const Document& filter,
      const DocFindOptions& options) = 0;

  // Find, handing out views of the stored documents instead of parsed ones (see DocumentView):
  // a caller that reads a few fields, or only checks them, skips building every document. With a
  // projection or an in-memory sort the results are built as in Find and viewed afterwards.
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<DocumentView>>> FindViews(
      std::string_view coll, const Document& filter, const DocFindOptions& options) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Cursor<DocumentView>>> FindViews(
      const ReadView& view, std::string_view coll, const Document& filter,
      const DocFindOptions& options) = 0;

  // How many documents match `filter`.
  [[nodiscard]] virtual absl::StatusOr<uint64_t> Count(std::string_view coll,
                                                       const Document& filter) = 0;
  [[nodiscard]] virtual absl::StatusOr<uint64_t> Count(const ReadView& view, std::string_view coll,
                                                       const Document& filter) = 0;

  // Runs the query and reports the plan and the work it did.
  [[nodiscard]] virtual absl::StatusOr<DocExplain> Explain(std::string_view coll,
                                                           const Document& filter,
                                                           const DocFindOptions& options) = 0;

  // --- Indexes ---
  // Creates an index and builds it from the existing documents (calling `progress` now and then).
  // Returns its name. AlreadyExists for a name in use; InvalidArgument for bad keys, or a
  // compound index over two array fields of one document; AlreadyExists when existing documents
  // violate a unique index (the index is then not created).
  [[nodiscard]] virtual absl::StatusOr<std::string> CreateIndex(std::string_view coll,
                                                                const DocIndexSpec& spec,
                                                                const DocProgress& progress) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<DocIndexInfo>> ListIndexes(
      std::string_view coll) = 0;
  // NotFound if there is no such index.
  [[nodiscard]] virtual absl::Status DropIndex(std::string_view coll, std::string_view name) = 0;

 protected:
  DocStore() = default;
};

}  // namespace tessera
