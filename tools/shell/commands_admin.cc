// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The commands that are not about one model: transactions (begin / commit / rollback), the
// catalog (list), metrics (stats), help and quit. The change feed's are in commands_feed.cc.
#include <string>

#include "core/util/strings.h"
#include "tessera/metrics.h"
#include "tessera/model.h"
#include "tessera/status.h"
#include "tools/shell/args.h"
#include "tools/shell/handlers.h"

namespace tessera::shell::handlers {
namespace {

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
