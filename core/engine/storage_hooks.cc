// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The merge operator and compaction filter (see storage_hooks.h).
#include "core/engine/storage_hooks.h"

#include <array>
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
  TesseraCompactionFilter(std::shared_ptr<const CatalogView> view, bool data_cf,
                          const CompactionHookLookup* hooks)
      : view_(std::move(view)), data_cf_(data_cf), hooks_(hooks), now_us_(Engine::NowMicros()) {}

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
    if (data_cf_ && type == ValueType::kValue && hooks_ != nullptr && *hooks_) {
      ModelCompactionFilter* filter = ModelFilter(it->second);
      if (filter != nullptr) {
        auto opt = view_->options.find(id);
        // Not `cond ? "" : opt->second`: that copies the string into a temporary the view would
        // outlive (found by AddressSanitizer).
        std::string_view options;
        if (opt != view_->options.end()) options = opt->second;
        if (filter->Remove(id, options, std::string_view(key.data(), key.size()),
                           std::string_view(value.data(), value.size()))) {
          return Decision::kRemove;
        }
      }
    }
    return Decision::kKeep;
  }

 private:
  // The model's filter for this compaction, created on first use (null: no hook).
  ModelCompactionFilter* ModelFilter(Model model) const {
    size_t slot = static_cast<size_t>(model) % model_filters_.size();
    if (!looked_up_[slot]) {
      looked_up_[slot] = true;
      if (auto hook = (*hooks_)(model)) model_filters_[slot] = hook->NewFilter(now_us_);
    }
    return model_filters_[slot].get();
  }

  std::shared_ptr<const CatalogView> view_;
  bool data_cf_;
  const CompactionHookLookup* hooks_;  // owned by the factory, which outlives its filters
  int64_t now_us_;
  // RocksDB calls FilterV2 (const) from one thread per filter object; these are per-compaction
  // state, hence mutable.
  mutable std::array<std::unique_ptr<ModelCompactionFilter>, 8> model_filters_;
  mutable std::array<bool, 8> looked_up_{};
};

class TesseraCompactionFilterFactory : public rocksdb::CompactionFilterFactory {
 public:
  TesseraCompactionFilterFactory(std::function<std::shared_ptr<const CatalogView>()> view,
                                 bool data_cf, CompactionHookLookup hooks)
      : view_(std::move(view)), data_cf_(data_cf), hooks_(std::move(hooks)) {}

  const char* Name() const override { return "tessera.gc.v1"; }

  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context&) override {
    return std::make_unique<TesseraCompactionFilter>(view_(), data_cf_, &hooks_);
  }

 private:
  std::function<std::shared_ptr<const CatalogView>()> view_;
  bool data_cf_;
  CompactionHookLookup hooks_;
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewTesseraMergeOperator() {
  return std::make_shared<TesseraMergeOperator>();
}

std::shared_ptr<rocksdb::CompactionFilterFactory> NewTesseraCompactionFilterFactory(
    std::function<std::shared_ptr<const CatalogView>()> view, bool data_cf,
    CompactionHookLookup hooks) {
  return std::make_shared<TesseraCompactionFilterFactory>(std::move(view), data_cf,
                                                          std::move(hooks));
}

}  // namespace tessera::internal
