// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// StrCat for Tessera's code. Debian's Abseil is built with its own absl::string_view (not
// std::string_view), so util::StrCat rejects std::string_view arguments; this one takes both,
// plus strings, characters arrays and numbers. And a few small string helpers.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace tessera::util {

inline void AppendPiece(std::string* out, std::string_view s) { out->append(s); }
inline void AppendPiece(std::string* out, const char* s) { out->append(s); }
inline void AppendPiece(std::string* out, const std::string& s) { out->append(s); }
inline void AppendPiece(std::string* out, absl::string_view s) { out->append(s.data(), s.size()); }
inline void AppendPiece(std::string* out, bool b) { out->append(b ? "true" : "false"); }
inline void AppendPiece(std::string* out, char c) { out->push_back(c); }
template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T>>>
void AppendPiece(std::string* out, T v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

// Concatenates the pieces.
template <typename... Pieces>
std::string StrCat(const Pieces&... pieces) {
  std::string out;
  (AppendPiece(&out, pieces), ...);
  return out;
}

// A std::string_view of an absl::string_view (status messages).
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// An absl::string_view of a std::string_view (Debian's Abseil has its own string_view: the
// heterogeneous lookups of its hash containers take that one).
inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// "12,345": `n` with a comma every three digits.
inline std::string GroupThousands(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace tessera::util
