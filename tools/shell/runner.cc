// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The read-execute-print loop.
#include "tools/shell/runner.h"

#include <string>
#include <vector>

#include "tools/shell/output.h"
#include "tools/shell/tokenizer.h"

namespace tessera::shell {

bool RunText(Session& session, std::string_view text, bool keep_going, std::ostream& out,
             std::ostream& err) {
  bool all_ok = true;
  for (const std::string& command : SplitCommands(text)) {
    if (session.quit_requested()) break;
    absl::StatusOr<Json> result = session.Execute(command);
    if (result.ok()) {
      out << RenderResult(*result, session.format()) << std::flush;
      continue;
    }
    all_ok = false;
    if (session.format() == Format::kJson) {
      out << RenderError(result.status(), Format::kJson) << std::flush;
    } else {
      out << std::flush;
      err << RenderError(result.status(), Format::kTable) << std::flush;
    }
    if (!keep_going) break;
  }
  return all_ok;
}

int RunLines(Session& session, LineReader& reader, bool interactive, std::ostream& out,
             std::ostream& err) {
  while (!session.quit_requested()) {
    std::optional<std::string> line = reader.ReadLine();
    if (!line.has_value()) break;
    if (!RunText(session, *line, /*keep_going=*/interactive, out, err) && !interactive) {
      return kExitCommandFailed;
    }
  }
  return kExitOk;
}

}  // namespace tessera::shell
