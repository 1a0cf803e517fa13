// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Secondary index definitions of a collection and the entries a document puts into an index.
// The definitions live in the collection's catalog options as JSON:
//
//   {"next_index": 3,
//    "indexes": [{"no": 1, "name": "a_1", "keys": {"a": 1}, "unique": false, "sparse": false,
//                 "partial": null, "multikey": true, "ready": true}, ...]}
//
// Index numbers are never reused, so entries of a dropped index that are still being removed can
// never be read as entries of a new one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/filter.h"
#include "query/path.h"
#include "tessera/doc.h"

namespace tessera::doc {

using query::Json;

struct IndexField {
  query::Path path;         // the indexed field
  bool descending = false;  // -1 in the key document
};

struct IndexDef {
  uint32_t no = 0;   // the number in every key of this index
  std::string name;  // unique within the collection
  Json keys;         // the key document as given
  std::vector<IndexField> fields;
  bool unique = false;  // at most one document per key
  bool sparse = false;  // documents without any indexed field are left out
  Json partial;         // the partial filter (null: every document)
  std::shared_ptr<const query::Filter> partial_filter;  // parsed `partial`, or null
  bool multikey = false;  // some document put several entries in it (planner must not
                          // intersect range bounds on it)
  bool ready = true;      // false while it is being built (writers maintain it, the planner
                          // does not use it)

  DocIndexInfo Info() const;
};

struct CollectionMeta {
  uint32_t next_index = 1;
  std::vector<IndexDef> indexes;

  // Empty options ("") give an empty collection meta.
  static absl::StatusOr<CollectionMeta> Parse(std::string_view options);
  std::string Serialize() const;
  const IndexDef* Find(std::string_view name) const;
  IndexDef* Find(std::string_view name);
};

// Validates `spec` and turns it into a definition numbered `no`.
absl::StatusOr<IndexDef> MakeIndexDef(const DocIndexSpec& spec, uint32_t no);

// The index entries `doc` has in `def` (value components concatenated, without the key prefix
// or the _id), distinct and sorted; empty when a sparse or partial index leaves the document out.
// Sets *multikey when an array was traversed. InvalidArgument when two indexed fields of a
// compound index are arrays in `doc` ("parallel arrays") or an entry exceeds kMaxIndexKeyBytes.
absl::Status IndexEntries(const IndexDef& def, const Json& doc, std::vector<std::string>* out,
                          bool* multikey);

// The full key of an entry: prefix | entry | pk (pk only for non-unique indexes).
std::string EntryKey(uint64_t coll, const IndexDef& def, std::string_view entry,
                     std::string_view pk);

}  // namespace tessera::doc
