// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// A small SVG writer: horizontal bar charts, one bar per engine, labelled with the value.
// Standalone SVG 1.1 text that any browser or Markdown viewer renders.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tessera::bench {

// A bar chart titled `title`, one bar per (label, value), values in `unit`.
std::string BarChartSvg(const std::string& title, const std::string& unit,
                        const std::vector<std::pair<std::string, double>>& bars);

// `text` with &, <, >, " escaped for XML.
std::string XmlEscape(const std::string& text);

}  // namespace tessera::bench
