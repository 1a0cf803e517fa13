// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The NATS exporter tests' helpers.
#include "tests/nats_export/nats_test_util.h"

#include <fcntl.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/util/strings.h"

namespace tessera::nats_export::test {
namespace {

bool IsExecutable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Connects with a JetStream context; both null on failure.
struct Client {
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  ~Client() {
    if (js != nullptr) jsCtx_Destroy(js);
    if (nc != nullptr) natsConnection_Destroy(nc);
  }
  natsStatus Connect(const std::string& url) {
    natsStatus s = natsConnection_ConnectTo(&nc, url.c_str());
    if (s == NATS_OK) s = natsConnection_JetStream(&js, nc, nullptr);
    return s;
  }
};

absl::Status Error(natsStatus s, std::string_view what) {
  return absl::InternalError(util::StrCat(what, ": ", natsStatus_GetText(s)));
}

}  // namespace

std::string FindNatsServer() {
  if (const char* path = std::getenv("PATH")) {
    std::string p = path;
    size_t start = 0;
    while (start <= p.size()) {
      size_t colon = p.find(':', start);
      if (colon == std::string::npos) colon = p.size();
      std::string candidate = p.substr(start, colon - start) + "/nats-server";
      if (colon > start && IsExecutable(candidate)) return candidate;
      start = colon + 1;
    }
  }
  for (const char* dir : {"/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin"}) {
    std::string candidate = std::string(dir) + "/nats-server";
    if (IsExecutable(candidate)) return candidate;
  }
  return "";
}

NatsServer::~NatsServer() { Kill(); }

absl::Status NatsServer::Start() {
  const std::string binary = FindNatsServer();
  if (binary.empty()) return absl::NotFoundError("nats-server is not installed");
  if (port_ == 0) port_ = FreePort();
  if (port_ == 0) return absl::InternalError("no free port");
  const std::string port = std::to_string(port_);
  const std::string log = store_dir_ + "/server.log";
  std::vector<std::string> args = {binary, "-js", "-a",       "127.0.0.1", "-p",
                                   port,   "-sd", store_dir_, "-l",        log};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // fork + exec (only async-signal-safe calls in between): the server gets no stdout/stderr of
  // ours (it would keep a pipe reading the test's output open) and dies with the test.
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
      dup2(devnull, STDOUT_FILENO);
      dup2(devnull, STDERR_FILENO);
    }
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  pid_ = pid;
  // Wait until it serves JetStream (bounded: a broken server fails the test, it cannot hang it).
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::InternalError(
          util::StrCat("nats-server exited at start; its log:\n", ReadFile(log)));
    }
    Client client;
    if (client.Connect(url()) == NATS_OK) {
      jsAccountInfo* info = nullptr;
      if (js_GetAccountInfo(&info, client.js, nullptr, nullptr) == NATS_OK) {
        jsAccountInfo_Destroy(info);
        return absl::OkStatus();
      }
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(util::StrCat("nats-server did not serve JetStream on ", url(),
                                                  "; its log:\n", ReadFile(log)));
}

void NatsServer::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

absl::StatusOr<StreamContents> ReadStream(const std::string& url, const std::string& stream) {
  Client client;
  if (natsStatus s = client.Connect(url); s != NATS_OK) return Error(s, "connect");
  jsStreamInfo* si = nullptr;
  if (natsStatus s = js_GetStreamInfo(&si, client.js, stream.c_str(), nullptr, nullptr);
      s != NATS_OK) {
    return Error(s, "stream info");
  }
  StreamContents out;
  out.messages = si->State.Msgs;
  const uint64_t first = si->State.FirstSeq;
  const uint64_t last = si->State.LastSeq;
  jsStreamInfo_Destroy(si);
  for (uint64_t seq = first; out.messages > 0 && seq <= last; ++seq) {
    natsMsg* msg = nullptr;
    natsStatus s = js_GetMsg(&msg, client.js, stream.c_str(), seq, nullptr, nullptr);
    if (s == NATS_NOT_FOUND) continue;
    if (s != NATS_OK) return Error(s, util::StrCat("get message ", seq));
    const char* value = nullptr;
    out.msg_ids.push_back(natsMsgHeader_Get(msg, "Nats-Msg-Id", &value) == NATS_OK ? value : "");
    value = nullptr;
    out.op_headers.push_back(natsMsgHeader_Get(msg, "Tessera-Op", &value) == NATS_OK ? value : "");
    out.payloads.emplace_back(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    out.subjects.emplace_back(natsMsg_GetSubject(msg));
    natsMsg_Destroy(msg);
  }
  return out;
}

uint64_t StreamMessages(const std::string& url, const std::string& stream) {
  Client client;
  if (client.Connect(url) != NATS_OK) return 0;
  jsStreamInfo* si = nullptr;
  if (js_GetStreamInfo(&si, client.js, stream.c_str(), nullptr, nullptr) != NATS_OK) return 0;
  const uint64_t n = si->State.Msgs;
  jsStreamInfo_Destroy(si);
  return n;
}

absl::Status CreateStream(const std::string& url, const std::string& stream,
                          const std::string& subject) {
  Client client;
  if (natsStatus s = client.Connect(url); s != NATS_OK) return Error(s, "connect");
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  const char* subjects[] = {subject.c_str()};
  cfg.Name = stream.c_str();
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  jsStreamInfo* si = nullptr;
  if (natsStatus s = js_AddStream(&si, client.js, &cfg, nullptr, nullptr); s != NATS_OK) {
    return Error(s, "add stream");
  }
  jsStreamInfo_Destroy(si);
  return absl::OkStatus();
}

std::string TestPayload(uint64_t seq) {
  return util::StrCat(R"({"seq":)", seq, R"(,"data":"event-)", seq, R"("})");
}

absl::StatusOr<std::vector<ExportEvent>> MemorySource::Next(size_t limit, absl::Duration wait) {
  uint64_t from;
  {
    util::MutexLock lock(&mu_);
    from = acked_ + 1;
  }
  std::vector<ExportEvent> out;
  for (uint64_t seq = from; seq <= count_ && out.size() < limit; ++seq) {
    ExportEvent e;
    e.seq = seq;
    e.msg_id = std::to_string(seq);
    e.payload = TestPayload(seq);
    e.headers = {{"Tessera-Op", "c"}};
    out.push_back(std::move(e));
  }
  if (out.empty()) absl::SleepFor(std::min(wait, absl::Milliseconds(10)));
  return out;
}

absl::Status MemorySource::Ack(const ExportEvent& last) {
  if (fail_ack_at_.has_value() && last.seq >= *fail_ack_at_) {
    fail_ack_at_.reset();
    return absl::InternalError("simulated crash before the acknowledgement");
  }
  if (park_at_.has_value() && last.seq >= *park_at_) {
    park_at_.reset();
    util::MutexLock lock(&mu_);
    parked_ = true;
    mu_.Await(util::Condition(&released_));
  }
  util::MutexLock lock(&mu_);
  if (last.seq > acked_) acked_ = last.seq;
  if (acked_ >= count_ && done_flag_ != nullptr) done_flag_->store(true);
  return absl::OkStatus();
}

uint64_t MemorySource::acked() const {
  util::MutexLock lock(&mu_);
  return acked_;
}

bool MemorySource::WaitParked(absl::Duration timeout) {
  util::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(util::Condition(&parked_), timeout);
}

void MemorySource::Release() {
  util::MutexLock lock(&mu_);
  released_ = true;
}

}  // namespace tessera::nats_export::test
