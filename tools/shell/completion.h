// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tab completion, as a pure function of the text before the cursor: no terminal and no database
// (object names come through a callback), so that it is unit-tested apart from the libedit glue
// (editline_reader.cc).
//
// What is completed, all read from the command table so that new commands complete too:
//   - the first word: command words (`kv`, `list`, `.format`, ...);
//   - the next words of a multi-word command (`kv` -> put get del ...; `doc index` -> create ...);
//   - an argument position whose placeholder names an object of the command's model (NS of kv,
//     COLL of doc, TABLE of wide, G of graph, MEASUREMENT / SRC / DST of ts): the names of the
//     existing objects of that model;
//   - an argument position written as alternatives (`.timer [on|off]`): those words;
//   - after the positional arguments: the lowercase keywords of the syntax (`prefix`, `limit`,
//     `reverse`, `sort`, ...), except right after a keyword that takes a value (`limit N`);
//   - after `help` / `.help`: command words again.
// Nothing is completed inside a JSON argument.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/model.h"
#include "tools/shell/commands.h"

namespace tessera::shell {

struct Completion {
  size_t start = 0;                     // where the word being completed starts in the text
  std::vector<std::string> candidates;  // every one starts with that word; sorted, distinct
};

// The names of the existing objects of a model.
using ObjectNames = std::function<std::vector<std::string>(Model)>;

// The completions of the last word of `before_cursor` (empty after whitespace).
Completion Complete(std::string_view before_cursor, std::span<const CommandSpec> table,
                    const ObjectNames& names);

// The longest common prefix of `words` (empty for none).
std::string CommonPrefix(const std::vector<std::string>& words);

}  // namespace tessera::shell
