// Queries over sealed chunks with a block index (chunk format version 3): count, min and max that
// take whole blocks from their summaries, and value conditions that skip blocks, against a naive
// model over random data (float NaN, ±inf, -0.0; ints beyond 2^53; bools), before and after late
// writes put head blocks into sealed windows, and after a restart.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>

#include "models/ts/ts_aggregate.h"
#include "models/ts/ts_test_util.h"

namespace tessera {
namespace {
using test::kBase;
using test::kHour;
using test::kSec;

// Bitwise equality of values (NaN payloads and the sign of zero count).
bool Same(const TsValue& a, const TsValue& b) {
  if (a.index() != b.index()) return false;
  if (auto* d = std::get_if<double>(&a)) {
    return ts::DoubleBits(*d) == ts::DoubleBits(std::get<double>(b));
  }
  return a == b;
}

std::string Show(const TsValue& v) {
  if (auto* d = std::get_if<double>(&v)) return "f" + std::to_string(*d);
  if (auto* i = std::get_if<int64_t>(&v)) return "i" + std::to_string(*i);
  return std::get<bool>(v) ? "true" : "false";
}

class TsBlockIndexTest : public test::TsDbTest {
 protected:
  // host -> field -> time -> value, the last write winning.
  std::map<std::string, std::map<std::string, std::map<int64_t, TsValue>>> truth_;
  std::mt19937_64 rng_{2026};

  TsValue RandomValue(const std::string& field, size_t host, int64_t t) {
    if (field == "b") return rng_() % 3 == 0;
    if (field == "i") {
      if (rng_() % 40 == 0) {  // beyond 2^53: distinct ints that are equal as doubles
        return (int64_t{1} << 60) + static_cast<int64_t>(rng_() % 4);
      }
      return static_cast<int64_t>(rng_() % 101) - 20;
    }
    // Host 2's float is NaN for its first three hours (all-NaN blocks).
    if (host == 2 && t < kBase + 3 * kHour) return std::numeric_limits<double>::quiet_NaN();
    switch (rng_() % 12) {
      case 0:
        return std::numeric_limits<double>::quiet_NaN();
      case 1:
        return std::numeric_limits<double>::infinity();
      case 2:
        return -std::numeric_limits<double>::infinity();
      case 3:
        return -0.0;
      case 4:
        return 0.0;
      default:
        return std::round(std::uniform_real_distribution<double>(-1000, 1000)(rng_)) / 8;
    }
  }

  // Points of the three hosts over [from, to) every ~30 s (hosts never share a time: `from` must
  // be a multiple of 3 ns), written in shuffled batches.
  void WriteRandom(int64_t from, int64_t to, int batches) {
    std::vector<TsPoint> pts;
    for (size_t h = 0; h < 3; ++h) {
      const std::string host = "h" + std::to_string(h);
      // Steps of 3 ns multiples: a host's times stay h (mod 3) when `from` is 0 (mod 3).
      for (int64_t t = from + static_cast<int64_t>(h); t < to;
           t += 29999999997 + static_cast<int64_t>(rng_() % 3) * 3) {
        if (rng_() % 200 == 0) t += 3 * static_cast<int64_t>(rng_() % 1200) * kSec;  // a gap
        if (t >= to) break;
        TsPoint p{"m", {{"host", host}}, {}, t};
        for (const char* f : {"f", "i", "b"}) {
          if (rng_() % 10 == 0) continue;  // fields written apart
          TsValue v = RandomValue(f, h, t);
          p.fields.emplace_back(f, v);
          truth_[host][f][t] = v;
        }
        if (!p.fields.empty()) pts.push_back(std::move(p));
      }
    }
    std::shuffle(pts.begin(), pts.end(), rng_);
    const size_t per = pts.size() / static_cast<size_t>(batches) + 1;
    for (size_t i = 0; i < pts.size(); i += per) {
      std::vector<TsPoint> batch(
          pts.begin() + static_cast<std::ptrdiff_t>(i),
          pts.begin() + static_cast<std::ptrdiff_t>(std::min(pts.size(), i + per)));
      ASSERT_OK(ts_->Write(batch));
    }
  }

  // The naive answer of an aggregate query of `field` in [from, to), grouped by host or not.
  std::vector<TsRow> Naive(const std::string& field, const TsAggregate& agg, int64_t every,
                           int64_t from, int64_t to, bool grouped) {
    std::map<std::string, std::vector<ts::Sample>> groups;
    for (const auto& [host, fields] : truth_) {
      auto f = fields.find(field);
      if (f == fields.end()) continue;
      for (auto p = f->second.lower_bound(from); p != f->second.end() && p->first < to; ++p) {
        groups[grouped ? host : ""].push_back(
            ts::Sample{p->first, p->second, ts::AsDouble(p->second)});
      }
    }
    std::vector<TsRow> out;
    for (auto& [group, samples] : groups) {
      std::sort(samples.begin(), samples.end(),
                [](const ts::Sample& a, const ts::Sample& b) { return a.ts < b.ts; });
      for (auto& [t, v] : ts::AggregateBuckets(agg, every, samples)) {
        TsRow r{t, v, {}};
        if (grouped) r.tags = {{"host", group}};
        out.push_back(std::move(r));
      }
    }
    return out;
  }

  void CheckAggregates(const std::string& what) {
    const std::vector<int64_t> everies = {30 * 60 * kSec, kHour, 2 * kHour, 45 * 60 * kSec};
    int rounds = 0;
    for (const char* field : {"f", "i", "b"}) {
      for (TsAggFn fn : {TsAggFn::kCount, TsAggFn::kMin, TsAggFn::kMax}) {
        for (int64_t every : everies) {
          for (int r = 0; r < 3; ++r) {
            // Ranges on minutes, on hours, or the whole data.
            int64_t from = kBase + static_cast<int64_t>(rng_() % (7 * 60)) * 60 * kSec;
            int64_t to = from + static_cast<int64_t>(1 + rng_() % (8 * 60)) * 60 * kSec;
            if (r == 1) {
              from = kBase + static_cast<int64_t>(rng_() % 7) * kHour;
              to = from + static_cast<int64_t>(1 + rng_() % 8) * kHour;
            }
            if (r == 2) {
              from = kBase - kHour;
              to = kBase + 20 * kHour;
            }
            const bool grouped = (r + static_cast<int>(every / kSec)) % 2 == 0;
            TsQuery q{.measurement = "m",
                      .field = field,
                      .from = from,
                      .to = to,
                      .aggregate = TsAggregate{fn},
                      .every = every};
            if (grouped) q.by = {"host"};
            ASSERT_OK_AND_ASSIGN(std::vector<TsRow> got, ts_->Query(q));
            const std::vector<TsRow> want = Naive(field, *q.aggregate, every, from, to, grouped);
            ASSERT_EQ(got.size(), want.size()) << what << " " << field << " every " << every;
            for (size_t i = 0; i < got.size(); ++i) {
              EXPECT_EQ(got[i].time, want[i].time) << what;
              EXPECT_EQ(got[i].tags, want[i].tags) << what;
              EXPECT_TRUE(Same(got[i].value, want[i].value))
                  << what << " field " << field << " fn " << static_cast<int>(fn) << " every "
                  << every << " at " << got[i].time << ": " << Show(got[i].value) << " want "
                  << Show(want[i].value);
            }
            ++rounds;
          }
        }
      }
    }
    EXPECT_EQ(rounds, 3 * 3 * 4 * 3);
  }

  void CheckConditions(const std::string& what) {
    using Op = TsValueFilter::Op;
    for (int r = 0; r < 12; ++r) {
      const std::string field = r % 2 ? "i" : "f";
      const Op op = std::vector<Op>{Op::kLt, Op::kLe, Op::kGt, Op::kGe, Op::kEq, Op::kNe}[r % 6];
      const double c = static_cast<double>(static_cast<int64_t>(rng_() % 140) - 40);
      const int64_t from = kBase + static_cast<int64_t>(rng_() % 6) * kHour;
      TsQuery q{.measurement = "m", .from = from, .to = from + 3 * kHour, .by = {"host"}};
      q.value_where = {{field, op, c}};
      ASSERT_OK_AND_ASSIGN(auto got, ts_->QueryRows(q, {"b", field}));
      size_t want = 0;
      for (const auto& [host, fields] : truth_) {
        for (const auto& [t, v] : fields.at(field)) {
          if (t < *q.from || t >= *q.to) continue;
          const double x = ts::AsDouble(v);
          const bool holds = op == Op::kLt   ? x < c
                             : op == Op::kLe ? x <= c
                             : op == Op::kGt ? x > c
                             : op == Op::kGe ? x >= c
                             : op == Op::kEq ? x == c
                                             : x != c;
          want += holds;
        }
      }
      ASSERT_EQ(got.size(), want) << what << " round " << r;
      for (const TsFieldsRow& row : got) {
        const auto& fields = truth_.at(row.tags.at(0).second);
        ASSERT_TRUE(row.values[1].has_value());
        EXPECT_TRUE(Same(*row.values[1], fields.at(field).at(row.time))) << what;
        auto b = fields.at("b").find(row.time);
        EXPECT_EQ(row.values[0].has_value(), b != fields.at("b").end()) << what;
      }
    }
  }
};

TEST_F(TsBlockIndexTest, SummariesAndSkippedBlocksAgreeWithANaiveModel) {
  WriteRandom(kBase, kBase + 8 * kHour, 5);
  ASSERT_OK(ts_->Flush("m"));
  CheckAggregates("sealed");
  CheckConditions("sealed");
  // Late writes into sealed windows: head blocks, whose windows are read merged, not summarized.
  WriteRandom(kBase + 2 * kHour + 18 * kSec, kBase + 2 * kHour + 600 * kSec, 1);
  WriteRandom(kBase + 7 * kHour, kBase + 7 * kHour + 3600 * kSec, 2);
  CheckAggregates("head blocks");
  CheckConditions("head blocks");
  ReopenTs();
  ASSERT_OK(ts_->Flush("m"));
  CheckAggregates("resealed");
  CheckConditions("resealed");
}

}  // namespace
}  // namespace tessera
