// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// MongoDB update documents: operator updates ({$set: {...}, $inc: {...}}) and replacement
// documents, parsed once and applied to JSON documents. An Update is immutable after Parse and
// thread-safe to share; Apply only touches the document it is given.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/filter.h"
#include "query/path.h"
#include "query/sort.h"
#include "query/value.h"

namespace tessera::query {

enum class UpdateOp {
  kSet,
  kUnset,
  kInc,
  kMul,
  kMin,
  kMax,
  kRename,
  kSetOnInsert,
  kPush,
  kAddToSet,
  kPop,
  kPull,
  kPullAll
};

// The name of an update operator as written in updates ("$set").
const char* UpdateOpName(UpdateOp op);

// One operator applied to one path, as parsed.
struct UpdateClause {
  UpdateOp op = UpdateOp::kSet;
  Path path;                        // the field changed ($rename: the source)
  Json value;                       // the operand; $push/$addToSet: the array of values to add
                                    // ($each or the single value wrapped); $pop: 1 or -1
  std::optional<Path> rename_to;    // $rename: the target
  std::optional<int64_t> slice;     // $push $slice
  std::optional<int64_t> position;  // $push $position
  std::optional<int> sort_whole;    // $push $sort: 1 or -1 on the elements themselves
  std::optional<SortSpec> sort_by;  // $push $sort: {field: 1/-1} on object elements
  std::optional<Filter> pull_cond;  // $pull with an object operand: the condition on elements
};

class Update {
 public:
  // An operator update ({$set: {...}, $inc: {...}}) or a replacement document (no $-keys at the
  // top; mixing is an error). Conflicting paths across operators ({$set: {a: 1}, $inc: {a: 1}} or
  // a and a.b) are an error naming both paths. Updating _id is an error. Errors name the operator
  // and path. `{}` is an (empty) replacement, as in MongoDB.
  static absl::StatusOr<Update> Parse(const Json& update);
  bool is_replacement() const { return replacement_.has_value(); }
  // Applies to `*doc` (an object). `is_insert`: the document is being created by an upsert
  // ($setOnInsert applies only then). Returns whether the document changed. Errors (the document
  // is then left unchanged): $inc on a non-number, $push on a non-array, a path through a scalar,
  // etc. A replacement keeps the _id of *doc (a replacement naming a different _id is an error).
  absl::StatusOr<bool> Apply(Json* doc, bool is_insert) const;
  // The top-level field names (first path parts, sorted, distinct) the update may change; the
  // document store uses it to skip index maintenance for untouched fields. For a replacement:
  // std::nullopt, meaning "everything".
  std::optional<std::vector<std::string>> TouchedFields() const;
  // The parsed clauses in the order written (empty for a replacement).
  const std::vector<UpdateClause>& clauses() const { return clauses_; }

 private:
  // One step of application: clause `clause`, at its path or (for $rename) its target.
  struct Step {
    size_t clause = 0;
    bool rename_target = false;
  };
  std::vector<UpdateClause> clauses_;
  std::vector<Step> steps_;  // clause steps in MongoDB's field order (see docs/query.md)
  std::optional<Json> replacement_;
};

// Exact equality for change detection: like ValuesEqual, but the JSON types must also agree
// (1 and 1.0 differ; signed and unsigned integers of the same value are equal) and object
// fields must be in the same order.
bool IdenticalValues(const Json& a, const Json& b);

// A value for an error message: never throws (invalid UTF-8 is replaced); past 80 bytes cut to
// 77 and "...".
std::string ShowValue(const Json& v);

}  // namespace tessera::query
