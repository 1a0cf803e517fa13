// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Filter::Parse: MongoDB filter documents into FilterNode trees.
#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "core/util/strings.h"
#include "query/filter.h"
#include "query/nesting.h"
#include "re2/re2.h"
#include "tessera/status.h"

namespace tessera::query {
namespace {

absl::Status Bad(const std::string& what, const Path& path) {
  if (path.dotted.empty()) return absl::InvalidArgumentError(what);
  return absl::InvalidArgumentError(util::StrCat(what, " at ", path.dotted));
}

bool IsOperatorObject(const Json& v) {
  return v.is_object() && !v.empty() && v.begin().key().size() > 0 && v.begin().key()[0] == '$';
}

// Valid $type names and numbers.
bool ValidTypeSpec(const Json& t) {
  if (t.is_string()) {
    static const char* kNames[] = {"double", "string", "object", "array", "bool",
                                   "null",   "int",    "long",   "number"};
    for (const char* n : kNames) {
      if (t.get_ref<const std::string&>() == n) return true;
    }
    return false;
  }
  if (t.is_number()) {
    double d = t.get<double>();
    return d == 1 || d == 2 || d == 3 || d == 4 || d == 8 || d == 10 || d == 16 || d == 18;
  }
  return false;
}

// Removes whitespace and '#' comments outside character classes (the 'x' option; RE2 has no
// extended mode of its own).
std::string StripExtended(const std::string& re) {
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\' && i + 1 < re.size()) {
      out += c;
      out += re[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') continue;
    if (c == '#') {
      while (i < re.size() && re[i] != '\n') ++i;
      continue;
    }
    out += c;
  }
  return out;
}

absl::Status CompileRegex(const Path& path, const Json& pattern, const Json* options,
                          FilterNode* node) {
  if (!pattern.is_string()) return Bad("$regex needs a string", path);
  std::string opts;
  if (options != nullptr) {
    if (!options->is_string()) return Bad("$options needs a string", path);
    opts = options->get<std::string>();
  }
  std::string flags;
  bool extended = false;
  for (char c : opts) {
    if (c == 'i' || c == 'm' || c == 's') {
      if (flags.find(c) == std::string::npos) flags += c;
    } else if (c == 'x') {
      extended = true;
    } else {
      return Bad(util::StrCat("unknown $regex option '", c, "'"), path);
    }
  }
  std::string re = pattern.get<std::string>();
  if (extended) re = StripExtended(re);
  if (!flags.empty()) re = util::StrCat("(?", flags, ")", re);
  RE2::Options ro;
  ro.set_log_errors(false);
  auto compiled = std::make_shared<const RE2>(re, ro);
  if (!compiled->ok()) {
    return Bad(
        util::StrCat("invalid $regex '", pattern.get<std::string>(), "': ", compiled->error()),
        path);
  }
  node->op = FilterOp::kRegex;
  node->path = path;
  node->operand = pattern;
  node->regex = std::move(compiled);
  node->regex_options = opts;
  return absl::OkStatus();
}

absl::Status ParseClauses(const Json& doc, std::vector<FilterNode>* out);

// Parses {$gt: 1, $lt: 5, ...} for `path` into one node per operator.
absl::Status ParseOperators(const Path& path, const Json& ops, std::vector<FilterNode>* out) {
  const Json* options = ops.contains("$options") ? &ops["$options"] : nullptr;
  if (options != nullptr && !ops.contains("$regex")) return Bad("$options without $regex", path);
  for (auto it = ops.begin(); it != ops.end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    if (key.empty() || key[0] != '$') {
      return Bad(util::StrCat("mixing operators and field '", key, "'"), path);
    }
    FilterNode n;
    n.path = path;
    n.operand = v;
    if (key == "$eq" || key == "$ne" || key == "$gt" || key == "$gte" || key == "$lt" ||
        key == "$lte") {
      n.op = key == "$eq"    ? FilterOp::kEq
             : key == "$ne"  ? FilterOp::kNe
             : key == "$gt"  ? FilterOp::kGt
             : key == "$gte" ? FilterOp::kGte
             : key == "$lt"  ? FilterOp::kLt
                             : FilterOp::kLte;
    } else if (key == "$in" || key == "$nin" || key == "$all") {
      if (!v.is_array()) return Bad(util::StrCat(key, " needs an array"), path);
      for (const Json& e : v) {
        if (IsOperatorObject(e)) {
          return Bad(
              util::StrCat(key, " does not accept operator objects such as ", e.begin().key()),
              path);
        }
      }
      n.op = key == "$in" ? FilterOp::kIn : key == "$nin" ? FilterOp::kNin : FilterOp::kAll;
    } else if (key == "$exists") {
      if (!v.is_boolean() && !v.is_number()) return Bad("$exists needs a boolean", path);
      n.op = FilterOp::kExists;
      n.operand = v.is_boolean() ? v.get<bool>() : v.get<double>() != 0;
    } else if (key == "$type") {
      if (v.is_array()) {
        if (v.empty()) return Bad("$type needs at least one type", path);
        for (const Json& t : v) {
          if (!ValidTypeSpec(t)) return Bad(util::StrCat("unknown $type ", t.dump()), path);
        }
      } else if (!ValidTypeSpec(v)) {
        return Bad(util::StrCat("unknown $type ", v.dump()), path);
      }
      n.op = FilterOp::kType;
    } else if (key == "$regex") {
      RETURN_IF_ERROR(CompileRegex(path, v, options, &n));
    } else if (key == "$options") {
      continue;  // consumed with $regex
    } else if (key == "$size") {
      bool ok = v.is_number_integer() ? v.get<int64_t>() >= 0
                : v.is_number_float() ? (v.get<double>() >= 0 && v.get<double>() < 1e18 &&
                                         std::floor(v.get<double>()) == v.get<double>())
                                      : false;
      if (!ok) return Bad("$size needs a non-negative integer", path);
      n.op = FilterOp::kSize;
      n.operand = v.is_number_float() ? static_cast<int64_t>(v.get<double>()) : v.get<int64_t>();
    } else if (key == "$elemMatch") {
      if (!v.is_object()) return Bad("$elemMatch needs an object", path);
      n.op = FilterOp::kElemMatch;
      n.operand = nullptr;
      bool ops_form = IsOperatorObject(v) && v.begin().key() != "$and" &&
                      v.begin().key() != "$or" && v.begin().key() != "$nor";
      if (ops_form) {
        RETURN_IF_ERROR(ParseOperators(Path{}, v, &n.children));
      } else {
        RETURN_IF_ERROR(ParseClauses(v, &n.children));
      }
    } else if (key == "$not") {
      if (!IsOperatorObject(v)) return Bad("$not needs an operator expression", path);
      n.op = FilterOp::kNot;
      n.operand = nullptr;
      std::vector<FilterNode> inner;
      RETURN_IF_ERROR(ParseOperators(path, v, &inner));
      if (inner.size() == 1) {
        n.children.push_back(std::move(inner[0]));
      } else {
        FilterNode all;
        all.op = FilterOp::kAnd;
        all.children = std::move(inner);
        n.children.push_back(std::move(all));
      }
    } else {
      return Bad(util::StrCat("unknown operator ", key), path);
    }
    out->push_back(std::move(n));
  }
  return absl::OkStatus();
}

absl::Status ParseLogical(const std::string& key, const Json& v, FilterNode* node) {
  if (!v.is_array() || v.empty()) {
    return absl::InvalidArgumentError(util::StrCat(key, " needs a non-empty array"));
  }
  node->op = key == "$and" ? FilterOp::kAnd : key == "$or" ? FilterOp::kOr : FilterOp::kNor;
  for (const Json& clause : v) {
    if (!clause.is_object()) {
      return absl::InvalidArgumentError(util::StrCat(key, " needs an array of objects"));
    }
    FilterNode child;
    child.op = FilterOp::kAnd;
    RETURN_IF_ERROR(ParseClauses(clause, &child.children));
    if (child.children.empty()) child.op = FilterOp::kAlways;
    node->children.push_back(std::move(child));
  }
  return absl::OkStatus();
}

// Appends the clauses of one filter document (top-level $and flattened).
absl::Status ParseClauses(const Json& doc, std::vector<FilterNode>* out) {
  if (!doc.is_object()) return absl::InvalidArgumentError("a filter must be an object");
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    if (!key.empty() && key[0] == '$') {
      if (key != "$and" && key != "$or" && key != "$nor") {
        return absl::InvalidArgumentError(util::StrCat("unknown top-level operator ", key));
      }
      FilterNode n;
      RETURN_IF_ERROR(ParseLogical(key, it.value(), &n));
      if (n.op == FilterOp::kAnd) {
        for (FilterNode& c : n.children) {
          if (c.op == FilterOp::kAnd) {
            for (FilterNode& cc : c.children) out->push_back(std::move(cc));
          } else if (c.op != FilterOp::kAlways) {
            out->push_back(std::move(c));
          }
        }
      } else {
        out->push_back(std::move(n));
      }
      continue;
    }
    ASSIGN_OR_RETURN(Path path, Path::Parse(key));
    if (IsOperatorObject(it.value())) {
      RETURN_IF_ERROR(ParseOperators(path, it.value(), out));
    } else {
      FilterNode n;
      n.op = FilterOp::kEq;
      n.path = std::move(path);
      n.operand = it.value();
      out->push_back(std::move(n));
    }
  }
  return absl::OkStatus();
}

void CollectEqualities(const FilterNode& node, std::vector<std::pair<Path, Json>>* out) {
  for (const FilterNode& c : node.children) {
    if (c.op == FilterOp::kEq && !c.path.parts.empty()) {
      out->emplace_back(c.path, c.operand);
    } else if (c.op == FilterOp::kAnd) {
      CollectEqualities(c, out);
    }
  }
}

}  // namespace

const char* FilterOpName(FilterOp op) {
  switch (op) {
    case FilterOp::kAnd:
      return "$and";
    case FilterOp::kOr:
      return "$or";
    case FilterOp::kNor:
      return "$nor";
    case FilterOp::kAlways:
      return "{}";
    case FilterOp::kEq:
      return "$eq";
    case FilterOp::kNe:
      return "$ne";
    case FilterOp::kGt:
      return "$gt";
    case FilterOp::kGte:
      return "$gte";
    case FilterOp::kLt:
      return "$lt";
    case FilterOp::kLte:
      return "$lte";
    case FilterOp::kIn:
      return "$in";
    case FilterOp::kNin:
      return "$nin";
    case FilterOp::kExists:
      return "$exists";
    case FilterOp::kType:
      return "$type";
    case FilterOp::kRegex:
      return "$regex";
    case FilterOp::kAll:
      return "$all";
    case FilterOp::kSize:
      return "$size";
    case FilterOp::kElemMatch:
      return "$elemMatch";
    case FilterOp::kNot:
      return "$not";
  }
  return "?";
}

absl::StatusOr<Filter> Filter::Parse(const Json& filter) {
  RETURN_IF_ERROR(CheckQueryDepth(filter, "the filter"));
  Filter f;
  f.root_.op = FilterOp::kAnd;
  RETURN_IF_ERROR(ParseClauses(filter, &f.root_.children));
  if (f.root_.children.empty()) f.root_.op = FilterOp::kAlways;
  return f;
}

std::vector<std::pair<Path, Json>> Filter::Equalities() const {
  std::vector<std::pair<Path, Json>> out;
  CollectEqualities(root_, &out);
  return out;
}

}  // namespace tessera::query
