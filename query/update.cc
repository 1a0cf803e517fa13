// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Update::Parse: operator updates and replacement documents into UpdateClauses; the order of
// application; TouchedFields; exact value identity for change detection.
#include <algorithm>
#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "core/util/strings.h"
#include "query/nesting.h"
#include "query/update.h"
#include "tessera/status.h"

namespace tessera::query {
namespace {

struct OpName {
  const char* name;
  UpdateOp op;
};
constexpr OpName kOps[] = {
    {"$set", UpdateOp::kSet},         {"$unset", UpdateOp::kUnset},
    {"$inc", UpdateOp::kInc},         {"$mul", UpdateOp::kMul},
    {"$min", UpdateOp::kMin},         {"$max", UpdateOp::kMax},
    {"$rename", UpdateOp::kRename},   {"$setOnInsert", UpdateOp::kSetOnInsert},
    {"$push", UpdateOp::kPush},       {"$addToSet", UpdateOp::kAddToSet},
    {"$pop", UpdateOp::kPop},         {"$pull", UpdateOp::kPull},
    {"$pullAll", UpdateOp::kPullAll},
};

absl::Status Bad(UpdateOp op, const std::string& path, const std::string& what) {
  return absl::InvalidArgumentError(util::StrCat(UpdateOpName(op), " ", path, ": ", what));
}

// An integer operand: an integer, or a double with an integral value.
std::optional<int64_t> IntegerOf(const Json& v) {
  if (v.is_number_unsigned()) {
    if (v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(v.get<uint64_t>());
  }
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) {
      return static_cast<int64_t>(d);
    }
  }
  return std::nullopt;
}

bool HasDollarKey(const Json& v) {
  if (!v.is_object()) return false;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!it.key().empty() && it.key()[0] == '$') return true;
  }
  return false;
}

// $push / $addToSet operands: a plain value, or {$each: [...], modifiers}.
absl::Status ParseAdd(const Json& v, UpdateClause* c) {
  const std::string& path = c->path.dotted;
  if (!HasDollarKey(v)) {
    c->value = Json::array({v});
    return absl::OkStatus();
  }
  auto each = v.find("$each");
  if (each == v.end()) {
    return Bad(c->op, path, util::StrCat("modifiers need $each, got ", ShowValue(v)));
  }
  if (!each->is_array()) return Bad(c->op, path, "$each needs an array");
  c->value = *each;
  for (auto it = v.begin(); it != v.end(); ++it) {
    const std::string& key = it.key();
    const Json& m = it.value();
    if (key == "$each") continue;
    if (c->op == UpdateOp::kAddToSet) {
      return Bad(c->op, path, util::StrCat("unknown modifier ", key, " (only $each)"));
    }
    if (key == "$slice") {
      c->slice = IntegerOf(m);
      if (!c->slice) return Bad(c->op, path, "$slice needs an integer");
    } else if (key == "$position") {
      c->position = IntegerOf(m);
      if (!c->position) return Bad(c->op, path, "$position needs an integer");
    } else if (key == "$sort") {
      if (m.is_object()) {
        auto spec = SortSpec::Parse(m);
        if (!spec.ok()) {
          return Bad(c->op, path, util::StrCat("$sort: ", util::ToStd(spec.status().message())));
        }
        c->sort_by = std::move(*spec);
      } else {
        auto dir = IntegerOf(m);
        if (!dir || (*dir != 1 && *dir != -1)) {
          return Bad(c->op, path, "$sort needs 1, -1 or a sort document");
        }
        c->sort_whole = static_cast<int>(*dir);
      }
    } else {
      return Bad(c->op, path, util::StrCat("unknown modifier ", key));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseClause(UpdateOp op, const std::string& key, const Json& v, UpdateClause* c) {
  c->op = op;
  auto path = Path::Parse(key);
  if (!path.ok()) {
    return absl::InvalidArgumentError(
        util::StrCat(UpdateOpName(op), " ", key, ": ", util::ToStd(path.status().message())));
  }
  c->path = std::move(*path);
  if (c->path.parts[0] == "_id") return Bad(op, key, "cannot update _id");
  switch (op) {
    case UpdateOp::kSet:
    case UpdateOp::kSetOnInsert:
    case UpdateOp::kMin:
    case UpdateOp::kMax:
    case UpdateOp::kUnset:
      c->value = v;
      break;
    case UpdateOp::kInc:
    case UpdateOp::kMul:
      if (!v.is_number()) return Bad(op, key, util::StrCat("needs a number, got ", ShowValue(v)));
      c->value = v;
      break;
    case UpdateOp::kRename: {
      if (!v.is_string()) return Bad(op, key, "needs a string target");
      auto to = Path::Parse(v.get<std::string>());
      if (!to.ok()) {
        return Bad(op, key, util::StrCat("bad target: ", util::ToStd(to.status().message())));
      }
      if (to->parts[0] == "_id") return Bad(op, key, "cannot rename to _id");
      if (to->dotted == key) return Bad(op, key, "source and target are the same");
      c->rename_to = std::move(*to);
      break;
    }
    case UpdateOp::kPush:
    case UpdateOp::kAddToSet:
      return ParseAdd(v, c);
    case UpdateOp::kPop: {
      auto n = IntegerOf(v);
      if (!n || (*n != 1 && *n != -1)) return Bad(op, key, "needs 1 or -1");
      c->value = *n;
      break;
    }
    case UpdateOp::kPull:
      c->value = v;
      if (v.is_object()) {
        // The condition is matched against each element as $elemMatch would: an operator form
        // applies to the element, a document form to object elements.
        Json wrapped = {{"e", {{"$elemMatch", v}}}};
        auto f = Filter::Parse(wrapped);
        if (!f.ok()) {
          return Bad(op, key, util::StrCat("bad condition: ", util::ToStd(f.status().message())));
        }
        c->pull_cond = std::move(*f);
      }
      break;
    case UpdateOp::kPullAll:
      if (!v.is_array()) return Bad(op, key, "needs an array");
      c->value = v;
      break;
  }
  return absl::OkStatus();
}

// Whether one path is the other or a prefix of it (part-wise).
bool Overlaps(const Path& a, const Path& b) {
  size_t n = std::min(a.parts.size(), b.parts.size());
  for (size_t i = 0; i < n; ++i) {
    if (a.parts[i] != b.parts[i]) return false;
  }
  return true;
}

// MongoDB's field order: part by part, numeric parts numerically, other parts bytewise.
bool PathLess(const Path& a, const Path& b) {
  size_t n = std::min(a.parts.size(), b.parts.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string& x = a.parts[i];
    const std::string& y = b.parts[i];
    if (x == y) continue;
    auto xi = ArrayIndex(x);
    auto yi = ArrayIndex(y);
    if (xi && yi && *xi != *yi) return *xi < *yi;
    return x < y;
  }
  return a.parts.size() < b.parts.size();
}

}  // namespace

const char* UpdateOpName(UpdateOp op) {
  for (const OpName& o : kOps) {
    if (o.op == op) return o.name;
  }
  return "?";
}

absl::StatusOr<Update> Update::Parse(const Json& update) {
  if (!update.is_object()) {
    return absl::InvalidArgumentError(
        util::StrCat("an update must be an object, got ", ShowValue(update)));
  }
  RETURN_IF_ERROR(CheckQueryDepth(update, "the update"));
  Update u;
  const std::string* first_plain = nullptr;
  const std::string* first_op = nullptr;
  for (auto it = update.begin(); it != update.end(); ++it) {
    bool is_op = !it.key().empty() && it.key()[0] == '$';
    (is_op ? first_op : first_plain) = &it.key();
  }
  if (first_plain != nullptr && first_op != nullptr) {
    return absl::InvalidArgumentError(util::StrCat("an update mixes operator ", *first_op,
                                                   " with replacement field ", *first_plain));
  }
  if (first_op == nullptr) {
    u.replacement_ = update;
    return u;
  }
  // The path each clause writes, with the clause index, for the conflict check.
  std::vector<std::pair<const Path*, size_t>> written;
  for (auto it = update.begin(); it != update.end(); ++it) {
    const OpName* found = nullptr;
    for (const OpName& o : kOps) {
      if (it.key() == o.name) found = &o;
    }
    if (found == nullptr) {
      return absl::InvalidArgumentError(util::StrCat("unknown update operator ", it.key()));
    }
    if (!it.value().is_object()) {
      return absl::InvalidArgumentError(
          util::StrCat(it.key(), " needs an object of fields, got ", ShowValue(it.value())));
    }
    for (auto f = it.value().begin(); f != it.value().end(); ++f) {
      UpdateClause c;
      RETURN_IF_ERROR(ParseClause(found->op, f.key(), f.value(), &c));
      u.clauses_.push_back(std::move(c));
    }
  }
  for (size_t i = 0; i < u.clauses_.size(); ++i) {
    const UpdateClause& c = u.clauses_[i];
    written.emplace_back(&c.path, i);
    if (c.rename_to) written.emplace_back(&*c.rename_to, i);
  }
  for (size_t i = 0; i < written.size(); ++i) {
    for (size_t j = i + 1; j < written.size(); ++j) {
      if (!Overlaps(*written[i].first, *written[j].first)) continue;
      const UpdateClause& a = u.clauses_[written[i].second];
      const UpdateClause& b = u.clauses_[written[j].second];
      if (&a == &b) {
        return Bad(a.op, a.path.dotted,
                   util::StrCat("source and target overlap: ", a.path.dotted, " and ",
                                a.rename_to->dotted));
      }
      return absl::InvalidArgumentError(util::StrCat(
          "conflicting update paths ", written[i].first->dotted, " (", UpdateOpName(a.op), ") and ",
          written[j].first->dotted, " (", UpdateOpName(b.op), ")"));
    }
  }
  for (size_t i = 0; i < u.clauses_.size(); ++i) {
    u.steps_.push_back(Step{i, false});
    if (u.clauses_[i].rename_to) u.steps_.push_back(Step{i, true});
  }
  std::stable_sort(u.steps_.begin(), u.steps_.end(), [&u](const Step& a, const Step& b) {
    const UpdateClause& ca = u.clauses_[a.clause];
    const UpdateClause& cb = u.clauses_[b.clause];
    return PathLess(a.rename_target ? *ca.rename_to : ca.path,
                    b.rename_target ? *cb.rename_to : cb.path);
  });
  return u;
}

std::optional<std::vector<std::string>> Update::TouchedFields() const {
  if (replacement_) return std::nullopt;
  std::vector<std::string> out;
  for (const UpdateClause& c : clauses_) {
    out.push_back(c.path.parts[0]);
    if (c.rename_to) out.push_back(c.rename_to->parts[0]);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool IdenticalValues(const Json& a, const Json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    if (a.is_number_unsigned() != b.is_number_unsigned()) {
      // Same value only if both fit int64 (a negative int never equals an unsigned).
      const Json& u = a.is_number_unsigned() ? a : b;
      const Json& s = a.is_number_unsigned() ? b : a;
      return s.get<int64_t>() >= 0 && u.get<uint64_t>() == static_cast<uint64_t>(s.get<int64_t>());
    }
    return a == b;
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Json::value_t::number_float: {
      double x = a.get<double>(), y = b.get<double>();
      if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
      return x == y && std::signbit(x) == std::signbit(y);
    }
    case Json::value_t::array: {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (!IdenticalValues(a[i], b[i])) return false;
      }
      return true;
    }
    case Json::value_t::object: {
      if (a.size() != b.size()) return false;
      for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
        if (x.key() != y.key() || !IdenticalValues(x.value(), y.value())) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

std::string ShowValue(const Json& v) {
  std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

}  // namespace tessera::query
