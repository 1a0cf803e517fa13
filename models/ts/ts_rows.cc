// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// RowsBuffer and the row cursors (ts_rows.h).

#include "models/ts/ts_rows.h"

#include <algorithm>

namespace tessera::ts {

void RowsBuffer::ReverseFrom(size_t first) {
  std::reverse(times.begin() + static_cast<std::ptrdiff_t>(first), times.end());
  if (n == 0) return;
  for (size_t i = first, j = rows(); i + 1 < j; ++i, --j) {
    std::swap_ranges(cells.begin() + static_cast<std::ptrdiff_t>(i * n),
                     cells.begin() + static_cast<std::ptrdiff_t>((i + 1) * n),
                     cells.begin() + static_cast<std::ptrdiff_t>((j - 1) * n));
  }
}

std::vector<TsFieldsRow> DrainRows(RowsBuffer&& buf) {
  std::vector<TsFieldsRow> rows;
  rows.reserve(buf.rows());
  const size_t n = buf.n;
  for (size_t g = 0; g < buf.groups.size(); ++g) {
    const size_t end = g + 1 < buf.groups.size() ? buf.groups[g + 1].first : buf.rows();
    const TsTags& tags = *buf.groups[g].second;
    for (size_t k = buf.groups[g].first; k < end; ++k) {
      TsFieldsRow& row = rows.emplace_back();
      row.time = buf.times[k];
      if (!tags.empty()) row.tags = tags;  // (no group-by: no tags, nothing to copy)
      row.values.assign(buf.cells.data() + k * n, buf.cells.data() + (k + 1) * n);
    }
  }
  return rows;
}

namespace {

// The cursor over a result's rows, in order: `Rows` has size() and View(k, &view), which sets
// the view of row k (called with k ascending). Thread safety: not thread-safe (Cursor).
template <typename Rows>
class RowViewCursor final : public Cursor<TsRowView> {
 public:
  explicit RowViewCursor(Rows rows) : rows_(std::move(rows)) { Load(); }
  bool Valid() const override { return k_ < rows_.size(); }
  void Next() override {
    ++k_;
    Load();
  }
  const TsRowView& entry() const override { return view_; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  void Load() {
    if (k_ < rows_.size()) rows_.View(k_, &view_);
  }

  Rows rows_;
  size_t k_ = 0;  // the current row
  TsRowView view_;
};

// QueryRowViews' rows: a RowsBuffer, with the group of the current row.
struct BufferRows {
  RowsBuffer buf;
  size_t g = 0;  // the group of the row viewed last

  size_t size() const { return buf.rows(); }
  void View(size_t k, TsRowView* view) {
    while (g + 1 < buf.groups.size() && buf.groups[g + 1].first <= k) ++g;
    view->time = buf.times[k];
    view->tags = buf.groups[g].second;
    view->values = absl::MakeConstSpan(buf.cells.data() + k * buf.n, buf.n);
  }
};

// LastRowViews' rows: TsFieldsRow, shared with the last-point cache or made for the call.
struct SharedRows {
  std::shared_ptr<const std::vector<TsFieldsRow>> rows;

  size_t size() const { return rows->size(); }
  void View(size_t k, TsRowView* view) const {
    const TsFieldsRow& row = (*rows)[k];
    view->time = row.time;
    view->tags = &row.tags;
    view->values = absl::MakeConstSpan(row.values);
  }
};

}  // namespace

std::unique_ptr<Cursor<TsRowView>> NewRowsCursor(RowsBuffer&& buf) {
  return std::make_unique<RowViewCursor<BufferRows>>(BufferRows{std::move(buf)});
}

std::unique_ptr<Cursor<TsRowView>> NewFieldsRowsCursor(LastRowsResult&& rows) {
  if (rows.shared == nullptr) {
    rows.shared = std::make_shared<const std::vector<TsFieldsRow>>(std::move(rows.own));
  }
  return std::make_unique<RowViewCursor<SharedRows>>(SharedRows{std::move(rows.shared)});
}

}  // namespace tessera::ts
