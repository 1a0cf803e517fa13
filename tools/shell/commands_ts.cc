// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The time-series commands: ts write / import / query / last / series / retention / downsample /
// stats. Inside `begin` ... `commit`, `ts write` joins the session's transaction; `ts import`
// (batches of its own) refuses to run there; the others are reads or settings.
//
//   where    TAG=V[,TAG=V...]: conditions joined by AND, each TAG=V, TAG!=V, TAG=~REGEX (RE2,
//            matched anywhere in the value) or TAG=(V1|V2|...) (IN); values cannot hold commas
//   T        RFC 3339 (2026-01-01T00:00:00Z, fractions and offsets allowed) or integer ns
//   DURATION integers with units ns us ms s m h d w, concatenated (1h30m); a bare integer is ns
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "core/util/strings.h"
#include "tessera/status.h"
#include "tessera/ts.h"
#include "tools/shell/args.h"
#include "tools/shell/handlers.h"
#include "tools/shell/progress.h"

namespace tessera::shell::handlers {
namespace {

constexpr size_t kImportBatchLines = 5000;

absl::StatusOr<TsStore*> Series(Session& session) {
  return session.ModelStore<TsStore>(Model::kTimeSeries, &TsStore::Open);
}

absl::StatusOr<int64_t> ParseDuration(const Invocation& call, std::string_view s) {
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {
      {"ns", 1},
      {"us", 1000},
      {"ms", 1000000},
      {"s", 1000000000},
      {"m", int64_t{60} * 1000000000},
      {"h", int64_t{3600} * 1000000000},
      {"d", int64_t{86400} * 1000000000},
      {"w", int64_t{7} * 86400 * 1000000000}};
  auto bad = [&] {
    return UsageError(call,
                      util::StrCat("DURATION must be like 10s, 5m, 1h30m or 7d, got '", s, "'"));
  };
  if (s.empty()) return bad();
  int64_t total = 0;
  size_t i = 0;
  while (i < s.size()) {
    int64_t n = 0;
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, s[i] - '0', &n)) {
        return UsageError(call, util::StrCat("DURATION is out of range: '", s, "'"));
      }
      ++i;
    }
    if (i == start) return bad();
    const size_t ustart = i;
    while (i < s.size() && (s[i] < '0' || s[i] > '9')) ++i;
    const std::string_view unit = s.substr(ustart, i - ustart);
    int64_t scale = 0;
    if (unit.empty() && start == 0 && i == s.size()) scale = 1;  // a bare integer: ns
    for (const auto& [name, ns] : kUnits) {
      if (unit == name) scale = ns;
    }
    if (scale == 0) return bad();
    int64_t part;
    if (__builtin_mul_overflow(n, scale, &part) || __builtin_add_overflow(total, part, &total)) {
      return UsageError(call, util::StrCat("DURATION is out of range: '", s, "'"));
    }
  }
  return total;
}

absl::StatusOr<int64_t> ParseTime(const Invocation& call, const Token& token) {
  const std::string& s = token.text;
  if (!s.empty() && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) &&
      s.find_first_not_of("0123456789", 1) == std::string::npos) {
    return ParseInt(call, token, "T");
  }
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, s, &t, &err)) {
    return UsageError(call, util::StrCat("T must be RFC 3339 (2026-01-01T00:00:00Z) or integer "
                                         "nanoseconds, got '",
                                         s, "'"));
  }
  const int64_t ns = absl::ToUnixNanos(t);
  return ns;
}

std::vector<std::string> SplitOn(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t p = s.find(sep, start);
    out.emplace_back(s.substr(start, p == std::string_view::npos ? s.npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

// `value OP X` of ts query: a condition on the queried field's value, OP one of < <= > >= =
// != and X a number, written as one word (`value >90`).
absl::StatusOr<TsValueFilter> ParseValueCondition(const Invocation& call, const std::string& field,
                                                  std::string_view s) {
  static constexpr std::pair<std::string_view, TsValueFilter::Op> kOps[] = {
      {"<=", TsValueFilter::Op::kLe}, {">=", TsValueFilter::Op::kGe},
      {"!=", TsValueFilter::Op::kNe}, {"<", TsValueFilter::Op::kLt},
      {">", TsValueFilter::Op::kGt},  {"=", TsValueFilter::Op::kEq}};
  for (const auto& [text, op] : kOps) {
    if (s.substr(0, text.size()) != text) continue;
    const std::string number(s.substr(text.size()));
    char* end = nullptr;
    const double v = number.empty() ? 0 : std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size() || std::isnan(v)) {
      return UsageError(call,
                        util::StrCat("value condition '", s, "': '", number, "' is not a number"));
    }
    return TsValueFilter{field, op, v};
  }
  return UsageError(call, util::StrCat("value condition '", s,
                                       "' must start with one of < <= > >= = != (value >90)"));
}

absl::StatusOr<std::vector<TsTagFilter>> ParseWhere(const Invocation& call, std::string_view s) {
  std::vector<TsTagFilter> out;
  for (const std::string& cond : SplitOn(s, ',')) {
    TsTagFilter f;
    size_t eq = cond.find('=');
    if (eq == std::string::npos || eq == 0 || (eq == 1 && cond[0] == '!')) {
      return UsageError(call, util::StrCat("where condition '", cond,
                                           "' must be TAG=V, TAG!=V, TAG=~REGEX or TAG=(V1|V2)"));
    }
    std::string value = cond.substr(eq + 1);
    if (cond[eq - 1] == '!') {
      f.tag = cond.substr(0, eq - 1);
      f.op = TsTagFilter::Op::kNe;
      f.values = {value};
    } else if (!value.empty() && value[0] == '~') {
      f.tag = cond.substr(0, eq);
      f.op = TsTagFilter::Op::kRegex;
      f.values = {value.substr(1)};
    } else if (value.size() >= 2 && value.front() == '(' && value.back() == ')') {
      f.tag = cond.substr(0, eq);
      f.op = TsTagFilter::Op::kIn;
      f.values = SplitOn(std::string_view(value).substr(1, value.size() - 2), '|');
    } else {
      f.tag = cond.substr(0, eq);
      f.op = TsTagFilter::Op::kEq;
      f.values = {value};
    }
    out.push_back(std::move(f));
  }
  return out;
}

Json ValueJson(const TsValue& v) {
  if (const double* d = std::get_if<double>(&v)) return std::isfinite(*d) ? Json(*d) : Json();
  if (const int64_t* i = std::get_if<int64_t>(&v)) return Json(*i);
  return Json(std::get<bool>(v));
}

Json TagsJson(const TsTags& tags) {
  Json t = Json::object();
  for (const auto& [k, v] : tags) t[k] = v;
  return t;
}

Json RowsJson(const std::vector<TsRow>& rows) {
  Json out = Json::array();
  for (const TsRow& r : rows) {
    Json row{{"time", r.time}, {"value", ValueJson(r.value)}};
    if (!r.tags.empty()) row["tags"] = TagsJson(r.tags);
    out.push_back(std::move(row));
  }
  return out;
}

// The shell splits a command at whitespace; line protocol needs single spaces between its
// sections, so the words after `ts write` are joined with one space.
std::string JoinArgs(std::span<const Token> args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out.push_back(' ');
    out += args[i].text;
  }
  return out;
}

}  // namespace

absl::StatusOr<Json> TsWrite(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"LINE"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(TsStore * ts, Series(session));
  const std::string text = JoinArgs(call.args);
  Transaction* txn = session.txn();
  ASSIGN_OR_RETURN(
      size_t n, txn != nullptr ? ts->WriteLineProtocol(*txn, text) : ts->WriteLineProtocol(text));
  return Json{{"points", n}};
}

absl::StatusOr<Json> TsImport(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"FILE"}));
  RETURN_IF_ERROR(RequireNoTransaction(session, call));
  ASSIGN_OR_RETURN(TsStore * ts, Series(session));
  const std::string& path = call.args[0].text;
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(util::StrCat("cannot open '", path, "'"));
  std::error_code size_error;
  const uintmax_t size = std::filesystem::file_size(path, size_error);
  ProgressBar bar("imported", size_error ? 0 : size);
  size_t total = 0, line_no = 0, batch_first = 1, batch_lines = 0;
  std::string batch, line;
  auto flush = [&]() -> absl::Status {
    if (batch_lines == 0) return absl::OkStatus();
    absl::StatusOr<size_t> n = ts->WriteLineProtocol(batch, TsPrecision::kNanoseconds, batch_first);
    if (!n.ok()) {
      return absl::Status(n.status().code(),
                          util::StrCat(util::ToStd(n.status().message()), " (", total,
                                       " points of the lines before it were imported)"));
    }
    total += *n;
    batch.clear();
    batch_lines = 0;
    batch_first = line_no + 1;
    const std::streamoff pos = in.tellg();
    bar.Update(total, pos >= 0 ? static_cast<uint64_t>(pos) : (size_error ? 0 : size));
    return absl::OkStatus();
  };
  while (std::getline(in, line)) {
    if (session.cancel_requested()) {
      return absl::CancelledError(util::StrCat("interrupted by Ctrl-C (", total,
                                               " points of the lines before it were imported)"));
    }
    ++line_no;
    batch += line;
    batch.push_back('\n');
    if (++batch_lines >= kImportBatchLines) RETURN_IF_ERROR(flush());
  }
  if (in.bad()) return absl::DataLossError(util::StrCat("error reading '", path, "'"));
  RETURN_IF_ERROR(flush());
  bar.Done();
  return Json{{"points", total}};
}

absl::StatusOr<Json> TsQuery(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"MEASUREMENT", "FIELD"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(ParsedOptions o, ParseOptions(call, 2,
                                                 {{"where", true},
                                                  {"from", true},
                                                  {"to", true},
                                                  {"agg", true},
                                                  {"every", true},
                                                  {"by", true},
                                                  {"limit", true},
                                                  {"desc", false},
                                                  {"value", true}}));
  tessera::TsQuery q;
  q.measurement = call.args[0].text;
  q.field = call.args[1].text;
  if (auto it = o.find("where"); it != o.end()) {
    ASSIGN_OR_RETURN(q.where, ParseWhere(call, it->second.text));
  }
  if (auto it = o.find("from"); it != o.end()) {
    ASSIGN_OR_RETURN(q.from, ParseTime(call, it->second));
  }
  if (auto it = o.find("to"); it != o.end()) {
    ASSIGN_OR_RETURN(q.to, ParseTime(call, it->second));
  }
  const bool has_agg = o.contains("agg"), has_every = o.contains("every");
  if (has_agg != has_every) return UsageError(call, "agg FN and every DURATION go together");
  if (has_agg) {
    ASSIGN_OR_RETURN(q.aggregate, ParseTsAggregate(o.at("agg").text));
    ASSIGN_OR_RETURN(q.every, ParseDuration(call, o.at("every").text));
    if (q.every <= 0) return UsageError(call, "every DURATION must be positive");
  }
  if (auto it = o.find("by"); it != o.end()) q.by = SplitOn(it->second.text, ',');
  if (auto it = o.find("limit"); it != o.end()) {
    ASSIGN_OR_RETURN(uint64_t limit, ParseCount(call, it->second, "N"));
    if (limit == 0) return Json::array();
    q.limit = limit;
  }
  q.desc = o.contains("desc");
  if (auto it = o.find("value"); it != o.end()) {
    ASSIGN_OR_RETURN(TsValueFilter c, ParseValueCondition(call, q.field, it->second.text));
    q.value_where.push_back(std::move(c));
  }
  q.cancelled = session.CancelCheck();
  ASSIGN_OR_RETURN(TsStore * ts, Series(session));
  absl::StatusOr<std::vector<TsRow>> rows = ts->Query(q);
  if (!rows.ok()) return session.CancelledOr(rows.status());
  return RowsJson(*rows);
}

absl::StatusOr<Json> TsLast(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"MEASUREMENT", "FIELD"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(ParsedOptions o, ParseOptions(call, 2, {{"where", true}, {"by", true}}));
  tessera::TsQuery q;
  q.measurement = call.args[0].text;
  q.field = call.args[1].text;
  if (auto it = o.find("where"); it != o.end()) {
    ASSIGN_OR_RETURN(q.where, ParseWhere(call, it->second.text));
  }
  if (auto it = o.find("by"); it != o.end()) q.by = SplitOn(it->second.text, ',');
  q.cancelled = session.CancelCheck();
  ASSIGN_OR_RETURN(TsStore * ts, Series(session));
  absl::StatusOr<std::vector<TsRow>> rows = ts->Last(q);
  if (!rows.ok()) return session.CancelledOr(rows.status());
  return RowsJson(*rows);
}

absl::StatusOr<Json> TsSeries(Session& session, const Invocation& call) {
  // MEASUREMENT is optional and options follow: a first word `where` is the option.
  size_t first = 0;
  std::string measurement;
  if (!call.args.empty() && !IsWord(call.args[0], "where")) {
    measurement = call.args[0].text;
    first = 1;
  }
  ASSIGN_OR_RETURN(ParsedOptions o, ParseOptions(call, first, {{"where", true}}));
  std::vector<TsTagFilter> where;
  if (auto it = o.find("where"); it != o.end()) {
    ASSIGN_OR_RETURN(where, ParseWhere(call, it->second.text));
  }
  ASSIGN_OR_RETURN(TsStore * ts, Series(session));
  ASSIGN_OR_RETURN(std::vector<TsSeriesInfo> series, ts->ListSeries(measurement, where));
  Json out = Json::array();
  for (const TsSeriesInfo& s : series) {
    out.push_back(
        Json{{"measurement", s.measurement}, {"tags", TagsJson(s.tags)}, {"field", s.field}});
  }
  return out;
}

absl::StatusOr<Json> TsRetention(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"MEASUREMENT", "DURATION"}));
  ASSIGN_OR_RETURN(int64_t d, ParseDuration(call, call.args[1].text));
  ASSIGN_OR_RETURN(TsStore * ts, Series(session));
  RETURN_IF_ERROR(ts->SetRetention(call.args[0].text, d));
  return Json{{"ok", true}};
}

absl::StatusOr<Json> TsDownsample(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"SRC", "DST", "FN"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(ParsedOptions o, ParseOptions(call, 3, {{"every", true}}));
  if (!o.contains("every")) return UsageError(call, "missing every DURATION");
  ASSIGN_OR_RETURN(TsAggregate fn, ParseTsAggregate(call.args[2].text));
  ASSIGN_OR_RETURN(int64_t every, ParseDuration(call, o.at("every").text));
  if (every <= 0) return UsageError(call, "every DURATION must be positive");
  ASSIGN_OR_RETURN(TsStore * ts, Series(session));
  RETURN_IF_ERROR(ts->AddDownsample(call.args[0].text, call.args[1].text, fn, every));
  return Json{{"ok", true}};
}

absl::StatusOr<Json> TsStats(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"MEASUREMENT"}, /*optional=*/1));
  ASSIGN_OR_RETURN(TsStore * ts, Series(session));
  ASSIGN_OR_RETURN(tessera::TsStats st,
                   ts->Stats(call.args.empty() ? std::string() : call.args[0].text));
  return Json{{"points", st.points},
              {"series", st.series},
              {"bytes", st.bytes},
              {"bytes_per_point", st.bytes_per_point}};
}

}  // namespace tessera::shell::handlers
