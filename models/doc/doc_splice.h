// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Operator updates applied to a stored document without decoding and re-encoding all of it: only
// the top-level fields an update touches (and those its filter reads) are decoded; the update is
// applied to that partial document; the new stored form copies the bytes of every other field and
// re-encodes only the touched ones. The result is byte for byte what decoding the whole document,
// applying the update and EncodeDocument give (doc_splice_test.cc checks it on random documents
// and updates), because Update::Apply keeps every remaining field in place and appends new ones.
//
// Not thread-safe (one object per document); a PartialDoc refers to the stored bytes it loaded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "models/doc/msgpack.h"

namespace tessera::doc {

class PartialDoc {
 public:
  // Indexes the stored document `stored` (which must outlive this object) and decodes its
  // top-level fields named in `wanted` (sorted, distinct) into fields(). DataLossError on a
  // malformed document.
  absl::Status Load(std::string_view stored, const FieldSet& wanted);

  // The wanted fields the document has, in stored order.
  const Json& fields() const { return fields_; }
  // The same, for an update applied in place (Splice reads only the stored bytes).
  Json* mutable_fields() { return &fields_; }

  // Appends to `*out` the stored form of the document whose top-level fields named in `touched`
  // (sorted, distinct; a subset of `wanted`) are those of `after` (fields() with the update
  // applied; a touched field missing from it is removed) and whose other fields are unchanged.
  // False (nothing usable appended) when the result would not match a full re-encode: a wanted
  // field stored twice, or `after` holding its surviving fields in another order than the stored.
  bool Splice(const Json& after, const std::vector<std::string>& touched, std::string* out) const;

 private:
  std::string_view body_;            // the MessagePack object (after the format byte)
  size_t header_ = 0;                // bytes of its map header
  std::vector<MsgpackField> index_;  // every top-level field, in stored order
  Json fields_;                      // the wanted ones, decoded
  bool duplicates_ = false;          // a wanted field is stored more than once
};

}  // namespace tessera::doc
