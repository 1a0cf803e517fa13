// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "bench/harness/svg_chart.h"

#include <algorithm>
#include <cstdio>

namespace tessera::bench {
namespace {
constexpr int kLabelWidth = 120;
constexpr int kBarArea = 360;
constexpr int kValueWidth = 110;
constexpr int kRowHeight = 22;
constexpr int kTitleHeight = 26;
const char* const kColors[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                               "#59a14f", "#edc948", "#b07aa1", "#ff9da7"};

std::string Format(double v) {
  char buf[32];
  if (v >= 100) {
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  } else if (v >= 1) {
    std::snprintf(buf, sizeof(buf), "%.2f", v);
  } else {
    std::snprintf(buf, sizeof(buf), "%.3g", v);
  }
  return buf;
}
}  // namespace

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string BarChartSvg(const std::string& title, const std::string& unit,
                        const std::vector<std::pair<std::string, double>>& bars) {
  double max = 0;
  for (const auto& [label, v] : bars) max = std::max(max, v);
  int width = kLabelWidth + kBarArea + kValueWidth;
  int height = kTitleHeight + kRowHeight * static_cast<int>(bars.size()) + 8;
  std::string svg;
  char buf[512];
  std::snprintf(buf, sizeof(buf),
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                "font-family=\"sans-serif\" font-size=\"12\">\n"
                "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                width, height);
  svg += buf;
  svg += "<text x=\"4\" y=\"17\" font-weight=\"bold\">" + XmlEscape(title + " (" + unit + ")") +
         "</text>\n";
  for (size_t i = 0; i < bars.size(); ++i) {
    int y = kTitleHeight + static_cast<int>(i) * kRowHeight;
    double v = bars[i].second;
    int w = max > 0 ? static_cast<int>(kBarArea * v / max) : 0;
    std::snprintf(buf, sizeof(buf),
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n"
                  "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n"
                  "<text x=\"%d\" y=\"%d\">%s</text>\n",
                  kLabelWidth - 6, y + 14, XmlEscape(bars[i].first).c_str(), kLabelWidth, y + 2,
                  std::max(w, 1), kRowHeight - 6, kColors[i % 8], kLabelWidth + w + 4, y + 14,
                  Format(v).c_str());
    svg += buf;
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace tessera::bench
