// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/chunk_frames.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "core/codec/coding.h"
#include "core/util/strings.h"
#include "models/ts/chunk_index.h"
#include "tessera/status.h"

namespace tessera::ts {

using chunk_internal::Corrupt;
using chunk_internal::kChunkVersion4;
using chunk_internal::VarintAt;

namespace {

uint64_t ZigZag(uint64_t v) {
  return (v << 1) ^ static_cast<uint64_t>(static_cast<int64_t>(v) >> 63);
}
uint64_t UnZigZag(uint64_t u) { return (u >> 1) ^ (~(u & 1) + 1); }

size_t VarintBytes(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

int WidthOf(uint64_t span) { return span == 0 ? 0 : 64 - std::countl_zero(span); }

// Appends m fields of w bits, field(j) for j in [0, m), little-endian, least significant bit
// first, zero-padded to a byte. Every field(j) < 2^w.
template <class Field>
__attribute__((always_inline)) inline void PutPacked(size_t m, int w, Field field,
                                                     std::string* out) {
  const size_t bytes = (m * static_cast<size_t>(w) + 7) / 8;
  if (bytes == 0) return;
  const size_t start = out->size();
  out->resize(start + bytes + 8);  // room for whole 8-byte stores
  char* p = out->data() + start;
  uint64_t acc = 0;
  int used = 0;
  for (size_t j = 0; j < m; ++j) {
    const uint64_t x = field(j);
    acc |= x << used;
    if (used + w >= 64) {
      std::memcpy(p, &acc, 8);  // little-endian hosts only (x86-64, aarch64)
      p += 8;
      const int spill = used + w - 64;
      acc = spill == 0 ? 0 : x >> (64 - used);
      used = spill;
    } else {
      used += w;
    }
  }
  std::memcpy(p, &acc, 8);
  out->resize(start + bytes);
}

// The 8 bytes at data[at] as a little-endian word; bytes at or past `size` read as 0.
inline uint64_t Load8(const char* data, size_t size, size_t at) {
  uint64_t w = 0;
  if (at + 8 <= size) {
    std::memcpy(&w, data + at, 8);
    return w;
  }
  for (size_t i = 0; at + i < size && i < 8; ++i) {
    w |= static_cast<uint64_t>(static_cast<uint8_t>(data[at + i])) << (8 * i);
  }
  return w;
}

// Reads a varint at data[*pos], within size.
inline bool ReadVarint(const char* data, size_t size, size_t* pos, uint64_t* v) {
  size_t p = *pos;
  if (p < size && static_cast<uint8_t>(data[p]) < 0x80) {  // one byte: the common case
    *v = static_cast<uint8_t>(data[p]);
    *pos = p + 1;
    return true;
  }
  size_t len = 0;
  if (!VarintAt(data + p, size - p, v, &len)) return false;
  *pos = p + len;
  return true;
}

// Calls sink(j, field) for fields j0..m-1 of w bits (1..64) of the run at data[at] (its bytes
// inside size), in order.
template <class Sink>
__attribute__((always_inline)) inline void UnpackAny(const char* data, size_t size, size_t at,
                                                     size_t j0, size_t m, int w, Sink& sink) {
  const uint64_t mask = w == 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1;
  size_t j = j0;
  if (w <= 56) {
    // Fields whose 8-byte load stays inside the value: one unaligned load each.
    if (at + 8 <= size) {
      const size_t fast = (size - at - 8) * 8 / static_cast<size_t>(w) + 1;  // fields
      const size_t end = fast < m ? fast : m;
      for (; j < end; ++j) {
        const size_t bit = j * static_cast<size_t>(w);
        uint64_t word;
        std::memcpy(&word, data + at + (bit >> 3), 8);
        sink(j, (word >> (bit & 7)) & mask);
      }
    }
    for (; j < m; ++j) {
      const size_t bit = j * static_cast<size_t>(w);
      sink(j, (Load8(data, size, at + (bit >> 3)) >> (bit & 7)) & mask);
    }
    return;
  }
  for (; j < m; ++j) {  // wide fields may span 9 bytes
    const size_t bit = j * static_cast<size_t>(w);
    const size_t byte = at + (bit >> 3);
    const int shift = static_cast<int>(bit & 7);
    uint64_t v = Load8(data, size, byte) >> shift;
    if (shift != 0 && byte + 8 < size) {
      v |= static_cast<uint64_t>(static_cast<uint8_t>(data[byte + 8])) << (64 - shift);
    }
    sink(j, v & mask);
  }
}

// Groups of 8 fields of a width W known at compile time (8 fields take W bytes): constant
// shifts and offsets, no per-field arithmetic on the bit position. Returns the fields done.
template <int W, class Sink>
__attribute__((always_inline)) inline size_t UnpackGroups(const char* data, size_t size, size_t at,
                                                          size_t m, Sink& sink) {
  constexpr uint64_t kMask = (uint64_t{1} << W) - 1;
  // Whole groups whose last 8-byte load (at byte (7 * W) / 8 of the group) stays inside.
  const size_t room = size - at;
  size_t groups = m / 8;
  if (room < W + 8) return 0;
  const size_t fit = (room - 8 - (7 * W) / 8) / W + 1;
  if (fit < groups) groups = fit;
  const char* p = data + at;
  for (size_t g = 0; g < groups; ++g, p += W) {
    uint64_t word;
    if constexpr (W <= 8) {  // the whole group in one load
      std::memcpy(&word, p, 8);
#pragma GCC unroll 8
      for (int i = 0; i < 8; ++i) sink(g * 8 + i, (word >> (i * W)) & kMask);
    } else {
#pragma GCC unroll 8
      for (int i = 0; i < 8; ++i) {
        std::memcpy(&word, p + (i * W) / 8, 8);
        sink(g * 8 + i, (word >> ((i * W) % 8)) & kMask);
      }
    }
  }
  if constexpr (W <= 8) {
    // The last m % 8 fields (a frame of 128 points has 127: 7 of them) take under W bytes: one
    // load when 8 bytes are readable (the next frame's usually are), instead of UnpackAny's
    // per-field bit arithmetic.
    const size_t tail = m - groups * 8;
    if (groups == m / 8 && tail > 0 && room - groups * W >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      for (size_t i = 0; i < tail; ++i) sink(groups * 8 + i, (word >> (i * W)) & kMask);
      return m;
    }
  }
  return groups * 8;
}

template <class Sink>
__attribute__((always_inline)) inline void Unpack(const char* data, size_t size, size_t at,
                                                  size_t m, int w, Sink sink) {
  size_t done = 0;
  switch (w) {
#define TESSERA_UNPACK_CASE(W)                       \
  case W:                                            \
    done = UnpackGroups<W>(data, size, at, m, sink); \
    break;
    TESSERA_UNPACK_CASE(1)
    TESSERA_UNPACK_CASE(2)
    TESSERA_UNPACK_CASE(3)
    TESSERA_UNPACK_CASE(4)
    TESSERA_UNPACK_CASE(5)
    TESSERA_UNPACK_CASE(6)
    TESSERA_UNPACK_CASE(7)
    TESSERA_UNPACK_CASE(8)
    TESSERA_UNPACK_CASE(9)
    TESSERA_UNPACK_CASE(10)
    TESSERA_UNPACK_CASE(11)
    TESSERA_UNPACK_CASE(12)
    TESSERA_UNPACK_CASE(13)
    TESSERA_UNPACK_CASE(14)
    TESSERA_UNPACK_CASE(15)
    TESSERA_UNPACK_CASE(16)
#undef TESSERA_UNPACK_CASE
    default:
      break;
  }
  if (done < m) UnpackAny(data, size, at, done, m, w, sink);
}

// Checks a run of m fields of width w (1..64) at data[*pos]: inside the value, zero padding.
// Moves *pos past it and sets *at to its start.
inline const char* TakeRun(const char* data, size_t size, size_t* pos, size_t m, int w,
                           size_t* at) {
  const size_t bits = m * static_cast<size_t>(w);
  const size_t bytes = (bits + 7) / 8;
  if (bytes > size - *pos) return "truncated frame";
  const int rem = static_cast<int>(bits & 7);
  if (rem != 0 && (static_cast<uint8_t>(data[*pos + bytes - 1]) >> rem) != 0) {
    return "non-zero padding";
  }
  *at = *pos;
  *pos += bytes;
  return nullptr;
}

// Regular timestamps (width 0) from t, m more at min_d apart: ascending when min_d >= 1 and the
// last time fits an int64, i.e. the span m * min_d (unsigned: it may exceed INT64_MAX) is at
// most INT64_MAX - t, computed mod 2^64 (exact for any int64 t). Found by review, session 9: a
// signed check refused {INT64_MIN, INT64_MAX}.
inline const char* RegularSpan(uint64_t t, uint64_t min_d, size_t m, uint64_t* span) {
  if (min_d == 0 || __builtin_mul_overflow(min_d, static_cast<uint64_t>(m), span) ||
      *span > static_cast<uint64_t>(INT64_MAX) - t) {
    return "timestamps not ascending";
  }
  return nullptr;
}

}  // namespace

void PutFrame(const RawPoint* p, size_t n, uint64_t prev_ts, uint64_t prev_value,
              std::string* out) {
  codec::PutVarint64(out, ZigZag(static_cast<uint64_t>(p[0].ts) - prev_ts));
  codec::PutVarint64(out, ZigZag(p[0].bits - prev_value));
  if (n <= 1) return;
  const size_t m = n - 1;
  // One pass for the ranges: timestamp deltas (>= 1 as integers, so exact as uint64), value
  // deltas and values (as int64).
  uint64_t min_d = ~uint64_t{0}, max_d = 0;
  int64_t min_x = INT64_MAX, max_x = INT64_MIN, min_y = INT64_MAX, max_y = INT64_MIN;
  for (size_t i = 1; i < n; ++i) {
    const uint64_t d = static_cast<uint64_t>(p[i].ts) - static_cast<uint64_t>(p[i - 1].ts);
    min_d = std::min(min_d, d);
    max_d = std::max(max_d, d);
    const int64_t x = static_cast<int64_t>(p[i].bits - p[i - 1].bits);
    const int64_t y = static_cast<int64_t>(p[i].bits);
    min_x = std::min(min_x, x);
    max_x = std::max(max_x, x);
    min_y = std::min(min_y, y);
    max_y = std::max(max_y, y);
  }
  const int tw = WidthOf(max_d - min_d);
  codec::PutVarint64(out, min_d);
  out->push_back(static_cast<char>(tw));
  PutPacked(
      m, tw,
      [&](size_t j) {
        return static_cast<uint64_t>(p[j + 1].ts) - static_cast<uint64_t>(p[j].ts) - min_d;
      },
      out);
  const int xw = WidthOf(static_cast<uint64_t>(max_x) - static_cast<uint64_t>(min_x));
  const int yw = WidthOf(static_cast<uint64_t>(max_y) - static_cast<uint64_t>(min_y));
  const size_t x_cost = VarintBytes(ZigZag(static_cast<uint64_t>(min_x))) + (m * xw + 7) / 8;
  const size_t y_cost = VarintBytes(ZigZag(static_cast<uint64_t>(min_y))) + (m * yw + 7) / 8;
  if (y_cost < x_cost) {  // values
    out->push_back(static_cast<char>(0x80 | yw));
    codec::PutVarint64(out, ZigZag(static_cast<uint64_t>(min_y)));
    PutPacked(
        m, yw, [&](size_t j) { return p[j + 1].bits - static_cast<uint64_t>(min_y); }, out);
  } else {  // deltas
    out->push_back(static_cast<char>(xw));
    codec::PutVarint64(out, ZigZag(static_cast<uint64_t>(min_x)));
    PutPacked(
        m, xw, [&](size_t j) { return p[j + 1].bits - p[j].bits - static_cast<uint64_t>(min_x); },
        out);
  }
}

const char* GetFrame(const char* data, size_t size, size_t* pos, size_t n, bool after_prev,
                     uint64_t prev_ts, uint64_t prev_value, RawPoint* out) {
  uint64_t dt = 0, dv = 0;
  if (!ReadVarint(data, size, pos, &dt) || !ReadVarint(data, size, pos, &dv)) {
    return "truncated frame";
  }
  uint64_t t = prev_ts + UnZigZag(dt);
  uint64_t x = prev_value + UnZigZag(dv);
  if (after_prev && static_cast<int64_t>(t) <= static_cast<int64_t>(prev_ts)) {
    return "timestamps not ascending";
  }
  out[0] = RawPoint{static_cast<int64_t>(t), x};
  if (n <= 1) return nullptr;
  const size_t m = n - 1;
  RawPoint* o = out + 1;
  // Timestamps.
  uint64_t min_d = 0;
  if (!ReadVarint(data, size, pos, &min_d) || *pos >= size) return "truncated frame";
  const int tw = static_cast<uint8_t>(data[(*pos)++]);
  if (tw > 64) return "bad timestamp width";
  if (tw == 0) {
    uint64_t span;
    if (const char* e = RegularSpan(t, min_d, m, &span)) return e;
    // Written with the values below (one pass over the points).
  } else {
    size_t at = 0;
    if (const char* e = TakeRun(data, size, pos, m, tw, &at)) return e;
    bool bad = false;
    Unpack(
        data, size, at, m, tw, [&](size_t j, uint64_t f) __attribute__((always_inline)) {
          const uint64_t nt = t + min_d + f;
          bad |= static_cast<int64_t>(nt) <= static_cast<int64_t>(t);
          o[j].ts = static_cast<int64_t>(t = nt);
        });
    if (bad) return "timestamps not ascending";
  }
  // Values.
  if (*pos >= size) return "truncated frame";
  const uint8_t mode = static_cast<uint8_t>(data[(*pos)++]);
  const int vw = mode & 0x7f;
  if (vw > 64) return "bad value width";
  uint64_t base = 0;
  if (!ReadVarint(data, size, pos, &base)) return "truncated frame";
  base = UnZigZag(base);
  const bool values = (mode & 0x80) != 0;
  if (vw != 0) {
    size_t at = 0;
    if (const char* e = TakeRun(data, size, pos, m, vw, &at)) return e;
    // Regular timestamps (tw == 0) are written in the same pass: t0 + (j + 1) * min_d.
    if (tw == 0) {
      if (values) {
        Unpack(
            data, size, at, m, vw, [&](size_t j, uint64_t f) __attribute__((always_inline)) {
              o[j] = RawPoint{static_cast<int64_t>(t += min_d), base + f};
            });
      } else {
        Unpack(
            data, size, at, m, vw, [&](size_t j, uint64_t f) __attribute__((always_inline)) {
              o[j] = RawPoint{static_cast<int64_t>(t += min_d), x += base + f};
            });
      }
    } else if (values) {
      Unpack(
          data, size, at, m,
          vw, [&](size_t j, uint64_t f) __attribute__((always_inline)) { o[j].bits = base + f; });
    } else {
      Unpack(
          data, size, at, m, vw, [&](size_t j, uint64_t f) __attribute__((always_inline)) {
            o[j].bits = (x += base + f);
          });
    }
    return nullptr;
  }
  for (size_t j = 0; j < m; ++j) {
    if (tw == 0) o[j].ts = static_cast<int64_t>(t += min_d);
    o[j].bits = values ? base : (x += base);
  }
  return nullptr;
}

namespace {

// The walk over a parsed version-4 chunk's blocks and frames, shared by DecodeFramesOf and
// PickIntFrames so that both check the stream alike: from the checkpoint of block `first_block`
// (no index, or past the last block: from the start), each later block's checkpoint checked
// against the stream, a block starting after max_ts not entered. frame(&pos, n, point, &pt, &pv,
// &stop) reads the frame of n points at the stream's byte pos, which follows the point (pt, pv)
// (point: the chunk's index of the frame's first point), moves pos past it, sets pt and pv to its
// last point, and sets stop to end the walk (OK); its error ends the walk. A walk that reaches
// the chunk's end checks that the frames take exactly the stream.
template <class Frame>
absl::Status WalkFrames(const ChunkInfo& info, size_t first_block, int64_t max_ts, Frame&& frame) {
  const size_t blocks = info.blocks.size();
  size_t k = first_block < blocks ? first_block : 0;
  size_t pos = 0;
  uint64_t pt = 0, pv = 0, point = 0;
  if (k > 0) {
    const ChunkBlock& b = info.blocks[k];
    pos = static_cast<size_t>(b.bit_offset / 8);
    pt = b.prev_ts;
    pv = b.prev_value;
    point = b.first_point;
  }
  for (const size_t start = k;; ++k) {
    uint64_t left = info.count - point;
    if (blocks > 0) {
      const ChunkBlock& b = info.blocks[k];
      // A block after max_ts: not decoded (its first frame may be 128 points).
      if (k > start && b.start > max_ts) return absl::OkStatus();
      if (k > start && (pos != b.bit_offset / 8 || pt != b.prev_ts || pv != b.prev_value)) {
        return Corrupt(
            util::StrCat("the checkpoint of index block ", k, " differs from the stream"));
      }
      left = b.count;
    }
    while (left > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(left, kFramePoints));
      bool stop = false;
      RETURN_IF_ERROR(frame(&pos, n, point, &pt, &pv, &stop));
      if (stop) return absl::OkStatus();
      point += n;
      left -= n;
    }
    if (blocks == 0 || k + 1 >= blocks) break;
  }
  if (pos != info.stream.size()) {
    return Corrupt(util::StrCat(info.stream.size() - pos, " trailing bytes"));
  }
  return absl::OkStatus();
}

// Version 4: decodes the frames of a parsed chunk from block `first_block` (no index: from the
// start) and passes the points with min_ts <= ts <= max_ts to sink(points, n), a frame's part at
// a time; stops after max_ts, or when the sink returns false. Checks the frames, the timestamps'
// order, bools, each later block's checkpoint against the stream, and that the frames take
// exactly the stream.
template <ValueType kType, class Sink>
absl::Status DecodeFramesOf(const ChunkInfo& info, size_t first_block, int64_t min_ts,
                            int64_t max_ts, Sink&& sink) {
  const char* data = info.stream.data();
  const size_t size = info.stream.size();
  // Storage for one frame's points, left uninitialized (GetFrame writes each point it returns;
  // RawPoint is an aggregate, so its objects begin with the storage).
  alignas(RawPoint) unsigned char storage[kFramePoints * sizeof(RawPoint)];
  RawPoint* const buf = reinterpret_cast<RawPoint*>(storage);
  auto frame = [&](size_t* pos, size_t n, uint64_t point, uint64_t* pt, uint64_t* pv,
                   bool* stop) -> absl::Status {
    // Decoded into buf, then the part in range passed on.
    if (const char* e = GetFrame(data, size, pos, n, point > 0, *pt, *pv, buf)) {
      return Corrupt(util::StrCat(e, " in the frame at point ", point));
    }
    if constexpr (kType == ValueType::kBool) {
      uint64_t any = 0;
      for (size_t i = 0; i < n; ++i) any |= buf[i].bits;
      if (any > 1) {
        size_t i = 0;
        while (buf[i].bits <= 1) ++i;
        return Corrupt(util::StrCat("bool value ", buf[i].bits, " at point ", point + i));
      }
    }
    *pt = static_cast<uint64_t>(buf[n - 1].ts);
    *pv = buf[n - 1].bits;
    size_t lo = 0, hi = n;
    if (buf[0].ts < min_ts || buf[n - 1].ts > max_ts) {  // ascending: binary searches
      lo = static_cast<size_t>(
          std::partition_point(buf, buf + n, [&](const RawPoint& p) { return p.ts < min_ts; }) -
          buf);
      hi = static_cast<size_t>(
          std::partition_point(buf + lo, buf + n,
                               [&](const RawPoint& p) { return p.ts <= max_ts; }) -
          buf);
    }
    // The sink asked to stop, or the frame goes past max_ts.
    *stop = (lo < hi && !sink(buf + lo, hi - lo)) || hi < n;
    return absl::OkStatus();
  };
  return WalkFrames(info, first_block, max_ts, frame);
}

// Field j of the run of fields of width w (1..64) at data[at] (its bytes inside size).
inline uint64_t FieldAt(const char* data, size_t size, size_t at, size_t j, int w) {
  const size_t bit = j * static_cast<size_t>(w);
  const size_t byte = at + (bit >> 3);
  const int shift = static_cast<int>(bit & 7);
  uint64_t v = Load8(data, size, byte) >> shift;
  if (w <= 56) return v & ((uint64_t{1} << w) - 1);
  if (shift != 0 && byte + 8 < size) {  // a wide field may span 9 bytes
    v |= static_cast<uint64_t>(static_cast<uint8_t>(data[byte + 8])) << (64 - shift);
  }
  return w == 64 ? v : v & ((uint64_t{1} << w) - 1);
}

// The values of a frame of int64 values (after its header: x0 the first, the rest `vw`-bit
// fields at data[at] from `base`, as values or deltas).
struct FrameValues {
  const char* data;
  size_t size;
  size_t at;
  uint64_t x0, base;
  int vw;
  bool values;

  // Whether a value needs the sum of the deltas before it (else it is computed on its own).
  bool sums() const { return !values && vw != 0; }
  // The value at position j (not sums()).
  uint64_t At(uint64_t j) const {
    if (j == 0) return x0;
    if (!values) return x0 + j * base;
    return vw == 0 ? base : base + FieldAt(data, size, at, static_cast<size_t>(j - 1), vw);
  }
  // v[0, count] = the values at positions 0..count (sums(); count < kFramePoints).
  void Sum(size_t count, uint64_t* v) const {
    v[0] = x0;
    uint64_t x = x0;
    const uint64_t b = base;
    auto add = [&](size_t j, uint64_t f) __attribute__((always_inline)) {
      v[j + 1] = (x += b + f);
    };
    Unpack(data, size, at, count, vw, add);
  }
};

// Of times[i, end) (ascending, times[i] >= t0), those up to t_last: the values of the regular
// frame t0 + j * step, j in [0, (t_last - t0) / step], at them (one division gives a time's j
// and whether a point is there). Returns the first time after the frame. __restrict: a store
// to `found` (uint8_t) may alias anything as far as the compiler knows. Not inlined: inside
// PickFrame the loop's pointers were spilled to the stack and reloaded on every time.
// kBounded false: a time after t_last is known to follow (times[end - 1] > t_last), so the loop
// needs no bound check.
template <bool kSums, bool kBounded>
__attribute__((noinline)) size_t PickRegular(const int64_t* __restrict times, size_t i, size_t end,
                                             int64_t t_last, uint64_t t0, uint64_t step,
                                             const FrameValues& fv, const uint64_t* __restrict v,
                                             uint64_t* __restrict bits, uint8_t* __restrict found) {
  // The loop ends at the first d past the span (times[i] > t_last for ascending times) rather
  // than comparing times[i] with t_last: a time below t0, which only a caller breaking the
  // ascending precondition could pass, wraps d past the span too, so it can never index v[] or
  // the frame's bytes out of bounds (found by review, session 12; the same one compare a time).
  const uint64_t span = static_cast<uint64_t>(t_last) - t0;
  for (; !kBounded || i < end; ++i) {
    const uint64_t d = static_cast<uint64_t>(times[i]) - t0;
    if (d > span) break;
    const uint64_t j = d / step;
    if (d % step == 0) {
      bits[i] = kSums ? v[j] : fv.At(j);
      found[i] = 1;
    }
  }
  return i;
}

// PickChunkBlocks' work on the int64 frame of n points at data[*pos], which follows the point
// (*pt, *pv) (after_prev: not the chunk's first frame): GetFrame's checks, then the values at
// times[*k, end) that fall in the frame picked and *k moved past them. Sets *past when the frame
// has a point after times[end - 1] (decoding stops there; *pt and *pv are then unspecified),
// else *pt and *pv to the frame's last point. nullptr on success, else what GetFrame reports.
const char* PickFrame(const char* data, size_t size, size_t* pos, size_t n, bool after_prev,
                      uint64_t* pt, uint64_t* pv, const int64_t* times, size_t* k, size_t end,
                      uint64_t* bits, uint8_t* found, bool* past) {
  const size_t start = *pos;
  uint64_t dt = 0, dv = 0;
  if (!ReadVarint(data, size, pos, &dt) || !ReadVarint(data, size, pos, &dv)) {
    return "truncated frame";
  }
  const uint64_t t0 = *pt + UnZigZag(dt);
  const uint64_t x0 = *pv + UnZigZag(dv);
  if (after_prev && static_cast<int64_t>(t0) <= static_cast<int64_t>(*pt)) {
    return "timestamps not ascending";
  }
  const int64_t max_ts = times[end - 1];
  size_t i = *k;
  while (i < end && times[i] < static_cast<int64_t>(t0)) ++i;  // between frames: no point
  if (n <= 1) {
    if (i < end && times[i] == static_cast<int64_t>(t0)) {
      bits[i] = x0;
      found[i++] = 1;
    }
    *k = i;
    *pt = t0;
    *pv = x0;
    *past = static_cast<int64_t>(t0) > max_ts;
    return nullptr;
  }
  const size_t m = n - 1;
  uint64_t min_d = 0;
  if (!ReadVarint(data, size, pos, &min_d) || *pos >= size) return "truncated frame";
  if (data[*pos] != 0) {
    // Irregular timestamps: decoded into points as VisitFrames decodes them, then searched.
    *pos = start;
    alignas(RawPoint) unsigned char storage[kFramePoints * sizeof(RawPoint)];
    RawPoint* const buf = reinterpret_cast<RawPoint*>(storage);
    if (const char* e = GetFrame(data, size, pos, n, after_prev, *pt, *pv, buf)) return e;
    *k = PickPoints(buf, buf + n, times, *k, end, bits, found);
    *pt = static_cast<uint64_t>(buf[n - 1].ts);
    *pv = buf[n - 1].bits;
    *past = buf[n - 1].ts > max_ts;
    return nullptr;
  }
  ++*pos;
  uint64_t span;
  if (const char* e = RegularSpan(t0, min_d, m, &span)) return e;
  const int64_t t_last = static_cast<int64_t>(t0 + span);
  if (*pos >= size) return "truncated frame";
  const uint8_t mode = static_cast<uint8_t>(data[(*pos)++]);
  const int vw = mode & 0x7f;
  if (vw > 64) return "bad value width";
  uint64_t base = 0;
  if (!ReadVarint(data, size, pos, &base)) return "truncated frame";
  base = UnZigZag(base);
  size_t at = 0;
  if (vw != 0) {
    if (const char* e = TakeRun(data, size, pos, m, vw, &at)) return e;
  }
  const bool values = (mode & 0x80) != 0;
  const FrameValues fv{data, size, at, x0, base, vw, values};
  *past = t_last > max_ts;
  uint64_t v[kFramePoints];  // the running sums of the deltas (fv.sums()): the value at each j
  if (!*past) {
    // Decoding goes on after this frame: the whole frame (for its last value), then the times.
    if (fv.sums()) fv.Sum(m, v);
    if (t_last < max_ts) {
      *k = fv.sums()
               ? PickRegular<true, false>(times, i, end, t_last, t0, min_d, fv, v, bits, found)
               : PickRegular<false, false>(times, i, end, t_last, t0, min_d, fv, v, bits, found);
    } else {
      *k = fv.sums()
               ? PickRegular<true, true>(times, i, end, t_last, t0, min_d, fv, v, bits, found)
               : PickRegular<false, true>(times, i, end, t_last, t0, min_d, fv, v, bits, found);
    }
    *pt = static_cast<uint64_t>(t_last);
    *pv = fv.sums() ? v[m] : fv.At(m);
    return nullptr;
  }
  // The frame decoding stops at: the sums only as far as the last time in it.
  if (fv.sums()) {
    size_t e = i;
    while (e < end && times[e] <= t_last) ++e;
    fv.Sum(e > i ? static_cast<size_t>((static_cast<uint64_t>(times[e - 1]) - t0) / min_d) : 0, v);
    *k = PickRegular<true, true>(times, i, end, t_last, t0, min_d, fv, v, bits, found);
  } else {
    *k = PickRegular<false, true>(times, i, end, t_last, t0, min_d, fv, v, bits, found);
  }
  return nullptr;
}

// PickChunkBlocks for a version-4 int64 chunk: the walk DecodeFramesOf makes (WalkFrames: the
// same checkpoint checks, stops and trailing-bytes check), a frame at a time through PickFrame.
absl::Status PickIntFrames(const ChunkInfo& info, size_t first_block, const int64_t* times,
                           size_t k, size_t end, uint64_t* bits, uint8_t* found) {
  const char* data = info.stream.data();
  const size_t size = info.stream.size();
  return WalkFrames(info, first_block, times[end - 1],
                    [&](size_t* pos, size_t n, uint64_t point, uint64_t* pt, uint64_t* pv,
                        bool* stop) -> absl::Status {
                      if (const char* e = PickFrame(data, size, pos, n, point > 0, pt, pv, times,
                                                    &k, end, bits, found, stop)) {
                        return Corrupt(util::StrCat(e, " in the frame at point ", point));
                      }
                      return absl::OkStatus();
                    });
}

}  // namespace

absl::Status PickChunkBlocks(const ChunkInfo& info, size_t first_block, const int64_t* times,
                             size_t k, size_t end, uint64_t* bits, uint8_t* found) {
  if (info.count == 0 || k >= end) return absl::OkStatus();
  if (info.version == kChunkVersion4 && info.type == ValueType::kInt) {
    return PickIntFrames(info, first_block, times, k, end, bits, found);
  }
  // Older versions and bools (whose every decoded value is checked): decoded, then searched.
  return VisitChunkBlocks(info, first_block, times[k], times[end - 1],
                          [&](const RawPoint* p, size_t n) {
                            k = PickPoints(p, p + n, times, k, end, bits, found);
                            return true;
                          });
}

absl::Status DecodeFrames(const ChunkInfo& info, size_t first_block, int64_t min_ts, int64_t max_ts,
                          std::vector<RawPoint>* out) {
  auto append = [out](const RawPoint* p, size_t n) {
    out->insert(out->end(), p, p + n);
    return true;
  };
  if (info.type == ValueType::kBool) {
    return DecodeFramesOf<ValueType::kBool>(info, first_block, min_ts, max_ts, append);
  }
  return DecodeFramesOf<ValueType::kInt>(info, first_block, min_ts, max_ts, append);
}

absl::Status VisitFrames(const ChunkInfo& info, size_t first_block, int64_t min_ts, int64_t max_ts,
                         absl::FunctionRef<bool(const RawPoint*, size_t)> visit) {
  if (info.type == ValueType::kBool) {
    return DecodeFramesOf<ValueType::kBool>(info, first_block, min_ts, max_ts, visit);
  }
  return DecodeFramesOf<ValueType::kInt>(info, first_block, min_ts, max_ts, visit);
}

}  // namespace tessera::ts
