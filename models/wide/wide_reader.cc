// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Reading rows (see wide_reader.h).
#include "models/wide/wide_reader.h"

#include "core/engine/engine.h"
#include "core/util/rocks_status.h"
#include "nlohmann/json.hpp"

namespace tessera::wide {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

// Whether the column (family, qualifier) is selected by the spec's column and qualifier filters.
bool ColumnSelected(const ReadSpec& spec, uint8_t family, const std::string& qualifier) {
  if (!spec.columns.empty()) {
    auto it = spec.columns.find(family);
    if (it == spec.columns.end()) return false;
    if (it->second && !it->second->contains(qualifier)) return false;
  }
  if (!StartsWith(qualifier, spec.qualifier_prefix)) return false;
  if (spec.qualifier_from && qualifier < *spec.qualifier_from) return false;
  if (spec.qualifier_to && qualifier >= *spec.qualifier_to) return false;
  return true;
}

class RowCursor final : public Cursor<WideRow> {
 public:
  RowCursor(internal::Engine* engine, std::unique_ptr<internal::BoundedIterator> it,
            TableSchema schema, ReadSpec spec, bool reverse, size_t limit)
      : engine_(engine),
        it_(std::move(it)),
        schema_(std::move(schema)),
        spec_(std::move(spec)),
        reverse_(reverse),
        limit_(limit),
        now_us_(internal::Engine::NowMicros()) {
    if (it_ == nullptr) return;
    engine_->live_handles().fetch_add(1);
    SeekStart(*it_, reverse_);
    Settle();
  }
  ~RowCursor() override {
    if (it_ == nullptr) return;
    it_.reset();
    engine_->live_handles().fetch_sub(1);
  }

  bool Valid() const override { return valid_; }
  void Next() override {
    if (valid_) Settle();
  }
  const WideRow& entry() const override { return row_; }
  absl::Status status() const override { return status_; }

 private:
  // Reads rows until one has cells (or the end, or an error, or the limit).
  void Settle() {
    valid_ = false;
    if (limit_ != 0 && returned_ >= limit_) return;
    rocksdb::Iterator* it = it_->get();
    while (InBounds(*it_)) {
      std::string row_prefix;
      if (reverse_) {
        DecodedKey k;
        rocksdb::Slice raw = it->key();
        if (!DecodeKey(std::string_view(raw.data(), raw.size()), &k)) {
          status_ = absl::DataLossError("wide-column scan: malformed key");
          return;
        }
        row_prefix.assign(raw.data(), k.row_prefix_len);
        it->Seek(row_prefix);
        if (!InBounds(*it_)) break;
      }
      status_ = ReadRow(it, schema_, spec_, now_us_, &row_);
      if (!status_.ok()) return;
      if (reverse_) {
        it->Seek(row_prefix);
        if (it->Valid()) it->Prev();
      }
      if (!row_.cells.empty()) {
        valid_ = true;
        ++returned_;
        return;
      }
    }
    status_ = internal::FromRocks(it->status(), "wide-column scan");
  }

  internal::Engine* const engine_;
  std::unique_ptr<internal::BoundedIterator> it_;
  const TableSchema schema_;
  const ReadSpec spec_;
  const bool reverse_;
  const size_t limit_;
  const int64_t now_us_;
  size_t returned_ = 0;
  bool valid_ = false;
  WideRow row_;
  absl::Status status_;
};

}  // namespace

void SeekStart(internal::BoundedIterator& it, bool reverse) {
  if (!reverse) {
    if (it.lower().empty()) {
      it->SeekToFirst();
    } else {
      it->Seek(it.lower());
    }
    return;
  }
  if (it.upper().empty()) {
    it->SeekToLast();
    return;
  }
  it->SeekForPrev(it.upper());
  while (it->Valid() && it->key().compare(it.upper()) >= 0) it->Prev();
}

bool InBounds(internal::BoundedIterator& it) {
  if (!it->Valid()) return false;
  rocksdb::Slice k = it->key();
  if (!it.lower().empty() && k.compare(it.lower()) < 0) return false;
  return it.upper().empty() || k.compare(it.upper()) < 0;
}

bool ValueMatches(const WideValueFilter& filter, std::string_view value) {
  int c = value.compare(filter.operand);
  switch (filter.op) {
    case WideCompare::kEqual:
      return c == 0;
    case WideCompare::kNotEqual:
      return c != 0;
    case WideCompare::kLess:
      return c < 0;
    case WideCompare::kLessOrEqual:
      return c <= 0;
    case WideCompare::kGreater:
      return c > 0;
    case WideCompare::kGreaterOrEqual:
      return c >= 0;
  }
  return false;
}

absl::Status ReadRow(rocksdb::Iterator* it, const TableSchema& schema, const ReadSpec& spec,
                     int64_t now_us, WideRow* row) {
  row->cells.clear();
  DecodedKey k;
  std::string row_prefix;
  std::string column;   // the column prefix of the current column
  size_t index = 0;     // stored versions of the current column seen so far
  size_t returned = 0;  // versions of the current column that passed the filters
  const FamilySchema* family = nullptr;
  bool selected = false;
  for (; it->Valid(); it->Next()) {
    rocksdb::Slice raw_key = it->key();
    std::string_view key(raw_key.data(), raw_key.size());
    if (row_prefix.empty()) {
      if (!DecodeKey(key, &k)) return absl::DataLossError("wide-column read: malformed key");
      row_prefix = std::string(key.substr(0, k.row_prefix_len));
      row->key = k.row;
    } else {
      if (!StartsWith(key, row_prefix)) break;
      if (!DecodeKey(key, &k)) return absl::DataLossError("wide-column read: malformed key");
    }
    if (k.family == kLockFamilyId) continue;
    std::string_view col = key.substr(0, k.column_prefix_len);
    if (col != column) {
      column = std::string(col);
      index = 0;
      returned = 0;
      family = schema.FindId(k.family);
      selected = family != nullptr && ColumnSelected(spec, k.family, k.qualifier);
    }
    size_t version = index++;
    if (!selected) continue;
    if (!KeepVersion(family->options, version, k.timestamp, now_us)) continue;
    if (k.timestamp < spec.min_timestamp) continue;
    if (spec.max_timestamp && k.timestamp >= *spec.max_timestamp) continue;
    if (spec.max_versions != 0 && returned >= spec.max_versions) continue;
    ++returned;
    rocksdb::Slice raw_value = it->value();
    std::string_view value;
    if (!DecodeCellValue(std::string_view(raw_value.data(), raw_value.size()), &value)) {
      return absl::DataLossError("wide-column read: malformed cell value");
    }
    bool keep = true;
    for (const auto& f : spec.value_filters) keep = keep && ValueMatches(f, value);
    if (!keep) continue;
    row->cells.push_back(WideCell{family->name, k.qualifier, k.timestamp, std::string(value)});
  }
  return internal::FromRocks(it->status(), "wide-column read");
}

std::unique_ptr<Cursor<WideRow>> NewRowCursor(internal::Engine* engine,
                                              std::unique_ptr<internal::BoundedIterator> it,
                                              TableSchema schema, ReadSpec spec, bool reverse,
                                              size_t limit) {
  return std::make_unique<RowCursor>(engine, std::move(it), std::move(schema), std::move(spec),
                                     reverse, limit);
}

std::string CellsJson(const std::vector<WideCell>& cells) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& c : cells) {
    std::string name = c.family + ":" + c.qualifier;
    out[name].push_back({{"ts", c.timestamp}, {"value", c.value}});
  }
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace tessera::wide
