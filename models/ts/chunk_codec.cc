// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/chunk_codec.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/codec/coding.h"
#include "core/util/strings.h"
#include "models/ts/bit_stream.h"
#include "models/ts/chunk_frames.h"
#include "models/ts/chunk_index.h"
#include "tessera/status.h"

namespace tessera::ts {

using chunk_internal::Corrupt;
using chunk_internal::FloorWidth;
using chunk_internal::kChunkVersion;
using chunk_internal::kChunkVersion1;
using chunk_internal::kChunkVersion2;
using chunk_internal::kChunkVersion4;
using chunk_internal::ParseIndex;
using chunk_internal::PutIndex;
using chunk_internal::SummaryAdd;

namespace {

constexpr size_t kLastPointBytes = 16;

// Smallest bits a point can take after the first: 1 (timestamp) + 1 (value).
constexpr size_t kMinBitsPerPoint = 2;

bool FitsSigned(int64_t v, int bits) {
  const int64_t lo = -(int64_t{1} << (bits - 1));
  const int64_t hi = (int64_t{1} << (bits - 1));
  return v >= lo && v < hi;
}

int64_t SignExtend(uint64_t v, int bits) {
  if (bits == 64) return static_cast<int64_t>(v);
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

// The encoder's bit writer: BitWriter's format, into a buffer with room for every bit the call
// can write (ChunkEncoder::Append reserves it), so that no word checks a string's capacity.
class StreamWriter {
 public:
  // `base_bits`: the stream's bits before buf; `pending`/`pending_bits` as BitWriter's resuming
  // constructor takes them. Write repeats BitWriter::Write with a raw pointer for the words: a
  // shared helper measured 6% slower on BM_EncodeChunk (session 8).
  StreamWriter(char* buf, size_t base_bits, uint64_t pending, int pending_bits)
      : buf_(buf), p_(buf), base_bits_(base_bits), acc_(pending), used_(pending_bits) {}

  __attribute__((always_inline)) void Write(uint64_t v, int n) {
    if (n < 64) v &= (uint64_t{1} << n) - 1;
    const int room = 64 - used_;  // >= 1
    if (n < room) {
      acc_ = (acc_ << n) | v;
      used_ += n;
      return;
    }
    const int rest = n - room;
    acc_ = room == 64 ? v >> rest : (acc_ << room) | (v >> rest);
    const uint64_t be = __builtin_bswap64(acc_);
    std::memcpy(p_, &be, 8);
    p_ += 8;
    acc_ = rest == 0 ? 0 : v & ((uint64_t{1} << rest) - 1);
    used_ = rest;
  }
  __attribute__((always_inline)) void WriteBit(bool b) { Write(b ? 1 : 0, 1); }
  size_t bits() const { return base_bits_ + static_cast<size_t>(p_ - buf_) * 8 + used_; }
  size_t bytes() const { return static_cast<size_t>(p_ - buf_); }  // whole words written
  uint64_t pending() const { return acc_; }
  int pending_bits() const { return used_; }

 private:
  char* buf_;
  char* p_;
  size_t base_bits_;
  uint64_t acc_;
  int used_;
};
// Most bits a point takes: a 68-bit dod code (or 64 raw bits) for the timestamp, and for the
// value 64 raw bits, a 68-bit dod code or 2 + 5 + 6 + 64 XOR bits.
constexpr size_t kMaxBitsPerPoint = 68 + 77;

template <class W>
__attribute__((always_inline)) inline void WriteDod(W* w, uint64_t dod_bits) {
  const int64_t d = static_cast<int64_t>(dod_bits);
  if (d == 0) {
    w->WriteBit(false);
  } else if (FitsSigned(d, 14)) {  // prefix and payload in one call
    w->Write((uint64_t{0b10} << 14) | (dod_bits & 0x3fff), 16);
  } else if (FitsSigned(d, 20)) {
    w->Write((uint64_t{0b110} << 20) | (dod_bits & 0xfffff), 23);
  } else if (FitsSigned(d, 32)) {
    w->Write((uint64_t{0b1110} << 32) | (dod_bits & 0xffffffff), 36);
  } else {
    w->Write(0b1111, 4);
    w->Write(dod_bits, 64);
  }
}

// How the top 4 bits of a dod code decode: bits consumed, prefix length, the arithmetic shift
// that right-aligns the payload once the prefix is shifted out, and a mask (0 for `0`).
struct DodCode {
  uint8_t skip;
  uint8_t prefix;
  uint8_t shift;
  int64_t mask;
};
constexpr DodCode kDodCodes[16] = {
    {1, 1, 63, 0},   {1, 1, 63, 0},   {1, 1, 63, 0},   {1, 1, 63, 0},    // 0
    {1, 1, 63, 0},   {1, 1, 63, 0},   {1, 1, 63, 0},   {1, 1, 63, 0},    //
    {16, 2, 50, -1}, {16, 2, 50, -1}, {16, 2, 50, -1}, {16, 2, 50, -1},  // 10 + 14 bits
    {23, 3, 44, -1}, {23, 3, 44, -1},                                    // 110 + 20 bits
    {36, 4, 32, -1},                                                     // 1110 + 32 bits
    {4, 4, 0, 0},                                                        // 1111: not used
};

__attribute__((always_inline)) inline uint64_t ReadDod(BitReader* r) {
  // Prefix and payload from one 8-byte load when the stream has them (all but the 64-bit case
  // fit in the 57 bits it gives): the hot loop of every query.
  uint64_t w;
  if (r->Peek57(&w)) {
    const unsigned top = static_cast<unsigned>(w >> 60);
    if (top != 15) [[likely]] {
      // Table-driven, without a branch per prefix (the value deltas of a noisy series are
      // unpredictable): the payload after the prefix, sign-extended; none for `0`.
      const DodCode c = kDodCodes[top];
      r->Skip(c.skip);
      return static_cast<uint64_t>((static_cast<int64_t>(w << c.prefix) >> c.shift) & c.mask);
    }
    r->Skip(4);  // 1111 + 64 bits
    return r->Read(64);
  }
  // The prefix (up to 4 bits) from one peek when the stream has them.
  int valid = 0;
  const uint8_t head = r->Peek8(&valid);
  if (valid >= 4) {
    if ((head & 0x80) == 0) {
      r->Skip(1);
      return 0;
    }
    int bits;
    if ((head & 0x40) == 0) {
      r->Skip(2);
      bits = 14;
    } else if ((head & 0x20) == 0) {
      r->Skip(3);
      bits = 20;
    } else if ((head & 0x10) == 0) {
      r->Skip(4);
      bits = 32;
    } else {
      r->Skip(4);
      bits = 64;
    }
    return static_cast<uint64_t>(SignExtend(r->Read(bits), bits));
  }
  int bits = 64;
  if (!r->ReadBit()) return 0;
  if (!r->ReadBit()) {
    bits = 14;
  } else if (!r->ReadBit()) {
    bits = 20;
  } else if (!r->ReadBit()) {
    bits = 32;
  }
  return static_cast<uint64_t>(SignExtend(r->Read(bits), bits));
}

// Delta-of-delta state over uint64 (wrapping) arithmetic.
struct DodState {
  uint64_t prev = 0;
  uint64_t delta = 0;
};

// Gorilla XOR state for floats.
struct XorState {
  uint64_t prev = 0;
  int lead = -1;  // -1: no window yet
  int trail = 0;
};

template <class W>
__attribute__((always_inline)) inline void WriteXor(W* w, XorState* s, uint64_t bits) {
  const uint64_t x = bits ^ s->prev;
  s->prev = bits;
  if (x == 0) {
    w->WriteBit(false);
    return;
  }
  int lead = std::countl_zero(x);
  const int trail = std::countr_zero(x);
  if (lead > 31) lead = 31;  // 5-bit field
  if (s->lead >= 0 && lead >= s->lead && trail >= s->trail) {
    const int len = 64 - s->lead - s->trail;
    w->Write(0b10, 2);
    w->Write(x >> s->trail, len);
    return;
  }
  const int len = 64 - lead - trail;
  w->Write(0b11, 2);
  w->Write(static_cast<uint64_t>(lead), 5);
  w->Write(static_cast<uint64_t>(len & 63), 6);  // 64 is coded as 0
  w->Write(x >> trail, len);
  s->lead = lead;
  s->trail = trail;
}

bool ReadXor(BitReader* r, XorState* s, uint64_t* out) {
  if (!r->ReadBit()) {
    *out = s->prev;
    return true;
  }
  if (!r->ReadBit()) {
    if (s->lead < 0) return false;  // window reused before any was set
    const int len = 64 - s->lead - s->trail;
    const uint64_t x = r->Read(len) << s->trail;
    s->prev ^= x;
  } else {
    const int lead = static_cast<int>(r->Read(5));
    int len = static_cast<int>(r->Read(6));
    if (len == 0) len = 64;
    if (lead + len > 64) return false;
    const int trail = 64 - lead - len;
    const uint64_t x = (len == 64 ? r->Read(64) : r->Read(len)) << trail;
    s->prev ^= x;
    s->lead = lead;
    s->trail = trail;
  }
  *out = s->prev;
  return true;
}

// Dod codes from a 64-bit buffer refilled from memory, without bounds checks: the caller keeps
// its position at least kFastSlackBytes before the end. The next code's bits are then in a
// register, not behind a load that depends on the previous code's length.
constexpr size_t kFastSlackBytes = 40;  // > 2 codes of 68 bits + an 8-byte refill + 1 byte
class FastDodReader {
 public:
  FastDodReader(const char* data, size_t bit) : data_(data), pos_(bit) { Refill(); }
  __attribute__((always_inline)) uint64_t Dod() {
    if (avail_ < 36) Refill();
    const unsigned top = static_cast<unsigned>(buf_ >> 60);
    if (top == 15) [[unlikely]] {
      pos_ += 4;
      const size_t byte = pos_ >> 3;
      const int off = static_cast<int>(pos_ & 7);
      uint64_t w = Load(byte);
      if (off != 0) w = (w << off) | (static_cast<uint8_t>(data_[byte + 8]) >> (8 - off));
      pos_ += 64;
      Refill();
      return w;
    }
    // The prefix's length p (leading ones, 0-3 here) gives the bits to skip and the payload's
    // shift by arithmetic: no table load on the chain from one code to the next.
    const int p = __builtin_clzll(~buf_ | (uint64_t{1} << 59));
    const int skip = static_cast<int>((uint64_t{0x24171001} >> (p * 8)) & 0xff);
    const int shift = static_cast<int>((uint64_t{0x202c323f} >> (p * 8)) & 0xff);
    const uint64_t v = static_cast<uint64_t>((static_cast<int64_t>(buf_ << (p + 1)) >> shift) &
                                             -static_cast<int64_t>(p != 0));
    buf_ <<= skip;
    avail_ -= skip;
    pos_ += static_cast<size_t>(skip);
    return v;
  }
  // The same for a timestamp's code: `0` (a regular interval) by a branch, which predicts well.
  __attribute__((always_inline)) uint64_t TimeDod() {
    if (static_cast<int64_t>(buf_) >= 0 && avail_ >= 1) [[likely]] {
      buf_ <<= 1;
      --avail_;
      ++pos_;
      return 0;
    }
    return Dod();
  }
  size_t pos() const { return pos_; }

 private:
  uint64_t Load(size_t byte) const {
    uint64_t w;
    std::memcpy(&w, data_ + byte, 8);
    return __builtin_bswap64(w);
  }
  void Refill() {
    buf_ = Load(pos_ >> 3) << (pos_ & 7);
    avail_ = 64 - static_cast<int>(pos_ & 7);
  }
  const char* data_;
  size_t pos_;
  uint64_t buf_ = 0;  // the bits from pos_ on, left-aligned; avail_ of them valid
  int avail_ = 0;
};

// Where decoding resumes: the state before a point.
struct Cursor {
  uint64_t prev_ts = 0, ts_delta = 0, prev_value = 0, value_delta = 0;
  int lead = -1, trail = 0;
};

// Decodes `n` points from `r` (the first of the stream when `from_start`, else the one after
// `c`'s state) and appends those with min_ts <= ts <= max_ts; stops after max_ts (*done false).
// `first` is the chunk's index of the first point decoded (for messages).
template <ValueType kType>
absl::Status DecodeLoop(BitReader& r, const Cursor& c, bool from_start, uint64_t first, uint64_t n,
                        int64_t min_ts, int64_t max_ts, std::vector<RawPoint>* out, bool* done) {
  *done = false;
  uint64_t t = c.prev_ts, td = c.ts_delta, v = c.prev_value, vd = c.value_delta;
  XorState fv{c.prev_value, c.lead, c.trail};
  uint64_t i = 0;
  if (from_start && n > 0) {
    t = r.Read(64);
    if constexpr (kType == ValueType::kFloat) {
      v = r.Read(64);
      fv.prev = v;
    } else {
      vd = ReadDod(&r);
      v = vd;
    }
    if (r.failed()) return Corrupt(util::StrCat("truncated at point ", first, " of ", n));
    if (kType == ValueType::kBool && v > 1) return Corrupt(util::StrCat("bool value ", v));
    if (static_cast<int64_t>(t) > max_ts) return absl::OkStatus();
    if (static_cast<int64_t>(t) >= min_ts) out->push_back(RawPoint{static_cast<int64_t>(t), v});
    i = 1;
  }
  if constexpr (kType != ValueType::kFloat) {
    // Far from the end, without bounds checks (nothing can fail there but the values' checks).
    const std::string_view in = r.data();
    // The reader loads 8 bytes at its position as it is made: only from a position at least
    // kFastSlackBytes before the end (a checkpoint of a corrupt index can point past that).
    if (i < n && in.size() >= kFastSlackBytes &&
        r.position() <= (in.size() - kFastSlackBytes) * 8) {
      const size_t limit = (in.size() - kFastSlackBytes) * 8;
      FastDodReader f(in.data(), r.position());
      for (; i < n && f.pos() <= limit; ++i) {
        td += f.TimeDod();
        const uint64_t nt = t + td;
        vd += f.Dod();
        v += vd;
        if (kType == ValueType::kBool && v > 1) {
          return Corrupt(util::StrCat("bool value ", v, " at point ", first + i));
        }
        if (static_cast<int64_t>(nt) <= static_cast<int64_t>(t)) {
          return Corrupt(util::StrCat("timestamps not ascending at point ", first + i));
        }
        t = nt;
        if (static_cast<int64_t>(t) > max_ts) return absl::OkStatus();
        if (static_cast<int64_t>(t) >= min_ts) {
          out->push_back(RawPoint{static_cast<int64_t>(t), v});
        }
      }
      r.SetPosition(f.pos());
    }
  }
  for (; i < n; ++i) {
    td += ReadDod(&r);
    const uint64_t nt = t + td;
    if constexpr (kType == ValueType::kFloat) {
      if (!ReadXor(&r, &fv, &v)) {
        return Corrupt(util::StrCat("bad float coding at point ", first + i));
      }
    } else {
      vd += ReadDod(&r);
      v += vd;
      if (kType == ValueType::kBool && v > 1) {
        return Corrupt(util::StrCat("bool value ", v, " at point ", first + i));
      }
    }
    if (r.failed()) return Corrupt(util::StrCat("truncated at point ", first + i));
    if (static_cast<int64_t>(nt) <= static_cast<int64_t>(t)) {
      return Corrupt(util::StrCat("timestamps not ascending at point ", first + i));
    }
    t = nt;
    if (static_cast<int64_t>(t) > max_ts) return absl::OkStatus();
    if (static_cast<int64_t>(t) >= min_ts) out->push_back(RawPoint{static_cast<int64_t>(t), v});
  }
  *done = true;
  return absl::OkStatus();
}

}  // namespace

uint64_t DoubleBits(double v) { return std::bit_cast<uint64_t>(v); }
double BitsDouble(uint64_t bits) { return std::bit_cast<double>(bits); }

absl::Status ChunkEncoder::Append(const RawPoint* points, size_t n) {
  if (type_ != ValueType::kFloat && type_ != ValueType::kInt && type_ != ValueType::kBool) {
    return absl::InvalidArgumentError("unknown chunk value type");
  }
  if (version_ != kChunkVersion && (version_ != kChunkVersion4 || type_ == ValueType::kFloat)) {
    return absl::InvalidArgumentError(
        util::StrCat("cannot write chunk version ", static_cast<int>(version_), " for this type"));
  }
  // Checked first, so that a refused append leaves the state as it was.
  for (size_t j = 0; j < n; ++j) {
    const RawPoint& p = points[j];
    if (count_ + j > 0) {
      const int64_t prev = j > 0 ? points[j - 1].ts : last_.ts;
      if (p.ts <= prev) {
        return absl::InvalidArgumentError(
            util::StrCat("chunk timestamps must be strictly ascending: point ", count_ + j, " has ",
                         p.ts, " after ", prev));
      }
    }
    if (type_ == ValueType::kBool && p.bits > 1) {
      return absl::InvalidArgumentError(
          util::StrCat("bool point ", count_ + j, " has value ", p.bits));
    }
  }
  if (n == 0) return absl::OkStatus();
  if (count_ == 0) index_ = FloorWidth(points[0].ts, kIndexWidthNs, &origin_);
  if (version_ == kChunkVersion4) {
    AppendFrames(points, n);
  } else {
    AppendStream(points, n);
  }
  count_ += n;
  last_ = points[n - 1];
  return absl::OkStatus();
}

void ChunkEncoder::AppendStream(const RawPoint* points, size_t n) {
  // The new words go, kSlice points at a time, to a per-thread buffer with room for the most
  // they can take, then to the stream (which grows geometrically, not to that bound): the buffer
  // stays small whatever the number of points.
  constexpr size_t kSlice = 4096;
  thread_local std::string scratch;
  const size_t room = std::min(n, kSlice) * kMaxBitsPerPoint / 8 + 16;
  if (scratch.size() < room) scratch.resize(kSlice * kMaxBitsPerPoint / 8 + 16);
  DodState ts{static_cast<uint64_t>(last_.ts), ts_delta_};
  DodState iv{iv_prev_, iv_delta_};
  XorState fv{fv_prev_, fv_lead_, fv_trail_};
  // The block index: blocks of kIndexWidthNs sub-windows from the first point's.
  constexpr int64_t kWidth = kIndexWidthNs;
  const ValueType type = type_;
  for (size_t begin = 0; begin < n; begin += kSlice) {
    const size_t end = std::min(n, begin + kSlice);
    StreamWriter w(scratch.data(), stream_.size() * 8, pending_, pending_bits_);
    for (size_t j = begin; j < end; ++j) {
      const RawPoint& p = points[j];
      const bool first = count_ + j == 0;
      const uint64_t t = static_cast<uint64_t>(p.ts);
      if (index_) {
        const uint64_t off = t - static_cast<uint64_t>(origin_);
        if (blocks_.empty() || off >= block_end_) {
          const uint64_t sub = off / static_cast<uint64_t>(kWidth);
          if (!blocks_.empty() && sub == blocks_.back().sub) {
            index_ = false;  // the sub-window's end does not fit: no index
          } else {
            Block b;
            b.sub = sub;
            b.bit_offset = w.bits();
            b.prev_ts = ts.prev;
            b.ts_delta = ts.delta;
            b.prev_value = type == ValueType::kFloat ? fv.prev : iv.prev;
            b.value_delta = iv.delta;
            b.lead = fv.lead;
            b.trail = fv.trail;
            blocks_.push_back(b);
            if (__builtin_mul_overflow(sub + 1, static_cast<uint64_t>(kWidth), &block_end_)) {
              block_end_ = UINT64_MAX;
            }
          }
        }
        if (index_) {
          SummaryAdd(type, &blocks_.back(), p.bits);
          ++blocks_.back().count;
        }
      }
      if (first) {
        w.Write(t, 64);
      } else {
        const uint64_t delta = t - ts.prev;
        WriteDod(&w, delta - ts.delta);
        ts.delta = delta;
      }
      ts.prev = t;
      if (type == ValueType::kFloat) {
        if (first) {
          w.Write(p.bits, 64);
          fv.prev = p.bits;
        } else {
          WriteXor(&w, &fv, p.bits);
        }
      } else {
        const uint64_t delta = p.bits - iv.prev;
        WriteDod(&w, delta - iv.delta);
        iv.delta = delta;
        iv.prev = p.bits;
      }
    }
    stream_.append(scratch.data(), w.bytes());
    pending_ = w.pending();
    pending_bits_ = w.pending_bits();
  }
  ts_delta_ = ts.delta;
  iv_prev_ = iv.prev;
  iv_delta_ = iv.delta;
  fv_prev_ = fv.prev;
  fv_lead_ = fv.lead;
  fv_trail_ = fv.trail;
}

void ChunkEncoder::FlushFrame() {
  PutFrame(frame_.data(), frame_.size(), frame_prev_ts_, frame_prev_value_, &stream_);
  frame_prev_ts_ = static_cast<uint64_t>(frame_.back().ts);
  frame_prev_value_ = frame_.back().bits;
  frame_.clear();
}

void ChunkEncoder::AppendFrames(const RawPoint* points, size_t n) {
  constexpr uint64_t kWidth = kIndexWidthNs;
  const uint64_t origin = static_cast<uint64_t>(origin_);
  size_t j = 0;
  while (j < n) {
    // A run of points: in one block and in the open frame.
    size_t end = std::min(n, j + (kFramePoints - frame_.size()));
    if (index_) {
      const uint64_t off = static_cast<uint64_t>(points[j].ts) - origin;
      if (blocks_.empty() || off >= block_end_) {
        const uint64_t sub = off / kWidth;
        // (sub equal to the last block's only when that sub-window's end does not fit a uint64:
        // the point is in it.)
        if (blocks_.empty() || sub != blocks_.back().sub) {
          if (!frame_.empty()) {
            FlushFrame();  // a block starts a frame
            end = std::min(n, j + kFramePoints);
          }
          Block b;
          b.sub = sub;
          b.bit_offset = stream_.size() * 8;
          b.prev_ts = frame_prev_ts_;  // the previous point (0, 0: none)
          b.prev_value = frame_prev_value_;
          blocks_.push_back(b);
          if (__builtin_mul_overflow(sub + 1, kWidth, &block_end_)) block_end_ = UINT64_MAX;
        }
      }
      size_t k = j + 1;
      while (k < end && static_cast<uint64_t>(points[k].ts) - origin < block_end_) ++k;
      end = k;
      // The block's summary: the least and greatest value.
      Block& b = blocks_.back();
      int64_t lo = b.count > 0 ? static_cast<int64_t>(b.min_bits) : INT64_MAX;
      int64_t hi = b.count > 0 ? static_cast<int64_t>(b.max_bits) : INT64_MIN;
      for (size_t i = j; i < end; ++i) {
        lo = std::min(lo, static_cast<int64_t>(points[i].bits));
        hi = std::max(hi, static_cast<int64_t>(points[i].bits));
      }
      b.min_bits = static_cast<uint64_t>(lo);
      b.max_bits = static_cast<uint64_t>(hi);
      b.count += end - j;
    }
    // The open frame's storage grows geometrically up to kFramePoints (MemoryBytes counts it).
    const size_t need = frame_.size() + (end - j);
    if (frame_.capacity() < need) {
      frame_.reserve(std::min(kFramePoints, std::max(frame_.capacity() * 2, need)));
    }
    frame_.insert(frame_.end(), points + j, points + end);
    if (frame_.size() == kFramePoints) FlushFrame();
    j = end;
  }
}

std::string ChunkEncoder::Chunk() const {
  std::string out;
  out.reserve(3 + 10 + kLastPointBytes + 10 + blocks_.size() * 48 + stream_.size() + 8 +
              frame_.size() * 20);
  out.push_back(static_cast<char>(version_));
  out.push_back(static_cast<char>(type_));
  codec::PutVarint64(&out, count_);
  if (count_ == 0) return out;
  codec::PutFixed64BE(&out, static_cast<uint64_t>(last_.ts));
  codec::PutFixed64BE(&out, last_.bits);
  if (index_ && blocks_.size() >= 2) {
    std::string idx;
    PutIndex(version_, type_, kIndexWidthNs, blocks_, origin_, &idx);
    codec::PutVarint64(&out, idx.size());
    out += idx;
  } else {
    codec::PutVarint64(&out, 0);
  }
  out += stream_;
  if (version_ == kChunkVersion4) {
    if (!frame_.empty())
      PutFrame(frame_.data(), frame_.size(), frame_prev_ts_, frame_prev_value_, &out);
    return out;
  }
  BitWriter tail(&out, pending_, pending_bits_);
  tail.Finish();
  return out;
}

absl::StatusOr<std::string> EncodeChunk(ValueType type, const std::vector<RawPoint>& points) {
  ChunkEncoder e(type);
  RETURN_IF_ERROR(e.Append(points.data(), points.size()));
  return e.Chunk();
}

absl::Status ParseChunk(std::string_view chunk, ChunkInfo* info) {
  info->blocks.clear();
  info->width = 0;
  info->last.reset();
  info->stream = {};
  if (chunk.size() < 3) return Corrupt(util::StrCat("only ", chunk.size(), " bytes"));
  const uint8_t version = static_cast<uint8_t>(chunk[0]);
  if (version != kChunkVersion4 && version != kChunkVersion && version != kChunkVersion2 &&
      version != kChunkVersion1) {
    return Corrupt(util::StrCat("unknown version ", static_cast<int>(version)));
  }
  info->version = version;
  const uint8_t type_byte = static_cast<uint8_t>(chunk[1]);
  if (type_byte > static_cast<uint8_t>(ValueType::kBool)) {
    return Corrupt(util::StrCat("unknown value type ", static_cast<int>(type_byte)));
  }
  info->type = static_cast<ValueType>(type_byte);
  if (version == kChunkVersion4 && info->type == ValueType::kFloat) {
    return Corrupt("version 4 holds no float values");
  }
  std::string_view rest = chunk.substr(2);
  if (!codec::GetVarint64(&rest, &info->count)) return Corrupt("bad point count");
  if (info->count == 0) {
    if (!rest.empty()) return Corrupt("bytes after an empty chunk");
    return absl::OkStatus();
  }
  if (version >= kChunkVersion2) {
    if (rest.size() < kLastPointBytes) return Corrupt("truncated last point");
    info->last = RawPoint{static_cast<int64_t>(codec::DecodeFixed64BE(rest.data())),
                          codec::DecodeFixed64BE(rest.data() + 8)};
    rest.remove_prefix(kLastPointBytes);
  }
  std::string_view index;
  if (version >= kChunkVersion) {
    uint64_t len = 0;
    if (!codec::GetVarint64(&rest, &len) || len > rest.size()) return Corrupt("bad index length");
    index = rest.substr(0, len);
    rest.remove_prefix(len);
  }
  info->stream = rest;
  if (version == kChunkVersion4) {
    // Frames of up to kFramePoints points: a frame of two points or more takes kMinFullFrameBytes
    // or more, one of one point kMinFrameBytes; so the fewest bytes `count` points can take are
    // those of full frames and one short one.
    const uint64_t least = info->count / kFramePoints * kMinFullFrameBytes +
                           (info->count % kFramePoints != 0 ? kMinFrameBytes : 0);
    if (least > rest.size()) {
      return Corrupt(util::StrCat("count ", info->count, " exceeds the data"));
    }
    if (!index.empty()) RETURN_IF_ERROR(ParseIndex(index, info));
    return absl::OkStatus();
  }
  // The first point takes at least 65 bits (128 for floats), every further one at least
  // kMinBitsPerPoint: bound the count by the input size before anything is allocated.
  const size_t bits = rest.size() * 8;
  const size_t first_bits = info->type == ValueType::kFloat ? 128 : 65;
  if (bits < first_bits || (info->count - 1) > (bits - first_bits) / kMinBitsPerPoint) {
    return Corrupt(util::StrCat("count ", info->count, " exceeds the data"));
  }
  if (!index.empty()) RETURN_IF_ERROR(ParseIndex(index, info));
  return absl::OkStatus();
}

size_t FirstBlockFor(const ChunkInfo& info, int64_t min_ts) {
  size_t b = 0;
  while (b + 1 < info.blocks.size() && info.blocks[b + 1].start <= min_ts) ++b;
  return b;
}

namespace {
// Room for `more` points after those in *out, growing geometrically: a query decodes chunk after
// chunk into one vector, and an exact reserve per chunk would copy it once per chunk (found by
// review, session 9).
void ReserveMore(std::vector<RawPoint>* out, size_t more) {
  const size_t need = out->size() + more;
  if (out->capacity() < need) out->reserve(std::max(need, 2 * out->capacity()));
}
}  // namespace

absl::Status DecodeChunkBlocks(const ChunkInfo& info, size_t first_block, int64_t min_ts,
                               int64_t max_ts, std::vector<RawPoint>* out) {
  if (info.count == 0) return absl::OkStatus();
  if (info.version == kChunkVersion4) {
    const uint64_t from = first_block > 0 && first_block < info.blocks.size()
                              ? info.blocks[first_block].first_point
                              : 0;
    ReserveMore(out, static_cast<size_t>(info.count - from));
    return DecodeFrames(info, first_block, min_ts, max_ts, out);
  }
  BitReader r(info.stream);
  Cursor c;
  uint64_t first = 0;
  const bool from_start = first_block == 0 || first_block >= info.blocks.size();
  if (!from_start) {
    const ChunkBlock& b = info.blocks[first_block];
    r.SkipBits(static_cast<size_t>(b.bit_offset));
    c = Cursor{b.prev_ts, b.ts_delta, b.prev_value, b.value_delta, b.lead, b.trail};
    first = b.first_point;
  }
  const uint64_t n = info.count - first;
  // At most every point left (bounded by the data in ParseChunk).
  ReserveMore(out, static_cast<size_t>(n));
  bool done = false;
  switch (info.type) {
    case ValueType::kFloat:
      RETURN_IF_ERROR(
          DecodeLoop<ValueType::kFloat>(r, c, from_start, first, n, min_ts, max_ts, out, &done));
      break;
    case ValueType::kInt:
      RETURN_IF_ERROR(
          DecodeLoop<ValueType::kInt>(r, c, from_start, first, n, min_ts, max_ts, out, &done));
      break;
    case ValueType::kBool:
      RETURN_IF_ERROR(
          DecodeLoop<ValueType::kBool>(r, c, from_start, first, n, min_ts, max_ts, out, &done));
      break;
  }
  if (!done) return absl::OkStatus();  // stopped after max_ts: the rest is not checked
  // The whole stream was decoded: check the stored last point and the padding.
  // (The last point decoded is the stream's last even when it was left out by min_ts.)
  // Only zero padding (< 8 bits) may follow.
  const size_t left = r.remaining_bits();
  if (left >= 8) return Corrupt(util::StrCat(left / 8, " trailing bytes"));
  if (left > 0 && r.Read(static_cast<int>(left)) != 0) return Corrupt("non-zero padding");
  return absl::OkStatus();
}

absl::Status VisitChunkBlocks(const ChunkInfo& info, size_t first_block, int64_t min_ts,
                              int64_t max_ts,
                              absl::FunctionRef<bool(const RawPoint*, size_t)> visit) {
  if (info.count == 0) return absl::OkStatus();
  if (info.version == kChunkVersion4) return VisitFrames(info, first_block, min_ts, max_ts, visit);
  // A bit stream (version 3 and before): decoded into the thread's buffer, then visited whole.
  // (Taken out of the thread_local during the call, so that `visit` may decode too.)
  thread_local std::vector<RawPoint> buffer;
  std::vector<RawPoint> pts;
  pts.swap(buffer);
  pts.clear();
  absl::Status s = DecodeChunkBlocks(info, first_block, min_ts, max_ts, &pts);
  if (s.ok() && !pts.empty()) visit(pts.data(), pts.size());
  if (pts.capacity() * sizeof(RawPoint) <= (size_t{1} << 20)) pts.swap(buffer);  // keep <= 1 MiB
  return s;
}

absl::Status DecodeChunkRange(std::string_view chunk, ValueType* type, std::vector<RawPoint>* out,
                              int64_t min_ts, int64_t max_ts) {
  thread_local ChunkInfo info;
  RETURN_IF_ERROR(ParseChunk(chunk, &info));
  *type = info.type;
  const size_t base = out->size();
  RETURN_IF_ERROR(DecodeChunkBlocks(info, FirstBlockFor(info, min_ts), min_ts, max_ts, out));
  // A full decode checks the stored last point against the stream's.
  if (info.last && out->size() > base && out->back().ts == info.last->ts &&
      !(out->back() == *info.last)) {
    return Corrupt("the stored last point differs from the stream's");
  }
  return absl::OkStatus();
}

absl::Status DecodeChunkInto(std::string_view chunk, ValueType* type, std::vector<RawPoint>* out,
                             int64_t max_ts) {
  return DecodeChunkRange(chunk, type, out, INT64_MIN, max_ts);
}

absl::StatusOr<DecodedChunk> DecodeChunk(std::string_view chunk) {
  DecodedChunk out;
  ChunkInfo info;
  RETURN_IF_ERROR(ParseChunk(chunk, &info));
  out.type = info.type;
  RETURN_IF_ERROR(DecodeChunkBlocks(info, 0, INT64_MIN, INT64_MAX, &out.points));
  if (info.last && !(out.points.back() == *info.last)) {
    return Corrupt("the stored last point differs from the stream's");
  }
  if (!info.blocks.empty()) {
    // The index must be the one the points give: the encoder writes exactly this chunk.
    ChunkEncoder e(out.type, info.version);  // the chunk's version, 3 or 4
    RETURN_IF_ERROR(e.Append(out.points.data(), out.points.size()));
    if (e.Chunk() != chunk) return Corrupt("the block index differs from the stream's");
  }
  return out;
}

absl::StatusOr<std::optional<RawPoint>> ChunkLastPoint(std::string_view chunk) {
  if (chunk.size() >= 3 && static_cast<uint8_t>(chunk[0]) >= kChunkVersion2 &&
      static_cast<uint8_t>(chunk[0]) <= kChunkVersion4 &&
      static_cast<uint8_t>(chunk[1]) <= static_cast<uint8_t>(ValueType::kBool)) {
    std::string_view rest = chunk.substr(2);
    uint64_t count = 0;
    if (!codec::GetVarint64(&rest, &count)) return Corrupt("bad point count");
    if (static_cast<uint8_t>(chunk[0]) == kChunkVersion4 &&
        static_cast<uint8_t>(chunk[1]) == static_cast<uint8_t>(ValueType::kFloat)) {
      return Corrupt("a float chunk of version 4");  // floats are written as version 3 only
    }
    if (count == 0) return std::optional<RawPoint>();
    if (rest.size() < kLastPointBytes) return Corrupt("truncated last point");
    return std::optional<RawPoint>(
        RawPoint{static_cast<int64_t>(codec::DecodeFixed64BE(rest.data())),
                 codec::DecodeFixed64BE(rest.data() + 8)});
  }
  ASSIGN_OR_RETURN(DecodedChunk c, DecodeChunk(chunk));  // version 1, or an error
  if (c.points.empty()) return std::optional<RawPoint>();
  return std::optional<RawPoint>(c.points.back());
}

void SortDedupLastWins(std::vector<RawPoint>* points) {
  std::stable_sort(points->begin(), points->end(),
                   [](const RawPoint& a, const RawPoint& b) { return a.ts < b.ts; });
  // Within equal timestamps the stable sort keeps input order; keep the last of each run.
  std::vector<RawPoint> out;
  out.reserve(points->size());
  for (size_t i = 0; i < points->size(); ++i) {
    if (i + 1 < points->size() && (*points)[i + 1].ts == (*points)[i].ts) continue;
    out.push_back((*points)[i]);
  }
  points->swap(out);
}

}  // namespace tessera::ts
