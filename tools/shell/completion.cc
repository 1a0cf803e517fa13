// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tab completion from the command table. The syntax line of each command is read as a small
// grammar: words after the command name outside brackets, and one-word bracket groups before the
// first longer one (`[FILTER]`, `[out|in|both]`), are positional arguments; lowercase words
// anywhere are keywords; a keyword followed by an uppercase placeholder takes a value.
#include "tools/shell/completion.h"

#include <algorithm>
#include <optional>
#include <set>

#include "tools/shell/tokenizer.h"

namespace tessera::shell {
namespace {

bool IsKeyword(std::string_view word) {
  if (word.empty() || word[0] < 'a' || word[0] > 'z') return false;
  return std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::vector<std::string> SplitSpaces(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    size_t end = i;
    while (end < text.size() && !IsSpace(text[end])) ++end;
    if (end > i) words.emplace_back(text.substr(i, end - i));
    i = end;
  }
  return words;
}

// A positional argument of a syntax line: its alternatives (`on`, `off`) or its placeholder
// (`NS`), and whether it may be left out.
struct Positional {
  std::vector<std::string> alternatives;
  bool optional = false;
};

struct Grammar {
  std::vector<Positional> positional;
  std::set<std::string> keywords;        // every lowercase word
  std::set<std::string> value_keywords;  // keywords followed by a placeholder (`limit N`)
};

std::vector<std::string> Alternatives(std::string_view token) {
  std::string core;
  for (char c : token) {
    if (c != '[' && c != ']') core += c;
  }
  while (core.ends_with(".")) core.pop_back();
  std::vector<std::string> alternatives;
  size_t start = 0;
  while (start <= core.size()) {
    size_t bar = core.find('|', start);
    if (bar == std::string::npos) bar = core.size();
    if (bar > start) alternatives.push_back(core.substr(start, bar - start));
    start = bar + 1;
  }
  return alternatives;
}

Grammar ParseSyntax(const CommandSpec& spec) {
  Grammar g;
  std::vector<std::string> tokens = SplitSpaces(spec.syntax);
  size_t name_words = SplitSpaces(spec.name).size();
  int depth = 0;
  bool positional_done = false;
  for (size_t t = name_words; t < tokens.size(); ++t) {
    const std::string& token = tokens[t];
    int depth_before = depth;
    for (char c : token) depth += c == '[' ? 1 : c == ']' ? -1 : 0;
    std::vector<std::string> alternatives = Alternatives(token);
    bool single_group = depth_before == 0 && token.starts_with("[") && depth == 0;
    if (!positional_done) {
      if (depth_before == 0 && !token.starts_with("[")) {
        g.positional.push_back({alternatives, false});
      } else if (single_group) {
        g.positional.push_back({alternatives, true});
      } else {
        positional_done = true;
      }
    }
    for (const std::string& a : alternatives) {
      if (!IsKeyword(a)) continue;
      g.keywords.insert(a);
      // `[limit N]`: the keyword's group goes on with a placeholder.
      bool closes = depth < depth_before || (single_group && token.ends_with("]"));
      if (!closes && t + 1 < tokens.size()) {
        std::vector<std::string> next = Alternatives(tokens[t + 1]);
        if (!next.empty() && !IsKeyword(next[0]) && alternatives.size() == 1) {
          g.value_keywords.insert(a);
        }
      }
    }
  }
  return g;
}

// The placeholder that names an object of `model` in that model's commands.
bool NamesObject(Model model, std::string_view placeholder) {
  switch (model) {
    case Model::kKeyValue:
      return placeholder == "NS";
    case Model::kDocument:
      return placeholder == "COLL";
    case Model::kWideColumn:
      return placeholder == "TABLE";
    case Model::kGraph:
      return placeholder == "G";
    case Model::kTimeSeries:
      return placeholder == "MEASUREMENT" || placeholder == "SRC" || placeholder == "DST";
  }
  return false;
}

// A word of the text being completed.
struct Word {
  std::string text;
  bool bare = true;
};

// Splits the last command of `text` (after the last `;`) into words. Sets *partial_start to where
// the word under the cursor starts (text.size() after whitespace). nullopt when the cursor is
// inside or right after a JSON argument, or inside a comment.
std::optional<std::vector<Word>> SplitLastCommand(std::string_view text, size_t* partial_start) {
  std::vector<Word> words;
  size_t i = 0;
  *partial_start = text.size();
  while (i < text.size()) {
    char c = text[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    if (c == ';') {
      words.clear();
      ++i;
      continue;
    }
    if (c == '#') {
      size_t nl = text.find('\n', i);
      if (nl == std::string_view::npos) return std::nullopt;
      i = nl;
      continue;
    }
    if (c == '{' || c == '[' || c == '"') {
      size_t end = JsonArgumentEnd(text, i);
      if (end == std::string_view::npos || end == text.size()) return std::nullopt;
      words.push_back({std::string(text.substr(i, end - i)), false});
      i = end;
      continue;
    }
    size_t end = i;
    while (end < text.size() && !IsSpace(text[end]) && text[end] != ';') ++end;
    if (end == text.size()) *partial_start = i;
    words.push_back({std::string(text.substr(i, end - i)), true});
    i = end;
  }
  if (*partial_start < text.size()) words.pop_back();
  return words;
}

std::vector<std::string> NameWords(const CommandSpec& spec) { return SplitSpaces(spec.name); }

bool StartsWithWords(const std::vector<std::string>& name, const std::vector<Word>& words,
                     size_t first, size_t count) {
  if (name.size() < count) return false;
  for (size_t k = 0; k < count; ++k) {
    if (!words[first + k].bare || words[first + k].text != name[k]) return false;
  }
  return true;
}

// The next command-name words after words[first...] (already typed in full).
std::vector<std::string> NextNameWords(std::span<const CommandSpec> table,
                                       const std::vector<Word>& words, size_t first) {
  std::vector<std::string> out;
  size_t typed = words.size() - first;
  for (const CommandSpec& spec : table) {
    std::vector<std::string> name = NameWords(spec);
    if (name.size() > typed && StartsWithWords(name, words, first, typed)) {
      out.push_back(name[typed]);
    }
  }
  return out;
}

}  // namespace

std::string CommonPrefix(const std::vector<std::string>& words) {
  if (words.empty()) return "";
  std::string prefix = words[0];
  for (const std::string& w : words) {
    size_t n = 0;
    while (n < prefix.size() && n < w.size() && prefix[n] == w[n]) ++n;
    prefix.resize(n);
  }
  return prefix;
}

Completion Complete(std::string_view before_cursor, std::span<const CommandSpec> table,
                    const ObjectNames& names) {
  Completion completion;
  size_t partial_start = 0;
  std::optional<std::vector<Word>> split = SplitLastCommand(before_cursor, &partial_start);
  completion.start = partial_start;
  if (!split.has_value()) return completion;
  const std::vector<Word>& words = *split;
  std::string partial(before_cursor.substr(partial_start));

  std::vector<std::string> found;
  size_t first = 0;
  if (!words.empty() && words[0].bare && (words[0].text == "help" || words[0].text == ".help")) {
    first = 1;  // help takes a command name
  }
  found = NextNameWords(table, words, first);
  if (found.empty() && first == 0) {
    // The command typed in full: complete its arguments.
    const CommandSpec* best = nullptr;
    size_t best_length = 0;
    for (const CommandSpec& spec : table) {
      std::vector<std::string> name = NameWords(spec);
      if (name.size() > best_length && name.size() <= words.size() &&
          StartsWithWords(name, words, 0, name.size())) {
        best = &spec;
        best_length = name.size();
      }
    }
    if (best != nullptr) {
      Grammar g = ParseSyntax(*best);
      size_t index = words.size() - best_length;
      std::optional<Model> model = ParseModel(NameWords(*best)[0]);
      bool after_value_keyword =
          index > 0 && words.back().bare && g.value_keywords.contains(words.back().text);
      if (!after_value_keyword) {
        bool keywords = true;
        if (index < g.positional.size()) {
          const Positional& p = g.positional[index];
          keywords = p.optional;
          // `import` / `export MODEL NAME`: the model comes from the word typed before NAME.
          const bool model_first = !g.positional.empty() && g.positional[0].alternatives ==
                                                                std::vector<std::string>{"MODEL"};
          for (const std::string& a : p.alternatives) {
            if (IsKeyword(a)) {
              found.push_back(a);
            } else if (model.has_value() && NamesObject(*model, a) && names) {
              for (std::string& n : names(*model)) found.push_back(std::move(n));
            } else if (model_first && a == "MODEL") {
              for (const char* m : {"kv", "doc", "wide", "graph", "ts"}) found.emplace_back(m);
            } else if (model_first && a == "NAME" && index == 1 && names) {
              std::optional<Model> named = ParseModel(words[best_length].text);
              if (named.has_value() && words[best_length].bare) {
                for (std::string& n : names(*named)) found.push_back(std::move(n));
              }
            }
          }
        }
        if (keywords) found.insert(found.end(), g.keywords.begin(), g.keywords.end());
      }
    }
  }
  for (const std::string& f : found) {
    if (f.starts_with(partial)) completion.candidates.push_back(f);
  }
  std::sort(completion.candidates.begin(), completion.candidates.end());
  completion.candidates.erase(
      std::unique(completion.candidates.begin(), completion.candidates.end()),
      completion.candidates.end());
  return completion;
}

}  // namespace tessera::shell
