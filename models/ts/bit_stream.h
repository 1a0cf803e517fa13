// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Bit-level writer and reader for the time-series chunk codec. Bits are packed most significant
// first into bytes; the last byte is zero-padded. The reader is bounds-checked: reading past the
// end sets a sticky failure flag and yields zeros, never touching memory outside the input.
// Neither class is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::ts {

// Appends bits to a caller-owned string. Not thread-safe.
class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}

  // Writes the low `n` bits of `v` (0 <= n <= 64), most significant first.
  void Write(uint64_t v, int n) {
    while (n > 0) {
      if (free_ == 0) {
        out_->push_back('\0');
        free_ = 8;
      }
      const int take = n < free_ ? n : free_;
      const uint64_t chunk = (v >> (n - take)) & ((uint64_t{1} << take) - 1);
      out_->back() = static_cast<char>(static_cast<uint8_t>(out_->back()) |
                                       static_cast<uint8_t>(chunk << (free_ - take)));
      free_ -= take;
      n -= take;
    }
  }
  void WriteBit(bool b) { Write(b ? 1 : 0, 1); }

 private:
  std::string* out_;
  int free_ = 0;  // unused bits in the last byte of *out_
};

// Reads bits from a byte range that must outlive it. Not thread-safe.
class BitReader {
 public:
  explicit BitReader(std::string_view in) : in_(in) {}

  // Reads `n` bits (0 <= n <= 64). Past the end: returns 0 and sets failed().
  uint64_t Read(int n) {
    uint64_t v = 0;
    while (n > 0) {
      const size_t byte = pos_ >> 3;
      if (byte >= in_.size()) {
        failed_ = true;
        return 0;
      }
      const int used = static_cast<int>(pos_ & 7);
      const int avail = 8 - used;
      const int take = n < avail ? n : avail;
      const uint8_t b = static_cast<uint8_t>(in_[byte]);
      const uint64_t bits = (b >> (avail - take)) & ((1u << take) - 1);
      v = (take == 64 ? 0 : (v << take)) | bits;
      pos_ += static_cast<size_t>(take);
      n -= take;
    }
    return v;
  }
  bool ReadBit() { return Read(1) != 0; }

  bool failed() const { return failed_; }
  // Bits not yet read.
  size_t remaining_bits() const { return in_.size() * 8 - pos_; }

 private:
  std::string_view in_;
  size_t pos_ = 0;  // bit position
  bool failed_ = false;
};

}  // namespace tessera::ts
