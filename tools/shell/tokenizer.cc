// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The command splitter and the argument tokenizer. Both walk the text with the same rules for
// where a JSON argument ends (balanced brackets, JSON strings and their escapes), so that `;` and
// `#` inside JSON never split a command or start a comment.
#include "tools/shell/tokenizer.h"

#include <algorithm>
#include <cstddef>

#include "core/util/strings.h"
#include "nlohmann/json.hpp"

namespace tessera::shell {
namespace {

bool StartsJson(char c) { return c == '{' || c == '[' || c == '"'; }

// The end of the JSON argument starting at text[pos] (one past its last character), or npos when
// the text ends first.
size_t JsonEnd(std::string_view text, size_t pos) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = pos; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // skip the escaped character
      } else if (c == '"') {
        in_string = false;
        if (depth == 0) return i + 1;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return std::string_view::npos;
}

// Skips a comment starting at text[pos]: returns the position of the line break ending it.
size_t CommentEnd(std::string_view text, size_t pos) {
  size_t nl = text.find('\n', pos);
  return nl == std::string_view::npos ? text.size() : nl;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Deeper JSON arguments are refused before parsing: rendering one back (dump) recurses once per
// level and would overflow the stack (found by tests/reliability/bad_input_test.cc); no document
// may be nested more than 100 levels anyway.
constexpr int kMaxJsonDepth = 1000;

// The deepest nesting of objects and arrays in `raw` (strings skipped).
int JsonDepth(std::string_view raw) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

absl::StatusOr<Token> JsonToken(std::string_view raw, int index) {
  if (JsonDepth(raw) > kMaxJsonDepth) {
    return absl::InvalidArgumentError(
        util::StrCat("argument ", index, " is nested more than ", kMaxJsonDepth, " levels deep"));
  }
  // Ordered: an object keeps its fields in the order typed (documents compare field by field).
  nlohmann::ordered_json value =
      nlohmann::ordered_json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return absl::InvalidArgumentError(
        util::StrCat("argument ", index, " is not valid JSON: ", raw));
  }
  Token token;
  if (value.is_string()) {
    token.kind = TokenKind::kString;
    token.text = value.get<std::string>();
  } else {
    token.kind = value.is_object() ? TokenKind::kObject : TokenKind::kArray;
    token.text = value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }
  return token;
}

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kBare:
      return "bare word";
    case TokenKind::kString:
      return "string";
    case TokenKind::kObject:
      return "JSON object";
    case TokenKind::kArray:
      return "JSON array";
  }
  return "argument";
}

bool IsWord(const Token& token, std::string_view word) {
  return token.kind == TokenKind::kBare && token.text == word;
}

size_t JsonArgumentEnd(std::string_view text, size_t pos) { return JsonEnd(text, pos); }

bool NeedsContinuation(std::string_view text) {
  size_t i = 0;
  bool at_token_start = true;
  while (i < text.size()) {
    char c = text[i];
    if (IsSpace(c) || c == ';') {
      at_token_start = true;
      ++i;
    } else if (at_token_start && c == '#') {
      i = CommentEnd(text, i);
    } else if (at_token_start && StartsJson(c)) {
      size_t end = JsonEnd(text, i);
      // An unterminated string alone cannot continue: JSON strings hold no line breaks.
      if (end == std::string_view::npos) return c != '"';
      at_token_start = false;
      i = end;
    } else {
      at_token_start = false;
      ++i;
    }
  }
  return false;
}

std::vector<std::string> SplitCommands(std::string_view text) {
  std::vector<std::string> commands;
  std::string current;
  auto flush = [&] {
    std::string trimmed = Trim(current);
    if (!trimmed.empty()) commands.push_back(std::move(trimmed));
    current.clear();
  };
  size_t i = 0;
  bool at_token_start = true;
  while (i < text.size()) {
    char c = text[i];
    if (c == ';' || c == '\n') {
      flush();
      at_token_start = true;
      ++i;
    } else if (IsSpace(c)) {
      current += c;
      at_token_start = true;
      ++i;
    } else if (at_token_start && c == '#') {
      i = CommentEnd(text, i);
    } else if (at_token_start && StartsJson(c)) {
      size_t end = JsonEnd(text, i);
      if (end == std::string_view::npos) end = text.size();
      current.append(text.substr(i, end - i));
      at_token_start = false;
      i = end;
    } else {
      current += c;
      at_token_start = false;
      ++i;
    }
  }
  flush();
  return commands;
}

absl::StatusOr<std::vector<Token>> Tokenize(std::string_view command) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < command.size()) {
    char c = command[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    int index = static_cast<int>(tokens.size()) + 1;
    if (c == '#') {
      i = CommentEnd(command, i);
      continue;
    }
    if (c == '}' || c == ']') {
      return absl::InvalidArgumentError(
          util::StrCat("argument ", index, " starts with an unmatched '", std::string(1, c), "'"));
    }
    if (StartsJson(c)) {
      size_t end = JsonEnd(command, i);
      if (end == std::string_view::npos) {
        return absl::InvalidArgumentError(util::StrCat(
            "argument ", index, " is unterminated: ",
            c == '"' ? "missing closing '\"'" : "unbalanced brackets", " in ", command.substr(i)));
      }
      if (end < command.size() && !IsSpace(command[end])) {
        return absl::InvalidArgumentError(
            util::StrCat("argument ", index, ": unexpected text after the closing '",
                         std::string(1, command[end - 1]), "': ", command.substr(i)));
      }
      absl::StatusOr<Token> token = JsonToken(command.substr(i, end - i), index);
      if (!token.ok()) return token.status();
      tokens.push_back(*std::move(token));
      i = end;
      continue;
    }
    size_t end = i;
    while (end < command.size() && !IsSpace(command[end])) ++end;
    tokens.push_back(Token{TokenKind::kBare, std::string(command.substr(i, end - i))});
    i = end;
  }
  return tokens;
}

}  // namespace tessera::shell
