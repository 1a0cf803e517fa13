// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The SIGINT handler. It only touches lock-free atomics and calls pthread_kill, signal and raise,
// which are async-signal-safe.
//
// The kernel delivers a process-directed SIGINT to any thread that does not block it, often one
// of RocksDB's background threads; the handler then forwards it to the thread that installed it
// (the shell's main thread), so that the line editor's wait there is interrupted too.
#include "tools/shell/interrupt.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>

namespace tessera::shell {
namespace {

std::atomic<CancelToken*> g_token{nullptr};
std::atomic<bool> g_pending{false};
std::atomic<bool> g_script{false};
std::atomic<bool> g_waiting_for_input{false};
pthread_t g_main_thread;
static_assert(std::atomic<CancelToken*>::is_always_lock_free);

// The default action: SIGINT is blocked while its handler runs, so the raised signal is
// delivered (and ends the process) as soon as the handler returns.
void Terminate(int signal) {
  struct sigaction action = {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, nullptr);
  raise(signal);
}

extern "C" void OnInterrupt(int signal) {
  if (pthread_equal(pthread_self(), g_main_thread) == 0) {
    pthread_kill(g_main_thread, signal);
    return;
  }
  CancelToken* token = g_token.load(std::memory_order_relaxed);
  if (g_script.load(std::memory_order_relaxed)) {
    if (token == nullptr || token->cancelled() ||
        g_waiting_for_input.load(std::memory_order_relaxed)) {
      Terminate(signal);
      return;
    }
    token->Cancel();
    return;
  }
  g_pending.store(true, std::memory_order_relaxed);
  if (token != nullptr) token->Cancel();
}

}  // namespace

bool InstallInterruptHandler(CancelToken* token, InterruptMode mode) {
  g_token.store(token);
  g_script.store(mode == InterruptMode::kScript);
  g_waiting_for_input.store(false);
  g_main_thread = pthread_self();
  struct sigaction action = {};
  action.sa_handler = &OnInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  return sigaction(SIGINT, &action, nullptr) == 0;
}

void RemoveInterruptHandler() {
  struct sigaction action = {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  g_token.store(nullptr);
  g_script.store(false);
}

bool TakePendingInterrupt() { return g_pending.exchange(false, std::memory_order_relaxed); }

void SetWaitingForInput(bool waiting) {
  g_waiting_for_input.store(waiting, std::memory_order_relaxed);
}

}  // namespace tessera::shell
