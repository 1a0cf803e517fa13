// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The key-value scan cursor: a bounded RocksDB iterator that skips expired entries and strips
// the namespace prefix and the value envelope.
#pragma once

#include <memory>

#include "core/engine/read_source.h"
#include "tessera/kv.h"

namespace tessera::kv {

// Not thread-safe. Holds a live-handle count on the engine so the database cannot close under it.
std::unique_ptr<Cursor<KvEntry>> NewKvCursor(internal::Engine* engine,
                                             std::unique_ptr<internal::BoundedIterator> it,
                                             bool reverse, size_t limit);

// An empty cursor (for a namespace that does not exist).
std::unique_ptr<Cursor<KvEntry>> NewEmptyKvCursor();

}  // namespace tessera::kv
