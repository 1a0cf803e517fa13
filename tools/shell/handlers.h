// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The command handlers the command table points to. Internal to the shell library: call
// commands through Session::Execute.
#pragma once

#include "absl/status/statusor.h"
#include "tools/shell/commands.h"

namespace tessera::shell::handlers {

// commands_kv.cc
absl::StatusOr<Json> KvPut(Session& session, const Invocation& call);
absl::StatusOr<Json> KvGet(Session& session, const Invocation& call);
absl::StatusOr<Json> KvDel(Session& session, const Invocation& call);
absl::StatusOr<Json> KvScan(Session& session, const Invocation& call);
absl::StatusOr<Json> KvIncr(Session& session, const Invocation& call);
absl::StatusOr<Json> KvCas(Session& session, const Invocation& call);

// commands_admin.cc
absl::StatusOr<Json> Begin(Session& session, const Invocation& call);
absl::StatusOr<Json> Commit(Session& session, const Invocation& call);
absl::StatusOr<Json> Rollback(Session& session, const Invocation& call);
absl::StatusOr<Json> Changes(Session& session, const Invocation& call);
absl::StatusOr<Json> List(Session& session, const Invocation& call);
absl::StatusOr<Json> Stats(Session& session, const Invocation& call);
absl::StatusOr<Json> Help(Session& session, const Invocation& call);
absl::StatusOr<Json> Quit(Session& session, const Invocation& call);

}  // namespace tessera::shell::handlers
