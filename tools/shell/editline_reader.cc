// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The libedit glue: prompt, history, Tab completion and Ctrl-C. Keys are read by our own
// character function (EL_GETCFN) so that a SIGINT can interrupt the wait: it blocks SIGINT, takes
// a pending interrupt if there is one, and otherwise waits with ppoll, which unblocks SIGINT only
// while it waits (so no interrupt is lost between the check and the wait). An interrupt is turned
// into a ^C key bound to a function that ends the line as "interrupted".
//
// Keys are read from a second, non-blocking descriptor of the terminal (opened by name, so that
// the non-blocking flag does not touch the descriptor the parent shell shares): a ^C makes the
// terminal discard its unread input, so a blocking read after ppoll reported input could wait
// forever.
#include "tools/shell/editline_reader.h"

#include <fcntl.h>
#include <histedit.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cwchar>

#include "tools/shell/interrupt.h"

namespace tessera::shell {

struct EditLineReader::State {
  EditLine* el = nullptr;
  History* history = nullptr;
  EditLineOptions options;
  std::string prompt;
  bool interrupted = false;     // set by the ^C key function during the current ReadLine
  int input_fd = STDIN_FILENO;  // where keys are read: a non-blocking descriptor of the terminal
  std::mbstate_t decoder{};     // multibyte input decoding state

  ~State() {
    if (input_fd != STDIN_FILENO) close(input_fd);
  }
};

namespace {

using State = EditLineReader::State;

constexpr wchar_t kInterruptKey = 3;  // ^C

State* StateOf(EditLine* el) {
  void* data = nullptr;
  el_get(el, EL_CLIENTDATA, &data);
  return static_cast<State*>(data);
}

char* PromptFn(EditLine* el) { return const_cast<char*>(StateOf(el)->prompt.c_str()); }

// EL_GETCFN: 1 with a character, 0 at the end of the input, -1 on an error.
int ReadCharFn(EditLine* el, wchar_t* out) {
  State* state = StateOf(el);
  sigset_t sigint, original;
  sigemptyset(&sigint);
  sigaddset(&sigint, SIGINT);
  for (;;) {
    sigprocmask(SIG_BLOCK, &sigint, &original);
    if (TakePendingInterrupt()) {
      sigprocmask(SIG_SETMASK, &original, nullptr);
      *out = kInterruptKey;
      return 1;
    }
    pollfd wait{state->input_fd, POLLIN, 0};
    int ready = ppoll(&wait, 1, nullptr, &original);
    sigprocmask(SIG_SETMASK, &original, nullptr);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    char byte = 0;
    ssize_t n = read(state->input_fd, &byte, 1);
    if (n == 0) return 0;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return -1;
    }
    wchar_t wc = 0;
    size_t used = std::mbrtowc(&wc, &byte, 1, &state->decoder);
    if (used == static_cast<size_t>(-2)) continue;  // the middle of a multibyte character
    if (used == static_cast<size_t>(-1)) {          // not valid in this locale: drop it
      state->decoder = std::mbstate_t{};
      continue;
    }
    *out = used == 0 ? L'\0' : wc;
    return 1;
  }
}

// ^C: end the line, marked as interrupted.
unsigned char InterruptFn(EditLine* el, int /*key*/) {
  StateOf(el)->interrupted = true;
  return CC_NEWLINE;
}

// Tab: complete the word before the cursor, or list the candidates.
unsigned char CompleteFn(EditLine* el, int /*key*/) {
  State* state = StateOf(el);
  if (!state->options.complete) return CC_ERROR;
  const LineInfo* line = el_line(el);
  std::string before(line->buffer, static_cast<size_t>(line->cursor - line->buffer));
  Completion completion = state->options.complete(before);
  if (completion.candidates.empty()) return CC_REFRESH_BEEP;
  size_t typed = before.size() - completion.start;
  if (completion.candidates.size() == 1) {
    std::string rest = completion.candidates[0].substr(typed) + " ";
    return el_insertstr(el, rest.c_str()) == 0 ? CC_REFRESH : CC_ERROR;
  }
  std::string common = CommonPrefix(completion.candidates);
  if (common.size() > typed) {
    return el_insertstr(el, common.substr(typed).c_str()) == 0 ? CC_REFRESH : CC_ERROR;
  }
  std::string list = "\r\n";
  for (const std::string& c : completion.candidates) list += c + "  ";
  list += "\r\n";
  fputs(list.c_str(), stdout);
  fflush(stdout);
  return CC_REDISPLAY;
}

}  // namespace

std::string DefaultHistoryPath() {
  if (const char* path = std::getenv("TESSERA_HISTORY")) return path;
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return "";
  return std::string(home) + "/.tessera_history";
}

std::unique_ptr<EditLineReader> EditLineReader::Open(EditLineOptions options) {
  auto state = std::make_unique<State>();
  state->options = std::move(options);
  if (const char* tty = ttyname(STDIN_FILENO)) {
    int fd = open(tty, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0) state->input_fd = fd;
  }
  EditLine* el = el_init("tessera", stdin, stdout, stderr);
  if (el == nullptr) return nullptr;
  state->el = el;
  el_set(el, EL_CLIENTDATA, state.get());
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_SIGNAL, 0);
  el_set(el, EL_PROMPT, &PromptFn);
  el_set(el, EL_GETCFN, &ReadCharFn);

  HistEvent event;
  state->history = history_init();
  if (state->history == nullptr) {
    el_end(el);
    return nullptr;
  }
  history(state->history, &event, H_SETSIZE, state->options.history_size);
  history(state->history, &event, H_SETUNIQUE, 1);
  if (!state->options.history_path.empty()) {
    history(state->history, &event, H_LOAD, state->options.history_path.c_str());  // may not exist
  }
  el_set(el, EL_HIST, history, state->history);

  el_source(el, nullptr);  // the user's ~/.editrc, before our keys so that Tab and ^C stay ours
  // EL_ADDFN keeps the name and help pointers: wide literals, since el_set would copy narrow ones
  // into memory that is never freed.
  el_wset(el, EL_ADDFN, L"tessera-complete", L"Complete the word before the cursor", &CompleteFn);
  el_set(el, EL_BIND, "^I", "tessera-complete", static_cast<const char*>(nullptr));
  el_wset(el, EL_ADDFN, L"tessera-interrupt", L"Drop the line being typed", &InterruptFn);
  el_set(el, EL_BIND, "^C", "tessera-interrupt", static_cast<const char*>(nullptr));
  el_set(el, EL_BIND, "^R", "em-inc-search-prev", static_cast<const char*>(nullptr));
  return std::unique_ptr<EditLineReader>(new EditLineReader(std::move(state)));
}

EditLineReader::EditLineReader(std::unique_ptr<State> state) : state_(std::move(state)) {}

EditLineReader::~EditLineReader() {
  el_end(state_->el);
  history_end(state_->history);
}

InputLine EditLineReader::ReadLine(std::string_view prompt) {
  state_->prompt = std::string(prompt);
  state_->interrupted = false;
  TakePendingInterrupt();  // a Ctrl-C that ended the previous command is spent
  el_resize(state_->el);
  int count = 0;
  const char* text = el_gets(state_->el, &count);
  if (state_->interrupted) {
    fputs("^C\r\n", stdout);
    fflush(stdout);
    return InputLine{ReadStatus::kInterrupted, ""};
  }
  if (text == nullptr || count <= 0) {
    fputs("\n", stdout);
    fflush(stdout);
    return InputLine{ReadStatus::kEnd, ""};
  }
  std::string line(text, static_cast<size_t>(count));
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return InputLine{ReadStatus::kLine, std::move(line)};
}

void EditLineReader::AddHistory(std::string_view command) {
  HistEvent event;
  std::string entry(command);
  history(state_->history, &event, H_ENTER, entry.c_str());
  if (!state_->options.history_path.empty()) {
    history(state_->history, &event, H_SAVE, state_->options.history_path.c_str());
  }
}

}  // namespace tessera::shell
