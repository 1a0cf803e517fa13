// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Argument checking shared by the command handlers: positional argument counts, integers, and
// trailing keyword options (`limit 10 reverse`). Every error is InvalidArgument and names the
// command and the argument that was wrong.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tools/shell/commands.h"
#include "tools/shell/tokenizer.h"

namespace tessera::shell {

// Checks that `call` has the positional arguments `names`, of which the last `optional` may be
// missing. Unless `options_follow`, more arguments than `names` is an error.
absl::Status CheckArgs(const Invocation& call, std::initializer_list<std::string_view> names,
                       size_t optional = 0, bool options_follow = false);

// An InvalidArgument error about `call`, ending with its usage line.
absl::Status UsageError(const Invocation& call, std::string_view problem);

// FailedPrecondition inside `begin` ... `commit`: for commands that commit batches of their own
// (loads, imports, restore), which would otherwise escape the session's transaction.
absl::Status RequireNoTransaction(Session& session, const Invocation& call);

// A bare-word decimal integer (`-5`, `42`). `what` names the argument in errors.
absl::StatusOr<int64_t> ParseInt(const Invocation& call, const Token& token, std::string_view what);
// A bare-word decimal integer >= 0.
absl::StatusOr<uint64_t> ParseCount(const Invocation& call, const Token& token,
                                    std::string_view what);

// A keyword option: `name VALUE`, or a flag `name` when !takes_value.
struct OptionSpec {
  std::string_view name;
  bool takes_value;
};

// The options given: name -> its value token (a flag maps to itself).
using ParsedOptions = std::map<std::string, Token, std::less<>>;

// Parses `call.args` from position `first` on as options of `specs`, each at most once, in any
// order. Option names are bare words.
absl::StatusOr<ParsedOptions> ParseOptions(const Invocation& call, size_t first,
                                           std::initializer_list<OptionSpec> specs);

}  // namespace tessera::shell
