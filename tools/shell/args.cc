// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Argument checking for the command handlers.
#include "tools/shell/args.h"

#include <charconv>
#include <vector>

#include "core/util/strings.h"

namespace tessera::shell {

absl::Status UsageError(const Invocation& call, std::string_view problem) {
  return absl::InvalidArgumentError(
      util::StrCat(call.spec.name, ": ", problem, " (usage: ", call.spec.syntax, ")"));
}

absl::Status RequireNoTransaction(Session& session, const Invocation& call) {
  if (session.txn() == nullptr) return absl::OkStatus();
  return absl::FailedPreconditionError(
      util::StrCat(call.spec.name,
                   ": commits in transactions of its own, so it cannot run inside one; "
                   "commit or rollback the open transaction first"));
}

absl::Status CheckArgs(const Invocation& call, std::initializer_list<std::string_view> names,
                       size_t optional, bool options_follow) {
  size_t given = call.args.size();
  size_t required = names.size() - optional;
  if (given < required) {
    return UsageError(call, util::StrCat("missing argument ", *(names.begin() + given)));
  }
  if (!options_follow && given > names.size()) {
    return UsageError(
        call, util::StrCat("unexpected extra argument '", call.args[names.size()].text, "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ParseInt(const Invocation& call, const Token& token,
                                 std::string_view what) {
  const std::string& s = token.text;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (token.kind != TokenKind::kBare || s.empty() || ec != std::errc() ||
      end != s.data() + s.size()) {
    if (token.kind == TokenKind::kBare && ec == std::errc::result_out_of_range) {
      return UsageError(call, util::StrCat(what, " is out of range: '", s, "'"));
    }
    return UsageError(call, util::StrCat(what, " must be an integer, got '", s, "'"));
  }
  return value;
}

absl::StatusOr<uint64_t> ParseCount(const Invocation& call, const Token& token,
                                    std::string_view what) {
  absl::StatusOr<int64_t> value = ParseInt(call, token, what);
  if (!value.ok()) return value.status();
  if (*value < 0) {
    return UsageError(call,
                      util::StrCat(what, " must be a non-negative integer, got '", *value, "'"));
  }
  return static_cast<uint64_t>(*value);
}

absl::StatusOr<ParsedOptions> ParseOptions(const Invocation& call, size_t first,
                                           std::initializer_list<OptionSpec> specs) {
  ParsedOptions parsed;
  for (size_t i = first; i < call.args.size(); ++i) {
    const Token& token = call.args[i];
    const OptionSpec* spec = nullptr;
    for (const OptionSpec& s : specs) {
      if (IsWord(token, s.name)) spec = &s;
    }
    if (spec == nullptr) {
      std::string names;
      for (const OptionSpec& s : specs) names += util::StrCat(names.empty() ? "" : ", ", s.name);
      return UsageError(
          call, util::StrCat("unexpected argument '", token.text, "' (options: ", names, ")"));
    }
    if (parsed.contains(spec->name)) {
      return UsageError(call, util::StrCat("option '", spec->name, "' given twice"));
    }
    if (!spec->takes_value) {
      parsed.emplace(std::string(spec->name), token);
      continue;
    }
    if (i + 1 >= call.args.size()) {
      return UsageError(call, util::StrCat("option '", spec->name, "' needs a value"));
    }
    parsed.emplace(std::string(spec->name), call.args[++i]);
  }
  return parsed;
}

}  // namespace tessera::shell
