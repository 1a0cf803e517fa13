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

__attribute__((always_inline)) inline void AddValue(BatchField* f, ValueType type, int64_t ts,
                                                    uint64_t bits) {
  if (!f->typed) {
    f->type = type;
    f->typed = true;
  } else if (type != f->type && !f->other_type) {
    f->other_type = type;
  }
  f->points.push_back(RawPoint{ts, bits});
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
  if (IsTrueLiteral(raw) || IsFalseLiteral(raw)) {
    *type = ValueType::kBool;
    *bits = IsTrueLiteral(raw) ? 1 : 0;
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

// Whether the `n` bytes at a and b are equal: inline word compares for the short field keys of
// the fast path (a libc memcmp call costs more than the compare).
inline bool SameBytes(const char* a, const char* b, size_t n) {
  auto load8 = [](const char* p) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  };
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (load8(a + i) != load8(b + i)) return false;
    }
    return load8(a + n - 8) == load8(b + n - 8);  // the last 8, perhaps overlapping
  }
  if (n >= 4) {
    uint32_t x, y, u, v;
    std::memcpy(&x, a, 4);
    std::memcpy(&y, b, 4);
    std::memcpy(&u, a + n - 4, 4);
    std::memcpy(&v, b + n - 4, 4);
    return x == y && u == v;
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Whether the 8 bytes at p are all ASCII digits, and if so their value (SWAR: the timestamp's
// 19 digits in two steps and three single ones instead of 19).
inline bool EightDigits(const char* p, uint64_t* out) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  constexpr uint64_t kHigh = 0xF0F0F0F0F0F0F0F0ULL;
  constexpr uint64_t kZeros = 0x3030303030303030ULL;
  // Each byte 0x30..0x39: its high nibble is 3, and adding 6 leaves it 3.
  if ((v & kHigh) != kZeros || ((v + 0x0606060606060606ULL) & kHigh) != kZeros) return false;
  v -= kZeros;  // digit values, the first (most significant) in the lowest byte
  v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;         // pairs
  v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFULL;       // fours
  *out = (v * 10000 + (v >> 32)) & 0x00000000FFFFFFFFULL;  // eight
  return true;
}

constexpr double kPow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

}  // namespace

BatchField* BatchSeries::Field(std::string_view name, size_t hint) {
  if (hint < fields.size() && fields[hint].name == name) return &fields[hint];
  for (BatchField& f : fields) {
    if (f.name == name) return &f;
  }
  BatchField& f = fields.emplace_back();
  f.name = std::string(name);
  f.plain = !f.name.empty() && std::all_of(f.name.begin(), f.name.end(), [](char ch) {
    const unsigned char c = static_cast<unsigned char>(ch);
    return c != '=' && c != ',' && c != ' ' && c != '\\' && c != '"' && c < 0x80;
  });
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
  const char* const begin = line.data();
  const char* const end = begin + n;
  // A series key text is remembered only when it has no backslash and no quote, so a hit has
  // none; the rest of the line is checked as it is read: a field key with a backslash, quote or
  // non-ASCII byte, or a value or timestamp that is not a plain number or boolean (strings,
  // escapes), goes to ParseLine.
  // First the key that followed the previous line's last time: a key text has no space, so when
  // the line starts with it and a space, that space is the line's first.
  RawKey* key = prev_key_ != nullptr ? prev_key_->next : nullptr;
  const char* sp = nullptr;
  if (key != nullptr) {
    const size_t len = key->text.size();
    if (len < n && begin[len] == ' ' && std::memcmp(begin, key->text.data(), len) == 0) {
      sp = begin + len;
    } else {
      key = nullptr;
    }
  }
  if (key == nullptr) {
    sp = static_cast<const char*>(std::memchr(begin, ' ', n));
    if (sp == nullptr) return false;
    auto hit = by_raw_.find(std::string_view(begin, static_cast<size_t>(sp - begin)));
    if (hit == by_raw_.end()) return false;
    key = hit->second;
    if (prev_key_ != nullptr) prev_key_->next = key;
  }
  BatchSeries* s = key->series;
  // Fields, in one pass: the key is first compared with the series' field at the same position
  // (the common line names the same fields in the same order), and the value is parsed as it is
  // scanned.
  size_t nf = 0;
  const char* p = sp + 1;
  while (true) {
    if (nf == kMaxFastFields) return false;
    FastField& f = fast_[nf];
    f.target = kNoTarget;
    const BatchField* expected = nf < s->fields.size() ? &s->fields[nf] : nullptr;
    if (expected != nullptr && expected->plain &&
        static_cast<size_t>(end - p) > expected->name.size() &&
        SameBytes(p, expected->name.data(), expected->name.size()) &&
        p[expected->name.size()] == '=') {
      // A plain name (no byte the scan below stops at or refuses) followed by '=' is exactly
      // what the scan would have read.
      f.key = expected->name;
      f.target = nf;
      p += expected->name.size();
    } else {
      const char* ks = p;
      while (p < end && *p != '=' && *p != ',' && *p != ' ') {
        const unsigned char c = static_cast<unsigned char>(*p);
        // Escapes and quotes need ParseLine; the slow path checks UTF-8.
        if (c == '\\' || c == '"' || c >= 0x80) return false;
        ++p;
      }
      if (p == ks || p >= end || *p != '=') return false;
      f.key = std::string_view(ks, static_cast<size_t>(p - ks));
    }
    ++p;  // '='
    // The value: plain decimal forms parsed here (`123i`, `-7i`, `123.456`, `42`), anything
    // else by FastScalar, which hands the rest to ParseLine.
    const char* vs = p;
    const bool neg = p < end && *p == '-';
    if (neg) ++p;
    const char* ds = p;
    uint64_t v = 0;
    while (p < end && static_cast<unsigned>(*p - '0') <= 9) v = v * 10 + (*p++ - '0');
    const size_t int_digits = static_cast<size_t>(p - ds);
    bool done = false;
    if (int_digits > 0 && int_digits <= 18 && p < end) {
      if (*p == 'i' && (p + 1 == end || p[1] == ',' || p[1] == ' ')) {
        // At most 18 digits: below 2^63 either sign.
        f.type = ValueType::kInt;
        f.bits = static_cast<uint64_t>(neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v));
        ++p;
        done = true;
      } else if (*p == '.') {
        const char* fs = ++p;
        while (p < end && static_cast<unsigned>(*p - '0') <= 9) v = v * 10 + (*p++ - '0');
        const size_t frac_digits = static_cast<size_t>(p - fs);
        // At most 15 digits in all: the digits as an integer are exact in a double (below
        // 2^53), and so is 10^frac_digits, so one division is correctly rounded, as from_chars
        // is (Clinger's fast path).
        if (frac_digits > 0 && int_digits + frac_digits <= 15 &&
            (p == end || *p == ',' || *p == ' ')) {
          const double d = static_cast<double>(v) / kPow10[frac_digits];
          f.type = ValueType::kFloat;
          f.bits = DoubleBits(neg ? -d : d);
          done = true;
        }
      } else if (int_digits <= 15 && (*p == ',' || *p == ' ')) {
        const double d = static_cast<double>(v);  // a float written without a point
        f.type = ValueType::kFloat;
        f.bits = DoubleBits(neg ? -d : d);
        done = true;
      }
    } else if (int_digits > 0 && int_digits <= 15 && p == end) {
      const double d = static_cast<double>(v);
      f.type = ValueType::kFloat;
      f.bits = DoubleBits(neg ? -d : d);
      done = true;
    }
    if (!done) {
      p = vs;
      while (p < end && *p != ',' && *p != ' ') ++p;
      if (!FastScalar(std::string_view(vs, static_cast<size_t>(p - vs)), &f.type, &f.bits)) {
        return false;
      }
    }
    ++nf;
    if (p >= end || *p == ' ') break;
    ++p;  // ','
  }
  // Timestamp.
  int64_t ts = now;
  if (p < end) {
    ++p;  // the space
    // Digits parsed as they are scanned; anything but an optional '-' and at most 19 digits
    // (as ParseDecimal takes), or a value out of range, goes to ParseLine.
    const char* ts_start = p;
    const bool ts_neg = p < end && *p == '-';
    if (ts_neg) ++p;
    const char* ts_digits = p;
    uint64_t tv = 0;  // (wraps past 19 digits, which are refused below)
    uint64_t eight;
    while (end - p >= 8 && EightDigits(p, &eight)) {
      tv = tv * 100000000 + eight;
      p += 8;
    }
    while (p < end && static_cast<unsigned>(*p - '0') <= 9) tv = tv * 10 + (*p++ - '0');
    if (p < end && *p != ' ') return false;
    if (p > ts_start) {
      const size_t digits = static_cast<size_t>(p - ts_digits);
      if (digits == 0 || digits > 19 || tv > static_cast<uint64_t>(INT64_MAX) + (ts_neg ? 1 : 0)) {
        return false;
      }
      const int64_t t = ts_neg ? static_cast<int64_t>(0 - tv) : static_cast<int64_t>(tv);
      if (__builtin_mul_overflow(t, PrecisionScale(precision), &ts)) return false;
    }
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    if (p < end) return false;
  }
  // A field key repeated within the line: ParseLine's semantics (the last value) apply.
  // Indices, not pointers: Field may add a field and so move the others.
  for (size_t k = 0; k < nf; ++k) {
    size_t target = fast_[k].target;
    if (target == kNoTarget) {
      target = static_cast<size_t>(s->Field(fast_[k].key, k) - s->fields.data());
      fast_[k].target = target;
    }
    BatchField& f = s->fields[target];
    if (f.stamp == line_number) return false;
    f.stamp = line_number;
  }
  for (size_t k = 0; k < nf; ++k) {
    AddValue(&s->fields[fast_[k].target], fast_[k].type, ts, fast_[k].bits);
  }
  ++points_;
  prev_key_ = key;
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
  if (!raw_key.empty() && !by_raw_.contains(raw_key)) {
    raw_keys_.push_back(std::make_unique<RawKey>(RawKey{raw_key, s, nullptr}));
    by_raw_.emplace(raw_key, raw_keys_.back().get());
  }
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
    if (fast_path_ && deferred_.ok() && AddFast(line, line_number, precision, now)) continue;
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
