// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The wide-column compaction hook (see wide_gc.h).
#include "models/wide/wide_gc.h"

#include <string>
#include <unordered_map>

#include "models/wide/wide_codec.h"

namespace tessera::wide {
namespace {

class WideCompactionFilter final : public internal::ModelCompactionFilter {
 public:
  explicit WideCompactionFilter(int64_t now_us) : now_us_(now_us) {}

  bool Remove(uint64_t object_id, std::string_view options, std::string_view key,
              std::string_view value) override {
    const TableSchema* schema = Schema(object_id, options);
    if (schema == nullptr) return false;
    DecodedKey k;
    if (!DecodeKey(key, &k) || k.family == kLockFamilyId) return false;
    std::string_view column = key.substr(0, k.column_prefix_len);
    if (column != column_) {
      column_.assign(column.data(), column.size());
      index_ = 0;
    }
    size_t version = index_++;
    const FamilySchema* family = schema->FindId(k.family);
    if (family == nullptr) return false;  // unknown family: keep, never guess
    return !KeepVersion(family->options, version, k.timestamp, now_us_);
  }

 private:
  // The parsed schema of a table, cached for the compaction (null when unparsable).
  const TableSchema* Schema(uint64_t id, std::string_view options) {
    auto it = schemas_.find(id);
    if (it == schemas_.end() || it->second.raw != options) {
      Cached c;
      c.raw = std::string(options);
      c.ok = DecodeSchema(options, &c.schema);
      it = schemas_.insert_or_assign(id, std::move(c)).first;
    }
    return it->second.ok ? &it->second.schema : nullptr;
  }

  struct Cached {
    std::string raw;
    bool ok = false;
    TableSchema schema;
  };

  const int64_t now_us_;
  std::unordered_map<uint64_t, Cached> schemas_;
  std::string column_;  // the column prefix whose versions are being counted
  size_t index_ = 0;    // versions of column_ seen in this compaction
};

class WideCompactionHook final : public internal::ModelCompactionHook {
 public:
  std::unique_ptr<internal::ModelCompactionFilter> NewFilter(int64_t now_us) const override {
    return std::make_unique<WideCompactionFilter>(now_us);
  }
};

}  // namespace

std::shared_ptr<const internal::ModelCompactionHook> NewWideCompactionHook() {
  return std::make_shared<WideCompactionHook>();
}

}  // namespace tessera::wide
