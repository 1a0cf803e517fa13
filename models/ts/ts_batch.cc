// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
#include "models/ts/ts_batch.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "core/catalog/catalog.h"
#include "core/util/strings.h"
#include "core/util/utf8.h"
#include "models/ts/ts_keys.h"
#include "tessera/status.h"

namespace tessera::ts {
namespace {

// Tag keys, tag values and field keys must be valid UTF-8: JSON output and dumps carry them as
// text, and could not show other bytes. (Measurement names are ASCII by the catalog's rules.)
template <typename Fields, typename KeyOf>
absl::Status CheckUtf8(const TsTags& tags, const Fields& fields, KeyOf key_of) {
  for (const auto& [key, value] : tags) {
    if (!util::IsValidUtf8(key)) {
      return absl::InvalidArgumentError("a tag key is not valid UTF-8");
    }
    if (!util::IsValidUtf8(value)) {
      return absl::InvalidArgumentError(
          util::StrCat("the value of tag \"", key, "\" is not valid UTF-8"));
    }
  }
  for (const auto& f : fields) {
    if (!util::IsValidUtf8(key_of(f))) {
      return absl::InvalidArgumentError("a field key is not valid UTF-8");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePoint(const TsPoint& p) {
  RETURN_IF_ERROR(internal::Catalog::ValidateName(Model::kTimeSeries, p.measurement));
  if (p.fields.empty()) {
    return absl::InvalidArgumentError(
        util::StrCat("time-series point of \"", p.measurement, "\" has no field"));
  }
  for (size_t i = 0; i < p.fields.size(); ++i) {
    if (p.fields[i].first.empty()) {
      return absl::InvalidArgumentError(
          util::StrCat("time-series point of \"", p.measurement, "\" has an empty field key"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (p.fields[j].first == p.fields[i].first) {
        return absl::InvalidArgumentError(util::StrCat("time-series point of \"", p.measurement,
                                                       "\" repeats field \"", p.fields[i].first,
                                                       "\""));
      }
    }
  }
  if (absl::Status s =
          CheckUtf8(p.tags, p.fields, [](const auto& f) -> const std::string& { return f.first; });
      !s.ok()) {
    return absl::InvalidArgumentError(
        util::StrCat("time-series point of \"", p.measurement, "\": ", util::ToStd(s.message())));
  }
  return absl::OkStatus();
}

absl::StatusOr<TsTags> SortedTags(const TsPoint& p) {
  TsTags tags = p.tags;
  std::sort(tags.begin(), tags.end());
  for (size_t i = 0; i < tags.size(); ++i) {
    if (tags[i].first.empty()) {
      return absl::InvalidArgumentError(
          util::StrCat("time-series point of \"", p.measurement, "\" has an empty tag key"));
    }
    if (i > 0 && tags[i].first == tags[i - 1].first) {
      return absl::InvalidArgumentError(util::StrCat("time-series point of \"", p.measurement,
                                                     "\" repeats tag \"", tags[i].first, "\""));
    }
  }
  return tags;
}

void Encode(const TsValue& v, ValueType* type, uint64_t* bits) {
  if (const double* d = std::get_if<double>(&v)) {
    *type = ValueType::kFloat;
    *bits = DoubleBits(*d);
  } else if (const int64_t* i = std::get_if<int64_t>(&v)) {
    *type = ValueType::kInt;
    *bits = static_cast<uint64_t>(*i);
  } else {
    *type = ValueType::kBool;
    *bits = std::get<bool>(v) ? 1u : 0u;
  }
}

void AddValue(BatchField* f, ValueType type, int64_t ts, uint64_t bits) {
  if (!f->typed) {
    f->type = type;
    f->typed = true;
  } else if (type != f->type && !f->other_type) {
    f->other_type = type;
  }
  f->points.push_back(RawPoint{ts, bits});
}

bool IsTrue(std::string_view v) {
  return v == "t" || v == "T" || v == "true" || v == "True" || v == "TRUE";
}
bool IsFalse(std::string_view v) {
  return v == "f" || v == "F" || v == "false" || v == "False" || v == "FALSE";
}

// Parses all of [p, end) as decimal digits with an optional leading '-' (when `sign`) into an
// int64, as std::from_chars would; false for anything else, including values out of range and
// more than 19 digits (ParseLine then judges them).
bool ParseDecimal(const char* p, const char* end, bool sign, int64_t* out) {
  const bool neg = sign && p < end && *p == '-';
  if (neg) ++p;
  if (p == end || end - p > 19) return false;
  uint64_t v = 0;  // at most 19 digits: below 2^64
  for (; p < end; ++p) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(*p)) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  if (v > static_cast<uint64_t>(INT64_MAX) + (neg ? 1 : 0)) return false;
  *out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

// The common field values; false for anything ParseLine should judge (errors, strings, large
// unsigned values).
bool FastScalar(std::string_view raw, ValueType* type, uint64_t* bits) {
  if (raw.empty()) return false;
  const char last = raw.back();
  if (last == 'i' || last == 'u') {
    int64_t v = 0;
    if (!ParseDecimal(raw.data(), raw.data() + raw.size() - 1, last == 'i', &v)) return false;
    *type = ValueType::kInt;
    *bits = static_cast<uint64_t>(v);
    return true;
  }
  if (IsTrue(raw) || IsFalse(raw)) {
    *type = ValueType::kBool;
    *bits = IsTrue(raw) ? 1 : 0;
    return true;
  }
  std::string_view num = raw;
  if (num.size() > 1 && num[0] == '+') num.remove_prefix(1);
  double d = 0;
  auto r = std::from_chars(num.data(), num.data() + num.size(), d);
  if (r.ec != std::errc() || r.ptr != num.data() + num.size() || !std::isfinite(d)) return false;
  *type = ValueType::kFloat;
  *bits = DoubleBits(d);
  return true;
}

}  // namespace

BatchField* BatchSeries::Field(std::string_view name, size_t hint) {
  if (hint < fields.size() && fields[hint].name == name) return &fields[hint];
  for (BatchField& f : fields) {
    if (f.name == name) return &f;
  }
  BatchField& f = fields.emplace_back();
  f.name = std::string(name);
  return &f;
}

BatchSeries* PointBatch::SeriesFor(std::string_view measurement, TsTags tags) {
  scratch_.assign(measurement);
  scratch_.push_back('\0');
  const size_t tagset_at = scratch_.size();
  AppendTagSet(&scratch_, tags);
  auto it = by_canonical_.find(scratch_);
  if (it != by_canonical_.end()) return it->second;
  auto s = std::make_unique<BatchSeries>();
  s->measurement = std::string(measurement);
  s->tags = std::move(tags);
  s->tagset = scratch_.substr(tagset_at);
  BatchSeries* out = s.get();
  series_.push_back(std::move(s));
  by_canonical_.emplace(scratch_, out);
  return out;
}

absl::Status PointBatch::AddPoint(const TsPoint& p) {
  RETURN_IF_ERROR(ValidatePoint(p));
  ASSIGN_OR_RETURN(TsTags tags, SortedTags(p));
  BatchSeries* s = SeriesFor(p.measurement, std::move(tags));
  ++points_;
  for (size_t i = 0; i < p.fields.size(); ++i) {
    ValueType type;
    uint64_t bits;
    Encode(p.fields[i].second, &type, &bits);
    BatchField* f = s->Field(p.fields[i].first, i);
    f->stamp = points_;
    AddValue(f, type, p.time, bits);
  }
  return absl::OkStatus();
}

bool PointBatch::AddFast(std::string_view line, size_t line_number, Precision precision,
                         int64_t now) {
  const size_t n = line.size();
  if (line[0] == ' ' || line[0] == '\t' || line[0] == '#') return false;
  const char* sp = static_cast<const char*>(std::memchr(line.data(), ' ', n));
  if (sp == nullptr) return false;
  const size_t key_end = static_cast<size_t>(sp - line.data());
  // A series key text is remembered only when it has no backslash and no quote, so a hit has
  // none; the rest of the line is checked as it is read: a field key with a backslash, quote or
  // non-ASCII byte, or a value or timestamp that is not a plain number or boolean (strings,
  // escapes), goes to ParseLine.
  auto hit = by_raw_.find(line.substr(0, key_end));
  if (hit == by_raw_.end()) return false;
  BatchSeries* s = hit->second;
  // Fields.
  size_t nf = 0;
  size_t i = key_end + 1;
  while (true) {
    const size_t ks = i;
    while (i < n && line[i] != '=' && line[i] != ',' && line[i] != ' ') {
      const unsigned char c = static_cast<unsigned char>(line[i]);
      // Escapes and quotes need ParseLine; the slow path checks UTF-8.
      if (c == '\\' || c == '"' || c >= 0x80) return false;
      ++i;
    }
    if (i == ks || i >= n || line[i] != '=' || nf == kMaxFastFields) return false;
    FastField& f = fast_[nf++];
    f.key = line.substr(ks, i - ks);
    ++i;
    const size_t vs = i;
    while (i < n && line[i] != ',' && line[i] != ' ') ++i;
    if (!FastScalar(line.substr(vs, i - vs), &f.type, &f.bits)) return false;
    if (i >= n || line[i] == ' ') break;
    ++i;  // ','
  }
  // Timestamp.
  int64_t ts = now;
  if (i < n) {
    ++i;  // the space
    const size_t ts_start = i;
    while (i < n && line[i] != ' ') ++i;
    if (i > ts_start) {
      int64_t t = 0;
      if (!ParseDecimal(line.data() + ts_start, line.data() + i, true, &t)) return false;
      if (__builtin_mul_overflow(t, PrecisionScale(precision), &ts)) return false;
    }
    while (i < n && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < n) return false;
  }
  // A field key repeated within the line: ParseLine's semantics (the last value) apply.
  // Indices, not pointers: Field may add a field and so move the others.
  for (size_t k = 0; k < nf; ++k) {
    BatchField* f = s->Field(fast_[k].key, k);
    if (f->stamp == line_number) return false;
    f->stamp = line_number;
    targets_[k] = static_cast<size_t>(f - s->fields.data());
  }
  for (size_t k = 0; k < nf; ++k) {
    AddValue(&s->fields[targets_[k]], fast_[k].type, ts, fast_[k].bits);
  }
  ++points_;
  return true;
}

absl::Status PointBatch::AddSlow(std::string_view line, size_t line_number, Precision precision,
                                 int64_t now, std::string_view raw_key) {
  ASSIGN_OR_RETURN(std::optional<LinePoint> parsed, ParseLine(line, line_number, precision));
  if (!parsed) return absl::OkStatus();
  LinePoint& lp = *parsed;
  ++points_;
  if (!deferred_.ok()) return absl::OkStatus();  // only the parse errors of later lines matter
  auto refuse = [&](absl::Status s) {
    deferred_ = std::move(s);
    return absl::OkStatus();
  };
  if (auto s = internal::Catalog::ValidateName(Model::kTimeSeries, lp.measurement); !s.ok()) {
    return refuse(absl::InvalidArgumentError(
        util::StrCat("line ", lp.line_number, ": ", util::ToStd(s.message()))));
  }
  if (auto s = CheckUtf8(lp.tags, lp.fields,
                         [](const LineField& f) -> const std::string& { return f.key; });
      !s.ok()) {
    return refuse(absl::InvalidArgumentError(
        util::StrCat("line ", lp.line_number, ": ", util::ToStd(s.message()))));
  }
  // Convert every field before adding any, so that a refused line adds nothing.
  std::vector<std::pair<ValueType, uint64_t>> values;
  values.reserve(lp.fields.size());
  for (const LineField& f : lp.fields) {
    if (const double* d = std::get_if<double>(&f.value)) {
      values.emplace_back(ValueType::kFloat, DoubleBits(*d));
    } else if (const int64_t* iv = std::get_if<int64_t>(&f.value)) {
      values.emplace_back(ValueType::kInt, static_cast<uint64_t>(*iv));
    } else if (const uint64_t* u = std::get_if<uint64_t>(&f.value)) {
      if (*u > static_cast<uint64_t>(INT64_MAX)) {
        return refuse(absl::InvalidArgumentError(util::StrCat(
            "line ", lp.line_number, ": field \"", f.key, "\": unsigned value ", *u,
            " is above 9223372036854775807, the largest integer the time-series model stores")));
      }
      values.emplace_back(ValueType::kInt, *u);
    } else if (const bool* b = std::get_if<bool>(&f.value)) {
      values.emplace_back(ValueType::kBool, *b ? 1u : 0u);
    } else {
      return refuse(absl::InvalidArgumentError(util::StrCat(
          "line ", lp.line_number, ": field \"", f.key,
          "\" is a string; the time-series model stores float, integer and boolean fields")));
    }
  }
  BatchSeries* s = SeriesFor(lp.measurement, std::move(lp.tags));
  if (!raw_key.empty()) by_raw_.emplace(raw_key, s);
  const int64_t ts = lp.timestamp.value_or(now);
  for (size_t k = 0; k < lp.fields.size(); ++k) {
    BatchField* f = s->Field(lp.fields[k].key, k);
    f->stamp = line_number;
    AddValue(f, values[k].first, ts, values[k].second);
  }
  return absl::OkStatus();
}

absl::Status PointBatch::AddLines(std::string_view text, Precision precision, size_t first_line,
                                  int64_t now) {
  size_t line_number = first_line - 1;
  while (!text.empty()) {
    ++line_number;
    const char* nl = static_cast<const char*>(std::memchr(text.data(), '\n', text.size()));
    const size_t len = nl == nullptr ? text.size() : static_cast<size_t>(nl - text.data());
    std::string_view line = text.substr(0, len);
    text = nl == nullptr ? std::string_view() : text.substr(len + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (deferred_.ok() && AddFast(line, line_number, precision, now)) continue;
    // The series key text, remembered for the fast path when the line has no escapes or quotes.
    std::string_view raw_key;
    if (line[0] != ' ' && line[0] != '\t' && line[0] != '#' &&
        std::memchr(line.data(), '\\', line.size()) == nullptr &&
        std::memchr(line.data(), '"', line.size()) == nullptr) {
      raw_key = line.substr(0, std::min(line.find(' '), line.size()));
    }
    RETURN_IF_ERROR(AddSlow(line, line_number, precision, now, raw_key));
  }
  return deferred_;
}

}  // namespace tessera::ts
