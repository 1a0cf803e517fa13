// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The exporter as a separate process, for the crash test: exports events 1..COUNT (the payloads
// of TestPayload) whose acknowledged position lives in STATE_FILE, and exits 0 once all are
// acknowledged. With KILL_AT > 0 it SIGKILLs itself right after sending the first batch that
// reaches KILL_AT, while that batch's acknowledgements are still in flight.
//
//   nats_export_child URL STREAM SUBJECT COUNT STATE_FILE BATCH KILL_AT
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "tests/nats_export/nats_test_util.h"
#include "tools/nats_export/nats_exporter.h"

namespace tessera::nats_export::test {
namespace {

// Events 1..count; the acknowledged position is written to a file (write, then rename).
class FileSource : public EventSource {
 public:
  FileSource(uint64_t count, std::string path) : count_(count), path_(std::move(path)) {
    std::ifstream in(path_);
    if (!(in >> acked_)) acked_ = 0;
  }

  absl::StatusOr<std::vector<ExportEvent>> Next(size_t limit, absl::Duration wait) override {
    std::vector<ExportEvent> out;
    for (uint64_t seq = acked_ + 1; seq <= count_ && out.size() < limit; ++seq) {
      out.push_back({.seq = seq,
                     .msg_id = std::to_string(seq),
                     .payload = TestPayload(seq),
                     .headers = {{"Tessera-Op", "c"}}});
    }
    return out;
  }

  absl::Status Ack(const ExportEvent& last) override {
    const std::string tmp = path_ + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << last.seq << "\n";
      if (!out.flush()) return absl::InternalError("cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
      return absl::InternalError("cannot rename " + tmp);
    }
    acked_ = last.seq;
    if (acked_ >= count_) done_.store(true);
    return absl::OkStatus();
  }

  std::atomic<bool>& done() { return done_; }

 private:
  const uint64_t count_;
  const std::string path_;
  uint64_t acked_ = 0;
  std::atomic<bool> done_{false};
};

int Main(int argc, char** argv) {
  if (argc != 8) {
    std::fprintf(stderr, "usage: %s URL STREAM SUBJECT COUNT STATE_FILE BATCH KILL_AT\n", argv[0]);
    return 2;
  }
  const uint64_t count = std::strtoull(argv[4], nullptr, 10);
  const uint64_t kill_at = std::strtoull(argv[7], nullptr, 10);
  FileSource source(count, argv[5]);
  NatsExportOptions options;
  options.url = argv[1];
  options.stream = argv[2];
  options.subject = argv[3];
  options.batch_size = std::strtoull(argv[6], nullptr, 10);
  options.ack_timeout = absl::Seconds(10);
  options.on_log = [](std::string_view line) {
    std::fprintf(stderr, "child: %.*s\n", static_cast<int>(line.size()), line.data());
  };
  if (kill_at > 0) {
    options.after_send_hook = [kill_at](uint64_t last) {
      if (last >= kill_at) raise(SIGKILL);
    };
  }
  absl::StatusOr<std::unique_ptr<NatsExporter>> exporter = NatsExporter::Create(options, &source);
  if (!exporter.ok()) {
    std::fprintf(stderr, "child: %s\n", std::string(exporter.status().message()).c_str());
    return 1;
  }
  absl::Status s = (*exporter)->Run(source.done());
  if (!s.ok()) {
    std::fprintf(stderr, "child: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace tessera::nats_export::test

int main(int argc, char** argv) { return tessera::nats_export::test::Main(argc, argv); }
