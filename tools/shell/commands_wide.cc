// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The wide-column commands: wide create / put / get / scan / del / incr / checkput. Inside
// `begin` ... `commit` they read and write through the session's transaction; otherwise each is
// its own transaction. A row's cells print as {"F:Q": [{"ts": TS, "value": V}, ...], ...},
// versions newest first.
#include <optional>
#include <string>
#include <vector>

#include "core/util/strings.h"
#include "tessera/status.h"
#include "tessera/wide.h"
#include "tools/shell/args.h"
#include "tools/shell/handlers.h"

namespace tessera::shell::handlers {
namespace {

absl::StatusOr<WideStore*> Tables(Session& session) {
  return session.ModelStore<WideStore>(Model::kWideColumn, &WideStore::Open);
}

// F or F:Q (the first ':' splits; family names cannot hold one).
WideColumn ParseColumn(const Token& token) {
  const std::string& s = token.text;
  size_t colon = s.find(':');
  if (colon == std::string::npos) return WideColumn{s, std::nullopt};
  return WideColumn{s.substr(0, colon), s.substr(colon + 1)};
}

// F:Q, the qualifier required (it may be empty: `F:`).
absl::StatusOr<WideColumn> ParseCell(const Invocation& call, const Token& token,
                                     std::string_view what) {
  WideColumn c = ParseColumn(token);
  if (!c.qualifier) {
    return UsageError(call,
                      util::StrCat(what, " must be FAMILY:QUALIFIER, got '", token.text, "'"));
  }
  return c;
}

Json CellsJson(const WideRow& row) {
  Json out = Json::object();
  for (const WideCell& c : row.cells) {
    out[c.family + ":" + c.qualifier].push_back(Json{{"ts", c.timestamp}, {"value", c.value}});
  }
  return out;
}

// Trailing options where `column` may repeat and the others appear at most once.
struct WideOptions {
  std::vector<WideColumn> columns;
  ParsedOptions single;
};

absl::StatusOr<WideOptions> ParseWideOptions(const Invocation& call, size_t first,
                                             std::initializer_list<OptionSpec> specs) {
  WideOptions out;
  std::vector<Token> rest;
  for (size_t i = first; i < call.args.size(); ++i) {
    if (IsWord(call.args[i], "column")) {
      if (i + 1 >= call.args.size()) {
        return UsageError(call, "option 'column' needs a value");
      }
      out.columns.push_back(ParseColumn(call.args[++i]));
      continue;
    }
    rest.push_back(call.args[i]);
  }
  Invocation others{call.spec, rest};
  ASSIGN_OR_RETURN(out.single, ParseOptions(others, 0, specs));
  return out;
}

absl::StatusOr<uint32_t> ParseVersions(const Invocation& call, const ParsedOptions& options) {
  auto it = options.find("versions");
  if (it == options.end()) return 1;
  ASSIGN_OR_RETURN(uint64_t n, ParseCount(call, it->second, "N"));
  if (n > UINT32_MAX) return UsageError(call, util::StrCat("versions ", n, " is too large"));
  return static_cast<uint32_t>(n);
}

}  // namespace

absl::StatusOr<Json> WideCreate(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"TABLE", "FAMILY"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(ParsedOptions options,
                   ParseOptions(call, 2, {{"versions", true}, {"ttl", true}, {"min", true}}));
  ASSIGN_OR_RETURN(WideStore * store, Tables(session));
  const std::string& table = call.args[0].text;
  const std::string& family = call.args[1].text;
  // Declared again: options not given keep their current values.
  WideFamilyOptions gc;
  if (auto families = store->ListFamilies(table); families.ok()) {
    for (const WideFamily& f : *families) {
      if (f.name == family) gc = f.options;
    }
  }
  if (auto it = options.find("versions"); it != options.end()) {
    ASSIGN_OR_RETURN(uint64_t n, ParseCount(call, it->second, "N"));
    if (n > UINT32_MAX) return UsageError(call, util::StrCat("versions ", n, " is too large"));
    gc.max_versions = static_cast<uint32_t>(n);
  }
  if (auto it = options.find("ttl"); it != options.end()) {
    ASSIGN_OR_RETURN(uint64_t ttl, ParseCount(call, it->second, "SECONDS"));
    if (ttl > static_cast<uint64_t>(INT64_MAX)) return UsageError(call, "ttl is too large");
    gc.ttl_seconds = static_cast<int64_t>(ttl);
  }
  if (auto it = options.find("min"); it != options.end()) {
    ASSIGN_OR_RETURN(uint64_t n, ParseCount(call, it->second, "N"));
    if (n > UINT32_MAX) return UsageError(call, util::StrCat("min ", n, " is too large"));
    gc.min_versions = static_cast<uint32_t>(n);
  }
  RETURN_IF_ERROR(store->CreateFamily(table, family, gc));
  return Json{{"ok", true}};
}

absl::StatusOr<Json> WidePut(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"TABLE", "ROW", "FAMILY:QUALIFIER", "VALUE"}, 0,
                            /*options_follow=*/true));
  ASSIGN_OR_RETURN(ParsedOptions options, ParseOptions(call, 4, {{"at", true}}));
  const auto& a = call.args;
  ASSIGN_OR_RETURN(WideColumn column, ParseCell(call, a[2], "FAMILY:QUALIFIER"));
  WideCellWrite cell{column.family, *column.qualifier, a[3].text, {}};
  if (auto it = options.find("at"); it != options.end()) {
    ASSIGN_OR_RETURN(uint64_t ts, ParseCount(call, it->second, "TS"));
    if (ts > static_cast<uint64_t>(INT64_MAX)) return UsageError(call, "TS is out of range");
    cell.timestamp = static_cast<int64_t>(ts);
  }
  ASSIGN_OR_RETURN(WideStore * store, Tables(session));
  if (Transaction* txn = session.txn()) {
    RETURN_IF_ERROR(store->Put(*txn, a[0].text, a[1].text, {cell}));
  } else {
    RETURN_IF_ERROR(store->Put(a[0].text, a[1].text, {cell}));
  }
  return Json{{"ok", true}};
}

absl::StatusOr<Json> WideGet(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"TABLE", "ROW"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(WideOptions options, ParseWideOptions(call, 2, {{"versions", true}}));
  WideGetOptions get;
  get.columns = std::move(options.columns);
  ASSIGN_OR_RETURN(get.max_versions, ParseVersions(call, options.single));
  ASSIGN_OR_RETURN(WideStore * store, Tables(session));
  const auto& a = call.args;
  absl::StatusOr<std::optional<WideRow>> row =
      session.txn() != nullptr ? store->Get(*session.txn(), a[0].text, a[1].text, get)
                               : store->Get(a[0].text, a[1].text, get);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return Json(nullptr);
  return CellsJson(**row);
}

absl::StatusOr<Json> WideScan(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"TABLE"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(WideOptions options, ParseWideOptions(call, 1,
                                                         {{"from", true},
                                                          {"to", true},
                                                          {"prefix", true},
                                                          {"versions", true},
                                                          {"limit", true},
                                                          {"reverse", false}}));
  WideScanOptions scan;
  scan.columns = std::move(options.columns);
  const ParsedOptions& o = options.single;
  if (auto it = o.find("from"); it != o.end()) scan.from = it->second.text;
  if (auto it = o.find("to"); it != o.end()) scan.to = it->second.text;
  if (auto it = o.find("prefix"); it != o.end()) scan.prefix = it->second.text;
  scan.reverse = o.contains("reverse");
  ASSIGN_OR_RETURN(scan.max_versions, ParseVersions(call, o));
  Json rows = Json::array();
  if (auto it = o.find("limit"); it != o.end()) {
    ASSIGN_OR_RETURN(uint64_t limit, ParseCount(call, it->second, "N"));
    if (limit == 0) return rows;  // the store reads limit 0 as "no limit"
    scan.limit = limit;
  }
  ASSIGN_OR_RETURN(WideStore * store, Tables(session));
  const std::string& table = call.args[0].text;
  absl::StatusOr<std::unique_ptr<Cursor<WideRow>>> cursor =
      session.txn() != nullptr ? store->Scan(*session.txn(), table, scan)
                               : store->Scan(table, scan);
  if (!cursor.ok()) return cursor.status();
  for (Cursor<WideRow>& c = **cursor; c.Valid(); c.Next()) {
    RETURN_IF_ERROR(session.CheckCancelled());
    Json row;
    row["row"] = c.entry().key;
    row["cells"] = CellsJson(c.entry());
    rows.push_back(std::move(row));
  }
  RETURN_IF_ERROR((*cursor)->status());
  return rows;
}

absl::StatusOr<Json> WideDel(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"TABLE", "ROW", "FAMILY[:QUALIFIER]"}, /*optional=*/1));
  const auto& a = call.args;
  WideDelete what = WideDelete::Row();
  if (a.size() > 2) {
    WideColumn c = ParseColumn(a[2]);
    what = c.qualifier ? WideDelete::Column(c.family, *c.qualifier) : WideDelete::Family(c.family);
  }
  ASSIGN_OR_RETURN(WideStore * store, Tables(session));
  absl::StatusOr<size_t> n = session.txn() != nullptr
                                 ? store->Delete(*session.txn(), a[0].text, a[1].text, what)
                                 : store->Delete(a[0].text, a[1].text, what);
  if (!n.ok()) return n.status();
  return Json{{"ok", true}};
}

absl::StatusOr<Json> WideIncr(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"TABLE", "ROW", "FAMILY:QUALIFIER", "DELTA"}, /*optional=*/1));
  const auto& a = call.args;
  ASSIGN_OR_RETURN(WideColumn column, ParseCell(call, a[2], "FAMILY:QUALIFIER"));
  int64_t delta = 1;
  if (a.size() > 3) {
    ASSIGN_OR_RETURN(delta, ParseInt(call, a[3], "DELTA"));
  }
  ASSIGN_OR_RETURN(WideStore * store, Tables(session));
  absl::StatusOr<int64_t> value =
      session.txn() != nullptr
          ? store->Increment(*session.txn(), a[0].text, a[1].text, column.family, *column.qualifier,
                             delta)
          : store->Increment(a[0].text, a[1].text, column.family, *column.qualifier, delta);
  if (!value.ok()) return value.status();
  return Json(*value);
}

absl::StatusOr<Json> WideCheckput(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(
      call, {"TABLE", "ROW", "CHECK_FAMILY:QUALIFIER", "EXPECTED", "FAMILY:QUALIFIER", "VALUE"}));
  const auto& a = call.args;
  ASSIGN_OR_RETURN(WideColumn checked, ParseCell(call, a[2], "the checked FAMILY:QUALIFIER"));
  ASSIGN_OR_RETURN(WideColumn target, ParseCell(call, a[4], "the written FAMILY:QUALIFIER"));
  WideCheck check{checked.family, *checked.qualifier, std::nullopt};
  if (!IsWord(a[3], "null")) check.expected = a[3].text;  // bare null: the column is absent
  std::vector<WideCellWrite> puts{{target.family, *target.qualifier, a[5].text, {}}};
  ASSIGN_OR_RETURN(WideStore * store, Tables(session));
  absl::StatusOr<bool> applied =
      session.txn() != nullptr
          ? store->CheckAndMutate(*session.txn(), a[0].text, a[1].text, check, puts)
          : store->CheckAndMutate(a[0].text, a[1].text, check, puts);
  if (!applied.ok()) return applied.status();
  return Json{{"applied", *applied}};
}

}  // namespace tessera::shell::handlers
