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

// Thread safety: not thread-safe (Cursor).
class RowsCursor final : public Cursor<TsRowView> {
 public:
  explicit RowsCursor(RowsBuffer&& buf) : buf_(std::move(buf)) { Load(); }
  bool Valid() const override { return k_ < buf_.rows(); }
  void Next() override {
    ++k_;
    Load();
  }
  const TsRowView& entry() const override { return view_; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  void Load() {
    if (k_ >= buf_.rows()) return;
    while (g_ + 1 < buf_.groups.size() && buf_.groups[g_ + 1].first <= k_) ++g_;
    view_.time = buf_.times[k_];
    view_.tags = buf_.groups[g_].second;
    view_.values = absl::MakeConstSpan(buf_.cells.data() + k_ * buf_.n, buf_.n);
  }

  RowsBuffer buf_;
  size_t k_ = 0;  // the current row
  size_t g_ = 0;  // its group
  TsRowView view_;
};

// Thread safety: not thread-safe (Cursor).
class FieldsRowsCursor final : public Cursor<TsRowView> {
 public:
  explicit FieldsRowsCursor(std::shared_ptr<const std::vector<TsFieldsRow>> rows)
      : rows_(std::move(rows)) {
    Load();
  }
  bool Valid() const override { return k_ < rows_->size(); }
  void Next() override {
    ++k_;
    Load();
  }
  const TsRowView& entry() const override { return view_; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  void Load() {
    if (k_ >= rows_->size()) return;
    const TsFieldsRow& row = (*rows_)[k_];
    view_.time = row.time;
    view_.tags = &row.tags;
    view_.values = absl::MakeConstSpan(row.values);
  }

  std::shared_ptr<const std::vector<TsFieldsRow>> rows_;
  size_t k_ = 0;
  TsRowView view_;
};

}  // namespace

std::unique_ptr<Cursor<TsRowView>> NewRowsCursor(RowsBuffer&& buf) {
  return std::make_unique<RowsCursor>(std::move(buf));
}

std::unique_ptr<Cursor<TsRowView>> NewFieldsRowsCursor(LastRowsResult&& rows) {
  if (rows.shared == nullptr) {
    rows.shared = std::make_shared<const std::vector<TsFieldsRow>>(std::move(rows.own));
  }
  return std::make_unique<FieldsRowsCursor>(std::move(rows.shared));
}

}  // namespace tessera::ts
