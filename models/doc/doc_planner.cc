// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The planner (see doc_planner.h).
#include "models/doc/doc_planner.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/codec/coding.h"
#include "models/doc/doc_codec.h"
#include "query/path.h"

namespace tessera::doc {
namespace {

using query::FilterNode;
using query::FilterOp;

constexpr size_t kMaxRanges = 4096;
constexpr size_t kMaxInValues = 1024;

bool PlannableScalar(const Json& v, bool for_range) {
  if (v.is_string() || v.is_boolean()) return !for_range || v.is_string();
  if (v.is_number()) return !(v.is_number_float() && std::isnan(v.get<double>()));
  return false;
}

bool HasNumericPart(const query::Path& p) {
  for (const std::string& part : p.parts) {
    if (query::ArrayIndex(part).has_value()) return true;
  }
  return false;
}

std::vector<const FilterNode*> Conjuncts(const query::Filter& filter) {
  std::vector<const FilterNode*> out;
  const FilterNode& root = filter.root();
  if (root.op == FilterOp::kAnd) {
    for (const FilterNode& c : root.children) out.push_back(&c);
  } else if (root.op != FilterOp::kAlways) {
    out.push_back(&root);
  }
  return out;
}

// One side of a range: the value and whether it is included.
struct Side {
  Json value;
  bool inclusive = false;
};

struct FieldBounds {
  std::vector<Json> points;   // equality values (sorted, distinct), or empty
  std::optional<Side> lower;  // range: the lower side
  std::optional<Side> upper;  // range: the upper side
  uint8_t range_class = 0;    // the class byte both sides belong to
  bool is_range() const { return lower || upper; }
};

// The usable bounds of `path` among the conjuncts, or nullopt.
std::optional<FieldBounds> BoundsFor(const query::Path& path,
                                     const std::vector<const FilterNode*>& conj, bool multikey) {
  FieldBounds b;
  for (const FilterNode* n : conj) {
    if (n->path.dotted != path.dotted) continue;
    if (n->op == FilterOp::kEq && PlannableScalar(n->operand, false)) {
      b.points = {n->operand};
      return b;
    }
  }
  for (const FilterNode* n : conj) {
    if (n->path.dotted != path.dotted || n->op != FilterOp::kIn) continue;
    if (!n->operand.is_array() || n->operand.empty() || n->operand.size() > kMaxInValues) continue;
    bool ok = true;
    for (const Json& v : n->operand) ok = ok && PlannableScalar(v, false);
    if (!ok) continue;
    std::vector<std::pair<std::string, Json>> enc;
    for (const Json& v : n->operand) enc.emplace_back(EncodeComponent(v), v);
    std::sort(enc.begin(), enc.end(), [](auto& a, auto& c) { return a.first < c.first; });
    enc.erase(
        std::unique(enc.begin(), enc.end(), [](auto& a, auto& c) { return a.first == c.first; }),
        enc.end());
    for (auto& [bytes, v] : enc) b.points.push_back(v);
    return b;
  }
  for (const FilterNode* n : conj) {
    if (n->path.dotted != path.dotted) continue;
    bool is_lower = n->op == FilterOp::kGt || n->op == FilterOp::kGte;
    bool is_upper = n->op == FilterOp::kLt || n->op == FilterOp::kLte;
    if (!(is_lower || is_upper) || !PlannableScalar(n->operand, true)) continue;
    uint8_t cls = ClassByte(n->operand);
    if (b.is_range() && cls != b.range_class) continue;
    if (b.is_range() && multikey) continue;  // never intersect on a multikey index
    Side s{n->operand, n->op == FilterOp::kGte || n->op == FilterOp::kLte};
    std::optional<Side>& slot = is_lower ? b.lower : b.upper;
    if (slot) continue;  // keep the first condition of each side
    slot = s;
    b.range_class = cls;
  }
  if (b.is_range()) return b;
  return std::nullopt;
}

std::string Render(const Json& v) { return JsonText(v); }

Json RenderBounds(const FieldBounds& b) {
  Json out = Json::array();
  for (const Json& p : b.points) out.push_back("[" + Render(p) + ", " + Render(p) + "]");
  if (b.is_range()) {
    std::string min = b.range_class == kClassNumber ? "-inf" : "\"\"";
    std::string max = b.range_class == kClassNumber ? "inf" : "{}";
    std::string s =
        b.lower ? ((b.lower->inclusive ? "[" : "(") + Render(b.lower->value)) : "[" + min;
    s += ", ";
    s += b.upper ? (Render(b.upper->value) + (b.upper->inclusive ? "]" : ")")) : max + ")";
    out.push_back(s);
  }
  return out;
}

// The [lo, hi) byte range, appended after `prefix`, of a range on one component.
std::pair<std::string, std::string> RangeBytes(const std::string& prefix, const FieldBounds& b,
                                               bool descending) {
  // Work in ascending component space, then map to the stored form.
  std::string cls(1, static_cast<char>(b.range_class));
  std::string cls_end(1, static_cast<char>(b.range_class + 1));
  // Ascending lo/hi (exclusive hi) in component bytes.
  std::string lo = cls, hi = cls_end;
  if (b.lower) {
    std::string v = EncodeComponent(b.lower->value);
    lo = b.lower->inclusive ? v : codec::PrefixSuccessor(v);
  }
  if (b.upper) {
    std::string v = EncodeComponent(b.upper->value);
    hi = b.upper->inclusive ? codec::PrefixSuccessor(v) : v;
  }
  if (!descending) return {prefix + lo, prefix + hi};
  // Descending components are complemented: the order flips. An ascending half-open range
  // [lo, hi) of prefix-free components maps to (~hi, ~lo]; with prefix-free codes this is
  // [~hi-successor-free form]: compute it from the values directly.
  auto complement = [](std::string s) {
    for (char& c : s) c = static_cast<char>(~c);
    return s;
  };
  std::string dlo, dhi;
  // Upper side becomes the low end.
  if (b.upper) {
    std::string v = complement(EncodeComponent(b.upper->value));
    dlo = b.upper->inclusive ? v : codec::PrefixSuccessor(v);
  } else {
    dlo = complement(cls_end);  // ~(c+1) = ~c - 1: every component of class c is above it
    dlo = codec::PrefixSuccessor(dlo);
  }
  if (b.lower) {
    std::string v = complement(EncodeComponent(b.lower->value));
    dhi = b.lower->inclusive ? codec::PrefixSuccessor(v) : v;
  } else {
    dhi = codec::PrefixSuccessor(complement(cls));
  }
  return {prefix + dlo, prefix + dhi};
}

struct Candidate {
  const IndexDef* index = nullptr;
  std::vector<FieldBounds> fields;  // bounds of the leading fields used
  int score = 0;
  bool sort_from_index = false;
  bool reverse = false;
};

// Whether every top-level clause of the partial filter appears among the query's conjuncts.
bool ImpliesPartial(const IndexDef& def, const std::vector<const FilterNode*>& conj) {
  if (def.partial_filter == nullptr) return true;
  std::vector<const FilterNode*> needed = Conjuncts(*def.partial_filter);
  for (const FilterNode* n : needed) {
    bool found = false;
    for (const FilterNode* q : conj) {
      if (q->op == n->op && q->path.dotted == n->path.dotted && q->operand == n->operand &&
          q->children.empty() && n->children.empty()) {
        found = true;
      }
    }
    if (!found) return false;
  }
  return true;
}

// Whether `def`, with `fields` bounds, returns documents in the order of `sort`.
void CheckSort(const IndexDef& def, const query::SortSpec& sort, Candidate* c) {
  if (def.multikey) return;
  const auto& sf = sort.fields();
  for (size_t start = 0; start + sf.size() <= def.fields.size(); ++start) {
    // Every field before `start` must be one equality.
    if (start > 0) {
      if (c->fields.size() < start) break;
      if (c->fields[start - 1].points.size() != 1) break;
    }
    bool same = true, opposite = true, paths = true;
    for (size_t j = 0; j < sf.size(); ++j) {
      const IndexField& f = def.fields[start + j];
      if (f.path.dotted != sf[j].path.dotted) paths = false;
      if (f.descending != sf[j].descending) same = false;
      if (f.descending == sf[j].descending) opposite = false;
    }
    if (paths && (same || opposite)) {
      c->sort_from_index = true;
      c->reverse = opposite;
      return;
    }
  }
}

// The plan that reads documents by _id: ranges of data keys from the _id conditions (if any),
// in _id order. `score` ranks it against the index candidates (0: no _id condition).
Plan PrimaryPlan(uint64_t coll, const std::vector<const FilterNode*>& conj,
                 const query::SortSpec* sort, int* score) {
  Plan plan;
  *score = 0;
  static const query::Path kId = [] {
    query::Path p;
    p.dotted = "_id";
    p.parts = {"_id"};
    return p;
  }();
  if (sort != nullptr && sort->fields().size() == 1 && sort->fields()[0].path.dotted == "_id") {
    plan.sort_from_index = true;
    plan.reverse = sort->fields()[0].descending;
  }
  std::optional<FieldBounds> b = BoundsFor(kId, conj, /*multikey=*/false);
  if (!b) return plan;
  if (b->points.size() > kMaxRanges) return plan;
  std::string prefix;
  codec::PutFixed64BE(&prefix, coll);
  plan.primary = true;
  plan.bounds = Json::object();
  plan.bounds["_id"] = RenderBounds(*b);
  if (b->is_range()) {
    plan.ranges.push_back(RangeBytes(prefix, *b, /*descending=*/false));
    *score = 6;  // a range on the documents themselves: no index entry to follow
  } else {
    for (const Json& v : b->points) {
      std::string k = prefix + EncodeComponent(v);
      plan.ranges.emplace_back(k, codec::PrefixSuccessor(k));
    }
    *score = b->points.size() == 1 ? 30 : 15;
    plan.points = true;
  }
  if (plan.sort_from_index) *score += 3;
  std::sort(plan.ranges.begin(), plan.ranges.end());
  std::erase_if(plan.ranges, [](const auto& r) { return r.first >= r.second; });
  return plan;
}

}  // namespace

Plan ChoosePlan(uint64_t coll, const CollectionMeta& meta, const query::Filter& filter,
                const query::SortSpec* sort) {
  std::vector<const FilterNode*> conj = Conjuncts(filter);
  int primary_score = 0;
  Plan primary = PrimaryPlan(coll, conj, sort, &primary_score);
  std::optional<Candidate> best;
  for (const IndexDef& def : meta.indexes) {
    if (!def.ready || !ImpliesPartial(def, conj)) continue;
    Candidate c;
    c.index = &def;
    size_t combos = 1;
    for (const IndexField& f : def.fields) {
      if (HasNumericPart(f.path)) break;
      std::optional<FieldBounds> b = BoundsFor(f.path, conj, def.multikey);
      if (!b) break;
      if (!b->points.empty() && combos * b->points.size() > kMaxRanges) break;
      c.fields.push_back(*b);
      if (b->is_range()) {
        c.score += 5;
        break;
      }
      combos *= b->points.size();
      c.score += b->points.size() == 1 ? 20 : 10;
    }
    if (sort != nullptr) CheckSort(def, *sort, &c);
    if (c.fields.empty()) {
      // Only a sort can make an index without bounds worth scanning, and only a full one.
      if (!c.sort_from_index || def.sparse || def.partial_filter != nullptr) continue;
    }
    if (c.sort_from_index) c.score += 3;
    if (!best || c.score > best->score) best = c;
  }
  if (!best || (primary.primary && primary_score >= best->score)) return primary;
  Plan plan;
  const IndexDef& def = *best->index;
  plan.index = &def;
  plan.sort_from_index = best->sort_from_index;
  plan.reverse = best->reverse;
  plan.bounds = Json::object();
  std::vector<std::string> prefixes = {IndexPrefix(coll, def.no)};
  for (size_t i = 0; i < best->fields.size(); ++i) {
    const FieldBounds& b = best->fields[i];
    const IndexField& f = def.fields[i];
    plan.bounds[f.path.dotted] = RenderBounds(b);
    if (b.is_range()) {
      for (const std::string& p : prefixes) plan.ranges.push_back(RangeBytes(p, b, f.descending));
      prefixes.clear();
      break;
    }
    std::vector<std::string> next;
    for (const std::string& p : prefixes) {
      for (const Json& v : b.points) next.push_back(p + EncodeComponent(v, f.descending));
    }
    prefixes = std::move(next);
  }
  for (const std::string& p : prefixes) plan.ranges.emplace_back(p, codec::PrefixSuccessor(p));
  std::sort(plan.ranges.begin(), plan.ranges.end());
  // Drop empty ranges (a contradictory range such as $gt 5 and $lt 3).
  std::erase_if(plan.ranges, [](const auto& r) { return r.first >= r.second; });
  return plan;
}

}  // namespace tessera::doc
