// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The dot-commands that change the shell rather than the database: `.format` (the output format
// of the commands that follow) and `.timer` (print each command's run time). `.help`, `.quit` and
// `.exit` share the handlers of help, quit and exit.
#include "core/util/strings.h"
#include "tessera/status.h"
#include "tools/shell/args.h"
#include "tools/shell/handlers.h"

namespace tessera::shell::handlers {

absl::StatusOr<Json> DotFormat(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"FORMAT"}, /*optional=*/1));
  if (call.args.empty()) return Json{{"format", std::string(FormatName(session.format()))}};
  const Token& name = call.args[0];
  std::optional<Format> format =
      name.kind == TokenKind::kBare ? ParseFormat(name.text) : std::nullopt;
  if (!format.has_value()) {
    return UsageError(
        call, util::StrCat("unknown format '", name.text, "' (formats: table, json, jsonl, csv)"));
  }
  session.set_format(*format);
  return Json{{"ok", true}};
}

absl::StatusOr<Json> DotTimer(Session& session, const Invocation& call) {
  RETURN_IF_ERROR(CheckArgs(call, {"on|off"}, /*optional=*/1));
  if (call.args.empty()) return Json{{"timer", session.timer() ? "on" : "off"}};
  const Token& value = call.args[0];
  if (IsWord(value, "on")) {
    session.set_timer(true);
  } else if (IsWord(value, "off")) {
    session.set_timer(false);
  } else {
    return UsageError(call, util::StrCat("expected on or off, got '", value.text, "'"));
  }
  return Json{{"ok", true}};
}

}  // namespace tessera::shell::handlers
