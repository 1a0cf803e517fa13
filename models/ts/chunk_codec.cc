// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/chunk_codec.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "core/codec/coding.h"
#include "core/util/strings.h"
#include "models/ts/bit_stream.h"
#include "tessera/status.h"

namespace tessera::ts {
namespace {

// Version 2 adds the last point after the count (so Last reads it without decoding); version 1
// chunks, written before 2026-11-30, are still read.
constexpr uint8_t kChunkVersion = 2;
constexpr uint8_t kChunkVersion1 = 1;
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

void WriteDod(BitWriter* w, uint64_t dod_bits) {
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

__attribute__((always_inline)) inline uint64_t ReadDod(BitReader* r) {
  // Prefix and payload from one 8-byte load when the stream has them (all but the 64-bit case
  // fit in the 57 bits it gives): the hot loop of every query.
  uint64_t w;
  if (r->Peek57(&w)) {
    const unsigned top = static_cast<unsigned>(w >> 60);
    if (top < 8) {  // 0
      r->Skip(1);
      return 0;
    }
    if (top < 12) {  // 10 + 14 bits
      r->Skip(16);
      return static_cast<uint64_t>(SignExtend((w << 2) >> 50, 14));
    }
    if (top < 14) {  // 110 + 20 bits
      r->Skip(23);
      return static_cast<uint64_t>(SignExtend((w << 3) >> 44, 20));
    }
    if (top < 15) {  // 1110 + 32 bits
      r->Skip(36);
      return static_cast<uint64_t>(SignExtend((w << 4) >> 32, 32));
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

void WriteXor(BitWriter* w, XorState* s, uint64_t bits) {
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

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(util::StrCat("corrupt time-series chunk: ", what));
}

}  // namespace

uint64_t DoubleBits(double v) { return std::bit_cast<uint64_t>(v); }
double BitsDouble(uint64_t bits) { return std::bit_cast<double>(bits); }

absl::StatusOr<std::string> EncodeChunk(ValueType type, const std::vector<RawPoint>& points) {
  if (type != ValueType::kFloat && type != ValueType::kInt && type != ValueType::kBool) {
    return absl::InvalidArgumentError("unknown chunk value type");
  }
  std::string out;
  out.push_back(static_cast<char>(kChunkVersion));
  out.push_back(static_cast<char>(type));
  codec::PutVarint64(&out, points.size());
  if (!points.empty()) {
    codec::PutFixed64BE(&out, static_cast<uint64_t>(points.back().ts));
    codec::PutFixed64BE(&out, points.back().bits);
  }
  BitWriter w(&out);
  DodState ts;
  DodState iv;
  XorState fv;
  for (size_t i = 0; i < points.size(); ++i) {
    const RawPoint& p = points[i];
    if (i > 0 && p.ts <= points[i - 1].ts) {
      return absl::InvalidArgumentError(
          util::StrCat("chunk timestamps must be strictly ascending: point ", i, " has ", p.ts,
                       " after ", points[i - 1].ts));
    }
    if (type == ValueType::kBool && p.bits > 1) {
      return absl::InvalidArgumentError(util::StrCat("bool point ", i, " has value ", p.bits));
    }
    const uint64_t t = static_cast<uint64_t>(p.ts);
    if (i == 0) {
      w.Write(t, 64);
    } else {
      const uint64_t delta = t - ts.prev;
      WriteDod(&w, delta - ts.delta);
      ts.delta = delta;
    }
    ts.prev = t;
    if (type == ValueType::kFloat) {
      if (i == 0) {
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
  w.Finish();
  return out;
}

absl::Status DecodeChunkInto(std::string_view chunk, ValueType* type, std::vector<RawPoint>* out,
                             int64_t max_ts) {
  if (chunk.size() < 3) return Corrupt(util::StrCat("only ", chunk.size(), " bytes"));
  const uint8_t version = static_cast<uint8_t>(chunk[0]);
  if (version != kChunkVersion && version != kChunkVersion1) {
    return Corrupt(
        util::StrCat("unknown version ", static_cast<int>(static_cast<uint8_t>(chunk[0]))));
  }
  const uint8_t type_byte = static_cast<uint8_t>(chunk[1]);
  if (type_byte > static_cast<uint8_t>(ValueType::kBool)) {
    return Corrupt(util::StrCat("unknown value type ", static_cast<int>(type_byte)));
  }
  const ValueType vt = static_cast<ValueType>(type_byte);
  *type = vt;
  std::string_view rest = chunk.substr(2);
  uint64_t count = 0;
  if (!codec::GetVarint64(&rest, &count)) return Corrupt("bad point count");
  if (count == 0) {
    if (!rest.empty()) return Corrupt("bytes after an empty chunk");
    return absl::OkStatus();
  }
  // The first point takes at least 65 bits (128 for floats), every further one at least
  // kMinBitsPerPoint: bound the count by the input size before allocating.
  RawPoint last;
  if (version == kChunkVersion) {
    if (rest.size() < kLastPointBytes) return Corrupt("truncated last point");
    last.ts = static_cast<int64_t>(codec::DecodeFixed64BE(rest.data()));
    last.bits = codec::DecodeFixed64BE(rest.data() + 8);
    rest.remove_prefix(kLastPointBytes);
  }
  const size_t bits = rest.size() * 8;
  const size_t first_bits = vt == ValueType::kFloat ? 128 : 65;
  if (bits < first_bits || (count - 1) > (bits - first_bits) / kMinBitsPerPoint) {
    return Corrupt(util::StrCat("count ", count, " exceeds the data"));
  }
  // Written in place into a buffer sized for every point, shrunk to what was decoded.
  const size_t base = out->size();
  out->resize(base + count);
  RawPoint* dst = out->data() + base;
  size_t n = 0;
  auto finish = [&](absl::Status s) {
    out->resize(base + n);
    return s;
  };
  BitReader r(rest);
  DodState ts;
  DodState iv;
  XorState fv;
  for (uint64_t i = 0; i < count; ++i) {
    RawPoint p;
    uint64_t t;
    if (i == 0) {
      t = r.Read(64);
    } else {
      ts.delta += ReadDod(&r);
      t = ts.prev + ts.delta;
    }
    ts.prev = t;
    p.ts = static_cast<int64_t>(t);
    if (vt == ValueType::kFloat) {
      if (i == 0) {
        p.bits = r.Read(64);
        fv.prev = p.bits;
      } else if (!ReadXor(&r, &fv, &p.bits)) {
        return finish(Corrupt(util::StrCat("bad float coding at point ", i)));
      }
    } else {
      iv.delta += ReadDod(&r);
      iv.prev += iv.delta;
      p.bits = iv.prev;
      if (vt == ValueType::kBool && p.bits > 1) {
        return finish(Corrupt(util::StrCat("bool value ", p.bits, " at point ", i)));
      }
    }
    if (r.failed()) return finish(Corrupt(util::StrCat("truncated at point ", i, " of ", count)));
    if (n > 0 && p.ts <= dst[n - 1].ts) {
      return finish(Corrupt(util::StrCat("timestamps not ascending at point ", i)));
    }
    // Past max_ts: the rest of the stream is not needed (nor checked).
    if (p.ts > max_ts) return finish(absl::OkStatus());
    dst[n++] = p;
  }
  if (version == kChunkVersion && !(dst[n - 1] == last)) {
    return finish(Corrupt("the stored last point differs from the stream's"));
  }
  // Only zero padding (< 8 bits) may follow.
  const size_t left = r.remaining_bits();
  if (left >= 8) return finish(Corrupt(util::StrCat(left / 8, " trailing bytes")));
  if (left > 0 && r.Read(static_cast<int>(left)) != 0) {
    return finish(Corrupt("non-zero padding"));
  }
  return finish(absl::OkStatus());
}

absl::StatusOr<DecodedChunk> DecodeChunk(std::string_view chunk) {
  DecodedChunk out;
  RETURN_IF_ERROR(DecodeChunkInto(chunk, &out.type, &out.points));
  return out;
}

absl::StatusOr<std::optional<RawPoint>> ChunkLastPoint(std::string_view chunk) {
  if (chunk.size() >= 3 && static_cast<uint8_t>(chunk[0]) == kChunkVersion &&
      static_cast<uint8_t>(chunk[1]) <= static_cast<uint8_t>(ValueType::kBool)) {
    std::string_view rest = chunk.substr(2);
    uint64_t count = 0;
    if (!codec::GetVarint64(&rest, &count)) return Corrupt("bad point count");
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
