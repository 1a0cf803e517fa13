// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// NatsExporter: publishes a durable event stream (normally Tessera's change feed, through
// FeedEventSource) to a NATS JetStream stream, exactly once per event in the stream.
//
// Each event becomes one message on `subject` whose body is the event's JSON envelope and whose
// `Nats-Msg-Id` header is its sequence number. A batch of events is published asynchronously
// (at most `batch_size` in flight); only when JetStream has acknowledged every message of the
// batch is the batch acknowledged to the source. A crash of the exporter or of the server
// therefore re-sends at most the unacknowledged batch, and JetStream drops the re-sent messages
// it already holds by their Nats-Msg-Id (within the stream's duplicate window).
//
//   NatsExportOptions options{.url = "nats://127.0.0.1:4222", .stream = "TESSERA",
//                             .subject = "tessera.changes"};
//   ASSIGN_OR_RETURN(auto exporter, NatsExporter::Create(options, &source));
//   RETURN_IF_ERROR(exporter->Run(cancel));  // until `cancel` becomes true
//
// Thread safety: a NatsExporter is not thread-safe; Run it from one thread and stop it by
// setting the cancel flag from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/nats_export/event_source.h"

namespace tessera::nats_export {

// Counters of one Run.
struct NatsExportProgress {
  uint64_t published = 0;   // events acknowledged by JetStream and then by the source
  uint64_t duplicates = 0;  // of which JetStream already held (re-sent after a crash)
  uint64_t last_seq = 0;    // the last sequence number acknowledged to the source (0: none yet)
  double rate = 0;          // events per second since the previous report
  uint64_t reconnects = 0;  // connections lost or refused and retried
};

struct NatsExportOptions {
  std::string url = "nats://127.0.0.1:4222";  // the server; several comma-separated for a cluster
  std::string stream;                         // the JetStream stream (created when missing)
  std::string subject;                        // every event is published to this subject
  size_t batch_size = 500;  // events read and published per round, the most in flight at once
  absl::Duration ack_timeout = absl::Seconds(5);      // wait for a batch's acks before reconnecting
  absl::Duration connect_timeout = absl::Seconds(2);  // per connection attempt
  absl::Duration duplicate_window = absl::Minutes(10);  // of a stream the exporter creates
  absl::Duration idle_wait = absl::Milliseconds(200);   // wait for new events per poll when idle
  absl::Duration initial_backoff = absl::Milliseconds(100);  // first retry delay after a failure
  absl::Duration max_backoff = absl::Seconds(5);             // the retry delay doubles up to this
  absl::Duration report_interval = absl::Seconds(1);         // how often on_progress is called
  // Called every report_interval while events flow, and once when Run ends.
  std::function<void(const NatsExportProgress&)> on_progress;
  // One line for each lifecycle event or failure (connected, stream created, lost, retrying).
  std::function<void(std::string_view)> on_log;
  // Test hook: called after a batch was sent and before its acknowledgements are awaited, with
  // the batch's last sequence number.
  std::function<void(uint64_t)> after_send_hook;
};

class NatsExporter {
 public:
  // Checks the options (InvalidArgument naming the bad one). `source` must outlive the exporter.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<NatsExporter>> Create(
      const NatsExportOptions& options, EventSource* source);

  NatsExporter(const NatsExporter&) = delete;
  NatsExporter& operator=(const NatsExporter&) = delete;
  ~NatsExporter();

  // Publishes until `cancel` is true, then returns OK. NATS failures (server down, connection
  // lost, acknowledgements missing, JetStream refusing messages) are reported through on_log and
  // retried with exponential back-off from the last acknowledged event. Returns an error for
  // what retrying cannot fix: the source failing (for example a purged position), or a stream
  // that exists but does not take the subject. `cancelled` is polled at least every 200 ms
  // (idle_wait) while idle and between batches.
  [[nodiscard]] absl::Status Run(const std::function<bool()>& cancelled);
  [[nodiscard]] absl::Status Run(const std::atomic<bool>& cancel) {
    return Run([&cancel] { return cancel.load(); });
  }

  // The counters so far.
  const NatsExportProgress& progress() const { return progress_; }

 private:
  struct State;
  NatsExporter(const NatsExportOptions& options, EventSource* source);

  NatsExportOptions options_;
  EventSource* source_;
  NatsExportProgress progress_;
  std::unique_ptr<State> state_;
};

// One human-readable progress line: "exported 1200 events (3 duplicates), last seq 1200, 950/s".
std::string FormatProgress(const NatsExportProgress& progress);

}  // namespace tessera::nats_export
