// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Update::Apply: the operators on a working copy of the document (so an error leaves the
// document untouched), and replacement documents.
#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "core/util/strings.h"
#include "query/update.h"
#include "tessera/status.h"

namespace tessera::query {
namespace {

std::string Prefix(const Path& p, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += '.';
    out += p.parts[i];
  }
  return out;
}

absl::Status Fail(const UpdateClause& c, const Path& p, const std::string& what) {
  return absl::InvalidArgumentError(util::StrCat(UpdateOpName(c.op), " ", p.dotted, ": ", what));
}

// The container that holds the last part of `p`, creating missing objects on the way (and
// padding arrays with null up to a numeric part). `no_arrays`: meeting an array is an error.
absl::StatusOr<Json*> WriteParent(Json* doc, const UpdateClause& c, const Path& p, bool no_arrays) {
  Json* node = doc;
  for (size_t i = 0; i < p.parts.size(); ++i) {
    const std::string& part = p.parts[i];
    bool last = i + 1 == p.parts.size();
    if (node->is_array()) {
      if (no_arrays)
        return Fail(c, p, util::StrCat("the path passes through array ", Prefix(p, i)));
      auto idx = ArrayIndex(part);
      if (!idx) {
        return Fail(c, p, util::StrCat("cannot create field '", part, "' in array ", Prefix(p, i)));
      }
      if (last) return node;
      if (*idx >= node->size()) {
        while (node->size() < *idx) node->push_back(nullptr);
        node->push_back(Json::object());
      }
      node = &(*node)[*idx];
    } else if (node->is_object()) {
      if (last) return node;
      auto it = node->find(part);
      if (it == node->end()) {
        Json& created = (*node)[part];
        created = Json::object();
        node = &created;
      } else {
        node = &it.value();
      }
    } else {
      return Fail(c, p,
                  util::StrCat("cannot create field '", part, "' in ", Prefix(p, i), " (",
                               ShowValue(*node), ")"));
    }
  }
  return node;  // not reached: paths have at least one part
}

// The container that holds the last part of `p` if the path can exist, else null (no error:
// $unset, $pop, $pull and $pullAll of a path that cannot exist are no-ops).
Json* ReadParent(Json* doc, const Path& p) {
  Json* node = doc;
  for (size_t i = 0; i + 1 < p.parts.size(); ++i) {
    const std::string& part = p.parts[i];
    if (node->is_object()) {
      auto it = node->find(part);
      if (it == node->end()) return nullptr;
      node = &it.value();
    } else if (node->is_array()) {
      auto idx = ArrayIndex(part);
      if (!idx || *idx >= node->size()) return nullptr;
      node = &(*node)[*idx];
    } else {
      return nullptr;
    }
  }
  return node->is_object() || node->is_array() ? node : nullptr;
}

// The value `parent` holds under `part`, or null if missing.
Json* Child(Json* parent, const std::string& part) {
  if (parent->is_object()) {
    auto it = parent->find(part);
    return it == parent->end() ? nullptr : &it.value();
  }
  if (parent->is_array()) {
    auto idx = ArrayIndex(part);
    return idx && *idx < parent->size() ? &(*parent)[*idx] : nullptr;
  }
  return nullptr;
}

// Stores `v` under `part` (an existing field keeps its position; an array is padded with null).
void SetChild(Json* parent, const std::string& part, Json v) {
  if (parent->is_object()) {
    (*parent)[part] = std::move(v);
    return;
  }
  size_t idx = *ArrayIndex(part);  // WriteParent checked it
  while (parent->size() <= idx) parent->push_back(nullptr);
  (*parent)[idx] = std::move(v);
}

// The $rename source in the original document; an array on the way is an error.
absl::StatusOr<const Json*> RenameSource(const Json& doc, const UpdateClause& c) {
  const Json* node = &doc;
  for (size_t i = 0; i < c.path.parts.size(); ++i) {
    if (node->is_array()) {
      return Fail(c, c.path, util::StrCat("the path passes through array ", Prefix(c.path, i)));
    }
    if (!node->is_object()) return nullptr;
    auto it = node->find(c.path.parts[i]);
    if (it == node->end()) return nullptr;
    node = &it.value();
  }
  return node;
}

__int128 Wide(const Json& v) {
  return v.is_number_unsigned() ? static_cast<__int128>(v.get<uint64_t>())
                                : static_cast<__int128>(v.get<int64_t>());
}

// $inc / $mul of two numbers: integers stay integers (an error past the 64-bit range), any
// double makes a double.
absl::StatusOr<Json> Arith(const UpdateClause& c, const Json& cur, const Json& arg) {
  bool mul = c.op == UpdateOp::kMul;
  if (cur.is_number_integer() && arg.is_number_integer()) {
    __int128 r = 0;
    bool overflow = mul ? __builtin_mul_overflow(Wide(cur), Wide(arg), &r)
                        : __builtin_add_overflow(Wide(cur), Wide(arg), &r);
    if (!overflow && r >= INT64_MIN && r <= INT64_MAX) return Json(static_cast<int64_t>(r));
    if (!overflow && r >= 0 && r <= static_cast<__int128>(UINT64_MAX)) {
      return Json(static_cast<uint64_t>(r));
    }
    return Fail(c, c.path,
                util::StrCat("integer overflow applying ", ShowValue(arg), " to ", ShowValue(cur)));
  }
  double x = cur.get<double>(), y = arg.get<double>();
  return Json(mul ? x * y : x + y);
}

absl::Status Push(const UpdateClause& c, Json* arr) {
  const Json& add = c.value;
  int64_t size = static_cast<int64_t>(arr->size());
  int64_t pos = size;
  if (c.position) {
    pos = *c.position < 0 ? std::max<int64_t>(0, size + *c.position)
                          : std::min<int64_t>(size, *c.position);
  }
  arr->insert(arr->begin() + pos, add.begin(), add.end());
  if (c.sort_whole) {
    int dir = *c.sort_whole;
    std::stable_sort(arr->begin(), arr->end(),
                     [dir](const Json& a, const Json& b) { return dir * CompareValues(a, b) < 0; });
  } else if (c.sort_by) {
    const SortSpec& spec = *c.sort_by;
    std::stable_sort(arr->begin(), arr->end(),
                     [&spec](const Json& a, const Json& b) { return spec.Compare(a, b) < 0; });
  }
  if (c.slice) {
    size_t n = arr->size();
    if (*c.slice >= 0) {
      if (static_cast<uint64_t>(*c.slice) < n) arr->erase(arr->begin() + *c.slice, arr->end());
    } else {
      uint64_t keep = static_cast<uint64_t>(-(*c.slice + 1)) + 1;
      if (keep < n) arr->erase(arr->begin(), arr->begin() + static_cast<int64_t>(n - keep));
    }
  }
  return absl::OkStatus();
}

bool PullMatches(const UpdateClause& c, const Json& e) {
  if (!c.pull_cond) return ValuesEqual(c.value, e);
  const Json& v = c.value;
  bool ops_form = !v.empty() && !v.begin().key().empty() && v.begin().key()[0] == '$' &&
                  v.begin().key() != "$and" && v.begin().key() != "$or" &&
                  v.begin().key() != "$nor";
  if (!ops_form && !e.is_object()) return false;
  Json wrapped = Json::object();
  wrapped["e"] = Json::array({e});
  return c.pull_cond->Matches(wrapped);
}

// Operators that need the field to exist and otherwise do nothing.
absl::Status ApplyRemoving(const UpdateClause& c, Json* doc) {
  Json* parent = ReadParent(doc, c.path);
  if (parent == nullptr) return absl::OkStatus();
  const std::string& last = c.path.parts.back();
  Json* cur = Child(parent, last);
  if (cur == nullptr) return absl::OkStatus();
  if (c.op == UpdateOp::kUnset) {
    if (parent->is_object()) {
      parent->erase(last);
    } else {
      *cur = nullptr;  // MongoDB keeps array positions: $unset of an element sets it to null
    }
    return absl::OkStatus();
  }
  if (!cur->is_array()) {
    return Fail(c, c.path, util::StrCat("cannot apply to a non-array value ", ShowValue(*cur)));
  }
  if (c.op == UpdateOp::kPop) {
    if (cur->empty()) return absl::OkStatus();
    if (c.value.get<int64_t>() == 1) {
      cur->erase(cur->end() - 1);
    } else {
      cur->erase(cur->begin());
    }
    return absl::OkStatus();
  }
  Json kept = Json::array();
  for (Json& e : *cur) {
    bool drop = false;
    if (c.op == UpdateOp::kPull) {
      drop = PullMatches(c, e);
    } else {
      for (const Json& v : c.value) {
        if (ValuesEqual(v, e)) {
          drop = true;
          break;
        }
      }
    }
    if (!drop) kept.push_back(std::move(e));
  }
  *cur = std::move(kept);
  return absl::OkStatus();
}

absl::Status ApplyStep(const UpdateClause& c, bool rename_target, const Json& original, Json* doc) {
  switch (c.op) {
    case UpdateOp::kUnset:
    case UpdateOp::kPop:
    case UpdateOp::kPull:
    case UpdateOp::kPullAll:
      return ApplyRemoving(c, doc);
    case UpdateOp::kRename: {
      ASSIGN_OR_RETURN(const Json* src, RenameSource(original, c));
      if (src == nullptr) return absl::OkStatus();
      if (!rename_target) {
        Json* parent = ReadParent(doc, c.path);
        if (parent != nullptr) parent->erase(c.path.parts.back());
        return absl::OkStatus();
      }
      ASSIGN_OR_RETURN(Json * parent, WriteParent(doc, c, *c.rename_to, /*no_arrays=*/true));
      SetChild(parent, c.rename_to->parts.back(), *src);
      return absl::OkStatus();
    }
    default:
      break;
  }
  ASSIGN_OR_RETURN(Json * parent, WriteParent(doc, c, c.path, /*no_arrays=*/false));
  const std::string& last = c.path.parts.back();
  Json* cur = Child(parent, last);
  switch (c.op) {
    case UpdateOp::kSet:
    case UpdateOp::kSetOnInsert:
      SetChild(parent, last, c.value);
      return absl::OkStatus();
    case UpdateOp::kInc:
    case UpdateOp::kMul: {
      if (cur == nullptr) {
        // A missing field: $inc sets the operand, $mul a zero of the operand's type.
        Json zero = c.value.is_number_float() ? Json(0.0) : Json(0);
        SetChild(parent, last, c.op == UpdateOp::kInc ? c.value : zero);
        return absl::OkStatus();
      }
      if (!cur->is_number()) {
        return Fail(c, c.path, util::StrCat("cannot apply to a non-number ", ShowValue(*cur)));
      }
      ASSIGN_OR_RETURN(Json r, Arith(c, *cur, c.value));
      *cur = std::move(r);
      return absl::OkStatus();
    }
    case UpdateOp::kMin:
    case UpdateOp::kMax: {
      if (cur == nullptr) {
        SetChild(parent, last, c.value);
        return absl::OkStatus();
      }
      int cmp = CompareValues(c.value, *cur);
      if (c.op == UpdateOp::kMin ? cmp < 0 : cmp > 0) *cur = c.value;
      return absl::OkStatus();
    }
    case UpdateOp::kPush:
    case UpdateOp::kAddToSet: {
      if (cur == nullptr) {
        SetChild(parent, last, Json::array());
        cur = Child(parent, last);
      } else if (!cur->is_array()) {
        return Fail(c, c.path, util::StrCat("cannot apply to a non-array value ", ShowValue(*cur)));
      }
      if (c.op == UpdateOp::kPush) return Push(c, cur);
      for (const Json& v : c.value) {
        bool present = false;
        for (const Json& e : *cur) {
          if (ValuesEqual(e, v)) {
            present = true;
            break;
          }
        }
        if (!present) cur->push_back(v);
      }
      return absl::OkStatus();
    }
    default:
      return absl::InternalError(util::StrCat("unhandled update operator ", UpdateOpName(c.op)));
  }
}

}  // namespace

absl::StatusOr<bool> Update::Apply(Json* doc, bool is_insert) const {
  if (doc == nullptr || !doc->is_object()) {
    return absl::InvalidArgumentError("an update applies to an object document");
  }
  if (replacement_) {
    Json out = Json::object();
    auto id = doc->find("_id");
    auto new_id = replacement_->find("_id");
    if (id != doc->end()) {
      if (new_id != replacement_->end() && !ValuesEqual(*new_id, *id)) {
        return absl::InvalidArgumentError(util::StrCat("a replacement cannot change _id (from ",
                                                       ShowValue(*id), " to ", ShowValue(*new_id),
                                                       ")"));
      }
      out["_id"] = *id;
    } else if (new_id != replacement_->end()) {
      out["_id"] = *new_id;
    }
    for (auto it = replacement_->begin(); it != replacement_->end(); ++it) {
      if (it.key() != "_id") out[it.key()] = it.value();
    }
    if (IdenticalValues(out, *doc)) return false;
    *doc = std::move(out);
    return true;
  }
  Json work = *doc;
  for (const Step& s : steps_) {
    const UpdateClause& c = clauses_[s.clause];
    if (c.op == UpdateOp::kSetOnInsert && !is_insert) continue;
    RETURN_IF_ERROR(ApplyStep(c, s.rename_target, *doc, &work));
  }
  if (IdenticalValues(work, *doc)) return false;
  *doc = std::move(work);
  return true;
}

}  // namespace tessera::query
