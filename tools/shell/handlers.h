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

// commands_wide.cc
absl::StatusOr<Json> WideCreate(Session& session, const Invocation& call);
absl::StatusOr<Json> WidePut(Session& session, const Invocation& call);
absl::StatusOr<Json> WideGet(Session& session, const Invocation& call);
absl::StatusOr<Json> WideScan(Session& session, const Invocation& call);
absl::StatusOr<Json> WideDel(Session& session, const Invocation& call);
absl::StatusOr<Json> WideIncr(Session& session, const Invocation& call);
absl::StatusOr<Json> WideCheckput(Session& session, const Invocation& call);

// commands_ts.cc
absl::StatusOr<Json> TsWrite(Session& session, const Invocation& call);
absl::StatusOr<Json> TsImport(Session& session, const Invocation& call);
absl::StatusOr<Json> TsQuery(Session& session, const Invocation& call);
absl::StatusOr<Json> TsLast(Session& session, const Invocation& call);
absl::StatusOr<Json> TsSeries(Session& session, const Invocation& call);
absl::StatusOr<Json> TsRetention(Session& session, const Invocation& call);
absl::StatusOr<Json> TsDownsample(Session& session, const Invocation& call);
absl::StatusOr<Json> TsStats(Session& session, const Invocation& call);

// commands_graph.cc
absl::StatusOr<Json> GraphAddv(Session& session, const Invocation& call);
absl::StatusOr<Json> GraphGetv(Session& session, const Invocation& call);
absl::StatusOr<Json> GraphDelv(Session& session, const Invocation& call);
absl::StatusOr<Json> GraphAdde(Session& session, const Invocation& call);
absl::StatusOr<Json> GraphDele(Session& session, const Invocation& call);
absl::StatusOr<Json> GraphNeighbors(Session& session, const Invocation& call);
absl::StatusOr<Json> GraphKhop(Session& session, const Invocation& call);
absl::StatusOr<Json> GraphPath(Session& session, const Invocation& call);
absl::StatusOr<Json> GraphPagerank(Session& session, const Invocation& call);
absl::StatusOr<Json> GraphComponents(Session& session, const Invocation& call);
absl::StatusOr<Json> GraphTriangles(Session& session, const Invocation& call);
absl::StatusOr<Json> GraphLoad(Session& session, const Invocation& call);

// commands_doc.cc
absl::StatusOr<Json> DocInsert(Session& session, const Invocation& call);
absl::StatusOr<Json> DocGet(Session& session, const Invocation& call);
absl::StatusOr<Json> DocFind(Session& session, const Invocation& call);
absl::StatusOr<Json> DocCount(Session& session, const Invocation& call);
absl::StatusOr<Json> DocUpdate(Session& session, const Invocation& call);
absl::StatusOr<Json> DocDelete(Session& session, const Invocation& call);
absl::StatusOr<Json> DocExplainCmd(Session& session, const Invocation& call);
absl::StatusOr<Json> DocIndexCreate(Session& session, const Invocation& call);
absl::StatusOr<Json> DocIndexList(Session& session, const Invocation& call);
absl::StatusOr<Json> DocIndexDrop(Session& session, const Invocation& call);
absl::StatusOr<Json> DocImport(Session& session, const Invocation& call);
absl::StatusOr<Json> DocExport(Session& session, const Invocation& call);

// commands_io.cc
absl::StatusOr<Json> Import(Session& session, const Invocation& call);
absl::StatusOr<Json> Export(Session& session, const Invocation& call);
absl::StatusOr<Json> Dump(Session& session, const Invocation& call);
absl::StatusOr<Json> Restore(Session& session, const Invocation& call);
absl::StatusOr<Json> Backup(Session& session, const Invocation& call);

// commands_feed.cc (`changes` is an alias of `feed read`)
absl::StatusOr<Json> FeedRead(Session& session, const Invocation& call);
absl::StatusOr<Json> FeedTail(Session& session, const Invocation& call);
absl::StatusOr<Json> FeedConsumerCreate(Session& session, const Invocation& call);
absl::StatusOr<Json> FeedConsumerNext(Session& session, const Invocation& call);
absl::StatusOr<Json> FeedConsumerAck(Session& session, const Invocation& call);
absl::StatusOr<Json> FeedConsumerList(Session& session, const Invocation& call);
absl::StatusOr<Json> FeedConsumerDrop(Session& session, const Invocation& call);
absl::StatusOr<Json> FeedRetention(Session& session, const Invocation& call);

// commands_feed_export.cc
absl::StatusOr<Json> FeedExport(Session& session, const Invocation& call);

// commands_admin.cc
absl::StatusOr<Json> Begin(Session& session, const Invocation& call);
absl::StatusOr<Json> Commit(Session& session, const Invocation& call);
absl::StatusOr<Json> Rollback(Session& session, const Invocation& call);
absl::StatusOr<Json> List(Session& session, const Invocation& call);
absl::StatusOr<Json> Stats(Session& session, const Invocation& call);
absl::StatusOr<Json> Help(Session& session, const Invocation& call);
absl::StatusOr<Json> Quit(Session& session, const Invocation& call);

// commands_dot.cc
absl::StatusOr<Json> DotFormat(Session& session, const Invocation& call);
absl::StatusOr<Json> DotTimer(Session& session, const Invocation& call);

}  // namespace tessera::shell::handlers
