// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The change feed's commands: feed read (and its alias changes), feed tail, the durable consumers
// and retention. Events render as the envelope of docs/feed.md (ChangeEventToJsonValue).
#include <charconv>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/util/strings.h"
#include "tessera/feed.h"
#include "tessera/feed_json.h"
#include "tessera/status.h"
#include "tools/shell/args.h"
#include "tools/shell/handlers.h"

namespace tessera::shell {

absl::StatusOr<ChangeFeed*> Session::feed() {
  if (feed_ == nullptr) {
    ASSIGN_OR_RETURN(std::unique_ptr<ChangeFeed> feed, ChangeFeed::Open(db_));
    feed_ = std::move(feed);
  }
  return feed_.get();
}

namespace handlers {
namespace {

constexpr uint64_t kDefaultLimit = 100;
// feed tail waits this long at a time, then looks at Ctrl-C.
constexpr absl::Duration kTailSlice = absl::Milliseconds(100);

// "a,b" -> {"a", "b"}.
std::vector<std::string> SplitCommas(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    size_t comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

absl::StatusOr<std::vector<Model>> ParseModels(const Invocation& call, const Token& token) {
  std::vector<Model> out;
  for (const std::string& name : SplitCommas(token.text)) {
    std::optional<Model> m = ParseModel(name);
    if (!m) {
      return UsageError(call, util::StrCat("unknown model '", name,
                                           "'; the models are kv, doc, wide, graph and ts"));
    }
    out.push_back(*m);
  }
  return out;
}

// model / name / op options into a filter.
absl::Status ParseFilter(const Invocation& call, const ParsedOptions& options, FeedFilter* f) {
  if (auto it = options.find("model"); it != options.end()) {
    ASSIGN_OR_RETURN(f->models, ParseModels(call, it->second));
  }
  if (auto it = options.find("name"); it != options.end()) {
    f->objects = SplitCommas(it->second.text);
  }
  if (auto it = options.find("op"); it != options.end()) f->ops = it->second.text;
  return absl::OkStatus();
}

Json EventsJson(const std::vector<ChangeEvent>& events) {
  Json out = Json::array();
  for (const ChangeEvent& e : events) out.push_back(ChangeEventToJsonValue(e));
  return out;
}

// "90s", "30m", "12h", "7d", "500ms", "1h30m" -> the duration.
absl::StatusOr<absl::Duration> ParseAge(const Invocation& call, const Token& token) {
  std::string_view text = token.text;
  absl::Duration d;
  if (text.size() > 1 && text.back() == 'd') {
    int64_t days = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, days);
    if (ec == std::errc() && end == text.data() + text.size() - 1 && days >= 0) {
      return absl::Hours(24 * days);
    }
  } else if (absl::ParseDuration(std::string(text), &d) && d >= absl::ZeroDuration()) {
    return d;
  }
  return UsageError(call, util::StrCat("bad DURATION '", text,
                                       "'; write a number and a unit: 500ms, 90s, 30m, 12h, 7d"));
}

// `snapshot OBJ` or `snapshot MODEL:OBJ` -> the object's model and name. A bare name must name
// exactly one object across the models.
absl::Status ResolveSnapshotObject(Session& session, const Invocation& call, const Token& token,
                                   ConsumerStart* start) {
  std::string_view text = token.text;
  if (size_t colon = text.find(':'); colon != std::string_view::npos) {
    std::optional<Model> m = ParseModel(text.substr(0, colon));
    if (!m) {
      return UsageError(call, util::StrCat("unknown model '", text.substr(0, colon), "' in '", text,
                                           "'; write MODEL:OBJ with a model of "
                                           "kv, doc, wide, graph, ts"));
    }
    start->snapshot_model = *m;
    start->snapshot_object = std::string(text.substr(colon + 1));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, session.db().ListObjects());
  std::vector<Model> found;
  for (const ObjectInfo& o : objects) {
    if (o.name == text) found.push_back(o.model);
  }
  if (found.empty()) return absl::NotFoundError(util::StrCat("no object named '", text, "'"));
  if (found.size() > 1) {
    return UsageError(
        call, util::StrCat("'", text, "' names objects of ", found.size(), " models (",
                           ModelName(found[0]), ", ", ModelName(found[1]), "); write ",
                           ModelName(found[0]), ":", text, " or ", ModelName(found[1]), ":", text));
  }
  start->snapshot_model = found[0];
  start->snapshot_object = std::string(text);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Json> FeedRead(Session& session, const Invocation& call) {
  ASSIGN_OR_RETURN(ParsedOptions options, ParseOptions(call, 0,
                                                       {{"from", true},
                                                        {"limit", true},
                                                        {"model", true},
                                                        {"name", true},
                                                        {"op", true},
                                                        {"wait", true}}));
  FeedReadOptions read;
  read.limit = kDefaultLimit;
  if (auto it = options.find("from"); it != options.end()) {
    ASSIGN_OR_RETURN(read.from_seq, ParseCount(call, it->second, "SEQ"));
  }
  if (auto it = options.find("limit"); it != options.end()) {
    ASSIGN_OR_RETURN(read.limit, ParseCount(call, it->second, "N"));
  }
  if (auto it = options.find("wait"); it != options.end()) {
    ASSIGN_OR_RETURN(uint64_t ms, ParseCount(call, it->second, "MS"));
    read.wait = absl::Milliseconds(ms);
  }
  RETURN_IF_ERROR(ParseFilter(call, options, &read.filter));
  if (read.limit == 0) return Json::array();
  read.cancelled = session.CancelCheck();
  ASSIGN_OR_RETURN(ChangeFeed * feed, session.feed());
  // Wait in slices so that Ctrl-C ends a long wait.
  const absl::Time deadline = absl::Now() + read.wait;
  while (true) {
    FeedReadOptions slice = read;
    slice.wait = std::min(kTailSlice, std::max(absl::ZeroDuration(), deadline - absl::Now()));
    absl::StatusOr<std::vector<ChangeEvent>> events = feed->Read(slice);
    if (!events.ok()) return session.CancelledOr(events.status());
    if (!events->empty() || absl::Now() >= deadline) return EventsJson(*events);
    RETURN_IF_ERROR(session.CheckCancelled());
  }
}

absl::StatusOr<Json> FeedTail(Session& session, const Invocation& call) {
  ASSIGN_OR_RETURN(
      ParsedOptions options,
      ParseOptions(call, 0, {{"from", true}, {"model", true}, {"name", true}, {"limit", true}}));
  ASSIGN_OR_RETURN(ChangeFeed * feed, session.feed());
  FeedReadOptions read;
  read.from_seq = session.db().LastSequence() + 1;
  if (auto it = options.find("from"); it != options.end()) {
    ASSIGN_OR_RETURN(read.from_seq, ParseCount(call, it->second, "SEQ"));
  }
  std::optional<uint64_t> limit;
  if (auto it = options.find("limit"); it != options.end()) {
    ASSIGN_OR_RETURN(limit, ParseCount(call, it->second, "N"));
  }
  RETURN_IF_ERROR(ParseFilter(call, options, &read.filter));
  read.wait = kTailSlice;
  read.cancelled = session.CancelCheck();
  uint64_t printed = 0;
  while (!limit || printed < *limit) {
    RETURN_IF_ERROR(session.CheckCancelled());
    read.limit = limit ? std::min<uint64_t>(kDefaultLimit, *limit - printed) : kDefaultLimit;
    absl::StatusOr<std::vector<ChangeEvent>> events = feed->Read(read);
    if (!events.ok()) return session.CancelledOr(events.status());
    for (const ChangeEvent& e : *events) {
      session.stream_out() << DumpJson(ChangeEventToJsonValue(e)) << '\n';
      read.from_seq = e.seq + 1;
      ++printed;
    }
    if (!events->empty()) session.stream_out().flush();
  }
  return Json{{"ok", true}, {"events", printed}};
}

absl::StatusOr<Json> FeedConsumerCreate(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"NAME"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(ParsedOptions options,
                   ParseOptions(call, 1, {{"from", true}, {"snapshot", true}}));
  ConsumerStart start;
  auto from = options.find("from");
  auto snapshot = options.find("snapshot");
  if (from != options.end() && snapshot != options.end()) {
    return UsageError(call, "give either from SEQ or snapshot OBJ, not both");
  }
  if (from != options.end()) {
    ASSIGN_OR_RETURN(start.from_seq, ParseCount(call, from->second, "SEQ"));
    if (start.from_seq == 0) return UsageError(call, "SEQ starts at 1");
  }
  if (snapshot != options.end()) {
    RETURN_IF_ERROR(ResolveSnapshotObject(session, call, snapshot->second, &start));
  }
  ASSIGN_OR_RETURN(ChangeFeed * feed, session.feed());
  RETURN_IF_ERROR(feed->CreateConsumer(call.args[0].text, start));
  return Json{{"ok", true}};
}

absl::StatusOr<Json> FeedConsumerNext(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"NAME"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(ParsedOptions options, ParseOptions(call, 1, {{"limit", true}}));
  uint64_t limit = kDefaultLimit;
  if (auto it = options.find("limit"); it != options.end()) {
    ASSIGN_OR_RETURN(limit, ParseCount(call, it->second, "N"));
  }
  ASSIGN_OR_RETURN(ChangeFeed * feed, session.feed());
  ASSIGN_OR_RETURN(std::vector<ChangeEvent> events, feed->Next(call.args[0].text, limit));
  return EventsJson(events);
}

absl::StatusOr<Json> FeedConsumerAck(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"NAME", "SEQ"}));
  ASSIGN_OR_RETURN(uint64_t seq, ParseCount(call, call.args[1], "SEQ"));
  ASSIGN_OR_RETURN(ChangeFeed * feed, session.feed());
  RETURN_IF_ERROR(feed->Ack(call.args[0].text, seq));
  return Json{{"ok", true}};
}

absl::StatusOr<Json> FeedConsumerList(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {}));
  ASSIGN_OR_RETURN(ChangeFeed * feed, session.feed());
  ASSIGN_OR_RETURN(std::vector<ConsumerInfo> consumers, feed->ListConsumers());
  Json rows = Json::array();
  for (const ConsumerInfo& c : consumers) {
    Json row;
    row["name"] = c.name;
    row["acked_seq"] = c.acked_seq;
    row["next_seq"] = c.next_seq;
    row["snapshot_pending"] = c.snapshot_pending;
    rows.push_back(std::move(row));
  }
  return rows;
}

absl::StatusOr<Json> FeedConsumerDrop(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"NAME"}));
  ASSIGN_OR_RETURN(ChangeFeed * feed, session.feed());
  RETURN_IF_ERROR(feed->DropConsumer(call.args[0].text));
  return Json{{"ok", true}};
}

absl::StatusOr<Json> FeedRetention(Session& session, const Invocation& call) {
  ASSIGN_OR_RETURN(ParsedOptions options,
                   ParseOptions(call, 0, {{"age", true}, {"size", true}, {"nohold", false}}));
  RetentionOptions r;
  if (auto it = options.find("age"); it != options.end()) {
    ASSIGN_OR_RETURN(r.max_age, ParseAge(call, it->second));
  }
  if (auto it = options.find("size"); it != options.end()) {
    ASSIGN_OR_RETURN(r.max_bytes, ParseCount(call, it->second, "BYTES"));
  }
  r.hold_for_consumers = !options.contains("nohold");
  ASSIGN_OR_RETURN(ChangeFeed * feed, session.feed());
  RETURN_IF_ERROR(feed->SetRetention(r));
  return Json{{"ok", true}};
}

}  // namespace handlers
}  // namespace tessera::shell
