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

// Appends bits to a caller-owned string. Bits gather in a 64-bit word that is appended whole;
// Finish() appends what is left (zero-padded to a byte) and must be called before *out is read.
// Not thread-safe.
class BitWriter {
 public:
  explicit BitWriter(std::string* out) : out_(out) {}
  // Resumes a writer whose whole words are in *out and whose last `pending_bits` written bits
  // are the low bits of `pending` (ChunkEncoder keeps them between appends).
  BitWriter(std::string* out, uint64_t pending, int pending_bits)
      : out_(out), acc_(pending), used_(pending_bits) {}

  // Writes the low `n` bits of `v` (0 <= n <= 64), most significant first.
  void Write(uint64_t v, int n) {
    if (n < 64) v &= (uint64_t{1} << n) - 1;
    const int room = 64 - used_;  // >= 1
    if (n < room) {
      acc_ = (acc_ << n) | v;
      used_ += n;
      return;
    }
    // The word fills up: its last `room` bits are the top of v, the rest starts the next one.
    const int rest = n - room;
    acc_ = room == 64 ? v >> rest : (acc_ << room) | (v >> rest);
    Emit();
    acc_ = rest == 0 ? 0 : v & ((uint64_t{1} << rest) - 1);
    used_ = rest;
  }
  void WriteBit(bool b) { Write(b ? 1 : 0, 1); }

  // Bits written so far since *out was empty (appended and pending).
  size_t bits() const { return out_->size() * 8 + static_cast<size_t>(used_); }

  // Appends the bits not yet appended, zero-padded to a whole byte.
  void Finish() {
    if (used_ == 0) return;
    const uint64_t w = acc_ << (64 - used_);
    for (int i = 0; i < (used_ + 7) / 8; ++i) {
      out_->push_back(static_cast<char>(static_cast<uint8_t>(w >> (56 - 8 * i))));
    }
    acc_ = 0;
    used_ = 0;
  }

 private:
  void Emit() {
    const uint64_t be = __builtin_bswap64(acc_);
    out_->append(reinterpret_cast<const char*>(&be), 8);
  }

  std::string* out_;
  uint64_t acc_ = 0;  // the last `used_` bits are written and not yet appended
  int used_ = 0;      // 0..63
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
  // The next bits left-aligned in *w, at least 57 of them valid, when the 8 bytes from the
  // current one exist; false (nothing read) otherwise.
  bool Peek57(uint64_t* w) const {
    const size_t byte = pos_ >> 3;
    if (byte + 8 > in_.size()) return false;
    uint64_t v;
    std::memcpy(&v, in_.data() + byte, 8);
    *w = __builtin_bswap64(v) << (pos_ & 7);
    return true;
  }
  // Consumes `n` bits that Peek8 or Peek57 reported valid.
  void Skip(int n) { pos_ += static_cast<size_t>(n); }
  // Moves `n` bits on; reading past the end then fails as any read there does.
  void SkipBits(size_t n) { pos_ = n > in_.size() * 8 - pos_ ? in_.size() * 8 : pos_ + n; }

  bool failed() const { return failed_; }
  // The input, the bit position, and a new position (at most the input's end).
  std::string_view data() const { return in_; }
  size_t position() const { return pos_; }
  void SetPosition(size_t bit) { pos_ = bit < in_.size() * 8 ? bit : in_.size() * 8; }
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
