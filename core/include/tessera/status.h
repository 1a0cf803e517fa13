// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Status helpers shared by every Tessera API. Every fallible call returns absl::Status or
// absl::StatusOr<T>; no exception crosses the public API.
//
// Error codes used across Tessera:
//   InvalidArgument     bad input (names, sizes, syntax); the message names the input.
//   NotFound            a named object that must exist does not.
//   AlreadyExists       a create that collides with an existing object or key.
//   Aborted             a write-write conflict: retryable (see IsConflict / DB::RunTransaction).
//   FailedPrecondition  wrong state: closed database, finished transaction, unknown format.
//   Unavailable         the database directory is locked by another process.
//   ResourceExhausted   a hard limit was hit (transaction size).
//   DataLoss            corruption detected on disk.
//   Internal / Unknown  a bug or an unexpected storage error.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tessera {

// True when `s` reports a write-write conflict: the transaction can be retried from the start.
inline bool IsConflict(const absl::Status& s) { return absl::IsAborted(s); }

// A short, stable, lower-case name for a status code ("invalid_argument", "aborted", ...),
// used by the shell's JSON error objects.
const char* StatusCodeName(absl::StatusCode code);

}  // namespace tessera

#define TESSERA_CONCAT_INNER_(a, b) a##b
#define TESSERA_CONCAT_(a, b) TESSERA_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::absl::Status tessera_status_ = (expr);           \
    if (!tessera_status_.ok()) return tessera_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, Foo())`: assigns the value of an absl::StatusOr, or returns its
// error from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  TESSERA_ASSIGN_OR_RETURN_IMPL_(TESSERA_CONCAT_(tessera_statusor_, __LINE__), lhs, expr)
#define TESSERA_ASSIGN_OR_RETURN_IMPL_(var, lhs, expr) \
  auto var = (expr);                                   \
  if (!var.ok()) return std::move(var).status();       \
  lhs = std::move(var).value()
