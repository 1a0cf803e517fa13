// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/line_protocol.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/util/strings.h"

namespace tessera::ts {
namespace {

constexpr size_t kMaxStringField = 64 * 1024;

// Cursor over one line; produces errors carrying the line number.
class LineParser {
 public:
  LineParser(std::string_view line, size_t line_number) : s_(line), line_(line_number) {}

  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(
        util::StrCat("line ", line_, ": ", what, " (at column ", pos_ + 1, ")"));
  }

  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return s_[pos_]; }

  // Reads an escaped token up to (not including) an unescaped character of `stops`. `escapable`
  // are the characters a backslash escapes.
  std::string Token(std::string_view stops, std::string_view escapable) {
    std::string out;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\\' && pos_ + 1 < s_.size() &&
          escapable.find(s_[pos_ + 1]) != std::string_view::npos) {
        out.push_back(s_[pos_ + 1]);
        pos_ += 2;
        continue;
      }
      if (stops.find(c) != std::string_view::npos) break;
      out.push_back(c);
      ++pos_;
    }
    return out;
  }

  // Reads the raw text of a field value up to an unescaped ',' or ' ' (strings are handled apart).
  std::string_view RawUntil(std::string_view stops) {
    const size_t start = pos_;
    while (pos_ < s_.size() && stops.find(s_[pos_]) == std::string_view::npos) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  absl::StatusOr<std::string> QuotedString() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\\' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == '"' || s_[pos_ + 1] == '\\')) {
        out.push_back(s_[pos_ + 1]);
        pos_ += 2;
      } else if (c == '"') {
        ++pos_;
        if (out.size() > kMaxStringField) {
          return Error(util::StrCat("string field value of ", out.size(), " bytes exceeds 64 KiB"));
        }
        return out;
      } else {
        out.push_back(c);
        ++pos_;
      }
    }
    return Error("unterminated string field value");
  }

  size_t pos_ = 0;
  std::string_view s_;
  size_t line_;
};

absl::StatusOr<FieldValue> ParseScalar(const LineParser& p, std::string_view key,
                                       std::string_view raw) {
  if (raw.empty()) return p.Error(util::StrCat("field '", key, "' has no value"));
  if (IsTrueLiteral(raw)) return FieldValue(true);
  if (IsFalseLiteral(raw)) return FieldValue(false);
  const char last = raw.back();
  if (last == 'i') {
    int64_t v = 0;
    const std::string_view num = raw.substr(0, raw.size() - 1);
    auto r = std::from_chars(num.data(), num.data() + num.size(), v);
    if (num.empty() || r.ec != std::errc() || r.ptr != num.data() + num.size()) {
      return p.Error(
          util::StrCat("field '", key, "': invalid or out-of-range integer '", raw, "'"));
    }
    return FieldValue(v);
  }
  if (last == 'u') {
    uint64_t v = 0;
    const std::string_view num = raw.substr(0, raw.size() - 1);
    auto r = std::from_chars(num.data(), num.data() + num.size(), v);
    if (num.empty() || r.ec != std::errc() || r.ptr != num.data() + num.size()) {
      return p.Error(
          util::StrCat("field '", key, "': invalid or out-of-range unsigned integer '", raw, "'"));
    }
    return FieldValue(v);
  }
  // from_chars rejects a leading '+'; InfluxDB accepts it for floats.
  std::string_view num = raw;
  if (num.size() > 1 && num[0] == '+') num.remove_prefix(1);
  double v = 0;
  auto r = std::from_chars(num.data(), num.data() + num.size(), v);
  if (r.ec != std::errc() || r.ptr != num.data() + num.size()) {
    return p.Error(util::StrCat("field '", key, "': invalid value '", raw, "'"));
  }
  if (!std::isfinite(v)) {
    return p.Error(util::StrCat("field '", key, "': non-finite float '", raw, "'"));
  }
  return FieldValue(v);
}

}  // namespace

int64_t PrecisionScale(Precision p) {
  switch (p) {
    case Precision::kNanoseconds:
      return 1;
    case Precision::kMicroseconds:
      return 1000;
    case Precision::kMilliseconds:
      return 1000 * 1000;
    case Precision::kSeconds:
      return 1000 * 1000 * 1000;
  }
  return 1;
}

absl::StatusOr<Precision> ParsePrecision(std::string_view s) {
  if (s == "ns") return Precision::kNanoseconds;
  if (s == "us") return Precision::kMicroseconds;
  if (s == "ms") return Precision::kMilliseconds;
  if (s == "s") return Precision::kSeconds;
  return absl::InvalidArgumentError(
      util::StrCat("unknown precision '", s, "': expected ns, us, ms or s"));
}

absl::StatusOr<std::optional<LinePoint>> ParseLine(std::string_view line, size_t line_number,
                                                   Precision precision) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  size_t first = 0;
  while (first < line.size() && (line[first] == ' ' || line[first] == '\t')) ++first;
  if (first == line.size() || line[first] == '#') return std::optional<LinePoint>();
  LineParser p(line.substr(first), line_number);
  LinePoint out;
  out.line_number = line_number;

  // Measurement.
  out.measurement = p.Token(", ", ", ");
  if (out.measurement.empty()) return p.Error("missing measurement");

  // Tags.
  while (!p.AtEnd() && p.Peek() == ',') {
    ++p.pos_;
    std::string key = p.Token(",= ", ",= ");
    if (key.empty()) return p.Error("empty tag key");
    if (p.AtEnd() || p.Peek() != '=') {
      return p.Error(util::StrCat("tag '", key, "' has no '='"));
    }
    ++p.pos_;
    std::string value = p.Token(",= ", ",= ");
    if (value.empty()) return p.Error(util::StrCat("tag '", key, "' has an empty value"));
    if (!p.AtEnd() && p.Peek() == '=') {
      return p.Error(util::StrCat("tag '", key, "': unescaped '=' in its value"));
    }
    out.tags.emplace_back(std::move(key), std::move(value));
  }
  std::sort(out.tags.begin(), out.tags.end());
  for (size_t i = 1; i < out.tags.size(); ++i) {
    if (out.tags[i].first == out.tags[i - 1].first) {
      return p.Error(util::StrCat("duplicate tag key '", out.tags[i].first, "'"));
    }
  }

  // Fields.
  if (p.AtEnd()) return p.Error("missing fields");
  if (p.Peek() != ' ') return p.Error("expected a space before the fields");
  ++p.pos_;
  if (p.AtEnd() || p.Peek() == ' ') return p.Error("missing fields");
  while (true) {
    std::string key = p.Token(",= ", ",= ");
    if (key.empty()) return p.Error("empty field key");
    if (p.AtEnd() || p.Peek() != '=') {
      return p.Error(util::StrCat("field '", key, "' has no '='"));
    }
    ++p.pos_;
    FieldValue value;
    if (!p.AtEnd() && p.Peek() == '"') {
      auto s = p.QuotedString();
      if (!s.ok()) return s.status();
      value = std::move(*s);
    } else {
      auto v = ParseScalar(p, key, p.RawUntil(", "));
      if (!v.ok()) return v.status();
      value = std::move(*v);
    }
    auto it = std::find_if(out.fields.begin(), out.fields.end(),
                           [&](const LineField& f) { return f.key == key; });
    if (it != out.fields.end()) {
      it->value = std::move(value);
    } else {
      out.fields.push_back(LineField{std::move(key), std::move(value)});
    }
    if (p.AtEnd() || p.Peek() == ' ') break;
    if (p.Peek() != ',') return p.Error("expected ',' or ' ' after a field value");
    ++p.pos_;
  }

  // Timestamp.
  if (!p.AtEnd()) {
    ++p.pos_;  // the space
    std::string_view raw = p.RawUntil(" ");
    if (!raw.empty()) {
      int64_t t = 0;
      auto r = std::from_chars(raw.data(), raw.data() + raw.size(), t);
      if (r.ec != std::errc() || r.ptr != raw.data() + raw.size()) {
        return p.Error(util::StrCat("invalid timestamp '", raw, "'"));
      }
      int64_t ns = 0;
      if (__builtin_mul_overflow(t, PrecisionScale(precision), &ns)) {
        return p.Error(util::StrCat("timestamp '", raw, "' overflows int64 nanoseconds"));
      }
      out.timestamp = ns;
    }
    while (!p.AtEnd() && (p.Peek() == ' ' || p.Peek() == '\t')) ++p.pos_;
    if (!p.AtEnd()) return p.Error("unexpected text after the timestamp");
  }
  return std::optional<LinePoint>(std::move(out));
}

absl::StatusOr<std::vector<LinePoint>> ParseLines(std::string_view text, Precision precision,
                                                  size_t first_line) {
  std::vector<LinePoint> out;
  size_t line_number = first_line - 1;
  while (!text.empty()) {
    ++line_number;
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    auto p = ParseLine(line, line_number, precision);
    if (!p.ok()) return p.status();
    if (p->has_value()) out.push_back(std::move(**p));
  }
  return out;
}

}  // namespace tessera::ts
