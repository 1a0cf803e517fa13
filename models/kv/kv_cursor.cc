// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The key-value scan cursor (see kv_cursor.h).
#include "models/kv/kv_cursor.h"

#include "core/codec/value_envelope.h"
#include "core/engine/engine.h"
#include "core/util/rocks_status.h"

namespace tessera::kv {
namespace {

class KvCursor final : public Cursor<KvEntry> {
 public:
  KvCursor(internal::Engine* engine, std::unique_ptr<internal::BoundedIterator> it, bool reverse,
           size_t limit)
      : engine_(engine),
        it_(std::move(it)),
        reverse_(reverse),
        limit_(limit),
        now_us_(internal::Engine::NowMicros()) {
    engine_->live_handles().fetch_add(1);
    if (reverse_) {
      (*it_)->SeekToLast();
    } else {
      (*it_)->SeekToFirst();
    }
    Settle();
  }
  ~KvCursor() override {
    it_.reset();
    engine_->live_handles().fetch_sub(1);
  }

  bool Valid() const override { return valid_; }
  void Next() override {
    if (!valid_) return;
    Advance();
    Settle();
  }
  const KvEntry& entry() const override { return entry_; }
  absl::Status status() const override { return status_; }

 private:
  void Advance() {
    if (reverse_) {
      (*it_)->Prev();
    } else {
      (*it_)->Next();
    }
  }
  // Moves forward to the next live entry (skipping expired ones) and fills entry_.
  void Settle() {
    valid_ = false;
    if (limit_ != 0 && returned_ >= limit_) return;
    while ((*it_)->Valid()) {
      codec::Envelope env;
      rocksdb::Slice v = (*it_)->value();
      if (!codec::DecodeEnvelope(std::string_view(v.data(), v.size()), &env)) {
        status_ = absl::DataLossError("key-value scan: malformed stored value");
        return;
      }
      if (!codec::IsExpired(env, now_us_)) {
        rocksdb::Slice k = (*it_)->key();
        entry_.key = std::string_view(k.data() + 8, k.size() - 8);
        entry_.value = env.payload;
        valid_ = true;
        ++returned_;
        return;
      }
      Advance();
    }
    status_ = internal::FromRocks((*it_)->status(), "key-value scan");
  }

  internal::Engine* const engine_;
  std::unique_ptr<internal::BoundedIterator> it_;
  const bool reverse_;
  const size_t limit_;
  const int64_t now_us_;
  size_t returned_ = 0;
  bool valid_ = false;
  KvEntry entry_;
  absl::Status status_;
};

class EmptyCursor final : public Cursor<KvEntry> {
 public:
  bool Valid() const override { return false; }
  void Next() override {}
  const KvEntry& entry() const override { return entry_; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  KvEntry entry_;
};

}  // namespace

std::unique_ptr<Cursor<KvEntry>> NewKvCursor(internal::Engine* engine,
                                             std::unique_ptr<internal::BoundedIterator> it,
                                             bool reverse, size_t limit) {
  return std::make_unique<KvCursor>(engine, std::move(it), reverse, limit);
}

std::unique_ptr<Cursor<KvEntry>> NewEmptyKvCursor() { return std::make_unique<EmptyCursor>(); }

}  // namespace tessera::kv
