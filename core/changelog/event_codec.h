// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The binary encoding of one change-log event, stored in the feed column family.
//
//   key:   seq (8 bytes, big-endian)              -- commit order, no gaps
//   value:
//   +------+-----------+--------+-----------+------------+-------+-----------+-------------+
//   | 0x01 | commit_us | txn_id | txn_index | txn_events | model | object_id | object name |
//   | ver  | zigzag    | varint | varint    | varint     | 1 B   | varint    | len-prefixed|
//   +------+-----------+--------+-----------+------------+-------+-----------+-------------+
//   +----+------------+-------------+--------------+-------+------------------+-----------------+
//   | op | key format | key         | image format | flags | before           | after           |
//   | 1B | 1 B        | len-prefixed| 1 B          | 1 B   | len-prefixed, if | len-prefixed, if|
//   +----+------------+-------------+--------------+-------+  flags bit 0     +  flags bit 1    +
//
// Lengths and integers are LEB128 varints; the event is self-describing so a reader needs no
// catalog (the object may have been dropped since). Key format: 0 raw, 1 JSON text. Image format:
// 0 raw, 1 JSON text, 2 stored document (the document model's value: 0x01 then MessagePack),
// which DecodeEventValue renders as JSON text (image format 1), byte for byte the text the
// document model wrote before it stored format 2 (docs/format/changelog.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "tessera/change_event.h"

namespace tessera::internal {

inline constexpr uint8_t kEventFormatVersion = 1;
// The first byte of an image in ImageFormat::kStoredDocument (the document format byte).
inline constexpr uint8_t kStoredDocumentFormat = 0x01;

// Appends the value encoding of `e` (everything except e.seq, which is the key).
void EncodeEventValue(const ChangeEvent& e, std::string* out);

// The two halves of EncodeEventValue, for writers that encode the change before its commit:
// the head (version, commit time, transaction fields) and the tail (model .. after).
void EncodeEventHead(int64_t commit_time_us, uint64_t txn_id, uint32_t txn_index,
                     uint32_t txn_events, std::string* out);
void EncodeEventTail(const ChangeEvent& e, std::string* out);

// EncodeEventValue's bytes in up to four pieces that concatenate to them, without copying the
// images: `scratch` receives everything but the images' bytes, `parts` views into it and into
// e.before / e.after (valid while those and `scratch` are unchanged). Returns the piece count.
size_t EncodeEventPieces(const ChangeEvent& e, std::string* scratch, std::string_view parts[4]);

// Decodes a value written by EncodeEventValue; `seq` comes from the key. Images stored as
// ImageFormat::kStoredDocument come back as JSON text (kJson).
absl::Status DecodeEventValue(uint64_t seq, std::string_view in, ChangeEvent* out);

// The encoded size of the event, for transaction size accounting.
size_t EstimateEventBytes(const ChangeEvent& e);

}  // namespace tessera::internal
