// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// The data models a Tessera database holds, and the kinds of named objects in its catalog.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tessera {

// The kind of a named object. The numeric values are stored on disk: never renumber.
enum class Model : uint8_t {
  kKeyValue = 1,    // a key-value namespace ("kv")
  kDocument = 2,    // a document collection ("doc")
  kWideColumn = 3,  // a wide-column table ("wide")
  kGraph = 4,       // a property graph ("graph")
  kTimeSeries = 5,  // a time-series measurement ("ts")
};

// "kv", "doc", "wide", "graph", "ts".
std::string_view ModelName(Model model);
// The inverse of ModelName; nullopt for an unknown name.
std::optional<Model> ParseModel(std::string_view name);

// A named object of the catalog.
struct ObjectInfo {
  Model model = Model::kKeyValue;  // what kind of object this is
  std::string name;                // its name, unique within its model
  uint64_t id = 0;                 // the compact id that prefixes every key of the object
  std::string options;             // model-specific options, encoded by the model (may be empty)
};

}  // namespace tessera
