// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The `tessera` shell's entry point: parses the command line, opens the database, and runs the
// commands of -c, of a script file, of standard input, or typed at the `tessera> ` prompt.
//
//   tessera [--db PATH] [--format table|json|jsonl|csv] [--keep-going] [-c "CMD; CMD ..."] [FILE]
//
// Exit status: 0 ok, 1 a command failed, 2 bad command-line arguments, 3 the database could not
// be opened, 130 a script interrupted by SIGINT. No exception leaves main(): CLI11's are caught
// here.
//
// Interactive (standard input and output are terminals, no -c or FILE): libedit line editing,
// history and completion (editline_reader.h), and Ctrl-C cancels the running command
// (interrupt.h). Colour only when the stream is a terminal, NO_COLOR is unset and TERM is not dumb.
#include <unistd.h>

#include <clocale>
#include <cstdlib>

#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "tessera/db.h"
#include "tools/shell/commands.h"
#include "tools/shell/completion.h"
#include "tools/shell/editline_reader.h"
#include "tools/shell/interrupt.h"
#include "tools/shell/line_reader.h"
#include "tools/shell/output.h"
#include "tools/shell/runner.h"

#ifndef TESSERA_VERSION
#define TESSERA_VERSION "unknown"
#endif

namespace tessera::shell {
namespace {

struct Args {
  std::string db_path = "./tessera-data";
  std::string format;
  std::string commands;
  bool has_commands = false;
  std::string file;
  bool keep_going = false;
};

constexpr const char* kHelpFooter = R"(
Exit status:
  0  every command succeeded (interactive mode always exits with 0)
  1  a command failed (with -c, FILE or piped input; stops there unless --keep-going)
  2  bad command-line arguments, or a script file that cannot be read
  3  the database could not be opened (for example, another process has it open)
  130  scripts (-c, FILE, piped input): Ctrl-C (SIGINT) cancelled the running command and
       the rest did not run; a SIGINT while waiting for input, or a second one, kills it

Environment: TESSERA_HISTORY (history file; empty: none; default ~/.tessera_history),
NO_COLOR (no colour). Type 'help' in the shell for the commands; see docs/shell.md.)";

// Colour on `fd`: a terminal, NO_COLOR unset or empty, TERM not dumb.
bool UseColor(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  if (no_color != nullptr && *no_color != '\0') return false;
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return isatty(fd) != 0;
}

// Parses the command line into `args`. Returns an exit status when the program should stop now
// (after --help, --version or a usage error).
std::optional<int> ParseArgs(int argc, char** argv, Args& args) {
  CLI::App app{"tessera: the shell of the Tessera database", "tessera"};
  app.add_option("--db", args.db_path, "The database directory (created if missing)")
      ->capture_default_str();
  app.add_option("--format", args.format,
                 "Output format: table (default on a terminal), json (default otherwise), jsonl "
                 "or csv")
      ->check(CLI::IsMember({"table", "json", "jsonl", "csv"}));
  app.add_flag("--keep-going", args.keep_going,
               "Scripts: run the remaining commands after a failing one (the exit status is "
               "still 1)");
  app.footer(kHelpFooter);
  CLI::Option* commands =
      app.add_option("-c,--command", args.commands, "Run these commands, separated by ';'");
  CLI::Option* file =
      app.add_option("FILE", args.file, "Run the commands of this script file ('-': stdin)");
  commands->excludes(file);
  app.set_version_flag("--version", std::string("tessera ") + TESSERA_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  args.has_commands = commands->count() > 0;
  return std::nullopt;
}

// Tells the interrupt handler when the shell waits for its next line (scripts: a SIGINT then
// ends the process), and, interactive without the line editor, forgets a Ctrl-C typed at the
// prompt (the terminal has discarded that line; the command read after it must not be cancelled).
class InterruptAwareReader : public LineReader {
 public:
  InterruptAwareReader(LineReader& inner, Session& session, bool interactive)
      : inner_(inner), session_(session), interactive_(interactive) {}
  InputLine ReadLine(std::string_view prompt) override {
    SetWaitingForInput(true);
    // Script: a SIGINT that came just before the wait ends the input (the runner then exits with
    // kExitInterrupted); one during the wait ends the process.
    if (!interactive_ && session_.cancel_requested()) {
      SetWaitingForInput(false);
      return InputLine{ReadStatus::kEnd, ""};
    }
    InputLine line = inner_.ReadLine(prompt);
    SetWaitingForInput(false);
    if (interactive_ && TakePendingInterrupt()) session_.cancel_token().Reset();
    return line;
  }
  void AddHistory(std::string_view command) override { inner_.AddHistory(command); }

 private:
  LineReader& inner_;
  Session& session_;
  bool interactive_;
};

// The interactive loop: libedit when standard output is a terminal too (the prompt and the
// editing go there), else plain lines with the prompt on standard error.
int RunInteractive(Session& session, DB& db, const Args& args, RunOptions run) {
  run.interactive = true;
  InstallInterruptHandler(&session.cancel_token());
  int exit_status = kExitOk;
  std::unique_ptr<EditLineReader> editor;
  if (isatty(STDOUT_FILENO)) {
    std::setlocale(LC_CTYPE, "");
    EditLineOptions options;
    options.history_path = DefaultHistoryPath();
    options.complete = [&db](std::string_view before_cursor) {
      return Complete(before_cursor, CommandTable(), [&db](Model model) {
        std::vector<std::string> names;
        absl::StatusOr<std::vector<ObjectInfo>> objects = db.ListObjects(model);
        if (objects.ok()) {
          for (ObjectInfo& o : *objects) names.push_back(std::move(o.name));
        }
        return names;
      });
    };
    editor = EditLineReader::Open(std::move(options));
  }
  std::ostream& banner = editor != nullptr ? std::cout : std::cerr;
  banner << "Tessera shell " << TESSERA_VERSION << " on " << args.db_path
         << ". Type 'help' for the commands, Tab to complete, Ctrl-D to leave.\n"
         << std::flush;
  if (editor != nullptr) {
    exit_status = RunLines(session, *editor, run, std::cout, std::cerr);
  } else {
    StreamLineReader stream(std::cin, &std::cerr);
    InterruptAwareReader reader(stream, session, /*interactive=*/true);
    exit_status = RunLines(session, reader, run, std::cout, std::cerr);
  }
  editor.reset();
  RemoveInterruptHandler();
  return exit_status;
}

int Run(int argc, char** argv) {
  Args args;
  if (std::optional<int> exit = ParseArgs(argc, argv, args)) return *exit;

  Format format = isatty(STDOUT_FILENO) ? Format::kTable : Format::kJson;
  if (!args.format.empty()) format = *ParseFormat(args.format);
  auto report = [&](const absl::Status& status) {
    (ErrorsOnStdout(format) ? std::cout : std::cerr) << RenderError(status, format) << std::flush;
  };

  std::ifstream script;
  bool from_file = !args.file.empty() && args.file != "-";
  if (from_file) {
    script.open(args.file);
    if (!script) {
      std::cerr << "tessera: cannot read script file " << args.file << "\n";
      return kExitUsage;
    }
  }

  absl::StatusOr<std::unique_ptr<DB>> db = DB::Open(args.db_path);
  if (!db.ok()) {
    report(db.status());
    return kExitOpenFailed;
  }
  int exit_status = kExitOk;
  {
    absl::StatusOr<std::unique_ptr<Session>> session = Session::Open(db->get(), format);
    if (!session.ok()) {
      report(session.status());
      return kExitOpenFailed;
    }
    RunOptions run{.keep_going = args.keep_going,
                   .color_out = UseColor(STDOUT_FILENO),
                   .color_err = UseColor(STDERR_FILENO)};
    const bool interactive =
        !args.has_commands && !from_file && isatty(STDIN_FILENO) != 0 && args.file.empty();
    if (interactive) {
      exit_status = RunInteractive(**session, *db->get(), args, run);
    } else {
      // Scripts: SIGINT cancels the running command and stops the script (kExitInterrupted).
      InstallInterruptHandler(&(*session)->cancel_token(), InterruptMode::kScript);
      if (args.has_commands) {
        bool ok = RunText(**session, args.commands, run, std::cout, std::cerr);
        exit_status = ok                               ? kExitOk
                      : (*session)->cancel_requested() ? kExitInterrupted
                                                       : kExitCommandFailed;
      } else {
        StreamLineReader stream(from_file ? static_cast<std::istream&>(script) : std::cin);
        InterruptAwareReader reader(stream, **session, /*interactive=*/false);
        exit_status = RunLines(**session, reader, run, std::cout, std::cerr);
      }
      RemoveInterruptHandler();
    }
  }  // the session (and an open transaction) ends before the database closes
  absl::Status closed = (*db)->Close();
  if (!closed.ok()) {
    report(closed);
    if (exit_status == kExitOk) exit_status = kExitCommandFailed;
  }
  return exit_status;
}

}  // namespace
}  // namespace tessera::shell

int main(int argc, char** argv) {
  try {
    return tessera::shell::Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "tessera: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "tessera: internal error\n";
  }
  return tessera::shell::kExitCommandFailed;
}
