// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "query/path.h"

#include "absl/status/status.h"
#include "core/util/strings.h"

namespace tessera::query {

absl::StatusOr<Path> Path::Parse(std::string_view dotted) {
  if (dotted.empty()) return absl::InvalidArgumentError("empty field path");
  Path p;
  p.dotted = std::string(dotted);
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find('.', start);
    std::string_view part =
        dotted.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty()) {
      return absl::InvalidArgumentError(util::StrCat("empty part in field path '", dotted, "'"));
    }
    if (part[0] == '$') {
      return absl::InvalidArgumentError(
          util::StrCat("field path '", dotted, "' has a part starting with '$'"));
    }
    p.parts.emplace_back(part);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return p;
}

std::optional<size_t> ArrayIndex(const std::string& part) {
  if (part.empty() || part.size() > 18) return std::nullopt;
  size_t n = 0;
  for (char c : part) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

namespace {

void Collect(const Json& node, const Path& path, size_t i, std::vector<Json>* out,
             bool* traversed) {
  if (i == path.parts.size()) {
    if (node.is_array()) {
      if (traversed) *traversed = true;
      if (node.empty()) {
        out->push_back(node);
      } else {
        for (const Json& e : node) out->push_back(e);
      }
    } else {
      out->push_back(node);
    }
    return;
  }
  const std::string& part = path.parts[i];
  if (node.is_object()) {
    auto it = node.find(part);
    if (it != node.end()) Collect(*it, path, i + 1, out, traversed);
    return;
  }
  if (node.is_array()) {
    if (traversed) *traversed = true;
    if (auto idx = ArrayIndex(part)) {
      if (*idx < node.size()) Collect(node[*idx], path, i + 1, out, traversed);
      return;
    }
    for (const Json& e : node) {
      if (e.is_object()) Collect(e, path, i, out, traversed);
    }
  }
}

int SortClass(const Json& v) {
  if (v.is_array() && v.empty()) return static_cast<int>(TypeClass::kUndefined);
  return static_cast<int>(ClassOf(v));
}

}  // namespace

void CollectValues(const Json& doc, const Path& path, std::vector<Json>* out,
                   bool* traversed_array) {
  Collect(doc, path, 0, out, traversed_array);
}

int CompareSortKeys(const Json& a, const Json& b) {
  int ca = SortClass(a), cb = SortClass(b);
  if (ca != cb) return ca < cb ? -1 : 1;
  return CompareValues(a, b);
}

Json SortKey(const Json& doc, const Path& path, bool descending) {
  std::vector<Json> values;
  CollectValues(doc, path, &values, nullptr);
  if (values.empty()) return Json(nullptr);
  size_t best = 0;
  for (size_t i = 1; i < values.size(); ++i) {
    int c = CompareSortKeys(values[i], values[best]);
    if (descending ? c > 0 : c < 0) best = i;
  }
  return std::move(values[best]);
}

}  // namespace tessera::query
