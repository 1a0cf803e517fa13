// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Push delivery: one reader thread per subscription follows the change log (sleeping on the log's
// condition variable between commits) and fills a bounded buffer that Next() drains. A full
// buffer makes the reader wait: a slow subscriber slows only itself, never a writer, and no event
// is dropped.
#include <deque>
#include <thread>

#include "core/changelog/change_log.h"
#include "core/util/strings.h"
#include "models/feed/change_feed_impl.h"
#include "models/feed/feed_filter.h"
#include "tessera/status.h"

namespace tessera::feed {
namespace {

// How long the reader sleeps at most before it looks at the cancel flag again. Delivery does not
// depend on it: a commit wakes the reader at once.
constexpr absl::Duration kCancelCheck = absl::Milliseconds(50);
// Events read from the log at a time.
constexpr size_t kReadBatch = 256;

// Thread safety: Next() from one thread at a time; Cancel() from any thread.
class SubscriptionImpl final : public Subscription {
 public:
  SubscriptionImpl(internal::Engine* engine, uint64_t from, FeedFilter filter, size_t max_buffered)
      : engine_(engine), next_(from), filter_(std::move(filter)), max_(max_buffered) {
    reader_ = std::thread([this] { Run(); });
  }

  ~SubscriptionImpl() override {
    Cancel();
    reader_.join();
  }

  absl::StatusOr<ChangeEvent> Next(absl::Duration timeout) override {
    util::MutexLock l(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return cancelled_ || !buffer_.empty() || !error_.ok();
    };
    mu_.AwaitWithTimeout(util::Condition(&ready), timeout);
    if (cancelled_) return absl::CancelledError("the subscription was cancelled");
    if (!buffer_.empty()) {
      ChangeEvent e = std::move(buffer_.front());
      buffer_.pop_front();
      return e;
    }
    if (!error_.ok()) return error_;
    return absl::DeadlineExceededError(
        util::StrCat("no change event within ", absl::FormatDuration(timeout)));
  }

  void Cancel() override {
    util::MutexLock l(&mu_);
    cancelled_ = true;
  }

 private:
  bool cancelled() {
    util::MutexLock l(&mu_);
    return cancelled_;
  }

  void Run() {
    internal::ChangeLog& log = engine_->change_log();
    std::vector<ChangeEvent> batch;
    while (!cancelled()) {
      if (log.last_seq() < next_) {
        log.WaitFor(next_, kCancelCheck);
        continue;
      }
      uint64_t scanned_to = 0;
      absl::StatusOr<std::vector<ChangeEvent>> read =
          ReadLog(*engine_, next_, kReadBatch, filter_, "subscription", &scanned_to);
      if (!read.ok()) {
        util::MutexLock l(&mu_);
        error_ = read.status();
        return;
      }
      next_ = scanned_to + 1;
      for (ChangeEvent& e : *read) {
        util::MutexLock l(&mu_);
        auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return cancelled_ || buffer_.size() < max_;
        };
        mu_.Await(util::Condition(&room));
        if (cancelled_) return;
        buffer_.push_back(std::move(e));
      }
    }
  }

  internal::Engine* const engine_;
  uint64_t next_;  // the next sequence number the reader looks at (reader thread only)
  const FeedFilter filter_;
  const size_t max_;
  util::Mutex mu_;
  std::deque<ChangeEvent> buffer_ ABSL_GUARDED_BY(mu_);
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  std::thread reader_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Subscription>> ChangeFeedImpl::Subscribe(
    const SubscribeOptions& options) {
  RETURN_IF_ERROR(engine_.CheckOpen());
  RETURN_IF_ERROR(ValidateFilter(options.filter));
  if (options.max_buffered == 0) {
    return absl::InvalidArgumentError("subscribe: max_buffered must be at least 1");
  }
  const uint64_t from =
      options.from_seq == 0 ? engine_.change_log().last_seq() + 1 : options.from_seq;
  if (from < FirstSequence()) {
    return absl::OutOfRangeError(util::StrCat(
        "subscribe: sequence ", from,
        " was purged by the retention policy; the oldest event held is ", FirstSequence()));
  }
  return std::unique_ptr<Subscription>(
      new SubscriptionImpl(&engine_, from, options.filter, options.max_buffered));
}

}  // namespace tessera::feed
