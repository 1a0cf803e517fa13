// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The one progress display of the shell's imports, exports, dumps and restores. On a terminal's
// stderr it redraws one line in place (at most ~10 times a second):
//
//   [=========>          ]  45%  12,345 records     when the total (the input's bytes) is known
//   imported 12,345 records                         when it is not (exports, dumps)
//
// and Done() ends the line. When stderr is not a terminal it prints nothing at all, so scripts
// and pipes see only the command's result on stdout.
//
// Thread safety: not thread-safe; one ProgressBar belongs to one command run.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/strings.h"

namespace tessera::shell {

// The text of one redraw, without the leading '\r': a bar of `width` cells, the percentage of
// `bytes` in `total` and the record count when `total` > 0; "VERB N records" otherwise. Counts
// carry thousands separators ("12,345"). `width` < 1 leaves the bar out (percentage only).
std::string RenderProgress(std::string_view verb, uint64_t records, uint64_t bytes, uint64_t total,
                           int width);

// "12,345": `n` with a comma every three digits (core/util/strings.h).
using util::GroupThousands;

class ProgressBar {
 public:
  // `verb` names what happens ("imported"); `total_bytes` is the input's size, 0 when unknown.
  ProgressBar(std::string_view verb, uint64_t total_bytes);
  ~ProgressBar();  // calls Done()

  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Records done so far and input bytes consumed (ignored when the total is unknown); redraws
  // when the last redraw is at least 100 ms old. Cheap when stderr is not a terminal.
  void Update(uint64_t records, uint64_t bytes_done);
  // Draws the last state given to Update (once at least one was given) and ends the line. Later
  // calls do nothing.
  void Done();

 private:
  void Draw();

  std::string verb_;
  uint64_t total_;
  bool on_;  // stderr is a terminal
  uint64_t records_ = 0;
  uint64_t bytes_ = 0;
  bool updated_ = false;  // Update was called
  bool done_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace tessera::shell
