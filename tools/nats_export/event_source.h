// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// EventSource: what the NATS exporter reads. A durable, acknowledged stream of events numbered
// by a strictly increasing sequence number; FeedEventSource (feed_event_source.h) maps it onto a
// durable consumer of the change feed, and the tests use their own in-memory and file-backed
// sources. Keeping the exporter behind this seam lets its publishing, de-duplication and resume
// logic be tested without a database.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tessera::nats_export {

// One event ready to publish.
struct ExportEvent {
  uint64_t seq = 0;     // the feed's sequence number: acknowledged back to the source
  std::string msg_id;   // the Nats-Msg-Id header: unique per event (the decimal seq)
  std::string payload;  // the message body: the event's JSON envelope
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (name, value)
  uint64_t cookie = 0;  // the source's own reference to the event (for Ack), opaque to others
};

// A durable consumer's view of a stream of events. Not required to be thread-safe: the exporter
// calls it from one thread.
class EventSource {
 public:
  EventSource() = default;
  EventSource(const EventSource&) = delete;
  EventSource& operator=(const EventSource&) = delete;
  virtual ~EventSource() = default;

  // The next unacknowledged events in sequence order, at most `limit`, starting right after the
  // last acknowledged one (events are delivered again until acknowledged). With none available,
  // waits up to `wait` for one and returns an empty vector if none came.
  [[nodiscard]] virtual absl::StatusOr<std::vector<ExportEvent>> Next(size_t limit,
                                                                      absl::Duration wait) = 0;

  // Acknowledges `last`, an event of the batch the latest Next() returned, and every event
  // before it; durable when it returns OK.
  [[nodiscard]] virtual absl::Status Ack(const ExportEvent& last) = 0;
};

}  // namespace tessera::nats_export
