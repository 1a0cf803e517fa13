// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// MsgpackInput: a bounds-checked cursor over MessagePack bytes, the primitive reads shared by the
// document decoder (models/doc/msgpack.cc) and the change log's JSON renderer (json_text.cc).
// Multi-byte numbers are big-endian as MessagePack stores them. A read past the end records the
// first error, "<prefix>malformed MessagePack (<what> at byte <offset>)", and returns false.
//
// Not thread-safe; it refers to the input, which must outlive it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "absl/status/status.h"
#include "core/util/strings.h"

namespace tessera::codec {

class MsgpackInput {
 public:
  MsgpackInput(std::string_view in, std::string_view error_prefix)
      : begin_(in.data()), p_(in.data()), end_(in.data() + in.size()), prefix_(error_prefix) {}

  bool done() const { return p_ == end_; }
  const absl::Status& status() const { return status_; }
  size_t offset() const { return static_cast<size_t>(p_ - begin_); }

  // Records `what` at the current offset (the first failure only); returns false.
  bool Fail(std::string_view what) {
    if (status_.ok()) {
      status_ = absl::DataLossError(
          util::StrCat(prefix_, "malformed MessagePack (", what, " at byte ", offset(), ")"));
    }
    return false;
  }
  bool Byte(uint8_t* b) {
    if (p_ == end_) return Fail("truncated");
    *b = static_cast<uint8_t>(*p_++);
    return true;
  }
  bool Advance(uint64_t n) {
    if (static_cast<uint64_t>(end_ - p_) < n) return Fail("truncated");
    p_ += n;
    return true;
  }
  template <typename T>
  bool Number(T* v) {
    if (static_cast<size_t>(end_ - p_) < sizeof(T)) return Fail("truncated");
    char buf[sizeof(T)];
    std::memcpy(buf, p_, sizeof(T));
    std::reverse(buf, buf + sizeof(T));
    std::memcpy(v, buf, sizeof(T));
    p_ += sizeof(T);
    return true;
  }
  // A length of 1 << width bytes (width 0: uint8, 1: uint16, 2: uint32).
  bool Length(int width, uint64_t* n) {
    if (width == 0) {
      uint8_t v = 0;
      if (!Number(&v)) return false;
      *n = v;
    } else if (width == 1) {
      uint16_t v = 0;
      if (!Number(&v)) return false;
      *n = v;
    } else {
      uint32_t v = 0;
      if (!Number(&v)) return false;
      *n = v;
    }
    return true;
  }

 protected:
  const char* const begin_;
  const char* p_;
  const char* const end_;
  absl::Status status_;
  std::string_view prefix_;
};

}  // namespace tessera::codec
