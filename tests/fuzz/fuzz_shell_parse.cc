// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Fuzz target: the shell's lexical and argument layer (tools/shell/tokenizer.h, args.h): command
// splitting, tokenizing (JSON arguments included), integer and keyword-option parsing. Every
// outcome must be a value or an InvalidArgument status, never a crash or an exception.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tools/shell/args.h"
#include "tools/shell/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tessera::shell;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const CommandSpec spec{"fuzz", "fuzz A [B] [limit N] [reverse]", "", "", nullptr};
  for (const std::string& command : SplitCommands(text)) {
    auto tokens = Tokenize(command);
    if (!tokens.ok()) {
      if (tokens.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
      continue;
    }
    const Invocation call{spec, *tokens};
    for (const Token& t : *tokens) {
      (void)ParseInt(call, t, "n");
      (void)ParseCount(call, t, "n");
      (void)IsWord(t, "limit");
    }
    (void)CheckArgs(call, {"a", "b"}, 1, /*options_follow=*/true);
    if (!tokens->empty()) {
      auto opts = ParseOptions(call, 1, {{"limit", true}, {"reverse", false}});
      if (!opts.ok() && opts.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    }
  }
  return 0;
}
