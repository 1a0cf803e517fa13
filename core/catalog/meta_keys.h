// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Keys of the meta (default) column family. Each starts with a one-byte kind.
//
//   0x01                          -> format version (varint)         "this is Tessera format N"
//   0x02                          -> next object id (8 bytes BE)
//   0x03                          -> open epoch (8 bytes BE), bumped at every open; the high
//                                    half of transaction ids
//   0x04                          -> last purged change-log sequence (8 bytes BE)
//   0x10 | model (1) | name bytes -> object record: varint id | length-prefixed options
//   0x11 | id (8 bytes BE)        -> model (1) | name bytes          (reverse lookup)
//   0x20 | ...                    -> the change feed: consumers, snapshot events, retention
//                                    (models/feed/consumer_codec.h)
//   0x30 | id (8 bytes BE)        -> schema lock of object `id` (a lock target; no value is
//                                    needed: writers lock it shared, index builds exclusive)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/codec/coding.h"
#include "tessera/model.h"

namespace tessera::internal::meta {

inline constexpr uint64_t kFormatVersion = 1;

inline const std::string kFormatKey = std::string(1, '\x01');
inline const std::string kNextObjectIdKey = std::string(1, '\x02');
inline const std::string kEpochKey = std::string(1, '\x03');
inline const std::string kFeedPurgedKey = std::string(1, '\x04');
inline constexpr char kObjectByName = '\x10';
inline constexpr char kObjectById = '\x11';
// 0x20 0x04 | id (8 bytes BE) -> "": object `id`'s change events carry no before-image (the
// change feed's switch, read by the engine at open).
inline const std::string kNoBeforeImagesPrefix = std::string("\x20\x04", 2);

inline std::string ObjectByNameKey(Model model, std::string_view name) {
  std::string k;
  k.push_back(kObjectByName);
  k.push_back(static_cast<char>(model));
  k.append(name);
  return k;
}

inline std::string ObjectByIdKey(uint64_t id) {
  std::string k(1, kObjectById);
  codec::PutFixed64BE(&k, id);
  return k;
}

inline std::string ObjectLockKey(uint64_t id) {
  std::string k(1, '\x30');
  codec::PutFixed64BE(&k, id);
  return k;
}

// The 8-byte prefix of every key that belongs to object `id`.
inline std::string ObjectPrefix(uint64_t id) {
  std::string k;
  codec::PutFixed64BE(&k, id);
  return k;
}

}  // namespace tessera::internal::meta
