// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The JSON envelope of a change event, shared by the shell, the exporters and the docs.
#include <optional>
#include <string>

#include "tessera/feed.h"
#include "tessera/feed_json.h"

namespace tessera {
namespace {

using Json = nlohmann::ordered_json;

// A key or an image: JSON text as its parsed value, raw bytes as a string.
Json Image(ImageFormat format, const std::string& bytes) {
  if (format == ImageFormat::kJson) {
    Json parsed = Json::parse(bytes, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) return parsed;
  }
  return Json(bytes);
}

Json Image(ImageFormat format, const std::optional<std::string>& bytes) {
  return bytes.has_value() ? Image(format, *bytes) : Json(nullptr);
}

}  // namespace

nlohmann::ordered_json ChangeEventToJsonValue(const ChangeEvent& e) {
  Json j;
  j["seq"] = e.seq;
  j["ts_us"] = e.commit_time_us;
  j["txn"] = e.txn_id;
  j["txn_index"] = e.txn_index;
  j["txn_events"] = e.txn_events;
  j["model"] = std::string(ModelName(e.model));
  j["name"] = e.object;
  j["key"] = Image(e.key_format, e.key);
  j["op"] = std::string(1, static_cast<char>(e.op));
  j["before"] = Image(e.image_format, e.before);
  j["after"] = Image(e.image_format, e.after);
  return j;
}

std::string ChangeEventToJson(const ChangeEvent& event) {
  // Raw keys and values may hold any bytes: invalid UTF-8 becomes U+FFFD instead of throwing.
  return ChangeEventToJsonValue(event).dump(-1, ' ', /*ensure_ascii=*/false,
                                            Json::error_handler_t::replace);
}

}  // namespace tessera
