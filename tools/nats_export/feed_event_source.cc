// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// FeedEventSource: ChangeFeed's durable consumer API mapped onto EventSource.
#include "tools/nats_export/feed_event_source.h"

#include <cstdio>
#include <utility>

#include "core/util/strings.h"
#include "tessera/status.h"

namespace tessera::nats_export {
namespace {

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string MsgId(const ChangeEvent& e) {
  if (e.op != ChangeOp::kSnapshot) return util::StrCat(e.seq);
  char hash[17];
  std::snprintf(hash, sizeof(hash), "%016llx", static_cast<unsigned long long>(Fnv1a64(e.key)));
  return util::StrCat(e.seq, "-r-", e.object_id, "-", hash);
}

}  // namespace

absl::StatusOr<std::unique_ptr<FeedEventSource>> FeedEventSource::Open(ChangeFeed* feed,
                                                                       std::string name,
                                                                       bool* created) {
  if (feed == nullptr) return absl::InvalidArgumentError("the change feed is null");
  if (created != nullptr) *created = false;
  absl::StatusOr<ConsumerInfo> info = feed->GetConsumer(name);
  if (absl::IsNotFound(info.status())) {
    ConsumerStart start;
    start.from_seq = feed->FirstSequence();
    absl::Status s = feed->CreateConsumer(name, start);
    if (!s.ok() && !absl::IsAlreadyExists(s)) return s;
    if (s.ok() && created != nullptr) *created = true;
  } else if (!info.ok()) {
    return info.status();
  }
  return std::unique_ptr<FeedEventSource>(new FeedEventSource(feed, std::move(name)));
}

std::vector<ExportEvent> FeedEventSource::Convert() {
  std::vector<ExportEvent> out;
  out.reserve(batch_.size());
  for (size_t i = 0; i < batch_.size(); ++i) {
    const ChangeEvent& e = batch_[i];
    ExportEvent x;
    x.seq = e.seq;
    x.msg_id = MsgId(e);
    x.payload = ChangeEventToJson(e);
    x.headers = {{"Tessera-Model", std::string(ModelName(e.model))},
                 {"Tessera-Object", e.object},
                 {"Tessera-Op", std::string(1, static_cast<char>(e.op))}};
    x.cookie = i;
    out.push_back(std::move(x));
  }
  return out;
}

absl::StatusOr<std::vector<ExportEvent>> FeedEventSource::Next(size_t limit, absl::Duration wait) {
  ASSIGN_OR_RETURN(batch_, feed_->Next(name_, limit));
  if (!batch_.empty() || wait <= absl::ZeroDuration()) return Convert();
  // Block (without polling) until an event past the consumer's position commits. Events the
  // consumer's filter skips wake the wait too: wait again past them, until `wait` is spent.
  const absl::Time deadline = absl::Now() + wait;
  ASSIGN_OR_RETURN(ConsumerInfo info, feed_->GetConsumer(name_));
  uint64_t from = info.next_seq;
  for (absl::Time now = absl::Now(); now < deadline; now = absl::Now()) {
    FeedReadOptions read;
    read.from_seq = from;
    read.limit = 1000;
    read.wait = deadline - now;
    ASSIGN_OR_RETURN(std::vector<ChangeEvent> probe, feed_->Read(read));
    if (probe.empty()) break;
    ASSIGN_OR_RETURN(batch_, feed_->Next(name_, limit));
    if (!batch_.empty()) break;
    from = probe.back().seq + 1;
  }
  return Convert();
}

absl::Status FeedEventSource::Ack(const ExportEvent& last) {
  if (last.cookie >= batch_.size() || batch_[last.cookie].seq != last.seq) {
    return absl::InvalidArgumentError(
        util::StrCat("event ", last.seq, " is not in the batch the last Next() returned"));
  }
  return feed_->Ack(name_, batch_[last.cookie]);
}

}  // namespace tessera::nats_export
