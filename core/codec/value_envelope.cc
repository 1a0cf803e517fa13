// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The value envelope and the counter merge operand (layouts drawn in value_envelope.h).
#include "core/codec/value_envelope.h"

#include <charconv>

#include "core/codec/coding.h"

namespace tessera::codec {

void EncodeEnvelope(std::string* out, std::string_view payload, int64_t expiry_us) {
  if (expiry_us != 0) {
    out->push_back(static_cast<char>(kEnvelopeHasExpiry));
    PutFixed64BE(out, static_cast<uint64_t>(expiry_us));
  } else {
    out->push_back('\0');
  }
  out->append(payload.data(), payload.size());
}

std::string EncodeEnvelope(std::string_view payload, int64_t expiry_us) {
  std::string out;
  out.reserve(payload.size() + 9);
  EncodeEnvelope(&out, payload, expiry_us);
  return out;
}

bool DecodeEnvelope(std::string_view in, Envelope* out) {
  if (in.empty()) return false;
  uint8_t flags = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  if ((flags & ~kEnvelopeHasExpiry) != 0) return false;
  out->expiry_us = 0;
  if (flags & kEnvelopeHasExpiry) {
    uint64_t e;
    if (!GetFixed64BE(&in, &e)) return false;
    out->expiry_us = static_cast<int64_t>(e);
  }
  out->payload = in;
  return true;
}

std::string EncodeCounterAdd(int64_t delta, int64_t expiry_us) {
  std::string out;
  out.push_back(static_cast<char>(kMergeCounterAdd));
  PutFixed64BE(&out, static_cast<uint64_t>(delta));
  PutFixed64BE(&out, static_cast<uint64_t>(expiry_us));
  return out;
}

bool DecodeCounterAdd(std::string_view in, int64_t* delta, int64_t* expiry_us) {
  if (in.size() != 17 || static_cast<uint8_t>(in[0]) != kMergeCounterAdd) return false;
  *delta = static_cast<int64_t>(DecodeFixed64BE(in.data() + 1));
  *expiry_us = static_cast<int64_t>(DecodeFixed64BE(in.data() + 9));
  return true;
}

std::optional<int64_t> ParseDecimalInt64(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  const char* begin = s.data();
  if (*begin == '+') return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace tessera::codec
