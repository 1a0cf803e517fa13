// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Wide-column layouts (docs/format/wide.md).
//
// Data column family, one key per cell version:
//
//   +-----------------+----------------------+-----------+---------------------+---------------+
//   | table id (8 BE) | row key (escaped,    | family id | qualifier (escaped, | ~timestamp    |
//   |                 | then 0x00 0x01)      | (1 byte)  | then 0x00 0x01)     | (8 BE)        |
//   +-----------------+----------------------+-----------+---------------------+---------------+
//   value: +------+-------------+
//          | 0x01 | value bytes |      (0x01: a plain cell; other flag values are reserved)
//          +------+-------------+
//
// Escaping (the key codec's byte-string scheme without its type tag): 0x00 -> 0x00 0xFF, and
// the terminator 0x00 0x01 sorts below every escaped continuation, so a row sorts before every
// longer row it prefixes, rows keep bytewise order, and all keys of a row (or of a row-key
// prefix, or of a row range) form one byte range. The timestamp is stored complemented
// (~uint64), so versions of a column sort newest first.
//
// Row lock key, written by every write of the row (see wide_store.cc):
//
//   +-----------------+----------------------+------+
//   | table id (8 BE) | row key (escaped+term) | 0x00 |     value: empty
//   +-----------------+----------------------+------+
//
// Family id 0 is reserved for it; it sorts before the row's cells and readers skip it.
//
// Table schema (the catalog object's options string):
//
//   0x01 | varint family count | per family: id (1 B) | varint name length | name |
//          varint max_versions | zig-zag varint ttl_seconds | varint min_versions
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/wide.h"

namespace tessera::wide {

inline constexpr uint8_t kLockFamilyId = 0;
inline constexpr uint8_t kCellFlagPlain = 0x01;

struct FamilySchema {
  uint8_t id = 0;             // 1..kMaxWideFamilies, never reused within the table
  std::string name;           // the family's name
  WideFamilyOptions options;  // its GC policy
};

struct TableSchema {
  std::vector<FamilySchema> families;  // declaration order (= id order)

  const FamilySchema* Find(std::string_view name) const;
  const FamilySchema* FindId(uint8_t id) const;
};

std::string EncodeSchema(const TableSchema& schema);
// False on malformed input.
bool DecodeSchema(std::string_view in, TableSchema* out);

// Appends `bytes` escaped (no terminator).
void AppendEscaped(std::string* out, std::string_view bytes);
// Appends `bytes` escaped and terminated.
void AppendTerminated(std::string* out, std::string_view bytes);
// Decodes an escaped, terminated string from the front of *in. False on malformed input.
bool GetTerminated(std::string_view* in, std::string* out);

// table id | row (escaped, terminated): every key of the row starts with it.
std::string RowPrefix(uint64_t table, std::string_view row);
// table id | row escaped, unterminated: every key of every row starting with `row_prefix`.
std::string RowBytesPrefix(uint64_t table, std::string_view row_prefix);
std::string FamilyPrefix(uint64_t table, std::string_view row, uint8_t family);
std::string ColumnPrefix(uint64_t table, std::string_view row, uint8_t family,
                         std::string_view qualifier);
std::string CellKey(uint64_t table, std::string_view row, uint8_t family,
                    std::string_view qualifier, int64_t ts);
void AppendTimestamp(std::string* out, int64_t ts);
std::string LockKey(uint64_t table, std::string_view row);

struct DecodedKey {
  std::string row;
  uint8_t family = 0;            // kLockFamilyId for the row lock key
  std::string qualifier;         // empty for the lock key
  int64_t timestamp = 0;         // 0 for the lock key
  size_t row_prefix_len = 0;     // bytes of the key up to and including the row terminator
  size_t column_prefix_len = 0;  // bytes of the key before the timestamp
};
// False on malformed input.
bool DecodeKey(std::string_view key, DecodedKey* out);

std::string EncodeCellValue(std::string_view value);
// False on malformed input.
bool DecodeCellValue(std::string_view raw, std::string_view* value);

// Whether version `index` (0 = newest stored) with timestamp `ts` survives `gc` at `now_us`.
bool KeepVersion(const WideFamilyOptions& gc, size_t index, int64_t ts, int64_t now_us);

}  // namespace tessera::wide
