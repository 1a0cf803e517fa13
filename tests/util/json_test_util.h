// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// JSON helpers shared by the query and document tests: literals in one call, and equality that
// also compares the JSON types.
#pragma once

#include <cmath>
#include <cstring>

#include "nlohmann/json.hpp"

namespace tessera::test {

// A JSON literal, parsed (the tests' own literals; a typo throws and fails the test).
inline nlohmann::ordered_json J(const char* text) { return nlohmann::ordered_json::parse(text); }

// Equal values of equal types all the way down (nlohmann's == treats 1u and 1 as equal); NaN
// equals NaN, and doubles compare by their bits (-0.0 differs from 0.0).
inline bool SameTyped(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
      if (ia.key() != ib.key() || !SameTyped(ia.value(), ib.value())) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!SameTyped(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_number_float()) {
    double x = a.get<double>(), y = b.get<double>();
    return (std::isnan(x) && std::isnan(y)) || std::memcmp(&x, &y, sizeof x) == 0;
  }
  return a == b;
}

}  // namespace tessera::test
