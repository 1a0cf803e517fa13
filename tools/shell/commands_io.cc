// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Moving data in and out: import / export of one object, dump / restore of the whole database
// (tools/transfer), and online backup (DB::Backup). A progress bar (progress.h) goes to stderr
// when it is a terminal, never to stdout.
#include <filesystem>

#include "core/util/strings.h"
#include "tessera/status.h"
#include "tools/shell/args.h"
#include "tools/shell/handlers.h"
#include "tools/shell/progress.h"
#include "tools/transfer/transfer.h"

namespace tessera::shell::handlers {
namespace {

// The size of `path` in bytes; 0 (a count without a bar) when it cannot be read.
uint64_t FileBytes(const std::string& path) {
  std::error_code ec;
  const uintmax_t n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<uint64_t>(n);
}

// A transfer's error; when Ctrl-C stopped it, "interrupted by Ctrl-C (import cancelled after N
// records)".
absl::Status Interrupted(const Session& session, const absl::Status& status) {
  if (status.code() != absl::StatusCode::kCancelled || !session.cancel_requested()) return status;
  return absl::CancelledError(util::StrCat(util::ToStd(CancelledByUser().message()), " (",
                                           util::ToStd(status.message()), ")"));
}

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
  uint64_t bytes_read = 0;
  ProgressBar bar("imported", FileBytes(call.args[2].text) +
                                  (o.vertices_file.empty() ? 0 : FileBytes(o.vertices_file)));
  o.progress = [&](uint64_t records) { bar.Update(records, bytes_read); };
  o.bytes_read = &bytes_read;
  o.cancelled = session.CancelCheck();
  absl::StatusOr<transfer::TransferResult> imported =
      transfer::Import(&session.db(), model, call.args[1].text, call.args[2].text, o);
  if (!imported.ok()) return Interrupted(session, imported.status());
  const transfer::TransferResult& r = *imported;
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
  ProgressBar bar("exported", 0);
  o.progress = [&](uint64_t records) { bar.Update(records, 0); };
  o.cancelled = session.CancelCheck();
  absl::StatusOr<transfer::TransferResult> r =
      transfer::Export(&session.db(), model, call.args[1].text, call.args[2].text, o);
  if (!r.ok()) return Interrupted(session, r.status());
  return Json{{"exported", r->records}};
}

absl::StatusOr<Json> Dump(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"FILE"}));
  ProgressBar bar("dumped", 0);
  absl::StatusOr<transfer::DumpResult> r = transfer::Dump(
      &session.db(), call.args[0].text, [&](uint64_t records) { bar.Update(records, 0); },
      session.CancelCheck());
  if (!r.ok()) return Interrupted(session, r.status());
  return Json{{"objects", r->objects}, {"records", r->records}};
}

absl::StatusOr<Json> Restore(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"FILE"}));
  RETURN_IF_ERROR(RequireNoTransaction(session, call));
  uint64_t bytes_read = 0;
  ProgressBar bar("restored", FileBytes(call.args[0].text));
  absl::StatusOr<transfer::DumpResult> restored = transfer::Restore(
      &session.db(), call.args[0].text, [&](uint64_t records) { bar.Update(records, bytes_read); },
      /*batch_records=*/1000, session.CancelCheck(), &bytes_read);
  if (!restored.ok()) return Interrupted(session, restored.status());
  const transfer::DumpResult& r = *restored;
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
