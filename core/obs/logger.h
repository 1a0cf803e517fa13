// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Structured logging for the engine. Every line is one JSON object with a timestamp, a level, an
// event name, the operation's context (database, object, transaction) and any number of typed
// fields, for example
//   {"ts":"2026-11-28T03:14:15.123456Z","level":"info","event":"db.open","db":"/d","txn":42}
// Lines go to a size-rotated file in the database directory, to standard error, to a callback or
// nowhere, as Options says. spdlog does the delivery (sinks, rotation, flushing); this file renders
// the JSON itself, so field order is fixed and escaping never throws.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "absl/status/statusor.h"
#include "tessera/options.h"

namespace spdlog {
class logger;
}  // namespace spdlog

namespace tessera::internal {

// Fields attached to every line of an operation. Empty strings and a zero txn are omitted.
struct LogContext {
  std::string_view db;
  std::string_view object;
  uint64_t txn = 0;
};

// One typed key/value pair of a log line. Built as `{"key", value}`: signed integers become
// int64_t, unsigned ones uint64_t, floating point double, and anything convertible to
// std::string_view (std::string, const char*, absl::string_view) a string. The key and any string
// value must outlive the Log call only.
struct LogField {
  using Value = std::variant<std::string_view, int64_t, uint64_t, double, bool>;

  LogField(std::string_view k, Value v) : key(k), value(v) {}
  template <typename T, typename D = std::decay_t<T>,
            typename = std::enable_if_t<!std::is_same_v<D, Value>>>
  LogField(std::string_view k, T&& v) : key(k), value(Convert(std::forward<T>(v))) {}

  std::string_view key;
  Value value;

 private:
  template <typename T>
  static Value Convert(T&& v) {
    using D = std::decay_t<T>;
    if constexpr (std::is_same_v<D, bool>) {
      return Value(std::in_place_type<bool>, v);
    } else if constexpr (std::is_integral_v<D> && std::is_signed_v<D>) {
      return Value(std::in_place_type<int64_t>, static_cast<int64_t>(v));
    } else if constexpr (std::is_integral_v<D>) {
      return Value(std::in_place_type<uint64_t>, static_cast<uint64_t>(v));
    } else if constexpr (std::is_enum_v<D>) {
      return Value(std::in_place_type<int64_t>,
                   static_cast<int64_t>(static_cast<std::underlying_type_t<D>>(v)));
    } else if constexpr (std::is_floating_point_v<D>) {
      return Value(std::in_place_type<double>, static_cast<double>(v));
    } else {
      static_assert(std::is_convertible_v<T, std::string_view>,
                    "LogField value must be a number, a bool or convertible to std::string_view");
      if constexpr (std::is_pointer_v<std::remove_reference_t<T>>) {
        // A null C string renders as an empty string rather than crashing.
        if (v == nullptr) return Value(std::in_place_type<std::string_view>);
      }
      return Value(std::in_place_type<std::string_view>, std::string_view(std::forward<T>(v)));
    }
  }
};

// The engine's logger. Each instance owns its own spdlog logger and sink (none is registered in
// spdlog's global registry), so several databases can log independently in one process.
// Thread safety: all methods are safe to call concurrently.
class Logger {
 public:
  // A logger for `options`: LogDestination::kFile writes `<db_path>/tessera.log`, rotating at
  // options.log_file_bytes and keeping options.log_files_kept old files (tessera.1.log, ...);
  // kStderr writes standard error; kCallback calls options.log_callback once per line (without
  // a trailing newline). kNone or LogLevel::kOff give a logger that drops everything.
  // Errors: InvalidArgument for inconsistent options (kCallback without a callback, a zero file
  // size, a negative number of kept files); Unavailable, naming the path, when the log file
  // cannot be opened.
  static absl::StatusOr<std::unique_ptr<Logger>> Create(const Options& options,
                                                        const std::string& db_path);
  // A logger that drops everything.
  static std::unique_ptr<Logger> Null();

  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Whether a line at `level` would be written. Cheap; use it to skip building costly fields.
  bool Enabled(LogLevel level) const {
    return level != LogLevel::kOff && static_cast<int>(level) >= static_cast<int>(min_level_);
  }

  // Writes one line if `level` is enabled. Never throws; a line that cannot be delivered is
  // dropped. Lines at kWarn and above are flushed at once.
  void Log(LogLevel level, const LogContext& ctx, std::string_view event,
           std::initializer_list<LogField> fields = {});

  // Pushes buffered lines to their destination.
  void Flush();

 private:
  Logger(LogLevel min_level, std::shared_ptr<spdlog::logger> sink_logger);

  const LogLevel min_level_;                      // kOff: drops everything
  const std::shared_ptr<spdlog::logger> logger_;  // null when min_level_ is kOff
};

// Renders one log line (without a trailing newline). `ts_micros` is microseconds since the Unix
// epoch. Exposed for tests.
std::string RenderLogLine(int64_t ts_micros, LogLevel level, const LogContext& ctx,
                          std::string_view event, std::initializer_list<LogField> fields);

// Appends `s` to `out` as the inside of a JSON string: quotes, backslashes and control characters
// escaped, invalid UTF-8 replaced by U+FFFD. Exposed for tests.
void AppendJsonEscaped(std::string_view s, std::string* out);

}  // namespace tessera::internal
