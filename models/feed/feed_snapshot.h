// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The contents of one object as snapshot events (op 'r'), in the same key and image forms as the
// model's own change events, read at a consistent snapshot.
#pragma once

#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "tessera/db.h"

namespace tessera::feed {

// Calls `emit` with one event per key of `info` as seen by `snapshot`: key-value entries,
// documents (key: the _id as JSON), wide-column rows (the newest version of each column), graph
// vertices ("v:ID") then edges ("e:ID"). The events carry model, object, op 'r', key and after;
// the caller numbers them. A time series (whose own events summarise write batches) gives one
// event per series and 2-hour window holding points ("FIELD,TAG=V,...@WINDOW_START").
absl::Status ReadSnapshotEvents(DB* db, const Snapshot& snapshot, const ObjectInfo& info,
                                absl::FunctionRef<absl::Status(ChangeEvent)> emit);

}  // namespace tessera::feed
