// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// JSON values as the query language sees them: type classes in MongoDB's BSON order and the
// total order used by comparisons, sorts and index keys. Pure functions, thread-safe.
#pragma once

#include "nlohmann/json.hpp"

namespace tessera::query {

using Json = nlohmann::ordered_json;  // documents keep field insertion order

// Canonical type classes in MongoDB's BSON order (missing is treated as null where MongoDB does).
enum class TypeClass : int {
  kUndefined = 0,  // an empty array as a sort key
  kNull = 1,
  kNumber = 2,
  kString = 3,
  kObject = 4,
  kArray = 5,
  kBool = 6,
};

// int, uint, double -> kNumber; binary is treated as kString (compared by its bytes).
TypeClass ClassOf(const Json& v);

// Total order: class first; numbers by exact numeric value (int64 vs double compared exactly, NaN
// equal to NaN and below every other number, -0.0 == 0.0); strings bytewise (unsigned); objects
// field by field (name bytewise, then value), a prefix first; arrays element by element, a prefix
// first; false < true. Returns <0, 0 or >0.
int CompareValues(const Json& a, const Json& b);

// CompareValues(a, b) == 0.
bool ValuesEqual(const Json& a, const Json& b);

// Compares two numbers (kNumber values) exactly. Returns <0, 0 or >0.
int CompareNumbers(const Json& a, const Json& b);

}  // namespace tessera::query
