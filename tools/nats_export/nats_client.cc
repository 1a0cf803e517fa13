// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The libnats calls of the exporter. Every libnats object is released on every path; messages
// handed to js_PublishMsgAsync belong to the library, which passes them back to OnAck.
#include "tools/nats_export/nats_client.h"

#include <nats/nats.h>

#include <string>
#include <vector>

#include "core/util/strings.h"
#include "tessera/status.h"

namespace tessera::nats_export {
namespace {

constexpr char kMsgIdHeader[] = "Nats-Msg-Id";
// How often a wait for acknowledgements checks whether the connection died.
constexpr absl::Duration kAckPollSlice = absl::Milliseconds(50);

// libnats' callback for every asynchronous publish acknowledgement, positive or negative. Runs on
// a libnats thread; the last touch of `closure` is the mutex release.
void OnAck(jsCtx* /*js*/, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure) {
  auto* state = static_cast<AckState*>(closure);
  {
    util::MutexLock lock(&state->mu);
    if (pa != nullptr) {
      ++state->acked;
      if (pa->Duplicate) ++state->duplicates;
    } else {
      ++state->failed;
      if (state->first_error.empty()) {
        const char* text = pae != nullptr && pae->ErrText != nullptr ? pae->ErrText : "";
        state->first_error =
            pae != nullptr ? util::StrCat(natsStatus_GetText(pae->Err), " (", text,
                                          ", JetStream error ", static_cast<int>(pae->ErrCode), ")")
                           : std::string("unknown publish error");
      }
    }
  }
  natsMsg_Destroy(msg);
}

std::vector<std::string> SplitUrls(const std::string& url) {
  std::vector<std::string> urls;
  size_t start = 0;
  while (start <= url.size()) {
    size_t comma = url.find(',', start);
    if (comma == std::string::npos) comma = url.size();
    std::string one = url.substr(start, comma - start);
    size_t b = one.find_first_not_of(" \t");
    size_t e = one.find_last_not_of(" \t");
    if (b != std::string::npos) urls.push_back(one.substr(b, e - b + 1));
    start = comma + 1;
  }
  return urls;
}

}  // namespace

absl::Status NatsError(int status, std::string_view what, int js_error_code) {
  const auto s = static_cast<natsStatus>(status);
  std::string message = util::StrCat(what, ": ", natsStatus_GetText(s));
  natsStatus last_status = NATS_OK;
  const char* last = nats_GetLastError(&last_status);
  if (last != nullptr && last[0] != '\0' && last_status == s) {
    message = util::StrCat(message, " (", last, ")");
  }
  if (js_error_code != 0) message = util::StrCat(message, " [JetStream error ", js_error_code, "]");
  switch (s) {
    case NATS_NO_SERVER:
    case NATS_CONNECTION_CLOSED:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_STALE_CONNECTION:
    case NATS_IO_ERROR:
    case NATS_TIMEOUT:
      return absl::UnavailableError(message);
    case NATS_NO_RESPONDERS:
      return absl::UnavailableError(
          util::StrCat(message, "; is JetStream enabled on the server (nats-server -js)?"));
    default:
      return absl::InternalError(message);
  }
}

bool SubjectMatches(std::string_view pattern, std::string_view subject) {
  while (true) {
    size_t pd = pattern.find('.');
    size_t sd = subject.find('.');
    std::string_view ptok = pattern.substr(0, pd);
    std::string_view stok = subject.substr(0, sd);
    if (ptok == ">") return !subject.empty();
    if (ptok != "*" && ptok != stok) return false;
    if (pd == std::string_view::npos || sd == std::string_view::npos) {
      return pd == std::string_view::npos && sd == std::string_view::npos;
    }
    pattern.remove_prefix(pd + 1);
    subject.remove_prefix(sd + 1);
  }
}

absl::Status ValidateSubject(std::string_view subject, std::string_view what) {
  if (subject.empty()) return absl::InvalidArgumentError(util::StrCat(what, " is empty"));
  size_t start = 0;
  while (true) {
    size_t dot = subject.find('.', start);
    std::string_view token =
        subject.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (token.empty()) {
      return absl::InvalidArgumentError(
          util::StrCat(what, " '", subject, "' has an empty token (two dots, or a dot at an end)"));
    }
    if (token == "*" || token == ">") {
      return absl::InvalidArgumentError(util::StrCat(
          what, " '", subject, "' has a wildcard; messages are published to a literal subject"));
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  for (char c : subject) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      return absl::InvalidArgumentError(util::StrCat(what, " '", subject, "' contains a space"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateStreamName(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("the stream name is empty");
  for (char c : name) {
    if (c == '.' || c == '*' || c == '>' || c == ' ' || c == '\t' || c == '/' || c == '\\' ||
        c < 0x20) {
      return absl::InvalidArgumentError(
          util::StrCat("the stream name '", name, "' contains '", std::string(1, c),
                       "'; stream names may not contain '.', '*', '>', '/', '\\' or spaces"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<JetStreamConnection>> JetStreamConnection::Connect(
    const std::string& url, absl::Duration timeout, size_t max_in_flight, AckState* acks) {
  std::vector<std::string> urls = SplitUrls(url);
  if (urls.empty()) return absl::InvalidArgumentError("the NATS URL is empty");
  std::vector<const char*> servers;
  for (const std::string& u : urls) servers.push_back(u.c_str());

  natsOptions* opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  if (s == NATS_OK)
    s = natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
  if (s == NATS_OK) s = natsOptions_SetNoRandomize(opts, true);
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts, absl::ToInt64Milliseconds(timeout));
  if (s == NATS_OK) s = natsOptions_SetAllowReconnect(opts, false);
  if (s == NATS_OK) s = natsOptions_SetName(opts, "tessera-nats-export");
  natsConnection* nc = nullptr;
  if (s == NATS_OK) s = natsConnection_Connect(&nc, opts);
  natsOptions_Destroy(opts);
  if (s != NATS_OK) return NatsError(s, util::StrCat("cannot connect to NATS at ", url));

  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = absl::ToInt64Milliseconds(timeout);
  jo.PublishAsync.MaxPending = static_cast<int64_t>(max_in_flight);
  jo.PublishAsync.AckHandler = &OnAck;
  jo.PublishAsync.AckHandlerClosure = acks;
  jsCtx* js = nullptr;
  s = natsConnection_JetStream(&js, nc, &jo);
  if (s != NATS_OK) {
    natsConnection_Destroy(nc);
    return NatsError(s, "cannot create a JetStream context");
  }
  return std::unique_ptr<JetStreamConnection>(new JetStreamConnection(url, nc, js, acks));
}

JetStreamConnection::~JetStreamConnection() {
  DropPending();
  natsConnection_Close(nc_);
  jsCtx_Destroy(js_);
  natsConnection_Destroy(nc_);
}

void JetStreamConnection::DropPending() {
  // libnats 3.4 crashes listing the pending messages of a context that never published.
  if (!published_) return;
  natsMsgList pending;
  if (js_PublishAsyncGetPendingList(&pending, js_) == NATS_OK) natsMsgList_Destroy(&pending);
}

absl::StatusOr<StreamCheck> JetStreamConnection::EnsureStream(const std::string& stream,
                                                              const std::string& subject,
                                                              absl::Duration duplicate_window) {
  StreamCheck check;
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&si, js_, stream.c_str(), nullptr, &jerr);
  if (s == NATS_NOT_FOUND || jerr == JSStreamNotFoundErr) {
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const char* subjects[] = {subject.c_str()};
    cfg.Name = stream.c_str();
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Duplicates = absl::ToInt64Nanoseconds(duplicate_window);
    jerr = static_cast<jsErrCode>(0);
    si = nullptr;
    s = js_AddStream(&si, js_, &cfg, nullptr, &jerr);
    if (s != NATS_OK) {
      return NatsError(s, util::StrCat("cannot create JetStream stream ", stream), jerr);
    }
    check.created = true;
  } else if (s != NATS_OK) {
    return NatsError(s, util::StrCat("cannot read JetStream stream ", stream), jerr);
  }
  bool takes_subject = false;
  std::string subjects;
  for (int i = 0; si->Config != nullptr && i < si->Config->SubjectsLen; ++i) {
    const char* pattern = si->Config->Subjects[i];
    if (SubjectMatches(pattern, subject)) takes_subject = true;
    subjects = util::StrCat(subjects, subjects.empty() ? "" : ", ", pattern);
  }
  if (si->Config != nullptr) check.duplicate_window = absl::Nanoseconds(si->Config->Duplicates);
  check.messages = si->State.Msgs;
  jsStreamInfo_Destroy(si);
  if (!takes_subject) {
    return absl::FailedPreconditionError(util::StrCat(
        "JetStream stream ", stream, " does not take subject ", subject, " (its subjects: ",
        subjects.empty() ? "none" : subjects, "); choose a subject it takes, or another stream"));
  }
  return check;
}

absl::Status JetStreamConnection::SendBatch(const std::string& subject,
                                            std::span<const ExportEvent> events) {
  for (const ExportEvent& e : events) {
    natsMsg* msg = nullptr;
    natsStatus s = natsMsg_Create(&msg, subject.c_str(), nullptr, e.payload.data(),
                                  static_cast<int>(e.payload.size()));
    if (s == NATS_OK) s = natsMsgHeader_Set(msg, kMsgIdHeader, e.msg_id.c_str());
    for (const auto& [name, value] : e.headers) {
      if (s == NATS_OK) s = natsMsgHeader_Set(msg, name.c_str(), value.c_str());
    }
    if (s == NATS_OK) {
      published_ = true;
      s = js_PublishMsgAsync(js_, &msg, nullptr);
    }
    natsMsg_Destroy(msg);  // a no-op when the library took the message
    if (s != NATS_OK) {
      return NatsError(s, util::StrCat("cannot publish event ", e.seq, " to ", subject));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<BatchAck> JetStreamConnection::PublishBatch(
    const std::string& subject, std::span<const ExportEvent> events, absl::Duration ack_timeout,
    const std::function<void()>& after_send) {
  {
    util::MutexLock lock(&acks_->mu);
    acks_->expected = events.size();
    acks_->acked = acks_->duplicates = acks_->failed = 0;
    acks_->first_error.clear();
  }
  if (absl::Status sent = SendBatch(subject, events); !sent.ok()) {
    DropPending();
    return sent;
  }
  if (after_send) after_send();

  const absl::Time deadline = absl::Now() + ack_timeout;
  auto all_in = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(acks_->mu) {
    return acks_->acked + acks_->failed >= acks_->expected;
  };
  util::MutexLock lock(&acks_->mu);
  while (!all_in()) {
    const absl::Time now = absl::Now();
    if (now >= deadline || natsConnection_IsClosed(nc_)) {
      const uint64_t missing = acks_->expected - acks_->acked - acks_->failed;
      const bool closed = natsConnection_IsClosed(nc_);
      acks_->mu.Unlock();
      DropPending();
      acks_->mu.Lock();
      if (closed) {
        return absl::UnavailableError(util::StrCat("the connection to ", url_, " closed with ",
                                                   missing, " of ", events.size(),
                                                   " publishes unacknowledged"));
      }
      return absl::UnavailableError(util::StrCat("no publish acknowledgement for ", missing, " of ",
                                                 events.size(), " messages within ",
                                                 absl::FormatDuration(ack_timeout)));
    }
    acks_->mu.AwaitWithTimeout(util::Condition(&all_in), std::min(kAckPollSlice, deadline - now));
  }
  if (acks_->failed > 0) {
    return absl::InternalError(util::StrCat("JetStream refused ", acks_->failed, " of ",
                                            events.size(), " messages: ", acks_->first_error));
  }
  return BatchAck{.stored = acks_->acked - acks_->duplicates, .duplicates = acks_->duplicates};
}

}  // namespace tessera::nats_export
