// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Helpers of the NATS exporter tests: Debian's nats-server with JetStream started as a
// subprocess on a free loopback port (and killed and restarted on the same port and store), a
// reader of a whole stream, and sources of numbered events.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/util/mutex.h"
#include "tools/nats_export/event_source.h"

namespace tessera::nats_export::test {

// The nats-server binary (PATH, then /usr/sbin, /usr/local/sbin, /usr/local/bin), or empty.
std::string FindNatsServer();

// One nats-server process with JetStream, storing in `store_dir`.
class NatsServer {
 public:
  explicit NatsServer(std::string store_dir) : store_dir_(std::move(store_dir)) {}
  ~NatsServer();  // kills it
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  // Starts the server (on a free port the first time, on the same port after Kill) and waits
  // until it serves JetStream requests.
  absl::Status Start();
  // SIGKILL, and waits for the process to end.
  void Kill();
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  std::string store_dir_;
  int port_ = 0;
  int pid_ = -1;
};

// What a stream holds.
struct StreamContents {
  uint64_t messages = 0;                // the stream's message count
  std::vector<std::string> msg_ids;     // Nats-Msg-Id of each message, in stream order
  std::vector<std::string> payloads;    // bodies, in stream order
  std::vector<std::string> subjects;    // subjects, in stream order
  std::vector<std::string> op_headers;  // Tessera-Op header of each (empty when absent)
};
absl::StatusOr<StreamContents> ReadStream(const std::string& url, const std::string& stream);

// How many messages `stream` holds (0 when it does not exist or the server does not answer).
uint64_t StreamMessages(const std::string& url, const std::string& stream);

// Creates `stream` taking `subjects` (a test of a stream the exporter did not create).
absl::Status CreateStream(const std::string& url, const std::string& stream,
                          const std::string& subject);

// The payload of test event `seq`.
std::string TestPayload(uint64_t seq);

// Events 1..count in memory, with an acknowledged position and fault hooks. Thread-safe.
class MemorySource : public EventSource {
 public:
  explicit MemorySource(uint64_t count) : count_(count) {}

  absl::StatusOr<std::vector<ExportEvent>> Next(size_t limit, absl::Duration wait) override;
  absl::Status Ack(const ExportEvent& last) override;

  uint64_t acked() const;
  // Sets `flag` once every event is acknowledged.
  void CancelWhenDone(std::atomic<bool>* flag) { done_flag_ = flag; }
  // The first Ack reaching `seq` or past it fails (a crash between publish and acknowledgement).
  void FailAckAt(uint64_t seq) { fail_ack_at_ = seq; }
  // The first Ack reaching `seq` or past it blocks until Release(); Parked() tells it waits.
  void ParkAckAt(uint64_t seq) { park_at_ = seq; }
  bool WaitParked(absl::Duration timeout);
  void Release();

 private:
  const uint64_t count_;
  mutable util::Mutex mu_;
  uint64_t acked_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<bool>* done_flag_ = nullptr;
  std::optional<uint64_t> fail_ack_at_;
  std::optional<uint64_t> park_at_;
  bool parked_ ABSL_GUARDED_BY(mu_) = false;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace tessera::nats_export::test
