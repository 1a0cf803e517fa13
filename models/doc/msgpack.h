// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The MessagePack codec of stored documents: a direct encoder and decoder for query::Json that
// produce and accept exactly what nlohmann::json's to_msgpack / from_msgpack do (same bytes, same
// value types: non-negative integers decode as unsigned, negative ones as signed, float32 and
// float64 as double, bin/ext as binary), without nlohmann's byte-at-a-time reader. The decoder can
// also keep only some top-level fields, skipping the others without building them.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "query/value.h"

namespace tessera::doc {

using query::Json;

// Appends the MessagePack form of `v` to `*out` (byte-for-byte what Json::to_msgpack writes).
void AppendMsgpack(const Json& v, std::string* out);

// Top-level field names a decode keeps (sorted, distinct). A decode with a null FieldSet keeps
// every field.
using FieldSet = std::vector<std::string>;

// Decodes one MessagePack object occupying all of `in` into `*out`. When `only` is not null, the
// fields whose names are not in it are skipped (still checked to be well-formed). DataLossError
// naming what was wrong on malformed input, trailing bytes, a value that is not an object, a
// non-string map key or nesting deeper than 1000 levels.
absl::Status DecodeMsgpackObject(std::string_view in, Json* out, const FieldSet* only = nullptr);

// One top-level field of a stored document: its name and the bytes of its (undecoded) value, both
// pointing into the input.
struct MsgpackField {
  std::string_view name;
  std::string_view value;
};

// Locates the top-level fields of the MessagePack object occupying all of `in`, in stored order,
// without decoding their values (each value's framing is checked). Same errors as
// DecodeMsgpackObject for the framing, a non-map document, non-string top-level keys and
// trailing bytes.
absl::Status IndexMsgpackObject(std::string_view in, std::vector<MsgpackField>* out);

// Decodes one MessagePack value occupying all of `in` (for example a MsgpackField's value) into
// `*out`, as DecodeMsgpackObject decodes it inside an object.
absl::Status DecodeMsgpackValue(std::string_view in, Json* out);

// When the MessagePack value occupying all of `in` is a string, points *out at its bytes (inside
// `in`) and returns true; false for any other value or malformed input.
bool MsgpackString(std::string_view in, std::string_view* out);

}  // namespace tessera::doc
