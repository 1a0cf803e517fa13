// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The commonest write of key-value-like workloads (YCSB's update), applied straight to the stored
// bytes: filter {_id: <scalar>}, update {$set: {<top-level name>: <value>, ...}}, every named
// field already in the document. Each set field's value bytes are replaced and every other byte
// is copied, with no decoded document, no parsed filter or update and no partial document. The
// result is byte for byte what the general path (Filter/Update parse, decode, Update::Apply,
// PartialDoc::Splice) writes, and it reports a change exactly when that path does
// (doc_write_fast_test.cc compares both on random documents and updates). Anything else returns
// nullopt and takes the general path.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/doc/msgpack.h"

namespace tessera::doc {

// An update of that shape: views into the filter and update documents, which must outlive it.
struct SetById {
  const Json* id = nullptr;                                        // the filter's _id value
  std::vector<std::pair<const std::string*, const Json*>> fields;  // name, value; sorted by name
};

// The update as a SetById, or nullopt when `filter` or `update` has another shape, or when the
// general path might report an error for it.
std::optional<SetById> MatchSetById(const Json& filter, const Json& update);

// One document updated by ApplySetById.
struct SetByIdResult {
  bool changed = false;  // false: every set value is identical to the stored one
  std::string stored;    // the new stored form, when changed
  std::string id_text;   // the stored _id as JSON text (the change event's key)
};

// Applies `set` to the stored document `stored`. nullopt when this path cannot stand for the
// general one: a set field missing from the document (new fields are placed by MongoDB's field
// order), a field stored twice, a value the general path would reject or compare otherwise (NaN),
// a malformed document.
std::optional<SetByIdResult> ApplySetById(const SetById& set, std::string_view stored);

}  // namespace tessera::doc
