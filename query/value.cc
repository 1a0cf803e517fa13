// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "query/value.h"

#include <cmath>
#include <cstdint>
#include <string>

namespace tessera::query {
namespace {

template <typename T>
int Sign(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// 2^63 and 2^64 as doubles (exact).
constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

// Compares a (non-NaN) double with an int64 exactly.
int CompareDoubleInt(double d, int64_t i) {
  if (d < -kTwo63) return -1;
  if (d >= kTwo63) return 1;
  double t = std::trunc(d);
  int64_t ti = static_cast<int64_t>(t);
  if (ti != i) return Sign(ti, i);
  return Sign(d - t, 0.0);
}

// Compares a (non-NaN) double with a uint64 exactly.
int CompareDoubleUint(double d, uint64_t u) {
  if (d < 0) return -1;
  if (d >= kTwo64) return 1;
  double t = std::trunc(d);
  uint64_t tu = static_cast<uint64_t>(t);
  if (tu != u) return Sign(tu, u);
  return Sign(d - t, 0.0);
}

int CompareIntUint(int64_t i, uint64_t u) {
  if (i < 0) return -1;
  return Sign(static_cast<uint64_t>(i), u);
}

int CompareStrings(const std::string& a, const std::string& b) {
  int c = a.compare(b);  // char_traits<char>::compare compares as unsigned char
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string BinaryBytes(const Json& v) {
  const auto& bin = v.get_binary();
  return std::string(bin.begin(), bin.end());
}

}  // namespace

TypeClass ClassOf(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      return TypeClass::kNull;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return TypeClass::kNumber;
    case Json::value_t::string:
    case Json::value_t::binary:
      return TypeClass::kString;
    case Json::value_t::object:
      return TypeClass::kObject;
    case Json::value_t::array:
      return TypeClass::kArray;
    case Json::value_t::boolean:
      return TypeClass::kBool;
  }
  return TypeClass::kNull;
}

int CompareNumbers(const Json& a, const Json& b) {
  if (a.is_number_float()) {
    double da = a.get<double>();
    if (b.is_number_float()) {
      double db = b.get<double>();
      bool na = std::isnan(da), nb = std::isnan(db);
      if (na || nb) return na && nb ? 0 : (na ? -1 : 1);
      return Sign(da, db);  // -0.0 == 0.0
    }
    if (std::isnan(da)) return -1;
    if (b.is_number_unsigned()) return CompareDoubleUint(da, b.get<uint64_t>());
    return CompareDoubleInt(da, b.get<int64_t>());
  }
  if (b.is_number_float()) return -CompareNumbers(b, a);
  if (a.is_number_unsigned()) {
    if (b.is_number_unsigned()) return Sign(a.get<uint64_t>(), b.get<uint64_t>());
    return -CompareIntUint(b.get<int64_t>(), a.get<uint64_t>());
  }
  if (b.is_number_unsigned()) return CompareIntUint(a.get<int64_t>(), b.get<uint64_t>());
  return Sign(a.get<int64_t>(), b.get<int64_t>());
}

int CompareValues(const Json& a, const Json& b) {
  TypeClass ca = ClassOf(a), cb = ClassOf(b);
  if (ca != cb) return Sign(static_cast<int>(ca), static_cast<int>(cb));
  switch (ca) {
    case TypeClass::kUndefined:
    case TypeClass::kNull:
      return 0;
    case TypeClass::kNumber:
      return CompareNumbers(a, b);
    case TypeClass::kString: {
      if (a.is_string() && b.is_string()) {
        return CompareStrings(a.get_ref<const std::string&>(), b.get_ref<const std::string&>());
      }
      std::string sa = a.is_string() ? a.get<std::string>() : BinaryBytes(a);
      std::string sb = b.is_string() ? b.get<std::string>() : BinaryBytes(b);
      return CompareStrings(sa, sb);
    }
    case TypeClass::kObject: {
      auto ia = a.begin(), ib = b.begin();
      for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
        int c = CompareStrings(ia.key(), ib.key());
        if (c != 0) return c;
        c = CompareValues(ia.value(), ib.value());
        if (c != 0) return c;
      }
      if (ia == a.end()) return ib == b.end() ? 0 : -1;
      return 1;
    }
    case TypeClass::kArray: {
      size_t n = std::min(a.size(), b.size());
      for (size_t i = 0; i < n; ++i) {
        int c = CompareValues(a[i], b[i]);
        if (c != 0) return c;
      }
      return Sign(a.size(), b.size());
    }
    case TypeClass::kBool:
      return Sign(a.get<bool>(), b.get<bool>());
  }
  return 0;
}

bool ValuesEqual(const Json& a, const Json& b) { return CompareValues(a, b) == 0; }

}  // namespace tessera::query
