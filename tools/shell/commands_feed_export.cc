// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// feed export nats URL STREAM SUBJECT [consumer NAME] (command `feed export`, target `nats`):
// publishes the change feed to a NATS JetStream stream (tools/nats_export) as durable consumer
// NAME (default nats-export, created at the oldest event the feed holds when missing) until
// Ctrl-C. Progress and connection lines go to the session's stream output as they happen: text
// in table and csv formats, one JSON object per line in json and jsonl formats. Ctrl-C ends it
// with a `cancelled` error that carries the totals; the next run resumes after the last event
// JetStream acknowledged.
#include <string>

#include "core/util/strings.h"
#include "tessera/feed.h"
#include "tessera/status.h"
#include "tools/nats_export/feed_event_source.h"
#include "tools/nats_export/nats_exporter.h"
#include "tools/shell/args.h"
#include "tools/shell/handlers.h"

namespace tessera::shell::handlers {
namespace {

constexpr char kDefaultConsumer[] = "nats-export";

Json ProgressJson(const nats_export::NatsExportProgress& p) {
  Json j;
  j["published"] = p.published;
  j["duplicates"] = p.duplicates;
  j["last_seq"] = p.last_seq;
  j["rate"] = static_cast<uint64_t>(p.rate + 0.5);
  j["reconnects"] = p.reconnects;
  return j;
}

}  // namespace

absl::StatusOr<Json> FeedExport(Session& session, const Invocation& call) {
  // The first argument names the broker ("nats", the only one so far).
  RETURN_IF_ERROR(
      CheckArgs(call, {"nats", "URL", "STREAM", "SUBJECT"}, 0, /*options_follow=*/true));
  if (!IsWord(call.args[0], "nats")) {
    return UsageError(call, util::StrCat("unknown export target '", call.args[0].text,
                                         "'; the only one is nats"));
  }
  ASSIGN_OR_RETURN(ParsedOptions options, ParseOptions(call, 4, {{"consumer", true}}));
  std::string consumer = kDefaultConsumer;
  if (auto it = options.find("consumer"); it != options.end()) consumer = it->second.text;
  if (session.txn() != nullptr) {
    return absl::FailedPreconditionError(
        "feed export runs outside transactions; commit or rollback first");
  }

  nats_export::NatsExportOptions export_options;
  export_options.url = call.args[1].text;
  export_options.stream = call.args[2].text;
  export_options.subject = call.args[3].text;
  const bool json = session.format() == Format::kJson || session.format() == Format::kJsonl;
  std::ostream& out = session.stream_out();
  auto line = [&](const Json& as_json, const std::string& as_text) {
    out << (json ? DumpJson(as_json) : "nats export: " + as_text) << '\n' << std::flush;
  };
  export_options.on_log = [&](std::string_view text) {
    line(Json{{"log", std::string(text)}}, std::string(text));
  };
  nats_export::NatsExportProgress printed;
  export_options.on_progress = [&](const nats_export::NatsExportProgress& p) {
    if (p.published == printed.published && p.reconnects == printed.reconnects) return;
    printed = p;
    line(Json{{"progress", ProgressJson(p)}}, nats_export::FormatProgress(p));
  };
  ASSIGN_OR_RETURN(ChangeFeed * feed, session.feed());
  bool created = false;
  ASSIGN_OR_RETURN(auto source, nats_export::FeedEventSource::Open(feed, consumer, &created));
  ASSIGN_OR_RETURN(auto exporter, nats_export::NatsExporter::Create(export_options, source.get()));
  ASSIGN_OR_RETURN(ConsumerInfo info, feed->GetConsumer(consumer));
  const std::string start = util::StrCat(created ? "created consumer " : "resuming consumer ",
                                         consumer, " after seq ", info.acked_seq, "; Ctrl-C stops");
  line(Json{{"log", start}}, start);
  RETURN_IF_ERROR(exporter->Run([&session] { return session.cancel_requested(); }));
  const nats_export::NatsExportProgress& p = exporter->progress();
  return absl::CancelledError(util::StrCat("interrupted by Ctrl-C after exporting ", p.published,
                                           " events (last seq ", p.last_seq, ") to ",
                                           export_options.stream));
}

}  // namespace tessera::shell::handlers
