// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// JSON text written without nlohmann_json's per-byte UTF-8 decoding, byte for byte what
// nlohmann's compact dump(-1, ' ', false, error_handler_t::replace) writes:
//
// - AppendJsonString: one string, checked once for UTF-8 and copied in runs between the characters
//   JSON escapes (the document model's JsonText uses it too);
// - MsgpackToJson: one MessagePack value (as the document model stores documents, see
//   docs/format/document.md) rendered as the JSON text of the value nlohmann's from_msgpack would
//   decode, so that change events can carry a document's stored bytes and still be read as the
//   same JSON text.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace tessera::codec {

// Appends `s` as a JSON string; false (nothing appended) when it is not valid UTF-8.
bool AppendJsonString(std::string_view s, std::string* out);

// Appends the JSON text of the MessagePack value occupying all of `in`: what nlohmann's dump of
// from_msgpack(in) writes (non-negative integers as unsigned, float32 widened to double, bin/ext
// as nlohmann's binary objects, invalid UTF-8 replaced by U+FFFD). DataLossError naming what was
// wrong on malformed input, trailing bytes, a non-string map key or nesting deeper than 1000
// levels; `*out` then holds a partial rendering.
absl::Status MsgpackToJson(std::string_view in, std::string* out);

}  // namespace tessera::codec
