// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Change-log event encoding (layout drawn in event_codec.h).
#include "core/changelog/event_codec.h"

#include "core/codec/coding.h"
#include "core/codec/json_text.h"
#include "core/util/strings.h"
#include "tessera/status.h"

namespace tessera::internal {

void EncodeEventValue(const ChangeEvent& e, std::string* out) {
  EncodeEventHead(e.commit_time_us, e.txn_id, e.txn_index, e.txn_events, out);
  EncodeEventTail(e, out);
}

void EncodeEventHead(int64_t commit_time_us, uint64_t txn_id, uint32_t txn_index,
                     uint32_t txn_events, std::string* out) {
  out->push_back(static_cast<char>(kEventFormatVersion));
  codec::PutVarsint64(out, commit_time_us);
  codec::PutVarint64(out, txn_id);
  codec::PutVarint64(out, txn_index);
  codec::PutVarint64(out, txn_events);
}

namespace {

// The tail's fields before the images: model .. flags.
void EncodeEventFields(const ChangeEvent& e, std::string* out) {
  out->push_back(static_cast<char>(e.model));
  codec::PutVarint64(out, e.object_id);
  codec::PutLengthPrefixed(out, e.object);
  out->push_back(static_cast<char>(e.op));
  out->push_back(static_cast<char>(e.key_format));
  codec::PutLengthPrefixed(out, e.key);
  out->push_back(static_cast<char>(e.image_format));
  out->push_back(static_cast<char>((e.before ? 1 : 0) | (e.after ? 2 : 0)));
}

}  // namespace

void EncodeEventTail(const ChangeEvent& e, std::string* out) {
  EncodeEventFields(e, out);
  if (e.before) codec::PutLengthPrefixed(out, *e.before);
  if (e.after) codec::PutLengthPrefixed(out, *e.after);
}

size_t EncodeEventPieces(const ChangeEvent& e, std::string* scratch, std::string_view parts[4]) {
  // EncodeEventTail up to the flags, then each image's length in `scratch` and its bytes in place.
  EncodeEventHead(e.commit_time_us, e.txn_id, e.txn_index, e.txn_events, scratch);
  EncodeEventFields(e, scratch);
  if (e.before) codec::PutVarint64(scratch, e.before->size());
  const size_t first_end = scratch->size();
  if (e.after) codec::PutVarint64(scratch, e.after->size());
  // Views into `scratch` only now that it no longer grows.
  const std::string_view s(*scratch);
  size_t n = 0;
  parts[n++] = s.substr(0, first_end);
  if (e.before) parts[n++] = *e.before;
  if (e.after) {
    parts[n++] = s.substr(first_end);
    parts[n++] = *e.after;
  }
  return n;
}

size_t EstimateEventBytes(const ChangeEvent& e) {
  return 48 + e.object.size() + e.key.size() + (e.before ? e.before->size() : 0) +
         (e.after ? e.after->size() : 0);
}

absl::Status DecodeEventValue(uint64_t seq, std::string_view in, ChangeEvent* out) {
  auto bad = [seq](std::string_view what) {
    return absl::DataLossError(util::StrCat("change log event ", seq, " is malformed: ", what));
  };
  if (in.empty() || static_cast<uint8_t>(in[0]) != kEventFormatVersion) {
    return bad("unknown event format");
  }
  in.remove_prefix(1);
  ChangeEvent e;
  e.seq = seq;
  uint64_t u;
  if (!codec::GetVarsint64(&in, &e.commit_time_us)) return bad("commit time");
  if (!codec::GetVarint64(&in, &e.txn_id)) return bad("transaction id");
  if (!codec::GetVarint64(&in, &u) || u > UINT32_MAX) return bad("transaction index");
  e.txn_index = static_cast<uint32_t>(u);
  if (!codec::GetVarint64(&in, &u) || u > UINT32_MAX) return bad("transaction event count");
  e.txn_events = static_cast<uint32_t>(u);
  if (in.empty()) return bad("model");
  uint8_t model = static_cast<uint8_t>(in[0]);
  if (model < 1 || model > 5) return bad("model");
  e.model = static_cast<Model>(model);
  in.remove_prefix(1);
  if (!codec::GetVarint64(&in, &e.object_id)) return bad("object id");
  std::string_view s;
  if (!codec::GetLengthPrefixed(&in, &s)) return bad("object name");
  e.object = std::string(s);
  if (in.size() < 2) return bad("op");
  char op = in[0];
  if (op != 'c' && op != 'u' && op != 'd' && op != 'r') return bad("op");
  e.op = static_cast<ChangeOp>(op);
  uint8_t kf = static_cast<uint8_t>(in[1]);
  if (kf > 1) return bad("key format");
  e.key_format = static_cast<ImageFormat>(kf);
  in.remove_prefix(2);
  if (!codec::GetLengthPrefixed(&in, &s)) return bad("key");
  e.key = std::string(s);
  if (in.size() < 2) return bad("image format");
  uint8_t imf = static_cast<uint8_t>(in[0]);
  uint8_t flags = static_cast<uint8_t>(in[1]);
  if (imf > 2) return bad("image format");
  if (flags > 3) return bad("image flags");
  // Stored documents are rendered as the JSON text the document model used to store.
  const bool stored_doc = imf == static_cast<uint8_t>(ImageFormat::kStoredDocument);
  e.image_format = stored_doc ? ImageFormat::kJson : static_cast<ImageFormat>(imf);
  in.remove_prefix(2);
  auto image = [&](std::string_view what, std::optional<std::string>* out) -> absl::Status {
    if (!codec::GetLengthPrefixed(&in, &s)) return bad(what);
    if (!stored_doc) {
      *out = std::string(s);
      return absl::OkStatus();
    }
    if (s.empty() || static_cast<uint8_t>(s[0]) != kStoredDocumentFormat) {
      return bad(util::StrCat(what, ": unknown document format"));
    }
    std::string json;
    json.reserve(s.size() + s.size() / 8 + 16);
    absl::Status r = codec::MsgpackToJson(s.substr(1), &json);
    if (!r.ok()) return bad(util::StrCat(what, ": ", util::ToStd(r.message())));
    *out = std::move(json);
    return absl::OkStatus();
  };
  if (flags & 1) RETURN_IF_ERROR(image("before image", &e.before));
  if (flags & 2) RETURN_IF_ERROR(image("after image", &e.after));
  if (!in.empty()) return bad("trailing bytes");
  *out = std::move(e);
  return absl::OkStatus();
}

}  // namespace tessera::internal
