// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The JSON line renderer and the spdlog plumbing behind Logger: one spdlog::logger per Logger,
// never registered globally, with a rotating file sink, a stderr sink or a callback sink. The
// pattern is "%v": spdlog adds only the newline, the JSON (timestamp and level included) is ours.
#include "core/obs/logger.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <exception>
#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "spdlog/details/null_mutex.h"
#include "spdlog/logger.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/base_sink.h"
#include "spdlog/sinks/rotating_file_sink.h"
#include "spdlog/sinks/stdout_sinks.h"

namespace tessera::internal {
namespace {

constexpr char kLogFileName[] = "tessera.log";
// spdlog's own limit on the number of rotated files.
constexpr int kMaxFilesKept = 200000;

spdlog::level::level_enum ToSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
    case LogLevel::kOff:
      break;
  }
  return spdlog::level::off;
}

LogLevel FromSpdlog(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return LogLevel::kDebug;
    case spdlog::level::info:
      return LogLevel::kInfo;
    case spdlog::level::warn:
      return LogLevel::kWarn;
    case spdlog::level::err:
    case spdlog::level::critical:
      return LogLevel::kError;
    default:
      return LogLevel::kOff;
  }
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
    case LogLevel::kOff:
      break;
  }
  return "off";
}

// Hands each line (the message payload, which is the whole JSON object) to the user's callback.
// The callback is documented as thread-safe, so the sink takes no lock of its own.
class CallbackSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  explicit CallbackSink(std::function<void(LogLevel, std::string_view)> callback)
      : callback_(std::move(callback)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    try {
      callback_(FromSpdlog(msg.level), std::string_view(msg.payload.data(), msg.payload.size()));
    } catch (...) {
      // The application's callback failed; the line is dropped.
    }
  }
  void flush_() override {}

 private:
  const std::function<void(LogLevel, std::string_view)> callback_;
};

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void AppendTimestamp(int64_t micros, std::string* out) {
  int64_t secs = micros / 1000000;
  int64_t frac = micros % 1000000;
  if (frac < 0) {
    frac += 1000000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  int n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                        static_cast<int>(frac));
  if (n > 0) out->append(buf, std::min<size_t>(static_cast<size_t>(n), sizeof(buf) - 1));
}

template <typename T>
void AppendNumber(T v, std::string* out) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  if (ec == std::errc()) {
    out->append(buf, end);
  } else {
    out->append("null");
  }
}

void AppendDouble(double v, std::string* out) {
  if (!std::isfinite(v)) {
    out->append("null");  // JSON has no NaN or infinity
    return;
  }
  AppendNumber(v, out);
}

void AppendString(std::string_view s, std::string* out) {
  out->push_back('"');
  AppendJsonEscaped(s, out);
  out->push_back('"');
}

void AppendKey(std::string_view key, std::string* out) {
  out->push_back(',');
  AppendString(key, out);
  out->push_back(':');
}

// The length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid (truncated,
// overlong, a surrogate or beyond U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return len;
}

}  // namespace

void AppendJsonEscaped(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        case '\b':
          out->append("\\b");
          break;
        case '\f':
          out->append("\\f");
          break;
        default:
          if (c < 0x20) {
            out->append("\\u00");
            out->push_back(kHex[c >> 4]);
            out->push_back(kHex[c & 0xF]);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      out->append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER, one per invalid byte
      ++i;
    } else {
      out->append(s.data() + i, len);
      i += len;
    }
  }
}

std::string RenderLogLine(int64_t ts_micros, LogLevel level, const LogContext& ctx,
                          std::string_view event, std::initializer_list<LogField> fields) {
  std::string out;
  out.reserve(128 + event.size() + ctx.db.size() + ctx.object.size() + 24 * fields.size());
  out.append("{\"ts\":\"");
  AppendTimestamp(ts_micros, &out);
  out.append("\",\"level\":\"");
  out.append(LevelName(level));
  out.append("\",\"event\":");
  AppendString(event, &out);
  if (!ctx.db.empty()) {
    AppendKey("db", &out);
    AppendString(ctx.db, &out);
  }
  if (!ctx.object.empty()) {
    AppendKey("object", &out);
    AppendString(ctx.object, &out);
  }
  if (ctx.txn != 0) {
    AppendKey("txn", &out);
    AppendNumber(ctx.txn, &out);
  }
  for (const LogField& f : fields) {
    AppendKey(f.key, &out);
    std::visit(
        [&out](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string_view>) {
            AppendString(v, &out);
          } else if constexpr (std::is_same_v<T, bool>) {
            out.append(v ? "true" : "false");
          } else if constexpr (std::is_same_v<T, double>) {
            AppendDouble(v, &out);
          } else {
            AppendNumber(v, &out);
          }
        },
        f.value);
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<std::unique_ptr<Logger>> Logger::Create(const Options& options,
                                                       const std::string& db_path) {
  if (options.log_destination == LogDestination::kNone || options.log_level == LogLevel::kOff) {
    return Null();
  }
  spdlog::sink_ptr sink;
  std::string file_path;
  try {
    switch (options.log_destination) {
      case LogDestination::kFile: {
        if (options.log_file_bytes == 0) {
          return absl::InvalidArgumentError("Options::log_file_bytes must be positive");
        }
        if (options.log_files_kept < 0 || options.log_files_kept > kMaxFilesKept) {
          return absl::InvalidArgumentError(absl::StrCat("Options::log_files_kept must be in [0, ",
                                                         kMaxFilesKept, "], not ",
                                                         options.log_files_kept));
        }
        file_path = db_path.empty()         ? std::string(kLogFileName)
                    : db_path.back() == '/' ? db_path + kLogFileName
                                            : db_path + "/" + kLogFileName;
        sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
            file_path, options.log_file_bytes, static_cast<size_t>(options.log_files_kept));
        break;
      }
      case LogDestination::kStderr:
        sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        break;
      case LogDestination::kCallback:
        if (!options.log_callback) {
          return absl::InvalidArgumentError(
              "Options::log_destination is kCallback but Options::log_callback is empty");
        }
        sink = std::make_shared<CallbackSink>(options.log_callback);
        break;
      case LogDestination::kNone:
        return Null();
    }
    if (sink == nullptr) return absl::InvalidArgumentError("unknown Options::log_destination");

    // A process-unique name: the logger is never registered, the name only labels spdlog's own
    // error messages.
    static std::atomic<uint64_t> next_id{1};
    std::string name =
        absl::StrCat("tessera[", next_id.fetch_add(1, std::memory_order_relaxed), "]:", db_path);
    sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%v", spdlog::pattern_time_type::utc, std::string("\n")));
    auto logger = std::make_shared<spdlog::logger>(std::move(name), std::move(sink));
    logger->set_level(ToSpdlog(options.log_level));
    logger->flush_on(spdlog::level::warn);
    return std::unique_ptr<Logger>(new Logger(options.log_level, std::move(logger)));
  } catch (const std::exception& e) {
    if (!file_path.empty()) {
      return absl::UnavailableError(
          absl::StrCat("cannot open log file ", file_path, ": ", e.what()));
    }
    return absl::InternalError(absl::StrCat("cannot create logger: ", e.what()));
  } catch (...) {
    return absl::InternalError(absl::StrCat("cannot create logger for ", db_path));
  }
}

std::unique_ptr<Logger> Logger::Null() {
  return std::unique_ptr<Logger>(new Logger(LogLevel::kOff, nullptr));
}

Logger::Logger(LogLevel min_level, std::shared_ptr<spdlog::logger> sink_logger)
    : min_level_(sink_logger == nullptr ? LogLevel::kOff : min_level),
      logger_(std::move(sink_logger)) {}

Logger::~Logger() { Flush(); }

void Logger::Log(LogLevel level, const LogContext& ctx, std::string_view event,
                 std::initializer_list<LogField> fields) {
  if (!Enabled(level)) return;
  try {
    const std::string line = RenderLogLine(NowMicros(), level, ctx, event, fields);
    logger_->log(ToSpdlog(level), spdlog::string_view_t(line.data(), line.size()));
  } catch (...) {
    // Out of memory, or a failure spdlog rethrew: the line is dropped.
  }
}

void Logger::Flush() {
  if (logger_ == nullptr) return;
  try {
    logger_->flush();
  } catch (...) {
  }
}

}  // namespace tessera::internal
