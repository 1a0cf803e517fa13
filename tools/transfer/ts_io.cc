// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Time-series records, one per series and run of up to kPointsPerRecord points:
//   {"tags": {"host": "a"}, "field": "usage", "points": [[TIME_NS, VALUE], ...]}
// VALUE keeps its type in JSON: a float has a fraction or exponent (1.0), an integer has none,
// a bool is true/false. Definition: {"retention_ns": N, "downsample": [{"dst", "fn",
// "every_ns"}]}; the rules are added after every object is restored (their roll-up recomputes
// the destination buckets, which the dump also holds, to the same values).
#include <cmath>
#include <set>

#include "core/engine/engine.h"
#include "core/util/strings.h"
#include "models/ts/measurement_options.h"
#include "tessera/status.h"
#include "tessera/ts.h"
#include "tools/transfer/model_io.h"

namespace tessera::transfer::io {
namespace {

constexpr size_t kPointsPerRecord = 1000;

absl::StatusOr<Json> TsDefinition(DB*, const ObjectInfo& info, const Snapshot&) {
  ASSIGN_OR_RETURN(ts::MeasurementOptions o, ts::DecodeMeasurementOptions(info.options));
  Json rules = Json::array();
  for (const ts::DownsampleRule& r : o.rules) {
    rules.push_back({{"dst", r.dst}, {"fn", TsAggregateName(r.fn)}, {"every_ns", r.every}});
  }
  return Json{{"retention_ns", o.retention_ns}, {"downsample", std::move(rules)}};
}

Json ValueJson(const TsValue& v) {
  if (const double* d = std::get_if<double>(&v)) return Json(*d);
  if (const int64_t* i = std::get_if<int64_t>(&v)) return Json(*i);
  return Json(std::get<bool>(v));
}

absl::Status TsForEach(DB* db, const ObjectInfo& info, const Snapshot& snap, const RecordFn& fn) {
  ASSIGN_OR_RETURN(auto ts, TsStore::Open(db));
  ASSIGN_OR_RETURN(std::vector<TsSeriesInfo> series, ts->ListSeries(snap, info.name, {}));
  std::set<std::string> tag_keys;
  for (const TsSeriesInfo& s : series) {
    for (const auto& [k, v] : s.tags) tag_keys.insert(k);
  }
  for (const TsSeriesInfo& s : series) {
    // Exactly this series: its tags equal, every other tag of the measurement absent.
    TsQuery q;
    q.measurement = info.name;
    q.field = s.field;
    std::set<std::string> own;
    for (const auto& [k, v] : s.tags) {
      q.where.push_back({k, TsTagFilter::Op::kEq, {v}});
      own.insert(k);
    }
    for (const std::string& k : tag_keys) {
      if (own.count(k) == 0) q.where.push_back({k, TsTagFilter::Op::kRegex, {"^$"}});
    }
    q.limit = kPointsPerRecord;
    Json tags = Json::object();
    for (const auto& [k, v] : s.tags) tags[k] = v;
    while (true) {
      ASSIGN_OR_RETURN(std::vector<TsRow> rows, ts->Query(snap, q));
      if (rows.empty()) break;
      Json points = Json::array();
      for (const TsRow& r : rows) points.push_back(Json::array({r.time, ValueJson(r.value)}));
      RETURN_IF_ERROR(fn(Json{{"tags", tags}, {"field", s.field}, {"points", std::move(points)}}));
      if (rows.size() < kPointsPerRecord || rows.back().time == INT64_MAX) break;
      q.from = rows.back().time + 1;
    }
  }
  return absl::OkStatus();
}

absl::Status TsFinish(DB* db, std::string_view name, const Json& def) {
  ASSIGN_OR_RETURN(auto ts, TsStore::Open(db));
  int64_t retention = def.value("retention_ns", int64_t{0});
  if (retention > 0) RETURN_IF_ERROR(ts->SetRetention(name, retention));
  auto rules = def.find("downsample");
  if (rules == def.end()) return absl::OkStatus();
  if (!rules->is_array()) return absl::InvalidArgumentError("\"downsample\" must be an array");
  for (const Json& r : *rules) {
    if (!r.is_object()) return absl::InvalidArgumentError("a downsample rule must be an object");
    ASSIGN_OR_RETURN(TsAggregate fn, ParseTsAggregate(r.value("fn", "")));
    RETURN_IF_ERROR(
        ts->AddDownsample(name, r.value("dst", ""), fn, r.value("every_ns", int64_t{0})));
  }
  return absl::OkStatus();
}

class TsSink final : public RecordSink {
 public:
  TsSink(std::unique_ptr<TsStore> ts, std::string measurement, size_t batch)
      : ts_(std::move(ts)), measurement_(std::move(measurement)), batch_(batch) {}

  absl::Status Add(Json rec, size_t line) override {
    absl::Status s = Parse(rec);
    if (!s.ok()) return absl::Status(s.code(), util::StrCat("line ", line, ": ", s.message()));
    if (first_line_ == 0) first_line_ = line;
    last_line_ = line;
    ++pending_records_;
    if (points_.size() >= batch_) return Flush();
    return absl::OkStatus();
  }

  absl::Status Flush() override {
    if (points_.empty()) return absl::OkStatus();
    absl::Status s = ts_->Write(points_);
    if (!s.ok()) {
      return absl::Status(s.code(), util::StrCat("the batch of lines ", first_line_, "..",
                                                 last_line_, " was not written (", written_,
                                                 " points before it were): ", s.message()));
    }
    written_ += points_.size();
    points_.clear();
    first_line_ = 0;
    pending_records_ = 0;
    return absl::OkStatus();
  }

 private:
  absl::Status Parse(const Json& rec) {
    if (!rec.is_object()) return absl::InvalidArgumentError("not a JSON object");
    auto field = rec.find("field");
    if (field == rec.end() || !field->is_string()) {
      return absl::InvalidArgumentError("missing string \"field\"");
    }
    TsTags tags;
    if (auto t = rec.find("tags"); t != rec.end()) {
      if (!t->is_object()) return absl::InvalidArgumentError("\"tags\" must be an object");
      for (auto it = t->begin(); it != t->end(); ++it) {
        if (!it.value().is_string()) {
          return absl::InvalidArgumentError(util::StrCat("tag '", it.key(), "' is not a string"));
        }
        tags.emplace_back(it.key(), it.value().get<std::string>());
      }
    }
    auto points = rec.find("points");
    if (points == rec.end() || !points->is_array()) {
      return absl::InvalidArgumentError("\"points\" must be an array of [time, value]");
    }
    size_t i = 0;
    for (const Json& p : *points) {
      if (!p.is_array() || p.size() != 2 || !p[0].is_number_integer()) {
        return absl::InvalidArgumentError(
            util::StrCat("point ", i, " is not [integer time in ns, value]"));
      }
      TsValue v;
      const Json& val = p[1];
      if (val.is_boolean()) {
        v = val.get<bool>();
      } else if (val.is_number_float()) {
        v = val.get<double>();
      } else if (val.is_number_unsigned()) {
        if (val.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
          return absl::InvalidArgumentError(util::StrCat("point ", i, ": integer past int64"));
        }
        v = static_cast<int64_t>(val.get<uint64_t>());
      } else if (val.is_number_integer()) {
        v = val.get<int64_t>();
      } else {
        return absl::InvalidArgumentError(
            util::StrCat("point ", i, ": the value must be a number or a bool"));
      }
      TsPoint pt;
      pt.measurement = measurement_;
      pt.tags = tags;
      pt.fields.emplace_back(field->get<std::string>(), v);
      pt.time = p[0].get<int64_t>();
      points_.push_back(std::move(pt));
      ++i;
    }
    return absl::OkStatus();
  }

  std::unique_ptr<TsStore> ts_;
  std::string measurement_;
  size_t batch_;
  std::vector<TsPoint> points_;
  size_t pending_records_ = 0;
  size_t first_line_ = 0;
  size_t last_line_ = 0;
};

// Line-protocol escapes: measurement `,` and space; keys and tag values `,`, `=` and space.
std::string Escape(std::string_view s, bool measurement) {
  std::string out;
  for (char c : s) {
    if (c == ',' || c == ' ' || (!measurement && c == '=')) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

const ModelIo& TsIo() {
  static const ModelIo io{
      .definition = TsDefinition,
      .for_each = TsForEach,
      .define = [](DB* db, std::string_view name, const Json&) -> absl::Status {
        return db->engine().catalog().GetOrCreate(Model::kTimeSeries, name).status();
      },
      .finish = TsFinish,
      .sink = [](DB* db, std::string_view name,
                 const SinkOptions& o) -> absl::StatusOr<std::unique_ptr<RecordSink>> {
        ASSIGN_OR_RETURN(auto ts, TsStore::Open(db));
        return std::unique_ptr<RecordSink>(
            new TsSink(std::move(ts), std::string(name), o.batch_records));
      },
  };
  return io;
}

absl::StatusOr<std::vector<std::string>> TsRecordToLines(std::string_view measurement,
                                                         const Json& rec) {
  std::string prefix = Escape(measurement, true);
  for (auto it = rec["tags"].begin(); it != rec["tags"].end(); ++it) {
    prefix += util::StrCat(",", Escape(it.key(), false), "=",
                           Escape(it.value().get<std::string>(), false));
  }
  prefix += util::StrCat(" ", Escape(rec["field"].get<std::string>(), false), "=");
  std::vector<std::string> lines;
  for (const Json& p : rec["points"]) {
    const Json& v = p[1];
    std::string value;
    if (v.is_boolean()) {
      value = v.get<bool>() ? "true" : "false";
    } else if (v.is_number_float()) {
      char buf[40];
      std::snprintf(buf, sizeof(buf), "%.17g", v.get<double>());
      value = buf;
    } else {
      value = util::StrCat(v.get<int64_t>(), "i");
    }
    lines.push_back(util::StrCat(prefix, value, " ", p[0].get<int64_t>()));
  }
  return lines;
}

}  // namespace tessera::transfer::io
