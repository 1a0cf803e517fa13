// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The value envelope: a one-byte header in front of a stored value that carries an optional
// expiry time, so that read paths and the compaction filter can enforce time-to-live without
// knowing the payload's format. Used by key-value entries.
//
//   +-------+----------------------------+-----------------+
//   | flags | expiry_us (8 bytes, BE)    | payload ...     |
//   +-------+----------------------------+-----------------+
//   flags bit 0: an expiry follows (microseconds since the Unix epoch; the value is invisible
//   from that instant on). Other bits must be 0: a reader refuses unknown flags.
//
// Counter merge operand (data column family), applied by the engine's merge operator:
//
//   +------+-------------------+-----------------------+
//   | 0x01 | delta (8 bytes BE)| expiry_us (8 bytes BE)|   expiry_us 0 = none
//   +------+-------------------+-----------------------+
//   The payload is a decimal int64; the result keeps the operand's expiry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tessera::codec {

inline constexpr uint8_t kEnvelopeHasExpiry = 0x01;
inline constexpr uint8_t kMergeCounterAdd = 0x01;

struct Envelope {
  int64_t expiry_us = 0;     // 0: never expires
  std::string_view payload;  // view into the decoded input
};

// Appends the envelope of `payload` to `out`.
void EncodeEnvelope(std::string* out, std::string_view payload, int64_t expiry_us);
std::string EncodeEnvelope(std::string_view payload, int64_t expiry_us);

// Decodes `in`; false when it is not a well-formed envelope.
bool DecodeEnvelope(std::string_view in, Envelope* out);

inline bool IsExpired(const Envelope& e, int64_t now_us) {
  return e.expiry_us != 0 && e.expiry_us <= now_us;
}

// The counter-add merge operand.
std::string EncodeCounterAdd(int64_t delta, int64_t expiry_us);
bool DecodeCounterAdd(std::string_view in, int64_t* delta, int64_t* expiry_us);

// Parses a whole string as a decimal int64 ("-12"); nullopt if it is not one.
std::optional<int64_t> ParseDecimalInt64(std::string_view s);

}  // namespace tessera::codec
