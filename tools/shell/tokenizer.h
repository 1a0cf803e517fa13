// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The shell's lexical layer: splitting input text into commands, and a command into arguments.
// Pure functions, no I/O and no database.
//
// Commands are separated by `;` and by line breaks. Arguments are separated by whitespace. An
// argument that starts with `{`, `[` or `"` is JSON (an object, an array or a string) and may hold
// spaces, `;` and `#`; any other argument is a bare word, which ends at the next whitespace. A `#`
// that starts an argument (at the start of the text or after whitespace) begins a comment that
// runs to the end of the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace tessera::shell {

enum class TokenKind {
  kBare,    // a bare word: `put`, `42`, `null`
  kString,  // a JSON string: `"hello world"`
  kObject,  // a JSON object: `{"a": 1}`
  kArray,   // a JSON array: `[1, 2]`
};

struct Token {
  TokenKind kind = TokenKind::kBare;
  // kBare: the word as written. kString: the decoded string. kObject / kArray: compact JSON text.
  std::string text;

  bool operator==(const Token&) const = default;
};

// "bare word", "string", "JSON object" or "JSON array", for messages.
std::string_view TokenKindName(TokenKind kind);

// The blanks that separate arguments: space, tab, CR, LF and form feed.
inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

// True when `token` is the bare word `word` (a quoted "word" is not).
bool IsWord(const Token& token, std::string_view word);

// Splits `text` into commands at `;` and line breaks outside JSON arguments, dropping comments
// and empty commands. Never fails: an unterminated JSON argument runs to the end of the text and
// is reported by Tokenize.
std::vector<std::string> SplitCommands(std::string_view text);

// Whether `text` ends inside a JSON object or array argument (its braces or brackets, outside JSON
// strings, are not yet balanced): the shell then reads the next line as a continuation of it.
bool NeedsContinuation(std::string_view text);

// The end (one past the last character) of the JSON argument that starts at text[pos] with `{`,
// `[` or `"`, following strings and escapes; npos when the text ends before it does.
size_t JsonArgumentEnd(std::string_view text, size_t pos);

// Splits one command into its arguments. InvalidArgument for an unterminated or malformed JSON
// argument, or for text glued to the end of one (`{"a":1}x`).
absl::StatusOr<std::vector<Token>> Tokenize(std::string_view command);

}  // namespace tessera::shell
