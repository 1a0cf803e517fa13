// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Model names.
#include "tessera/model.h"

namespace tessera {

std::string_view ModelName(Model model) {
  switch (model) {
    case Model::kKeyValue:
      return "kv";
    case Model::kDocument:
      return "doc";
    case Model::kWideColumn:
      return "wide";
    case Model::kGraph:
      return "graph";
    case Model::kTimeSeries:
      return "ts";
  }
  return "unknown";
}

std::optional<Model> ParseModel(std::string_view name) {
  for (Model m : {Model::kKeyValue, Model::kDocument, Model::kWideColumn, Model::kGraph,
                  Model::kTimeSeries}) {
    if (ModelName(m) == name) return m;
  }
  return std::nullopt;
}

}  // namespace tessera
