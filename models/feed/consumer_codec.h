// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The change feed's records in the meta column family, under the prefix 0x20 reserved for it
// (core/catalog/meta_keys.h); also drawn in docs/format/feed.md.
//
//   0x20 0x01 | consumer name                     -> consumer record
//   0x20 0x02 | consumer name | 0x00 | index (8 BE) -> snapshot event `index` of the consumer
//   0x20 0x03                                     -> retention policy
//   0x20 0x04 | object id (8 BE)                  -> "": the object's events carry no
//                                                    before-image (meta::kNoBeforeImagesPrefix,
//                                                    loaded by the engine at open)
//
//   consumer record:
//   +------+-----------+--------------+----------------+----------------+
//   | 0x01 | acked_seq | snapshot_seq | snapshot_total | snapshot_acked |
//   | ver  | varint    | varint       | varint         | varint         |
//   +------+-----------+--------------+----------------+----------------+
//   +----------+-----------------+-----------+----------------------+--------------+
//   | n models | model (1 B) x n | n objects | name (len-prefixed)  | ops          |
//   | varint   |                 | varint    | x n                  | len-prefixed |
//   +----------+-----------------+-----------+----------------------+--------------+
//   acked_seq: every stream event <= it is acknowledged (the next one delivered is acked_seq+1).
//   snapshot_*: the feed position of the snapshot, how many 'r' events it holds, and how many of
//   them are acknowledged (snapshot_acked == snapshot_total: none pending).
//
//   snapshot event: the event value encoding of core/changelog/event_codec.h (op 'r'); its seq
//   is snapshot_seq, its txn_index the index (txn_events is set to snapshot_total on reading).
//
//   retention policy:
//   +------+------------+-----------+------+
//   | 0x01 | max_age_us | max_bytes | hold |
//   | ver  | varint     | varint    | 1 B  |
//   +------+------------+-----------+------+
//
// Consumer names follow the object-name rules (1-128 bytes of [A-Za-z0-9_.-]), so they never
// hold the 0x00 separator.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "tessera/feed.h"

namespace tessera::feed {

inline constexpr char kFeedMetaPrefix = '\x20';

struct ConsumerRecord {
  uint64_t acked_seq = 0;       // stream events up to this one are acknowledged
  uint64_t snapshot_seq = 0;    // the feed position the snapshot events are consistent with
  uint64_t snapshot_total = 0;  // how many snapshot events the consumer has
  uint64_t snapshot_acked = 0;  // how many of them are acknowledged
  FeedFilter filter;            // the events the consumer gets

  bool snapshot_pending() const { return snapshot_acked < snapshot_total; }
};

// InvalidArgument naming the name unless it is 1-128 bytes of [A-Za-z0-9_.-], not starting with
// '.' or '-'.
absl::Status ValidateConsumerName(std::string_view name);

std::string ConsumerKey(std::string_view name);
// The first key of every consumer record (ListConsumers scans [ConsumerKeyPrefix, successor)).
std::string ConsumerKeyPrefix();
std::string SnapshotEventKey(std::string_view name, uint64_t index);
// [lower, upper) of every snapshot event of `name`.
std::string SnapshotEventsLower(std::string_view name);
std::string SnapshotEventsUpper(std::string_view name);
std::string RetentionKey();

std::string EncodeConsumer(const ConsumerRecord& r);
absl::Status DecodeConsumer(std::string_view in, ConsumerRecord* r);

std::string EncodeRetention(const RetentionOptions& r);
absl::Status DecodeRetention(std::string_view in, RetentionOptions* r);

}  // namespace tessera::feed
