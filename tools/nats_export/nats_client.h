// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// A thin RAII layer over Debian's libnats C client (nats.h) for the exporter: one connection
// with its JetStream context, stream creation and checking, and the publishing of one batch of
// events asynchronously with every publish acknowledgement accounted for. Internal to
// tessera_nats_export; nothing here is part of Tessera's public API.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/util/mutex.h"
#include "tools/nats_export/event_source.h"

struct __natsConnection;
struct __jsCtx;

namespace tessera::nats_export {

// The publish acknowledgements of the batch in flight, filled by libnats' callback thread.
// Owned by the exporter so that it outlives every connection it is handed to.
struct AckState {
  util::Mutex mu;
  uint64_t expected ABSL_GUARDED_BY(mu) = 0;    // acks awaited for the batch in flight
  uint64_t acked ABSL_GUARDED_BY(mu) = 0;       // positive acks (stored or duplicate)
  uint64_t duplicates ABSL_GUARDED_BY(mu) = 0;  // of which JetStream had already stored
  uint64_t failed ABSL_GUARDED_BY(mu) = 0;      // negative acks
  std::string first_error ABSL_GUARDED_BY(mu);  // the first negative ack's text
};

// The outcome of one batch: every event of it is stored in the stream exactly once.
struct BatchAck {
  uint64_t stored = 0;      // newly stored messages
  uint64_t duplicates = 0;  // messages JetStream recognised by Nats-Msg-Id and did not store again
};

// What EnsureStream found or did.
struct StreamCheck {
  bool created = false;                                    // the stream did not exist
  absl::Duration duplicate_window = absl::ZeroDuration();  // its de-duplication window
  uint64_t messages = 0;                                   // messages it holds
};

// One connection to a NATS server with JetStream. Not thread-safe.
class JetStreamConnection {
 public:
  // Connects to `url` (one URL or several, comma-separated) within `timeout`, without libnats'
  // automatic reconnection: the exporter reconnects itself, from its acknowledged position.
  // `acks` receives the publish acknowledgements and must outlive the connection.
  // Unavailable when no server answers.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<JetStreamConnection>> Connect(
      const std::string& url, absl::Duration timeout, size_t max_in_flight, AckState* acks);

  ~JetStreamConnection();
  JetStreamConnection(const JetStreamConnection&) = delete;
  JetStreamConnection& operator=(const JetStreamConnection&) = delete;

  // Creates `stream` taking `subject` (file storage, the given de-duplication window) when it
  // does not exist; when it does, checks that it takes `subject` (FailedPrecondition otherwise).
  [[nodiscard]] absl::StatusOr<StreamCheck> EnsureStream(const std::string& stream,
                                                         const std::string& subject,
                                                         absl::Duration duplicate_window);

  // Sends every event to `subject` (asynchronously, at most max_in_flight unacknowledged) and
  // waits up to `ack_timeout` for all their acknowledgements. OK only when every event got a
  // positive acknowledgement. Unavailable when the connection failed or acknowledgements did not
  // come in time (the connection should then be dropped); Internal with the server's text for a
  // negative acknowledgement.
  // `after_send`, when set, runs between the sending and the wait (a test hook).
  [[nodiscard]] absl::StatusOr<BatchAck> PublishBatch(
      const std::string& subject, std::span<const ExportEvent> events, absl::Duration ack_timeout,
      const std::function<void()>& after_send = nullptr);

  // Sends messages without waiting for their acknowledgements: the first half of PublishBatch,
  // used by tests to leave messages in flight.
  [[nodiscard]] absl::Status SendBatch(const std::string& subject,
                                       std::span<const ExportEvent> events);

  // The server's URL as connected.
  const std::string& url() const { return url_; }

  __natsConnection* nc() { return nc_; }
  __jsCtx* js() { return js_; }

 private:
  JetStreamConnection(std::string url, __natsConnection* nc, __jsCtx* js, AckState* acks)
      : url_(std::move(url)), nc_(nc), js_(js), acks_(acks) {}
  void DropPending();

  std::string url_;
  __natsConnection* nc_;
  __jsCtx* js_;
  AckState* acks_;
  bool published_ = false;  // an asynchronous publish was attempted
};

// libnats' status as an absl::Status: connection failures and timeouts are Unavailable (worth a
// reconnect), the rest Internal. `what` says what was being done; the message adds libnats'
// text, its last error and the JetStream error code when there is one.
absl::Status NatsError(int status, std::string_view what, int js_error_code = 0);

// Whether a NATS subject pattern (tokens separated by '.', '*' one token, '>' the rest) matches
// the literal subject.
bool SubjectMatches(std::string_view pattern, std::string_view subject);

// InvalidArgument unless `subject` is a valid literal subject to publish to (no wildcards, no
// spaces, no empty token); `what` names it in the message.
absl::Status ValidateSubject(std::string_view subject, std::string_view what);

// InvalidArgument unless `name` is a valid stream name (non-empty; no '.', '*', '>', spaces).
absl::Status ValidateStreamName(std::string_view name);

}  // namespace tessera::nats_export
