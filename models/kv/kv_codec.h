// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Key-value layout (data column family):
//
//   key:   +--------------------------+----------------------+
//          | namespace id (8 B, BE)   | user key (raw bytes) |
//          +--------------------------+----------------------+
//   value: the value envelope (core/codec/value_envelope.h): flags, optional expiry, payload.
//
// Raw user keys keep bytewise order, so prefix and range scans are one bounded RocksDB scan.
#pragma once

#include <string>
#include <string_view>

#include "core/catalog/meta_keys.h"
#include "core/codec/coding.h"

namespace tessera::kv {

// Replaces *out with the stored key (a caller's reused buffer).
inline void EncodeKeyTo(std::string* out, uint64_t ns_id, std::string_view key) {
  out->clear();
  codec::PutFixed64BE(out, ns_id);
  out->append(key.data(), key.size());
}
inline std::string EncodeKey(uint64_t ns_id, std::string_view key) {
  std::string k;
  k.reserve(8 + key.size());
  EncodeKeyTo(&k, ns_id, key);
  return k;
}

inline std::string_view UserKey(std::string_view encoded) { return encoded.substr(8); }

}  // namespace tessera::kv
