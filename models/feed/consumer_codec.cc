// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/feed/consumer_codec.h"

#include "core/codec/coding.h"
#include "core/util/strings.h"

namespace tessera::feed {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kMaxNameBytes = 128;

std::string Key(char kind, std::string_view rest) {
  std::string k;
  k.push_back(kFeedMetaPrefix);
  k.push_back(kind);
  k.append(rest);
  return k;
}

}  // namespace

absl::Status ValidateConsumerName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(util::StrCat("consumer name '", name, "' must be 1-",
                                                   kMaxNameBytes, " bytes, not ", name.size()));
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(
          util::StrCat("consumer name '", name, "' may hold only [A-Za-z0-9_.-]"));
    }
  }
  if (name[0] == '.' || name[0] == '-') {
    return absl::InvalidArgumentError(
        util::StrCat("consumer name '", name, "' must not start with '.' or '-'"));
  }
  return absl::OkStatus();
}

std::string ConsumerKey(std::string_view name) { return Key('\x01', name); }
std::string ConsumerKeyPrefix() { return Key('\x01', ""); }

std::string SnapshotEventKey(std::string_view name, uint64_t index) {
  std::string k = SnapshotEventsLower(name);
  codec::PutFixed64BE(&k, index);
  return k;
}

std::string SnapshotEventsLower(std::string_view name) {
  std::string k = Key('\x02', name);
  k.push_back('\0');
  return k;
}

std::string SnapshotEventsUpper(std::string_view name) {
  std::string k = Key('\x02', name);
  k.push_back('\x01');
  return k;
}

std::string RetentionKey() { return Key('\x03', ""); }

std::string EncodeConsumer(const ConsumerRecord& r) {
  std::string out(1, static_cast<char>(kVersion));
  codec::PutVarint64(&out, r.acked_seq);
  codec::PutVarint64(&out, r.snapshot_seq);
  codec::PutVarint64(&out, r.snapshot_total);
  codec::PutVarint64(&out, r.snapshot_acked);
  codec::PutVarint64(&out, r.filter.models.size());
  for (Model m : r.filter.models) out.push_back(static_cast<char>(m));
  codec::PutVarint64(&out, r.filter.objects.size());
  for (const std::string& o : r.filter.objects) codec::PutLengthPrefixed(&out, o);
  codec::PutLengthPrefixed(&out, r.filter.ops);
  return out;
}

absl::Status DecodeConsumer(std::string_view in, ConsumerRecord* r) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != kVersion) {
    return absl::DataLossError("change feed: unknown consumer record version");
  }
  in.remove_prefix(1);
  if (!codec::GetVarint64(&in, &r->acked_seq) || !codec::GetVarint64(&in, &r->snapshot_seq) ||
      !codec::GetVarint64(&in, &r->snapshot_total) ||
      !codec::GetVarint64(&in, &r->snapshot_acked) || r->snapshot_acked > r->snapshot_total) {
    return absl::DataLossError("change feed: malformed consumer record");
  }
  const absl::Status bad = absl::DataLossError("change feed: malformed consumer filter");
  uint64_t n = 0;
  if (!codec::GetVarint64(&in, &n) || n > in.size()) return bad;
  r->filter.models.clear();
  for (uint64_t i = 0; i < n; ++i) r->filter.models.push_back(static_cast<Model>(in[i]));
  in.remove_prefix(n);
  if (!codec::GetVarint64(&in, &n) || n > in.size()) return bad;
  r->filter.objects.clear();
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view o;
    if (!codec::GetLengthPrefixed(&in, &o)) return bad;
    r->filter.objects.emplace_back(o);
  }
  std::string_view ops;
  if (!codec::GetLengthPrefixed(&in, &ops) || !in.empty()) return bad;
  r->filter.ops = std::string(ops);
  return absl::OkStatus();
}

std::string EncodeRetention(const RetentionOptions& r) {
  std::string out(1, static_cast<char>(kVersion));
  codec::PutVarint64(&out, static_cast<uint64_t>(absl::ToInt64Microseconds(r.max_age)));
  codec::PutVarint64(&out, r.max_bytes);
  out.push_back(r.hold_for_consumers ? 1 : 0);
  return out;
}

absl::Status DecodeRetention(std::string_view in, RetentionOptions* r) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != kVersion) {
    return absl::DataLossError("change feed: unknown retention record version");
  }
  in.remove_prefix(1);
  uint64_t age_us = 0;
  if (!codec::GetVarint64(&in, &age_us) || !codec::GetVarint64(&in, &r->max_bytes) ||
      in.size() != 1) {
    return absl::DataLossError("change feed: malformed retention record");
  }
  r->max_age = absl::Microseconds(static_cast<int64_t>(age_us));
  r->hold_for_consumers = in[0] != 0;
  return absl::OkStatus();
}

}  // namespace tessera::feed
