// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Bit-level writer and reader for the time-series chunk codec. Bits are packed most significant
// first into bytes; the last byte is zero-padded. The reader is bounds-checked: reading past the
// end sets a sticky failure flag and yields zeros, never touching memory outside the input.
// Neither class is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
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
    const size_t byte = pos_ >> 3;
    // Fast path: one unaligned 8-byte big-endian load holds the whole field.
    if (n >= 1 && n <= 56 && byte + 8 <= in_.size()) {
      uint64_t w;
      std::memcpy(&w, in_.data() + byte, 8);
      w = __builtin_bswap64(w);
      const int off = static_cast<int>(pos_ & 7);
      pos_ += static_cast<size_t>(n);
      return (w << off) >> (64 - n);
    }
    return ReadSlow(n);
  }
  bool ReadBit() {
    const size_t byte = pos_ >> 3;
    if (byte >= in_.size()) {
      failed_ = true;
      return false;
    }
    const int off = static_cast<int>(pos_ & 7);
    ++pos_;
    return ((static_cast<uint8_t>(in_[byte]) >> (7 - off)) & 1) != 0;
  }

  // The next 8 bits without consuming them (zeros past the end), and how many of them exist.
  uint8_t Peek8(int* valid) const {
    const size_t byte = pos_ >> 3;
    const int off = static_cast<int>(pos_ & 7);
    if (byte >= in_.size()) {
      *valid = 0;
      return 0;
    }
    uint16_t w = static_cast<uint16_t>(static_cast<uint8_t>(in_[byte]) << 8);
    if (byte + 1 < in_.size()) w = static_cast<uint16_t>(w | static_cast<uint8_t>(in_[byte + 1]));
    const size_t left = in_.size() * 8 - pos_;
    *valid = left < 8 ? static_cast<int>(left) : 8;
    return static_cast<uint8_t>((w << off) >> 8);
  }
  // Consumes `n` bits that Peek8 reported valid.
  void Skip(int n) { pos_ += static_cast<size_t>(n); }

  bool failed() const { return failed_; }
  // Bits not yet read.
  size_t remaining_bits() const { return in_.size() * 8 - pos_; }

 private:
  uint64_t ReadSlow(int n) {
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

  std::string_view in_;
  size_t pos_ = 0;  // bit position
  bool failed_ = false;
};

}  // namespace tessera::ts
