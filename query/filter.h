// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// MongoDB filter documents: parsed into a FilterNode tree the planner can read, and matched
// against JSON documents. A Filter is immutable after Parse and thread-safe to share.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "query/path.h"
#include "query/value.h"

namespace re2 {
class RE2;
}

namespace tessera::query {

enum class FilterOp {
  kAnd,
  kOr,
  kNor,
  kAlways /* {} */,
  kEq,
  kNe,
  kGt,
  kGte,
  kLt,
  kLte,
  kIn,
  kNin,
  kExists,
  kType,
  kRegex,
  kAll,
  kSize,
  kElemMatch,
  kNot
};

// The name of an operator as written in filters ("$eq"; "$and"; "{}" for kAlways).
const char* FilterOpName(FilterOp op);

struct FilterNode {
  FilterOp op = FilterOp::kAlways;
  Path path;     // field ops (kEq..kNot): the path; empty for kAnd/kOr/kNor/kAlways and for
                 // conditions on the element itself inside $elemMatch
  Json operand;  // kEq..kLte: the value; kIn/kNin/kAll: the array; kExists: bool;
                 // kType: the type name or number (or an array of them); kSize: int;
                 // kRegex: the pattern string
  std::vector<FilterNode> children;       // kAnd/kOr/kNor: clauses; kNot: one child (an operator on
                                          // the same path, or kAnd of several); kElemMatch: the
                                          // conditions on elements (empty path: the element itself)
  std::shared_ptr<const re2::RE2> regex;  // kRegex: the compiled pattern (options applied)
  std::string regex_options;              // kRegex: the $options string as given
};

// A document whose top-level fields are produced on demand (for example decoded lazily from its
// stored bytes), so that a filter can be matched without building the whole document. Matching
// through a FieldSource gives exactly the answer of matching the object holding those fields.
// Not thread-safe (implementations cache what they decode).
class FieldSource {
 public:
  virtual ~FieldSource() = default;
  // The value of the top-level field `name`, or nullptr when the document has no such field.
  // The pointer stays valid until the source is reset or destroyed.
  virtual const Json* Field(const std::string& name) = 0;
  // The whole document as an object (needed only for conditions on the document itself).
  virtual const Json& Whole() = 0;
};

class Filter {
 public:
  // Parses a MongoDB filter document. InvalidArgument naming the operator or path on any mistake.
  static absl::StatusOr<Filter> Parse(const Json& filter);
  bool Matches(const Json& doc) const;
  // The same answer as Matches(the document `doc` stands for), reading only the fields named by
  // the filter's paths.
  bool Matches(FieldSource& doc) const;
  // The root: kAnd of the top-level clauses (implicit equalities and explicit $and flattened into
  // it), or kAlways for {}.
  const FilterNode& root() const { return root_; }
  // Equality conditions usable to seed an upserted document; operators other than $eq skipped.
  std::vector<std::pair<Path, Json>> Equalities() const;

 private:
  FilterNode root_;
};

// Matches one node against a document (exposed for $pull conditions and tests).
bool MatchNode(const FilterNode& node, const Json& doc);
bool MatchNode(const FilterNode& node, FieldSource& doc);

}  // namespace tessera::query
