// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// FeedEventSource: a durable consumer of Tessera's change feed as the exporter's EventSource.
// Events are rendered as the feed's JSON envelope (ChangeEventToJson); the Nats-Msg-Id is the
// sequence number (for the snapshot events of op 'r', which all carry the snapshot's position,
// "SEQ-r-OBJECTID-KEYHASH": the snapshot's position, the object's id and the 64-bit FNV-1a hash
// of the key, in hex, which stays the same when a snapshot event is sent again).
//
// Thread safety: not thread-safe (one exporter uses it from one thread).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tessera/feed.h"
#include "tools/nats_export/event_source.h"

namespace tessera::nats_export {

class FeedEventSource final : public EventSource {
 public:
  // The source over consumer `name` of `feed` (which must outlive it). When the consumer does not
  // exist it is created, starting at the oldest event the feed still holds, and *created (when
  // not null) is set.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<FeedEventSource>> Open(
      ChangeFeed* feed, std::string name, bool* created = nullptr);

  absl::StatusOr<std::vector<ExportEvent>> Next(size_t limit, absl::Duration wait) override;
  absl::Status Ack(const ExportEvent& last) override;

  const std::string& consumer() const { return name_; }

 private:
  FeedEventSource(ChangeFeed* feed, std::string name) : feed_(feed), name_(std::move(name)) {}
  std::vector<ExportEvent> Convert();

  ChangeFeed* feed_;
  std::string name_;
  std::vector<ChangeEvent> batch_;  // the events of the latest Next(), for Ack
};

}  // namespace tessera::nats_export
