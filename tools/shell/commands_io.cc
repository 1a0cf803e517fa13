// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Moving data in and out: import / export of one object, dump / restore of the whole database
// (tools/transfer), and online backup (DB::Backup). A progress count goes to stderr when it is a
// terminal, never to stdout.
#include <unistd.h>

#include <cstdio>

#include "core/util/strings.h"
#include "tessera/status.h"
#include "tools/shell/args.h"
#include "tools/shell/handlers.h"
#include "tools/transfer/transfer.h"

namespace tessera::shell::handlers {
namespace {

// Prints "\rVERB N" on a terminal's stderr; Done ends the line.
class ProgressLine {
 public:
  explicit ProgressLine(std::string_view verb) : verb_(verb), on_(isatty(STDERR_FILENO) != 0) {}
  transfer::ProgressFn fn() {
    if (!on_) return {};
    return [this](uint64_t n) {
      std::fprintf(stderr, "\r%s %llu records", verb_.c_str(), static_cast<unsigned long long>(n));
      std::fflush(stderr);
      shown_ = true;
    };
  }
  ~ProgressLine() {
    if (shown_) std::fprintf(stderr, "\n");
  }

 private:
  std::string verb_;
  bool on_;
  bool shown_ = false;
};

absl::StatusOr<Model> ModelArg(const Invocation& call, const Token& token) {
  std::optional<Model> model = ParseModel(token.text);
  if (!model) {
    return UsageError(call, util::StrCat("unknown model '", token.text,
                                         "'; expected kv, doc, wide, graph or ts"));
  }
  return *model;
}

}  // namespace

absl::StatusOr<Json> Import(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"MODEL", "NAME", "FILE"}, 0, /*options_follow=*/true));
  RETURN_IF_ERROR(RequireNoTransaction(session, call));
  ASSIGN_OR_RETURN(Model model, ModelArg(call, call.args[0]));
  ASSIGN_OR_RETURN(ParsedOptions opts,
                   ParseOptions(call, 3, {{"format", true}, {"vertices", true}, {"batch", true}}));
  transfer::ImportOptions o;
  o.format = transfer::DefaultFormat(model);
  if (auto it = opts.find("format"); it != opts.end()) {
    ASSIGN_OR_RETURN(o.format, transfer::ParseFileFormat(it->second.text));
  }
  if (auto it = opts.find("vertices"); it != opts.end()) o.vertices_file = it->second.text;
  if (auto it = opts.find("batch"); it != opts.end()) {
    ASSIGN_OR_RETURN(uint64_t n, ParseCount(call, it->second, "batch"));
    if (n == 0) return UsageError(call, "batch must be at least 1");
    o.batch_records = n;
  }
  ProgressLine progress("imported");
  o.progress = progress.fn();
  ASSIGN_OR_RETURN(transfer::TransferResult r,
                   transfer::Import(&session.db(), model, call.args[1].text, call.args[2].text, o));
  Json out = {{"imported", r.records}};
  if (r.skipped_expired > 0) out["skipped_expired"] = r.skipped_expired;
  return out;
}

absl::StatusOr<Json> Export(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"MODEL", "NAME", "FILE"}, 0, /*options_follow=*/true));
  ASSIGN_OR_RETURN(Model model, ModelArg(call, call.args[0]));
  ASSIGN_OR_RETURN(ParsedOptions opts,
                   ParseOptions(call, 3, {{"format", true}, {"vertices", true}}));
  transfer::ExportOptions o;
  o.format = transfer::DefaultFormat(model);
  if (auto it = opts.find("format"); it != opts.end()) {
    ASSIGN_OR_RETURN(o.format, transfer::ParseFileFormat(it->second.text));
  }
  if (auto it = opts.find("vertices"); it != opts.end()) o.vertices_file = it->second.text;
  ProgressLine progress("exported");
  o.progress = progress.fn();
  ASSIGN_OR_RETURN(transfer::TransferResult r,
                   transfer::Export(&session.db(), model, call.args[1].text, call.args[2].text, o));
  return Json{{"exported", r.records}};
}

absl::StatusOr<Json> Dump(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"FILE"}));
  ProgressLine progress("dumped");
  ASSIGN_OR_RETURN(transfer::DumpResult r,
                   transfer::Dump(&session.db(), call.args[0].text, progress.fn()));
  return Json{{"objects", r.objects}, {"records", r.records}};
}

absl::StatusOr<Json> Restore(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"FILE"}));
  RETURN_IF_ERROR(RequireNoTransaction(session, call));
  ProgressLine progress("restored");
  ASSIGN_OR_RETURN(transfer::DumpResult r,
                   transfer::Restore(&session.db(), call.args[0].text, progress.fn()));
  Json out = {{"objects", r.objects}, {"records", r.records}};
  if (r.skipped_expired > 0) out["skipped_expired"] = r.skipped_expired;
  return out;
}

absl::StatusOr<Json> Backup(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"DIR"}));
  RETURN_IF_ERROR(session.db().Backup(call.args[0].text));
  return Json{{"backup", call.args[0].text}};
}

}  // namespace tessera::shell::handlers
