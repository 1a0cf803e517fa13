// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Cursor<T>: the one iterator contract shared by every Tessera scan (key-value ranges, and the
// scans of later models). A cursor is positioned on its first entry when it is returned.
//
//   for (auto c = kv->Scan("ns", {}); c->Valid(); c->Next()) Use(c->entry());
//   RETURN_IF_ERROR(c->status());   // a scan can end early because of an error
//
// Thread safety: a cursor is not thread-safe; use it from one thread at a time.
#pragma once

#include "absl/status/status.h"

namespace tessera {

template <typename T>
class Cursor {
 public:
  Cursor() = default;
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  virtual ~Cursor() = default;

  // True while the cursor is positioned on an entry. False at the end, or after an error.
  virtual bool Valid() const = 0;

  // Moves to the next entry. REQUIRES: Valid().
  virtual void Next() = 0;

  // The current entry. REQUIRES: Valid(). Views inside the entry stay valid until the next call
  // to Next() or the destruction of the cursor, whichever comes first.
  virtual const T& entry() const = 0;

  // OK unless the scan stopped because of an error. Check it once Valid() is false.
  virtual absl::Status status() const = 0;
};

}  // namespace tessera
