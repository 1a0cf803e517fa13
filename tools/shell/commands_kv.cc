// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The key-value commands: kv put / get / del / scan / incr / cas. Inside `begin` ... `commit`
// they read and write through the session's transaction; otherwise each is its own transaction.
#include <optional>
#include <string>

#include "tessera/status.h"
#include "tools/shell/args.h"
#include "tools/shell/handlers.h"

namespace tessera::shell::handlers {
namespace {

// The bytes a token stands for as a namespace, key or value: a bare word or a string as its
// text, a JSON object or array as its compact JSON text.
const std::string& Text(const Token& token) { return token.text; }

// EXPECTED / NEW of kv cas: the bare word null is "absent".
std::optional<std::string> NullableText(const Token& token) {
  if (IsWord(token, "null")) return std::nullopt;
  return token.text;
}

Json NullableJson(const std::optional<std::string>& value) {
  return value.has_value() ? Json(*value) : Json(nullptr);
}

}  // namespace

absl::StatusOr<Json> KvPut(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"NS", "KEY", "VALUE"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(ParsedOptions options, ParseOptions(call, 3, {{"ttl", true}}));
  KvPutOptions put;
  if (auto it = options.find("ttl"); it != options.end()) {
    ASSIGN_OR_RETURN(uint64_t ttl, ParseCount(call, it->second, "SECONDS"));
    put.ttl_seconds = static_cast<int64_t>(ttl);
  }
  const auto& a = call.args;
  if (Transaction* txn = session.txn()) {
    RETURN_IF_ERROR(session.kv().Put(*txn, Text(a[0]), Text(a[1]), Text(a[2]), put));
  } else {
    RETURN_IF_ERROR(session.kv().Put(Text(a[0]), Text(a[1]), Text(a[2]), put));
  }
  return Json{{"ok", true}};
}

absl::StatusOr<Json> KvGet(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"NS", "KEY"}));
  const auto& a = call.args;
  absl::StatusOr<std::optional<std::string>> value =
      session.txn() != nullptr ? session.kv().Get(*session.txn(), Text(a[0]), Text(a[1]))
                               : session.kv().Get(Text(a[0]), Text(a[1]));
  if (!value.ok()) return value.status();
  return NullableJson(*value);
}

absl::StatusOr<Json> KvDel(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"NS", "KEY"}));
  const auto& a = call.args;
  absl::StatusOr<bool> deleted = session.txn() != nullptr
                                     ? session.kv().Delete(*session.txn(), Text(a[0]), Text(a[1]))
                                     : session.kv().Delete(Text(a[0]), Text(a[1]));
  if (!deleted.ok()) return deleted.status();
  return Json{{"deleted", *deleted ? 1 : 0}};
}

absl::StatusOr<Json> KvScan(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"NS"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(
      ParsedOptions options,
      ParseOptions(
          call, 1,
          {{"prefix", true}, {"from", true}, {"to", true}, {"limit", true}, {"reverse", false}}));
  KvScanOptions scan;
  if (auto it = options.find("prefix"); it != options.end()) scan.prefix = Text(it->second);
  if (auto it = options.find("from"); it != options.end()) scan.from = Text(it->second);
  if (auto it = options.find("to"); it != options.end()) scan.to = Text(it->second);
  scan.reverse = options.contains("reverse");
  Json rows = Json::array();
  if (auto it = options.find("limit"); it != options.end()) {
    ASSIGN_OR_RETURN(uint64_t limit, ParseCount(call, it->second, "N"));
    if (limit == 0) return rows;  // the store reads limit 0 as "no limit"
    scan.limit = limit;
  }
  const std::string& ns = Text(call.args[0]);
  absl::StatusOr<std::unique_ptr<Cursor<KvEntry>>> cursor =
      session.txn() != nullptr ? session.kv().Scan(*session.txn(), ns, scan)
                               : session.kv().Scan(ns, scan);
  if (!cursor.ok()) return cursor.status();
  for (Cursor<KvEntry>& c = **cursor; c.Valid(); c.Next()) {
    RETURN_IF_ERROR(session.CheckCancelled());
    Json row;
    row["key"] = std::string(c.entry().key);
    row["value"] = std::string(c.entry().value);
    rows.push_back(std::move(row));
  }
  RETURN_IF_ERROR((*cursor)->status());
  return rows;
}

absl::StatusOr<Json> KvIncr(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"NS", "KEY", "DELTA"}, /*optional=*/1));
  const auto& a = call.args;
  int64_t delta = 1;
  if (a.size() > 2) {
    ASSIGN_OR_RETURN(delta, ParseInt(call, a[2], "DELTA"));
  }
  absl::StatusOr<int64_t> value =
      session.txn() != nullptr
          ? session.kv().Increment(*session.txn(), Text(a[0]), Text(a[1]), delta)
          : session.kv().Increment(Text(a[0]), Text(a[1]), delta);
  if (!value.ok()) return value.status();
  return Json(*value);
}

absl::StatusOr<Json> KvCas(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"NS", "KEY", "EXPECTED", "NEW"}));
  const auto& a = call.args;
  std::optional<std::string> expected = NullableText(a[2]);
  std::optional<std::string> desired = NullableText(a[3]);
  absl::StatusOr<bool> swapped =
      session.txn() != nullptr
          ? session.kv().CompareAndSet(*session.txn(), Text(a[0]), Text(a[1]), expected, desired)
          : session.kv().CompareAndSet(Text(a[0]), Text(a[1]), expected, desired);
  if (!swapped.ok()) return swapped.status();
  return Json{{"swapped", *swapped}};
}

}  // namespace tessera::shell::handlers
