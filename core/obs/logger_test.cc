// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests for the structured JSON logger: line format, context and typed fields, level filtering,
// escaping, the callback, file (with rotation) and null destinations, and independent instances.
#include "core/obs/logger.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace tessera::internal {
namespace {

using nlohmann::json;

// Collects the lines a kCallback logger delivers.
struct Captured {
  std::mutex mu;
  std::vector<std::pair<LogLevel, std::string>> lines;

  Options MakeOptions(LogLevel level = LogLevel::kDebug) {
    Options o;
    o.log_destination = LogDestination::kCallback;
    o.log_level = level;
    o.log_callback = [this](LogLevel l, std::string_view line) {
      std::lock_guard<std::mutex> lock(mu);
      lines.emplace_back(l, std::string(line));
    };
    return o;
  }
  std::vector<json> Parsed() {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<json> out;
    for (const auto& [level, line] : lines) out.push_back(json::parse(line));
    return out;
  }
};

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "tessera_logger_XXXXXX").string();
    char* p = mkdtemp(templ.data());
    EXPECT_NE(p, nullptr);
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> ReadLines(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(LoggerTest, CallbackLineIsOneJsonObjectWithFields) {
  Captured cap;
  auto logger = Logger::Create(cap.MakeOptions(LogLevel::kInfo), "/db/one");
  ASSERT_TRUE(logger.ok()) << logger.status();
  (*logger)->Log(LogLevel::kInfo, {"/db/one", "ns", 42}, "db.open",
                 {{"s", std::string_view("text")},
                  {"i", int64_t{-7}},
                  {"u", uint64_t{18446744073709551615u}},
                  {"d", 2.5},
                  {"b", true}});
  std::vector<json> lines = cap.Parsed();
  ASSERT_EQ(lines.size(), 1u);
  const json& j = lines[0];
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["event"], "db.open");
  EXPECT_EQ(j["db"], "/db/one");
  EXPECT_EQ(j["object"], "ns");
  EXPECT_EQ(j["txn"], 42);
  EXPECT_EQ(j["s"], "text");
  EXPECT_EQ(j["i"], -7);
  EXPECT_EQ(j["u"].get<uint64_t>(), 18446744073709551615u);
  EXPECT_DOUBLE_EQ(j["d"].get<double>(), 2.5);
  EXPECT_EQ(j["b"], true);
  std::regex ts(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)");
  EXPECT_TRUE(std::regex_match(j["ts"].get<std::string>(), ts)) << j["ts"];
  EXPECT_EQ(cap.lines[0].first, LogLevel::kInfo);
  // The callback gets the line alone, without a newline.
  EXPECT_EQ(cap.lines[0].second.find('\n'), std::string::npos);
  // Field order is fixed: ts, level, event, context, fields.
  EXPECT_EQ(cap.lines[0].second.rfind("{\"ts\":\"", 0), 0u);
  EXPECT_LT(cap.lines[0].second.find("\"event\""), cap.lines[0].second.find("\"db\""));
}

TEST(LoggerTest, EmptyContextFieldsAreOmitted) {
  Captured cap;
  auto logger = Logger::Create(cap.MakeOptions(), "/db");
  ASSERT_TRUE(logger.ok());
  (*logger)->Log(LogLevel::kInfo, {}, "bare");
  (*logger)->Log(LogLevel::kInfo, {"/db", {}, 0}, "db_only");
  (*logger)->Log(LogLevel::kInfo, {{}, {}, 9}, "txn_only");
  std::vector<json> lines = cap.Parsed();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].size(), 3u);  // ts, level, event
  EXPECT_FALSE(lines[0].contains("db"));
  EXPECT_FALSE(lines[0].contains("object"));
  EXPECT_FALSE(lines[0].contains("txn"));
  EXPECT_EQ(lines[1]["db"], "/db");
  EXPECT_FALSE(lines[1].contains("object"));
  EXPECT_FALSE(lines[1].contains("txn"));
  EXPECT_EQ(lines[2]["txn"], 9);
  EXPECT_FALSE(lines[2].contains("db"));
}

TEST(LoggerTest, FieldValuesConvertFromCommonTypes) {
  enum class Color { kRed = 3 };
  Captured cap;
  auto logger = Logger::Create(cap.MakeOptions(), "/db");
  ASSERT_TRUE(logger.ok());
  const std::string owned = "owned";
  const char* null_str = nullptr;
  (*logger)->Log(LogLevel::kInfo, {}, "types",
                 {{"int", 5},
                  {"unsigned", 7u},
                  {"size", size_t{9}},
                  {"u32", uint32_t{11}},
                  {"literal", "lit"},
                  {"string", owned},
                  {"null", null_str},
                  {"float", 1.5f},
                  {"flag", false},
                  {"enum", Color::kRed}});
  std::vector<json> lines = cap.Parsed();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["int"], 5);
  EXPECT_EQ(lines[0]["unsigned"], 7);
  EXPECT_EQ(lines[0]["size"], 9);
  EXPECT_EQ(lines[0]["u32"], 11);
  EXPECT_EQ(lines[0]["literal"], "lit");
  EXPECT_EQ(lines[0]["string"], "owned");
  EXPECT_EQ(lines[0]["null"], "");
  EXPECT_DOUBLE_EQ(lines[0]["float"].get<double>(), 1.5);
  EXPECT_EQ(lines[0]["flag"], false);
  EXPECT_EQ(lines[0]["enum"], 3);
}

TEST(LoggerTest, NonFiniteDoublesBecomeNull) {
  Captured cap;
  auto logger = Logger::Create(cap.MakeOptions(), "/db");
  ASSERT_TRUE(logger.ok());
  (*logger)->Log(LogLevel::kInfo, {}, "nan",
                 {{"nan", std::numeric_limits<double>::quiet_NaN()},
                  {"inf", std::numeric_limits<double>::infinity()}});
  std::vector<json> lines = cap.Parsed();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0]["nan"].is_null());
  EXPECT_TRUE(lines[0]["inf"].is_null());
}

TEST(LoggerTest, LevelFilter) {
  Captured cap;
  auto logger = Logger::Create(cap.MakeOptions(LogLevel::kWarn), "/db");
  ASSERT_TRUE(logger.ok());
  Logger& log = **logger;
  EXPECT_FALSE(log.Enabled(LogLevel::kDebug));
  EXPECT_FALSE(log.Enabled(LogLevel::kInfo));
  EXPECT_TRUE(log.Enabled(LogLevel::kWarn));
  EXPECT_TRUE(log.Enabled(LogLevel::kError));
  EXPECT_FALSE(log.Enabled(LogLevel::kOff));
  log.Log(LogLevel::kDebug, {}, "d");
  log.Log(LogLevel::kInfo, {}, "i");
  log.Log(LogLevel::kWarn, {}, "w");
  log.Log(LogLevel::kError, {}, "e");
  log.Log(LogLevel::kOff, {}, "o");
  std::vector<json> lines = cap.Parsed();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["event"], "w");
  EXPECT_EQ(lines[0]["level"], "warn");
  EXPECT_EQ(lines[1]["event"], "e");
  EXPECT_EQ(lines[1]["level"], "error");
  EXPECT_EQ(cap.lines[0].first, LogLevel::kWarn);
  EXPECT_EQ(cap.lines[1].first, LogLevel::kError);
}

TEST(LoggerTest, DebugLevelPassesEverything) {
  Captured cap;
  auto logger = Logger::Create(cap.MakeOptions(LogLevel::kDebug), "/db");
  ASSERT_TRUE(logger.ok());
  (*logger)->Log(LogLevel::kDebug, {}, "d");
  std::vector<json> lines = cap.Parsed();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["level"], "debug");
}

TEST(LoggerTest, NoneAndOffDropEverything) {
  Captured cap;
  Options none = cap.MakeOptions();
  none.log_destination = LogDestination::kNone;
  Options off = cap.MakeOptions(LogLevel::kOff);
  for (const Options& o : {none, off}) {
    auto logger = Logger::Create(o, "/db");
    ASSERT_TRUE(logger.ok());
    EXPECT_FALSE((*logger)->Enabled(LogLevel::kError));
    (*logger)->Log(LogLevel::kError, {}, "dropped");
    (*logger)->Flush();
  }
  auto null = Logger::Null();
  EXPECT_FALSE(null->Enabled(LogLevel::kError));
  null->Log(LogLevel::kError, {}, "dropped");
  null->Flush();
  EXPECT_TRUE(cap.lines.empty());
}

TEST(LoggerTest, InvalidOptions) {
  Options o;
  o.log_destination = LogDestination::kCallback;
  auto no_callback = Logger::Create(o, "/db");
  EXPECT_EQ(no_callback.status().code(), absl::StatusCode::kInvalidArgument);

  TempDir dir;
  Options f;
  f.log_destination = LogDestination::kFile;
  f.log_file_bytes = 0;
  EXPECT_EQ(Logger::Create(f, dir.path()).status().code(), absl::StatusCode::kInvalidArgument);
  f.log_file_bytes = 1000;
  f.log_files_kept = -1;
  EXPECT_EQ(Logger::Create(f, dir.path()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(LoggerTest, EscapesQuotesNewlinesControlsAndInvalidUtf8) {
  Captured cap;
  auto logger = Logger::Create(cap.MakeOptions(), "/db/\"quoted\"");
  ASSERT_TRUE(logger.ok());
  const std::string invalid = std::string("a\xff") + "b\xe2\x82" + "c\xed\xa0\x80" + "d\xc0\xaf";
  const std::string valid_utf8 = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
  (*logger)->Log(LogLevel::kInfo, {"/db/\"quoted\"", "line1\nline2", 0}, "esc\"ape\\",
                 {{"ctl", std::string_view("tab\there\x01\x1f\r\b\f", 14)},
                  {"bad", invalid},
                  {"utf8", valid_utf8},
                  {"key \"with\" quotes", 1}});
  ASSERT_EQ(cap.lines.size(), 1u);
  const std::string& raw = cap.lines[0].second;
  EXPECT_EQ(raw.find('\n'), std::string::npos);
  json j;
  ASSERT_NO_THROW(j = json::parse(raw)) << raw;
  EXPECT_EQ(j["db"], "/db/\"quoted\"");
  EXPECT_EQ(j["object"], "line1\nline2");
  EXPECT_EQ(j["event"], "esc\"ape\\");
  EXPECT_EQ(j["ctl"], std::string("tab\there\x01\x1f\r\b\f", 14));
  const std::string fffd = "\xef\xbf\xbd";
  // One replacement character per invalid byte.
  EXPECT_EQ(j["bad"],
            "a" + fffd + "b" + fffd + fffd + "c" + fffd + fffd + fffd + "d" + fffd + fffd);
  EXPECT_EQ(j["utf8"], valid_utf8);
  EXPECT_EQ(j["key \"with\" quotes"], 1);
}

TEST(LoggerTest, RenderLogLineTimestamp) {
  std::string line =
      RenderLogLine(123456, LogLevel::kError, {}, "e", {});  // 1970-01-01 plus 0.123456 s
  EXPECT_EQ(line, R"({"ts":"1970-01-01T00:00:00.123456Z","level":"error","event":"e"})");
  // 2026-11-28T03:14:15.000042Z
  line = RenderLogLine(int64_t{1795835655} * 1000000 + 42, LogLevel::kInfo, {}, "e", {});
  EXPECT_EQ(json::parse(line)["ts"], "2026-11-28T03:14:15.000042Z");
}

TEST(LoggerTest, FileDestinationWritesAndRotates) {
  TempDir dir;
  Options o;
  o.log_destination = LogDestination::kFile;
  o.log_level = LogLevel::kInfo;
  o.log_file_bytes = 2000;
  o.log_files_kept = 2;
  {
    auto logger = Logger::Create(o, dir.path());
    ASSERT_TRUE(logger.ok()) << logger.status();
    const std::string padding(60, 'x');
    for (int i = 0; i < 200; ++i) {
      (*logger)->Log(LogLevel::kInfo, {dir.path(), "obj", uint64_t(i + 1)}, "test.line",
                     {{"i", i}, {"pad", padding}});
    }
    (*logger)->Flush();
  }
  namespace fs = std::filesystem;
  const fs::path base(dir.path());
  ASSERT_TRUE(fs::exists(base / "tessera.log"));
  EXPECT_TRUE(fs::exists(base / "tessera.1.log"));
  EXPECT_TRUE(fs::exists(base / "tessera.2.log"));
  EXPECT_FALSE(fs::exists(base / "tessera.3.log"));
  int files = 0;
  for (const auto& entry : fs::directory_iterator(base)) {
    ++files;
    EXPECT_LE(fs::file_size(entry.path()), 2000u) << entry.path();
  }
  EXPECT_EQ(files, 3);
  // The newest lines are in tessera.log, each a JSON object on its own line.
  std::vector<std::string> lines = ReadLines(base / "tessera.log");
  ASSERT_FALSE(lines.empty());
  for (const std::string& line : lines) {
    json j;
    ASSERT_NO_THROW(j = json::parse(line)) << line;
    EXPECT_EQ(j["event"], "test.line");
    EXPECT_EQ(j["db"], dir.path());
  }
  EXPECT_EQ(json::parse(lines.back())["i"], 199);
  for (const char* old : {"tessera.1.log", "tessera.2.log"}) {
    for (const std::string& line : ReadLines(base / old)) {
      EXPECT_TRUE(json::accept(line)) << line;
    }
  }
}

TEST(LoggerTest, FileDestinationAppendsOnReopen) {
  TempDir dir;
  Options o;
  o.log_destination = LogDestination::kFile;
  for (int round = 0; round < 2; ++round) {
    auto logger = Logger::Create(o, dir.path());
    ASSERT_TRUE(logger.ok()) << logger.status();
    (*logger)->Log(LogLevel::kInfo, {}, "round", {{"n", round}});
  }  // destroying the logger flushes
  std::vector<std::string> lines = ReadLines(std::filesystem::path(dir.path()) / "tessera.log");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(json::parse(lines[0])["n"], 0);
  EXPECT_EQ(json::parse(lines[1])["n"], 1);
}

TEST(LoggerTest, WarnLinesAreFlushedImmediately) {
  TempDir dir;
  Options o;
  o.log_destination = LogDestination::kFile;
  auto logger = Logger::Create(o, dir.path());
  ASSERT_TRUE(logger.ok());
  (*logger)->Log(LogLevel::kWarn, {}, "warned");
  std::vector<std::string> lines = ReadLines(std::filesystem::path(dir.path()) / "tessera.log");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(json::parse(lines[0])["event"], "warned");
}

TEST(LoggerTest, FileCreationFailureIsAStatusNamingThePath) {
  TempDir dir;
  // A regular file where the database directory should be: no file can be created under it,
  // whatever the process's privileges.
  const std::string blocker = dir.path() + "/blocker";
  std::ofstream(blocker) << "x";
  const std::string db_path = blocker + "/db";
  Options o;
  o.log_destination = LogDestination::kFile;
  auto logger = Logger::Create(o, db_path);
  ASSERT_FALSE(logger.ok());
  EXPECT_NE(logger.status().message().find(db_path + "/tessera.log"), std::string::npos)
      << logger.status();
}

TEST(LoggerTest, StderrDestination) {
  Options o;
  o.log_destination = LogDestination::kStderr;
  auto logger = Logger::Create(o, "/db");
  ASSERT_TRUE(logger.ok());
  testing::internal::CaptureStderr();
  (*logger)->Log(LogLevel::kWarn, {"/db", {}, 0}, "to.stderr");
  (*logger)->Flush();
  std::string err = testing::internal::GetCapturedStderr();
  ASSERT_FALSE(err.empty());
  EXPECT_EQ(err.back(), '\n');
  json j = json::parse(err.substr(0, err.size() - 1));
  EXPECT_EQ(j["event"], "to.stderr");
}

TEST(LoggerTest, CallbackExceptionIsSwallowed) {
  Options o;
  o.log_destination = LogDestination::kCallback;
  o.log_callback = [](LogLevel, std::string_view) { throw std::runtime_error("boom"); };
  auto logger = Logger::Create(o, "/db");
  ASSERT_TRUE(logger.ok());
  EXPECT_NO_THROW((*logger)->Log(LogLevel::kError, {}, "x"));
}

TEST(LoggerTest, TwoInstancesAtOnce) {
  TempDir dir_a, dir_b;
  Options file;
  file.log_destination = LogDestination::kFile;
  auto file_a = Logger::Create(file, dir_a.path());
  auto file_b = Logger::Create(file, dir_b.path());
  ASSERT_TRUE(file_a.ok() && file_b.ok());
  Captured cap_a, cap_b;
  // Same db path for both: names must not collide.
  auto cb_a = Logger::Create(cap_a.MakeOptions(), "/same");
  auto cb_b = Logger::Create(cap_b.MakeOptions(LogLevel::kWarn), "/same");
  ASSERT_TRUE(cb_a.ok() && cb_b.ok());

  constexpr int kLines = 500;
  auto writer = [&](Logger* file_logger, Logger* cb_logger, std::string_view name) {
    for (int i = 0; i < kLines; ++i) {
      file_logger->Log(LogLevel::kInfo, {name, {}, 0}, "line", {{"i", i}});
      cb_logger->Log(LogLevel::kWarn, {name, {}, 0}, "line", {{"i", i}});
      cb_logger->Log(LogLevel::kInfo, {name, {}, 0}, "info", {{"i", i}});
    }
  };
  std::thread ta(writer, file_a->get(), cb_a->get(), "a");
  std::thread tb(writer, file_b->get(), cb_b->get(), "b");
  ta.join();
  tb.join();
  (*file_a)->Flush();
  (*file_b)->Flush();

  for (auto [dir, name] : {std::pair{&dir_a, "a"}, std::pair{&dir_b, "b"}}) {
    std::vector<std::string> lines = ReadLines(std::filesystem::path(dir->path()) / "tessera.log");
    ASSERT_EQ(lines.size(), static_cast<size_t>(kLines));
    for (int i = 0; i < kLines; ++i) {
      json j = json::parse(lines[i]);
      EXPECT_EQ(j["db"], name);
      EXPECT_EQ(j["i"], i);
    }
  }
  std::vector<json> a = cap_a.Parsed();
  std::vector<json> b = cap_b.Parsed();
  EXPECT_EQ(a.size(), 2u * kLines);                  // warn and info
  EXPECT_EQ(b.size(), static_cast<size_t>(kLines));  // warn only
  for (const json& j : a) EXPECT_EQ(j["db"], "a");
  for (const json& j : b) EXPECT_EQ(j["db"], "b");
}

TEST(LoggerTest, ConcurrentLoggingDeliversEveryLine) {
  Captured cap;
  auto logger = Logger::Create(cap.MakeOptions(), "/db");
  ASSERT_TRUE(logger.ok());
  constexpr int kThreads = 4, kLines = 1000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kLines; ++i) {
        (*logger)->Log(LogLevel::kInfo, {"/db", {}, uint64_t(t + 1)}, "c", {{"i", i}});
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<json> lines = cap.Parsed();
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::vector<int> per_thread(kThreads);
  for (const json& j : lines) ++per_thread[j["txn"].get<int>() - 1];
  for (int n : per_thread) EXPECT_EQ(n, kLines);
}

}  // namespace
}  // namespace tessera::internal
