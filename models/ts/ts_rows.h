// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The results of QueryRows / LastRows and their cursors (QueryRowViews, LastRowViews): one
// implementation of each query fills a result, and the public calls either copy it out as
// TsFieldsRow or hand out views of it (TsRowView) through a Cursor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "tessera/cursor.h"
#include "tessera/ts.h"

namespace tessera::ts {

struct CachedScope;

// The rows of a QueryRows, row-major in one buffer: row k's time is times[k] and its values
// cells[k * n, (k + 1) * n). Rows are grouped: group i's rows start at groups[i].first (ascending,
// no group without rows) and have the tags *groups[i].second, owned by `scope`.
// Not thread-safe (a query fills it, then one reader reads it).
struct RowsBuffer {
  size_t n = 0;                                          // fields per row
  std::vector<int64_t> times;                            // one per row
  std::vector<std::optional<TsValue>> cells;             // n per row
  std::vector<std::pair<size_t, const TsTags*>> groups;  // (first row, tags) per group
  std::shared_ptr<const CachedScope> scope;              // keeps the tags alive

  size_t rows() const { return times.size(); }
  // Appends a row at `time` whose values are all nullopt; returns its first cell.
  std::optional<TsValue>* AddRow(int64_t time) {
    times.push_back(time);
    cells.resize(cells.size() + n);
    return cells.data() + cells.size() - n;
  }
  // Reverses the order of rows [first, rows()).
  void ReverseFrom(size_t first);
  // Keeps the first `count` rows.
  void Truncate(size_t count) {
    times.resize(count);
    cells.resize(count * n);
  }
};

// A LastRows result: the rows shared with the last-point cache, or made for this call alone.
struct LastRowsResult {
  std::shared_ptr<const std::vector<TsFieldsRow>> shared;  // the cache's (immutable), or null
  std::vector<TsFieldsRow> own;                            // the rows when `shared` is null

  // The rows as LastRows returns them (a copy of shared ones).
  std::vector<TsFieldsRow> Take() && { return shared ? *shared : std::move(own); }
};

// QueryRows' rows out of a buffer: one TsFieldsRow per row.
std::vector<TsFieldsRow> DrainRows(RowsBuffer&& buf);
// A cursor over the buffer's rows (TsRowView into it).
std::unique_ptr<Cursor<TsRowView>> NewRowsCursor(RowsBuffer&& buf);
// A cursor viewing LastRows' rows (shared ones are viewed, not copied).
std::unique_ptr<Cursor<TsRowView>> NewFieldsRowsCursor(LastRowsResult&& rows);

}  // namespace tessera::ts
