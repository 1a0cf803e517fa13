// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Encodings of the document model: stored documents, primary keys and index entries.
//
// Data column family (one record per document):
//
//   +------------------+---------------------------+      +------+---------------------------+
//   | coll id (8B, BE) | value component of _id    |  ->  | 0x01 | MessagePack of the object |
//   +------------------+---------------------------+      +------+---------------------------+
//
// Index column family (one record per index entry; a multikey document has one per element):
//
//   +------------------+------------------+-------------+-----+-------------+-----------------+
//   | coll id (8B, BE) | index no (4B,BE) | component 1 | ... | component n | _id component   |
//   +------------------+------------------+-------------+-----+-------------+-----------------+
//     -> _id component                      (the trailing _id is left out of unique indexes)
//
// A value component is order-preserving and prefix-free: memcmp of two components orders them as
// query::CompareSortKeys orders the values (MongoDB's order across types). It starts with a class
// byte, then:
//
//   0x01 empty array      (only at the top: an empty array as a sort or index key sorts below
//                         null, as MongoDB does; nested, it is an array with no elements)
//   0x02 null / missing   (nothing more)
//   0x03 number           the key codec's number encoding (int64 and double in one order)
//   0x04 string           the key codec's string encoding (escaped, terminated)
//   0x05 object           per field: 0x01 | key-codec string of the name | value component;
//                         then 0x00
//   0x06 array            per element: value component; then 0x00
//   0x07 bool             0x00 false, 0x01 true
//
// A descending component is the same bytes complemented (x ^ 0xFF).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "models/doc/msgpack.h"
#include "query/value.h"

namespace tessera::doc {

using query::Json;

// The first byte of a stored document: its encoding (MessagePack).
inline constexpr char kDocFormatMsgpack = 0x01;

inline constexpr uint8_t kClassEmptyArray = 0x01;
inline constexpr uint8_t kClassNull = 0x02;
inline constexpr uint8_t kClassNumber = 0x03;
inline constexpr uint8_t kClassString = 0x04;
inline constexpr uint8_t kClassObject = 0x05;
inline constexpr uint8_t kClassArray = 0x06;
inline constexpr uint8_t kClassBool = 0x07;

// Appends the value component of `v` (complemented when `descending`).
void AppendComponent(std::string* out, const Json& v, bool descending = false);
std::string EncodeComponent(const Json& v, bool descending = false);

// The class byte a value of `v`'s type starts with.
uint8_t ClassByte(const Json& v);

// Decodes one component (stored complemented when `descending`) from the front of `*in` and
// consumes it. DataLossError on malformed input.
absl::StatusOr<Json> DecodeComponent(std::string_view* in, bool descending = false);

// The data key of the document with primary key component `pk` in collection `coll`.
std::string DataKey(uint64_t coll, std::string_view pk);
// The first 12 bytes of every entry of index `index_no` of `coll`.
std::string IndexPrefix(uint64_t coll, uint32_t index_no);

// The stored form of a document, and back. Decode returns DataLossError on malformed input; with
// `only` it keeps just those top-level fields (see msgpack.h), skipping the others unbuilt.
std::string EncodeDocument(const Json& doc);
absl::StatusOr<Json> DecodeDocument(std::string_view stored, const FieldSet* only = nullptr);
absl::Status DecodeDocumentInto(std::string_view stored, Json* out, const FieldSet* only = nullptr);

// JSON text of `v` for messages and change events, exactly as nlohmann's compact dump writes it
// (json_text.cc); never throws (invalid UTF-8 is replaced).
std::string JsonText(const Json& v);

// A new, unique _id: 24 hex digits of seconds since the epoch (4 bytes), a per-process random
// value (5 bytes) and a counter (3 bytes), like MongoDB's ObjectId, so ids increase with time.
std::string GenerateId();

}  // namespace tessera::doc
