// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tessera's mutex, lock guards, condition and condition variable: the subset of absl::Mutex's
// interface that Tessera uses, over the standard library. Why not absl::Mutex: Debian's Abseil is
// not built with ThreadSanitizer, so absl::Mutex synchronises through its own futex and spin-lock
// code that TSan cannot see, and a TSan build would report every member it guards as a race.
// std::shared_mutex and std::condition_variable_any sit on pthreads, which TSan intercepts.
// Abseil's thread-safety annotations (ABSL_GUARDED_BY, ABSL_EXCLUSIVE_LOCKS_REQUIRED, ...) work on
// these types as they did on absl::Mutex.
//
//   util::Mutex mu;
//   int n ABSL_GUARDED_BY(mu) = 0;
//   { util::MutexLock l(&mu); ++n; }
//   { util::MutexLock l(&mu); auto ready = [&] { return n > 0; };
//     mu.AwaitWithTimeout(util::Condition(&ready), absl::Seconds(1)); }
//
// Thread safety: every type here is meant to be shared between threads (that is its purpose).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <shared_mutex>
#include <type_traits>

#include "absl/base/thread_annotations.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tessera::util {

// A predicate for Mutex::Await: a pointer to a bool, or to a callable returning bool. The pointee
// must outlive the wait; it is evaluated with the mutex held.
class Condition {
 public:
  explicit Condition(const bool* flag)
      : arg_(flag), eval_([](const void* a) { return *static_cast<const bool*>(a); }) {}
  template <typename F, typename = std::enable_if_t<std::is_invocable_r_v<bool, const F&>>>
  explicit Condition(const F* fn)
      : arg_(fn),
        eval_([](const void* a) { return static_cast<bool>((*static_cast<const F*>(a))()); }) {}

  bool Eval() const { return eval_(arg_); }

 private:
  const void* arg_;
  bool (*eval_)(const void*);
};

// A reader-writer mutex with absl::Mutex's Await: a thread holding it in exclusive mode can wait
// until a Condition over the guarded state holds. Waiters are woken whenever the mutex is released
// from exclusive mode (the only moment the guarded state can have changed), so no explicit signal
// is needed, as with absl::Mutex. Not reentrant.
class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    // Read under the lock: a waiter registers itself while holding it, so none is missed, and
    // condition_variable_any makes the unlock-then-notify free of lost wake-ups.
    const bool wake = waiters_.load(std::memory_order_relaxed) > 0;
    mu_.unlock();
    if (wake) cv_.notify_all();
  }
  void ReaderLock() ABSL_SHARED_LOCK_FUNCTION() { mu_.lock_shared(); }
  void ReaderUnlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock_shared(); }
  void AssertHeld() const ABSL_ASSERT_EXCLUSIVE_LOCK() {}

  // Blocks until `cond` holds. REQUIRES: held in exclusive mode (it is released while waiting).
  void Await(const Condition& cond) ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    WaitUntil(cond, std::chrono::steady_clock::time_point::max(), /*bounded=*/false);
  }

  // Like Await, but gives up after `timeout`. Returns whether `cond` holds.
  bool AwaitWithTimeout(const Condition& cond, absl::Duration timeout)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(this) {
    // Past a year the deadline would overflow steady_clock: treat it as no deadline.
    if (timeout > absl::Hours(24 * 365)) {
      WaitUntil(cond, std::chrono::steady_clock::time_point::max(), /*bounded=*/false);
      return true;
    }
    const auto deadline = std::chrono::steady_clock::now() +
                          absl::ToChronoNanoseconds(std::max(timeout, absl::ZeroDuration()));
    return WaitUntil(cond, deadline, /*bounded=*/true);
  }

 private:
  friend class CondVar;

  bool WaitUntil(const Condition& cond, std::chrono::steady_clock::time_point deadline,
                 bool bounded) {
    bool first = true;
    while (!cond.Eval()) {
      // The caller may have changed the guarded state before waiting: wake the other waiters
      // (only before the first wait, so two waiters never wake each other in a loop).
      if (first && waiters_.load(std::memory_order_relaxed) > 0) cv_.notify_all();
      first = false;
      waiters_.fetch_add(1, std::memory_order_relaxed);
      const bool timed_out = bounded && cv_.wait_until(mu_, deadline) == std::cv_status::timeout;
      if (!bounded) cv_.wait(mu_);
      waiters_.fetch_sub(1, std::memory_order_relaxed);
      if (timed_out) return cond.Eval();
    }
    return true;
  }

  std::shared_mutex mu_;
  std::condition_variable_any cv_;  // Await's waiters, woken by Unlock
  std::atomic<int> waiters_{0};     // threads blocked in Await
};

// Holds a Mutex in exclusive mode for its scope.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// Holds a Mutex in shared mode for its scope.
class ABSL_SCOPED_LOCKABLE ReaderMutexLock {
 public:
  explicit ReaderMutexLock(Mutex* mu) ABSL_SHARED_LOCK_FUNCTION(mu) : mu_(mu) { mu_->ReaderLock(); }
  ~ReaderMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->ReaderUnlock(); }
  ReaderMutexLock(const ReaderMutexLock&) = delete;
  ReaderMutexLock& operator=(const ReaderMutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// A condition variable used with a Mutex held in exclusive mode.
class CondVar {
 public:
  CondVar() = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // Releases `mu`, blocks until signalled (or spuriously woken) and takes `mu` again.
  void Wait(Mutex* mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { cv_.wait(mu->mu_); }
  // Like Wait, with a limit. Returns true if the timeout passed, as util::CondVar does.
  bool WaitWithTimeout(Mutex* mu, absl::Duration timeout) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (timeout > absl::Hours(24 * 365)) {
      Wait(mu);
      return false;
    }
    return cv_.wait_for(mu->mu_, absl::ToChronoNanoseconds(std::max(
                                     timeout, absl::ZeroDuration()))) == std::cv_status::timeout;
  }
  bool WaitWithDeadline(Mutex* mu, absl::Time deadline) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return WaitWithTimeout(mu, deadline - absl::Now());
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable_any cv_;
};

}  // namespace tessera::util
