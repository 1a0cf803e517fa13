// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Reading rows: assembling a row's cells from its keys with the read-time GC policy and the
// read filters applied, and the streaming row cursor of scans.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/engine/read_source.h"
#include "models/wide/wide_codec.h"
#include "tessera/wide.h"

namespace tessera::wide {

// The cell filters of a read, with family names resolved to ids.
struct ReadSpec {
  // Selected families: id -> nullopt (every qualifier) or the selected qualifiers. Empty: all.
  std::map<uint8_t, std::optional<std::set<std::string>>> columns;
  std::string qualifier_prefix;
  std::optional<std::string> qualifier_from;
  std::optional<std::string> qualifier_to;
  std::vector<WideValueFilter> value_filters;
  uint32_t max_versions = 1;  // 0 = all kept
  int64_t min_timestamp = 0;
  std::optional<int64_t> max_timestamp;
};

// Positions `it` on its first key (or, with `reverse`, its last) inside its bounds. A
// transaction's iterator does not apply the bounds to the transaction's own writes, so readers
// must also check every key with InBounds.
void SeekStart(internal::BoundedIterator& it, bool reverse);
// True when `it` is valid and on a key inside its bounds.
bool InBounds(internal::BoundedIterator& it);

// Whether `value` compares `filter.op` with the filter's operand.
bool ValueMatches(const WideValueFilter& filter, std::string_view value);

// Reads the row whose key `it` is on (going forward) and leaves `it` on the first key after the
// row. `row` gets the row key and the cells that survive the GC policy at `now_us` and `spec`
// (possibly none). DataLoss on a malformed key or value.
absl::Status ReadRow(rocksdb::Iterator* it, const TableSchema& schema, const ReadSpec& spec,
                     int64_t now_us, WideRow* row);

// A cursor over the rows of [it's bounds): rows with no cell left are skipped; at most `limit`
// rows (0 = no limit). Not thread-safe. Holds a live-handle count on the engine so the database
// cannot close under it. `it` null: an empty cursor.
std::unique_ptr<Cursor<WideRow>> NewRowCursor(internal::Engine* engine,
                                              std::unique_ptr<internal::BoundedIterator> it,
                                              TableSchema schema, ReadSpec spec, bool reverse,
                                              size_t limit);

// {"F:Q": [{"ts": TS, "value": V}, ...], ...}: the change-event image of some cells (values
// that are not UTF-8 get U+FFFD replacements).
std::string CellsJson(const std::vector<WideCell>& cells);

}  // namespace tessera::wide
