// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Filter matching: MongoDB's path semantics (implicit array traversal, null matches missing,
// type bracketing, negations as the complement of the whole positive match).
#include <cstdint>
#include <functional>
#include <string>

#include "query/filter.h"
#include "re2/re2.h"

namespace tessera::query {
namespace {

// Calls `leaf` with every value `node` holds at parts[i..] (nullptr: missing); true if any call
// returned true. Numeric parts on arrays select positions; other parts traverse the array's
// object elements (nested arrays and scalars are skipped; an array with no object elements
// counts as missing).
bool Walk(const Json& node, const Path& path, size_t i,
          const std::function<bool(const Json*)>& leaf) {
  if (i == path.parts.size()) return leaf(&node);
  const std::string& part = path.parts[i];
  if (node.is_object()) {
    auto it = node.find(part);
    if (it == node.end()) return leaf(nullptr);
    return Walk(*it, path, i + 1, leaf);
  }
  if (node.is_array()) {
    if (auto idx = ArrayIndex(part)) {
      if (*idx < node.size()) return Walk(node[*idx], path, i + 1, leaf);
      return leaf(nullptr);
    }
    bool any_object = false;
    for (const Json& e : node) {
      if (!e.is_object()) continue;
      any_object = true;
      if (Walk(e, path, i, leaf)) return true;
    }
    return any_object ? false : leaf(nullptr);
  }
  return leaf(nullptr);
}

bool EqualsOperand(const Json* v, const Json& operand) {
  if (operand.is_null()) return v == nullptr || v->is_null();
  return v != nullptr && ValuesEqual(*v, operand);
}

bool TypeMatches(const Json& v, const Json& t) {
  if (t.is_number()) {
    switch (static_cast<int>(t.get<double>())) {
      case 1:
        return v.is_number_float();
      case 2:
        return v.is_string();
      case 3:
        return v.is_object();
      case 4:
        return v.is_array();
      case 8:
        return v.is_boolean();
      case 10:
        return v.is_null();
      case 16:
        return TypeMatches(v, Json("int"));
      case 18:
        return TypeMatches(v, Json("long"));
    }
    return false;
  }
  const std::string& name = t.get_ref<const std::string&>();
  bool fits32 = v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() >= INT32_MIN &&
                v.get<int64_t>() <= INT32_MAX;
  if (v.is_number_unsigned()) fits32 = v.get<uint64_t>() <= INT32_MAX;
  if (name == "double") return v.is_number_float();
  if (name == "string") return v.is_string();
  if (name == "object") return v.is_object();
  if (name == "array") return v.is_array();
  if (name == "bool") return v.is_boolean();
  if (name == "null") return v.is_null();
  if (name == "int") return v.is_number_integer() && fits32;
  if (name == "long") return v.is_number_integer() && !fits32;
  if (name == "number") return v.is_number();
  return false;
}

// The positive predicate `op` with `operand` of a field node on one value (no array expansion);
// `op` and `operand` differ from the node's for the negations and $all.
bool Pred(const FilterNode& n, FilterOp op, const Json& operand, const Json* v) {
  switch (op) {
    case FilterOp::kEq:
      return EqualsOperand(v, operand);
    case FilterOp::kGt:
    case FilterOp::kGte:
    case FilterOp::kLt:
    case FilterOp::kLte: {
      bool inclusive = op == FilterOp::kGte || op == FilterOp::kLte;
      if (operand.is_null()) return inclusive && EqualsOperand(v, operand);
      if (v == nullptr || ClassOf(*v) != ClassOf(operand)) return false;  // type bracketing
      if (operand.is_number_float() && std::isnan(operand.get<double>())) {
        // NaN compares equal only to NaN; no number is above or below it for range operators.
        return inclusive && v->is_number_float() && std::isnan(v->get<double>());
      }
      if (v->is_number_float() && std::isnan(v->get<double>())) return false;
      int c = CompareValues(*v, operand);
      switch (op) {
        case FilterOp::kGt:
          return c > 0;
        case FilterOp::kGte:
          return c >= 0;
        case FilterOp::kLt:
          return c < 0;
        default:
          return c <= 0;
      }
    }
    case FilterOp::kIn:
      for (const Json& o : operand) {
        if (EqualsOperand(v, o)) return true;
      }
      return false;
    case FilterOp::kType:
      if (v == nullptr) return false;
      if (operand.is_array()) {
        for (const Json& t : operand) {
          if (TypeMatches(*v, t)) return true;
        }
        return false;
      }
      return TypeMatches(*v, operand);
    case FilterOp::kRegex:
      return v != nullptr && v->is_string() &&
             RE2::PartialMatch(v->get_ref<const std::string&>(), *n.regex);
    case FilterOp::kSize:
      return v != nullptr && v->is_array() &&
             static_cast<int64_t>(v->size()) == operand.get<int64_t>();
    case FilterOp::kElemMatch: {
      if (v == nullptr || !v->is_array()) return false;
      for (const Json& e : *v) {
        bool all = true;
        for (const FilterNode& c : n.children) {
          bool on_element = c.path.parts.empty() && c.op != FilterOp::kAnd &&
                            c.op != FilterOp::kOr && c.op != FilterOp::kNor &&
                            c.op != FilterOp::kAlways;
          if (!on_element && !e.is_object()) {
            all = false;
            break;
          }
          if (!MatchNode(c, e)) {
            all = false;
            break;
          }
        }
        if (all) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

// Whether a positive operator also tries the elements of an array it meets at the end.
bool ExpandsArrays(FilterOp op) { return op != FilterOp::kSize && op != FilterOp::kElemMatch; }

// Walk from the root of a document: a JSON value, or a FieldSource whose first path part is
// looked up by name (what Walk does on an object, without the object).
bool WalkRoot(const Json& doc, const Path& path, const std::function<bool(const Json*)>& leaf) {
  return Walk(doc, path, 0, leaf);
}
bool WalkRoot(FieldSource& doc, const Path& path, const std::function<bool(const Json*)>& leaf) {
  if (path.parts.empty()) return Walk(doc.Whole(), path, 0, leaf);
  const Json* v = doc.Field(path.parts[0]);
  if (v == nullptr) return leaf(nullptr);
  return Walk(*v, path, 1, leaf);
}

// The positive predicate `op` with `operand` on the values at `path`.
template <typename Root>
bool MatchPositive(const FilterNode& n, FilterOp op, const Json& operand, Root& doc) {
  // One pointer captured, so that the std::function holds it without allocating.
  struct Args {
    const FilterNode& n;
    FilterOp op;
    const Json& operand;
  } args{n, op, operand};
  return WalkRoot(doc, n.path, [&args](const Json* v) {
    if (Pred(args.n, args.op, args.operand, v)) return true;
    if (v != nullptr && v->is_array() && ExpandsArrays(args.op)) {
      for (const Json& e : *v) {
        if (Pred(args.n, args.op, args.operand, &e)) return true;
      }
    }
    return false;
  });
}

template <typename Root>
bool MatchNodeIn(const FilterNode& n, Root& doc) {
  switch (n.op) {
    case FilterOp::kAlways:
      return true;
    case FilterOp::kAnd:
      for (const FilterNode& c : n.children) {
        if (!MatchNodeIn(c, doc)) return false;
      }
      return true;
    case FilterOp::kOr:
      for (const FilterNode& c : n.children) {
        if (MatchNodeIn(c, doc)) return true;
      }
      return false;
    case FilterOp::kNor:
      for (const FilterNode& c : n.children) {
        if (MatchNodeIn(c, doc)) return false;
      }
      return true;
    case FilterOp::kNe:
      return !MatchPositive(n, FilterOp::kEq, n.operand, doc);
    case FilterOp::kNin:
      return !MatchPositive(n, FilterOp::kIn, n.operand, doc);
    case FilterOp::kNot:
      return !MatchNodeIn(n.children[0], doc);
    case FilterOp::kExists: {
      bool exists = WalkRoot(doc, n.path, [](const Json* v) { return v != nullptr; });
      return exists == n.operand.get<bool>();
    }
    case FilterOp::kAll: {
      if (n.operand.empty()) return false;
      for (const Json& o : n.operand) {
        if (!MatchPositive(n, FilterOp::kEq, o, doc)) return false;
      }
      return true;
    }
    default:
      return MatchPositive(n, n.op, n.operand, doc);
  }
}

}  // namespace

bool MatchNode(const FilterNode& n, const Json& doc) { return MatchNodeIn(n, doc); }
bool MatchNode(const FilterNode& n, FieldSource& doc) { return MatchNodeIn(n, doc); }

bool Filter::Matches(const Json& doc) const { return MatchNode(root_, doc); }
bool Filter::Matches(FieldSource& doc) const { return MatchNode(root_, doc); }

}  // namespace tessera::query
