// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// A committed change, as the change log records it: one event per changed key, written in the
// same atomic write as the data, numbered in commit order without gaps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tessera/model.h"

namespace tessera {

// What happened to the key. Stored on disk as its character.
enum class ChangeOp : char {
  kCreate = 'c',    // the key did not exist before
  kUpdate = 'u',    // the key existed and was overwritten or modified
  kDelete = 'd',    // the key existed and was removed
  kSnapshot = 'r',  // a snapshot read (used by the change feed, never written by a commit)
};

// How the model encoded the key and the images, so that readers can render them.
enum class ImageFormat : uint8_t {
  kRaw = 0,   // uninterpreted bytes (key-value keys and values)
  kJson = 1,  // JSON text
  // Images only, written by the document model: the document's stored bytes (format byte 0x01,
  // then MessagePack; docs/format/document.md). Events read from the log never carry it: their
  // images are rendered as JSON text (kJson) when read.
  kStoredDocument = 2,
};

struct ChangeEvent {
  uint64_t seq = 0;            // position in the log: strictly increasing, no gaps
  int64_t commit_time_us = 0;  // commit time, microseconds since the Unix epoch (non-decreasing)
  uint64_t txn_id = 0;         // the committing transaction's id
  uint32_t txn_index = 0;      // this event's position inside its transaction (0-based)
  uint32_t txn_events = 0;     // how many events the transaction wrote
  Model model = Model::kKeyValue;                // the model of the changed object
  uint64_t object_id = 0;                        // the catalog id of the changed object
  std::string object;                            // the object's name at commit time
  ChangeOp op = ChangeOp::kCreate;               // what happened
  ImageFormat key_format = ImageFormat::kRaw;    // how `key` is encoded
  std::string key;                               // the changed key, in the model's key form
  ImageFormat image_format = ImageFormat::kRaw;  // how `before` / `after` are encoded
  std::optional<std::string> before;             // the value before the change (absent for creates)
  std::optional<std::string> after;              // the value after the change (absent for deletes)
};

// Which events a read of the change log returns.
struct ChangeReadOptions {
  uint64_t from_seq = 1;  // the first sequence number wanted (inclusive)
  size_t limit = 1000;    // the most events returned by one read
};

}  // namespace tessera
