// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The merge operator and compaction filter (see storage_hooks.h).
#include "core/engine/storage_hooks.h"

#include <string>

#include "core/codec/coding.h"
#include "core/codec/value_envelope.h"
#include "core/engine/engine.h"

namespace tessera::internal {
namespace {

class TesseraMergeOperator : public rocksdb::MergeOperator {
 public:
  const char* Name() const override { return "tessera.merge.v1"; }

  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
    int64_t value = 0;
    int64_t expiry = 0;
    if (in.existing_value != nullptr) {
      codec::Envelope env;
      std::string_view raw(in.existing_value->data(), in.existing_value->size());
      if (!codec::DecodeEnvelope(raw, &env)) return false;
      auto parsed = codec::ParseDecimalInt64(env.payload);
      if (!parsed) return false;
      value = *parsed;
      expiry = env.expiry_us;
    }
    for (const rocksdb::Slice& op : in.operand_list) {
      int64_t delta, op_expiry;
      if (!codec::DecodeCounterAdd(std::string_view(op.data(), op.size()), &delta, &op_expiry)) {
        return false;
      }
      if (__builtin_add_overflow(value, delta, &value)) return false;
      expiry = op_expiry;
    }
    out->new_value.clear();
    codec::EncodeEnvelope(&out->new_value, std::to_string(value), expiry);
    return true;
  }

  bool PartialMerge(const rocksdb::Slice&, const rocksdb::Slice& left, const rocksdb::Slice& right,
                    std::string* new_value, rocksdb::Logger*) const override {
    int64_t d1, e1, d2, e2, sum;
    if (!codec::DecodeCounterAdd(std::string_view(left.data(), left.size()), &d1, &e1) ||
        !codec::DecodeCounterAdd(std::string_view(right.data(), right.size()), &d2, &e2) ||
        __builtin_add_overflow(d1, d2, &sum)) {
      return false;  // leave both operands for the full merge
    }
    *new_value = codec::EncodeCounterAdd(sum, e2);
    return true;
  }
};

class TesseraCompactionFilter : public rocksdb::CompactionFilter {
 public:
  TesseraCompactionFilter(std::shared_ptr<const CatalogView> view, bool data_cf)
      : view_(std::move(view)), data_cf_(data_cf), now_us_(Engine::NowMicros()) {}

  const char* Name() const override { return "tessera.gc.v1"; }

  Decision FilterV2(int, const rocksdb::Slice& key, ValueType type, const rocksdb::Slice& value,
                    std::string*, std::string*) const override {
    if (view_ == nullptr || key.size() < 8) return Decision::kKeep;
    uint64_t id = codec::DecodeFixed64BE(key.data());
    auto it = view_->models.find(id);
    if (it == view_->models.end()) {
      // Dropped (its id was allocated and is no longer in the catalog): the range deletion has
      // made it invisible already; this reclaims the space of any straggler.
      return id < view_->next_id ? Decision::kRemove : Decision::kKeep;
    }
    if (data_cf_ && it->second == Model::kKeyValue && type == ValueType::kValue) {
      codec::Envelope env;
      if (codec::DecodeEnvelope(std::string_view(value.data(), value.size()), &env) &&
          codec::IsExpired(env, now_us_)) {
        return Decision::kRemove;
      }
    }
    return Decision::kKeep;
  }

 private:
  std::shared_ptr<const CatalogView> view_;
  bool data_cf_;
  int64_t now_us_;
};

class TesseraCompactionFilterFactory : public rocksdb::CompactionFilterFactory {
 public:
  TesseraCompactionFilterFactory(std::function<std::shared_ptr<const CatalogView>()> view,
                                 bool data_cf)
      : view_(std::move(view)), data_cf_(data_cf) {}

  const char* Name() const override { return "tessera.gc.v1"; }

  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context&) override {
    return std::make_unique<TesseraCompactionFilter>(view_(), data_cf_);
  }

 private:
  std::function<std::shared_ptr<const CatalogView>()> view_;
  bool data_cf_;
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewTesseraMergeOperator() {
  return std::make_shared<TesseraMergeOperator>();
}

std::shared_ptr<rocksdb::CompactionFilterFactory> NewTesseraCompactionFilterFactory(
    std::function<std::shared_ptr<const CatalogView>()> view, bool data_cf) {
  return std::make_shared<TesseraCompactionFilterFactory>(std::move(view), data_cf);
}

}  // namespace tessera::internal
