// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "tools/shell/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace tessera::shell {
namespace {

constexpr int kMaxBarWidth = 30;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

// The terminal's columns, 80 when unknown.
int TerminalColumns() {
  winsize ws{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

std::string RenderProgress(std::string_view verb, uint64_t records, uint64_t bytes, uint64_t total,
                           int width) {
  const std::string count = GroupThousands(records) + " records";
  if (total == 0) return std::string(verb) + " " + count;
  bytes = std::min(bytes, total);
  const int percent = static_cast<int>(bytes * 100 / total);
  char pct[8];
  std::snprintf(pct, sizeof(pct), "%3d%%", percent);
  std::string line;
  if (width > 0) {
    const int filled = static_cast<int>(bytes * static_cast<uint64_t>(width) / total);
    line.push_back('[');
    line.append(filled, '=');
    if (filled < width) {
      line.push_back('>');
      line.append(width - filled - 1, ' ');
    }
    line += "] ";
  }
  return line + pct + "  " + count;
}

ProgressBar::ProgressBar(std::string_view verb, uint64_t total_bytes)
    : verb_(verb), total_(total_bytes), on_(isatty(STDERR_FILENO) != 0) {}

ProgressBar::~ProgressBar() { Done(); }

void ProgressBar::Update(uint64_t records, uint64_t bytes_done) {
  if (!on_ || done_) return;
  records_ = records;
  bytes_ = bytes_done;
  updated_ = true;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  Draw();
}

void ProgressBar::Done() {
  if (done_) return;
  done_ = true;
  if (!on_ || !updated_) return;
  Draw();
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

void ProgressBar::Draw() {
  // "] 100%  " and the count take ~25 columns; the bar gets what is left, up to kMaxBarWidth.
  const std::string count = GroupThousands(records_);
  const int spare = TerminalColumns() - 1 - static_cast<int>(count.size()) - 18;
  const int width = std::min(kMaxBarWidth, spare);
  std::string line = RenderProgress(verb_, records_, bytes_, total_, width >= 10 ? width : 0);
  std::fprintf(stderr, "\r%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace tessera::shell
