// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Status code names and the conversion from rocksdb::Status.
#include "tessera/status.h"

#include "core/util/rocks_status.h"
#include "core/util/strings.h"

namespace tessera {

const char* StatusCodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return "ok";
    case absl::StatusCode::kCancelled:
      return "cancelled";
    case absl::StatusCode::kUnknown:
      return "unknown";
    case absl::StatusCode::kInvalidArgument:
      return "invalid_argument";
    case absl::StatusCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case absl::StatusCode::kNotFound:
      return "not_found";
    case absl::StatusCode::kAlreadyExists:
      return "already_exists";
    case absl::StatusCode::kPermissionDenied:
      return "permission_denied";
    case absl::StatusCode::kResourceExhausted:
      return "resource_exhausted";
    case absl::StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case absl::StatusCode::kAborted:
      return "conflict";
    case absl::StatusCode::kOutOfRange:
      return "out_of_range";
    case absl::StatusCode::kUnimplemented:
      return "unimplemented";
    case absl::StatusCode::kInternal:
      return "internal";
    case absl::StatusCode::kUnavailable:
      return "unavailable";
    case absl::StatusCode::kDataLoss:
      return "data_loss";
    case absl::StatusCode::kUnauthenticated:
      return "unauthenticated";
    default:
      return "unknown";
  }
}

namespace internal {

absl::Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = util::StrCat(context, ": ", s.ToString());
  switch (s.code()) {
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(msg);
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(msg);
    case rocksdb::Status::kNotSupported:
      return absl::UnimplementedError(msg);
    case rocksdb::Status::kInvalidArgument:
      return absl::InvalidArgumentError(msg);
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTryAgain:
      return absl::AbortedError(util::StrCat(context, ": write conflict (retry the transaction)"));
    case rocksdb::Status::kTimedOut:
      return absl::AbortedError(
          util::StrCat(context, ": write conflict, lock wait timed out (retry the transaction)"));
    case rocksdb::Status::kAborted:
      return absl::AbortedError(msg);
    case rocksdb::Status::kExpired:
      return absl::AbortedError(util::StrCat(context, ": transaction expired"));
    case rocksdb::Status::kIOError:
      if (s.subcode() == rocksdb::Status::kNoSpace) {
        return absl::ResourceExhaustedError(util::StrCat(context, ": disk full: ", s.ToString()));
      }
      return absl::UnavailableError(msg);
    case rocksdb::Status::kIncomplete:
      return absl::UnavailableError(msg);
    case rocksdb::Status::kShutdownInProgress:
      return absl::FailedPreconditionError(util::StrCat(context, ": database is closing"));
    default:
      return absl::InternalError(msg);
  }
}

}  // namespace internal
}  // namespace tessera
