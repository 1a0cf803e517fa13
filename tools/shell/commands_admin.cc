// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The commands that are not about one model: transactions (begin / commit / rollback), the change
// log (changes), the catalog (list), metrics (stats), help and quit.
#include <string>

#include "core/util/strings.h"
#include "tessera/change_event.h"
#include "tessera/metrics.h"
#include "tessera/model.h"
#include "tessera/status.h"
#include "tools/shell/args.h"
#include "tools/shell/handlers.h"

namespace tessera::shell::handlers {
namespace {

constexpr uint64_t kDefaultChangeLimit = 100;

// A key or an image of a change event: JSON text as its parsed value, raw bytes as a string.
Json Image(ImageFormat format, const std::string& bytes) {
  if (format == ImageFormat::kJson) {
    Json parsed = Json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return parsed;
  }
  return Json(bytes);
}

Json Image(ImageFormat format, const std::optional<std::string>& bytes) {
  return bytes.has_value() ? Image(format, *bytes) : Json(nullptr);
}

Json EventJson(const ChangeEvent& e) {
  Json j;
  j["seq"] = e.seq;
  j["ts_us"] = e.commit_time_us;
  j["txn"] = e.txn_id;
  j["txn_index"] = e.txn_index;
  j["txn_events"] = e.txn_events;
  j["model"] = std::string(ModelName(e.model));
  j["name"] = e.object;
  j["key"] = Image(e.key_format, e.key);
  j["op"] = std::string(1, static_cast<char>(e.op));
  j["before"] = Image(e.image_format, e.before);
  j["after"] = Image(e.image_format, e.after);
  return j;
}

Json MetricsJson(const MetricsSnapshot& m) {
  Json operations = Json::object();
  for (const auto& [name, s] : m.operations) {
    Json op;
    op["count"] = s.count;
    op["errors"] = s.errors;
    op["p50_us"] = s.p50_us;
    op["p99_us"] = s.p99_us;
    op["max_us"] = s.max_us;
    op["sum_us"] = s.sum_us;
    operations[name] = std::move(op);
  }
  Json gauges = Json::object();
  for (const auto& [name, v] : m.gauges) gauges[name] = v;
  Json rocksdb = Json::object();
  for (const auto& [name, v] : m.rocksdb) rocksdb[name] = v;
  Json j;
  j["operations"] = std::move(operations);
  j["gauges"] = std::move(gauges);
  j["rocksdb"] = std::move(rocksdb);
  return j;
}

Json HelpEntry(const CommandSpec& spec) {
  Json j;
  j["command"] = std::string(spec.name);
  j["syntax"] = std::string(spec.syntax);
  j["summary"] = std::string(spec.summary);
  j["example"] = std::string(spec.example);
  return j;
}

}  // namespace

absl::StatusOr<Json> Begin(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {}));
  RETURN_IF_ERROR(session.BeginTransaction());
  return Json{{"ok", true}};
}

absl::StatusOr<Json> Commit(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {}));
  RETURN_IF_ERROR(session.CommitTransaction());
  return Json{{"ok", true}};
}

absl::StatusOr<Json> Rollback(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {}));
  RETURN_IF_ERROR(session.RollbackTransaction());
  return Json{{"ok", true}};
}

absl::StatusOr<Json> Changes(Session& session, const Invocation& call) {
  ASSIGN_OR_RETURN(ParsedOptions options, ParseOptions(call, 0, {{"from", true}, {"limit", true}}));
  ChangeReadOptions read;
  read.limit = kDefaultChangeLimit;
  if (auto it = options.find("from"); it != options.end()) {
    ASSIGN_OR_RETURN(read.from_seq, ParseCount(call, it->second, "SEQ"));
  }
  if (auto it = options.find("limit"); it != options.end()) {
    ASSIGN_OR_RETURN(read.limit, ParseCount(call, it->second, "N"));
  }
  Json events = Json::array();
  if (read.limit == 0) return events;
  ASSIGN_OR_RETURN(std::vector<ChangeEvent> changes, session.db().ReadChanges(read));
  for (const ChangeEvent& e : changes) events.push_back(EventJson(e));
  return events;
}

absl::StatusOr<Json> List(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {}));
  ASSIGN_OR_RETURN(std::vector<ObjectInfo> objects, session.db().ListObjects());
  Json rows = Json::array();
  for (const ObjectInfo& o : objects) {
    Json row;
    row["model"] = std::string(ModelName(o.model));
    row["name"] = o.name;
    row["id"] = o.id;
    rows.push_back(std::move(row));
  }
  return rows;
}

absl::StatusOr<Json> Stats(Session& session, const Invocation& call) {
  ASSIGN_OR_RETURN(ParsedOptions options, ParseOptions(call, 0, {{"prometheus", false}}));
  ASSIGN_OR_RETURN(MetricsSnapshot metrics, session.db().GetMetrics());
  if (options.contains("prometheus")) return Json(metrics.ToPrometheusText());
  return MetricsJson(metrics);
}

absl::StatusOr<Json> Help(Session& session, const Invocation& call) {
  std::span<const CommandSpec> table = CommandTable();
  if (call.args.empty()) {
    Json list = Json::array();
    for (const CommandSpec& spec : table) {
      Json j;
      j["command"] = std::string(spec.name);
      j["summary"] = std::string(spec.summary);
      list.push_back(std::move(j));
    }
    return list;
  }
  // The names given by the first 1, 2, ... words ("kv", "kv put").
  std::vector<std::string> prefixes;
  for (const Token& t : call.args) {
    prefixes.push_back(prefixes.empty() ? t.text : util::StrCat(prefixes.back(), " ", t.text));
  }
  const std::string& topic = prefixes.back();
  // The command named by the longest prefix of the words ("help stats prometheus" -> stats).
  for (size_t n = prefixes.size(); n > 0; --n) {
    const std::string& name = prefixes[n - 1];
    for (const CommandSpec& spec : table) {
      if (spec.name == name) return HelpEntry(spec);
    }
  }
  // A group ("help kv"): every command whose name starts with the topic.
  Json group = Json::array();
  std::string prefix = util::StrCat(topic, " ");
  for (const CommandSpec& spec : table) {
    if (spec.name.starts_with(prefix)) group.push_back(HelpEntry(spec));
  }
  if (!group.empty()) return group;
  return UsageError(call, util::StrCat("no command '", topic, "'; 'help' lists the commands"));
}

absl::StatusOr<Json> Quit(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {}));
  session.RequestQuit();
  return Json{{"ok", true}};
}

}  // namespace tessera::shell::handlers
