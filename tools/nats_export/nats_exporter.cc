// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The exporter's loop: connect (and create the stream), read a batch from the source, publish it,
// wait for every publish acknowledgement, acknowledge the batch to the source; on any NATS
// failure drop the connection, back off and publish the same batch again.
#include "tools/nats_export/nats_exporter.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/util/strings.h"
#include "tessera/status.h"
#include "tools/nats_export/nats_client.h"

namespace tessera::nats_export {
namespace {

// How long one step of a cancellable sleep lasts: the latency of a cancel during a back-off.
constexpr absl::Duration kSleepSlice = absl::Milliseconds(50);

// Errors that retrying cannot fix.
bool IsFatal(const absl::Status& s) {
  return absl::IsInvalidArgument(s) || absl::IsFailedPrecondition(s);
}

}  // namespace

struct NatsExporter::State {
  AckState acks;
  std::unique_ptr<JetStreamConnection> conn;
};

std::string FormatProgress(const NatsExportProgress& p) {
  return util::StrCat("exported ", p.published, " events (", p.duplicates,
                      " already in the stream), last seq ", p.last_seq, ", ",
                      static_cast<uint64_t>(p.rate + 0.5), " events/s, ", p.reconnects,
                      " reconnects");
}

absl::StatusOr<std::unique_ptr<NatsExporter>> NatsExporter::Create(const NatsExportOptions& options,
                                                                   EventSource* source) {
  if (source == nullptr) return absl::InvalidArgumentError("the event source is null");
  if (options.url.find_first_not_of(" \t,") == std::string::npos) {
    return absl::InvalidArgumentError("the NATS URL is empty");
  }
  RETURN_IF_ERROR(ValidateStreamName(options.stream));
  RETURN_IF_ERROR(ValidateSubject(options.subject, "the subject"));
  if (options.batch_size == 0) return absl::InvalidArgumentError("batch_size must be at least 1");
  if (options.ack_timeout <= absl::ZeroDuration() ||
      options.connect_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("ack_timeout and connect_timeout must be positive");
  }
  if (options.initial_backoff <= absl::ZeroDuration() ||
      options.max_backoff < options.initial_backoff) {
    return absl::InvalidArgumentError(
        "initial_backoff must be positive and no larger than max_backoff");
  }
  return std::unique_ptr<NatsExporter>(new NatsExporter(options, source));
}

NatsExporter::NatsExporter(const NatsExportOptions& options, EventSource* source)
    : options_(options), source_(source), state_(std::make_unique<State>()) {}

NatsExporter::~NatsExporter() { state_->conn.reset(); }

absl::Status NatsExporter::Run(const std::function<bool()>& cancelled) {
  auto log = [this](const std::string& line) {
    if (options_.on_log) options_.on_log(line);
  };
  auto sleep = [&cancelled](absl::Duration d) {
    const absl::Time end = absl::Now() + d;
    for (absl::Time now = absl::Now(); now < end && !cancelled(); now = absl::Now()) {
      absl::SleepFor(std::min(kSleepSlice, end - now));
    }
  };
  absl::Time last_report = absl::Now();
  uint64_t published_at_report = progress_.published;
  auto report = [&](bool force) {
    const absl::Time now = absl::Now();
    if (!force && now - last_report < options_.report_interval) return;
    const double seconds = absl::ToDoubleSeconds(now - last_report);
    progress_.rate =
        seconds > 0 ? static_cast<double>(progress_.published - published_at_report) / seconds : 0;
    last_report = now;
    published_at_report = progress_.published;
    if (options_.on_progress) options_.on_progress(progress_);
  };

  absl::Duration backoff = options_.initial_backoff;
  auto retry_after = [&](const absl::Status& s) {
    ++progress_.reconnects;
    log(util::StrCat(util::ToStd(s.message()), "; retrying in ", absl::FormatDuration(backoff)));
    state_->conn.reset();
    sleep(backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
  };

  std::vector<ExportEvent> batch;  // read from the source, not yet acknowledged to it
  while (!cancelled()) {
    if (state_->conn == nullptr) {
      absl::StatusOr<std::unique_ptr<JetStreamConnection>> conn = JetStreamConnection::Connect(
          options_.url, options_.connect_timeout, options_.batch_size, &state_->acks);
      if (!conn.ok()) {
        if (IsFatal(conn.status())) return conn.status();
        retry_after(conn.status());
        continue;
      }
      absl::StatusOr<StreamCheck> check =
          (*conn)->EnsureStream(options_.stream, options_.subject, options_.duplicate_window);
      if (!check.ok()) {
        if (IsFatal(check.status())) return check.status();
        retry_after(check.status());
        continue;
      }
      log(util::StrCat("connected to ", options_.url, "; stream ", options_.stream,
                       check->created ? " created" : " found", " (", check->messages,
                       " messages, duplicate window ",
                       absl::FormatDuration(check->duplicate_window), "), publishing to ",
                       options_.subject));
      if (check->duplicate_window <= absl::ZeroDuration()) {
        log(util::StrCat("warning: stream ", options_.stream,
                         " has no duplicate window; events re-sent after a crash would be "
                         "stored twice"));
      }
      state_->conn = *std::move(conn);
    }
    if (batch.empty()) {
      absl::StatusOr<std::vector<ExportEvent>> next =
          source_->Next(options_.batch_size, options_.idle_wait);
      if (!next.ok()) {
        return absl::Status(
            next.status().code(),
            util::StrCat("reading the events to export: ", util::ToStd(next.status().message())));
      }
      batch = *std::move(next);
      if (batch.empty()) {
        report(/*force=*/false);
        continue;
      }
    }
    const uint64_t last = batch.back().seq;
    std::function<void()> after_send;
    if (options_.after_send_hook) after_send = [&] { options_.after_send_hook(last); };
    absl::StatusOr<BatchAck> acked =
        state_->conn->PublishBatch(options_.subject, batch, options_.ack_timeout, after_send);
    if (!acked.ok()) {
      if (IsFatal(acked.status())) return acked.status();
      retry_after(acked.status());
      continue;
    }
    if (absl::Status s = source_->Ack(batch.back()); !s.ok()) {
      return absl::Status(s.code(), util::StrCat("acknowledging event ", last,
                                                 " to the source: ", util::ToStd(s.message())));
    }
    progress_.published += batch.size();
    progress_.duplicates += acked->duplicates;
    progress_.last_seq = last;
    batch.clear();
    backoff = options_.initial_backoff;
    report(/*force=*/false);
  }
  report(/*force=*/true);
  return absl::OkStatus();
}

}  // namespace tessera::nats_export
