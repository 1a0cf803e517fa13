// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Vertex and edge record codecs (layout in graph_codec.h). nlohmann_json throws; every call is
// wrapped here so no exception leaves the file.
#include "models/graph/graph_codec.h"

#include <cmath>

#include "core/util/strings.h"
#include "nlohmann/json.hpp"

namespace tessera::graph {

using Json = nlohmann::ordered_json;

namespace {
Json ParseProps(const std::string& text) {
  Json p = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (p.is_discarded()) p = Json::object();
  return p;
}
}  // namespace

std::string EncodeVertex(const VertexRecord& v) {
  try {
    Json j = Json::object();
    j["l"] = v.label;
    j["p"] = ParseProps(v.props);
    std::vector<uint8_t> bytes = Json::to_msgpack(j);
    return std::string(bytes.begin(), bytes.end());
  } catch (const std::exception&) {
    return std::string();
  }
}

std::optional<VertexRecord> DecodeVertex(std::string_view raw) {
  try {
    Json j = Json::from_msgpack(raw.begin(), raw.end());
    if (!j.is_object()) return std::nullopt;
    VertexRecord v;
    v.label = j.value("l", std::string());
    auto it = j.find("p");
    v.props = it == j.end() ? "{}" : it->dump();
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string EncodeEdge(const Edge& e) {
  try {
    Json j = Json::object();
    j["s"] = e.src;
    j["d"] = e.dst;
    j["t"] = e.type;
    j["w"] = e.weight;
    j["p"] = ParseProps(e.props);
    std::vector<uint8_t> bytes = Json::to_msgpack(j);
    return std::string(bytes.begin(), bytes.end());
  } catch (const std::exception&) {
    return std::string();
  }
}

std::optional<Edge> DecodeEdge(std::string_view raw, uint64_t id) {
  try {
    Json j = Json::from_msgpack(raw.begin(), raw.end());
    if (!j.is_object()) return std::nullopt;
    Edge e;
    e.id = id;
    e.src = j.at("s").get<std::string>();
    e.dst = j.at("d").get<std::string>();
    e.type = j.at("t").get<std::string>();
    e.weight = j.at("w").get<double>();
    auto it = j.find("p");
    e.props = it == j.end() ? "{}" : it->dump();
    return e;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

absl::StatusOr<std::string> NormalizeProps(std::string_view props, std::string_view what) {
  if (props.empty()) return std::string("{}");
  Json j = Json::parse(props.begin(), props.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(
        util::StrCat(what, " properties must be a JSON object, got: ", props.substr(0, 80)));
  }
  try {
    return j.dump();
  } catch (const std::exception& ex) {  // invalid UTF-8
    return absl::InvalidArgumentError(util::StrCat(what, " properties: ", ex.what()));
  }
}

}  // namespace tessera::graph
