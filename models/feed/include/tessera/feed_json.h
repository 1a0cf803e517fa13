// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The JSON envelope of a change event (docs/feed.md), as a JSON value, for code that embeds it in
// larger JSON (the shell). ChangeEventToJson (tessera/feed.h) renders the same value as one line.
//
// Thread safety: a pure function; safe from any thread.
#pragma once

#include "nlohmann/json.hpp"
#include "tessera/change_event.h"

namespace tessera {

// {"seq", "ts_us", "txn", "txn_index", "txn_events", "model", "name", "key", "op", "before",
// "after"}, in that order. A JSON key or image is embedded as its parsed value, raw bytes as a
// string (invalid UTF-8 is replaced when the value is dumped). Never throws.
nlohmann::ordered_json ChangeEventToJsonValue(const ChangeEvent& event);

}  // namespace tessera
