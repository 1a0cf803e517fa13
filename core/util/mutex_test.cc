// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// util::Mutex, MutexLock, ReaderMutexLock, Condition and CondVar (core/util/mutex.h). Run under
// ThreadSanitizer by tools/dev/tsan.sh (the tests' names match its "Thread" pattern).
#include "core/util/mutex.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace tessera::util {
namespace {

TEST(MutexTest, ThreadsIncrementingUnderTheLockLoseNothing) {
  Mutex mu;
  int n = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        MutexLock l(&mu);
        ++n;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ReaderMutexLock l(&mu);
  EXPECT_EQ(n, 4000);
}

// Await needs no signal: the thread that changes the state just releases the mutex.
TEST(MutexTest, AwaitWakesWhenAnotherThreadChangesTheState) {
  Mutex mu;
  int stage = 0;
  std::thread other([&] {
    MutexLock l(&mu);
    auto at1 = [&] { return stage == 1; };
    mu.Await(Condition(&at1));
    stage = 2;  // released at the end of the scope: wakes the main thread's Await
  });
  {
    MutexLock l(&mu);
    stage = 1;
    auto at2 = [&] { return stage == 2; };
    mu.Await(Condition(&at2));  // releases the mutex while waiting; wakes `other` first
    EXPECT_EQ(stage, 2);
  }
  other.join();
}

TEST(MutexTest, AwaitWithTimeoutReportsWhetherTheConditionHolds) {
  Mutex mu;
  bool flag = false;
  MutexLock l(&mu);
  EXPECT_FALSE(mu.AwaitWithTimeout(Condition(&flag), absl::Milliseconds(1)));
  flag = true;
  EXPECT_TRUE(mu.AwaitWithTimeout(Condition(&flag), absl::ZeroDuration()));
  EXPECT_TRUE(mu.AwaitWithTimeout(Condition(&flag), absl::InfiniteDuration()));
}

TEST(MutexTest, CondVarSignalAllWakesEveryWaitingThread) {
  Mutex mu;
  CondVar cv;
  bool go = false;
  int woken = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      MutexLock l(&mu);
      while (!go) cv.Wait(&mu);
      ++woken;
    });
  }
  {
    MutexLock l(&mu);
    go = true;
  }
  cv.SignalAll();
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(woken, 3);
}

}  // namespace
}  // namespace tessera::util
