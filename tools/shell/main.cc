// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The `tessera` shell's entry point: parses the command line, opens the database, and runs the
// commands of -c, of a script file, of standard input, or typed at the `tessera> ` prompt.
//
//   tessera [--db PATH] [--format table|json] [-c "CMD; CMD ..."] [FILE]
//
// Exit status: 0 ok, 1 a command failed, 2 bad command-line arguments, 3 the database could not
// be opened. No exception leaves main(): CLI11's are caught here.
#include <unistd.h>

#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "tessera/db.h"
#include "tools/shell/commands.h"
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
};

// Parses the command line into `args`. Returns an exit status when the program should stop now
// (after --help, --version or a usage error).
std::optional<int> ParseArgs(int argc, char** argv, Args& args) {
  CLI::App app{"tessera: the shell of the Tessera database", "tessera"};
  app.add_option("--db", args.db_path, "The database directory (created if missing)")
      ->capture_default_str();
  app.add_option("--format", args.format,
                 "Output format: table (default on a terminal) or json (default otherwise)")
      ->check(CLI::IsMember({"table", "json"}));
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

int Run(int argc, char** argv) {
  Args args;
  if (std::optional<int> exit = ParseArgs(argc, argv, args)) return *exit;

  Format format = isatty(STDOUT_FILENO) ? Format::kTable : Format::kJson;
  if (!args.format.empty()) format = *ParseFormat(args.format);
  auto report = [&](const absl::Status& status) {
    (format == Format::kJson ? std::cout : std::cerr) << RenderError(status, format) << std::flush;
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
    if (args.has_commands) {
      bool ok = RunText(**session, args.commands, /*keep_going=*/false, std::cout, std::cerr);
      exit_status = ok ? kExitOk : kExitCommandFailed;
    } else if (from_file) {
      StreamLineReader reader(script);
      exit_status = RunLines(**session, reader, /*interactive=*/false, std::cout, std::cerr);
    } else if (isatty(STDIN_FILENO) && args.file.empty()) {
      std::cout << "Tessera shell " << TESSERA_VERSION << " on " << args.db_path
                << ". Type 'help' for the commands, 'quit' to leave.\n";
      StreamLineReader reader(std::cin, &std::cout);
      exit_status = RunLines(**session, reader, /*interactive=*/true, std::cout, std::cerr);
    } else {
      StreamLineReader reader(std::cin);
      exit_status = RunLines(**session, reader, /*interactive=*/false, std::cout, std::cerr);
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
