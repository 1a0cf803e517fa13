// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Tests of wide-column scans: row bounds (prefix, from/to), reverse, column selection, qualifier
// prefix and range, value filters, cells per column and the row limit.
#include "models/wide/wide_test_util.h"

namespace tessera::wide {
namespace {

class WideScanTest : public WideTest {
 protected:
  void SetUp() override {
    WideTest::SetUp();
    ASSERT_OK(store_->CreateFamily("t", "cf", {.max_versions = 0}));
    ASSERT_OK(store_->CreateFamily("t", "m"));
    // rows a, ab, b, b\0, c; each with a few columns.
    ASSERT_OK(
        store_->Put("t", "a", {{"cf", "x1", "10", 1}, {"cf", "y", "20", 1}, {"m", "k", "a", 1}}));
    ASSERT_OK(store_->Put("t", "ab", {{"cf", "x2", "30", 1}, {"cf", "x2", "31", 2}}));
    ASSERT_OK(store_->Put("t", "b", {{"m", "k", "b", 1}}));
    ASSERT_OK(store_->Put("t", std::string("b\0", 2), {{"cf", "x1", "40", 1}}));
    ASSERT_OK(store_->Put("t", "c", {{"cf", "z", "50", 1}, {"m", "k", "c", 1}}));
  }
  std::string Rows(const WideScanOptions& o) {
    std::string s = ScanRendered("t", o);
    // Keep only the row keys, for bound tests.
    std::string out;
    size_t pos = 0;
    while (pos < s.size()) {
      size_t open = s.find('[', pos);
      if (!out.empty()) out += ',';
      std::string key = s.substr(pos, open - pos);
      for (char& c : key) {
        if (c == '\0') c = '0';
      }
      out += key;
      size_t close = s.find("] | ", open);
      if (close == std::string::npos) break;
      pos = close + 4;
    }
    return out;
  }
};

TEST_F(WideScanTest, WholeTableForwardAndReverse) {
  EXPECT_EQ(Rows({}), "a,ab,b,b0,c");
  EXPECT_EQ(Rows({.reverse = true}), "c,b0,b,ab,a");
  EXPECT_EQ(ScanRendered("t", {.from = "ab", .to = "b"}), "ab[cf:x2@2=31]");
  // Reverse keeps the cell order inside a row.
  EXPECT_EQ(ScanRendered("t", {.from = "a", .to = "ab", .reverse = true}),
            "a[cf:x1@1=10 cf:y@1=20 m:k@1=a]");
}

TEST_F(WideScanTest, PrefixAndRangeBoundsCombine) {
  EXPECT_EQ(Rows({.prefix = "a"}), "a,ab");
  EXPECT_EQ(Rows({.prefix = "b"}), "b,b0");
  EXPECT_EQ(Rows({.prefix = std::string("b\0", 2)}), "b0");
  EXPECT_EQ(Rows({.prefix = "zz"}), "");
  EXPECT_EQ(Rows({.from = "ab"}), "ab,b,b0,c");
  EXPECT_EQ(Rows({.to = "b"}), "a,ab");
  EXPECT_EQ(Rows({.from = "aa", .to = std::string("b\0", 2)}), "ab,b");
  EXPECT_EQ(Rows({.prefix = "a", .from = "aa"}), "ab");
  EXPECT_EQ(Rows({.from = "c", .to = "a"}), "");
  EXPECT_EQ(Rows({.prefix = "b", .reverse = true}), "b0,b");
}

TEST_F(WideScanTest, RowLimitForwardAndReverse) {
  EXPECT_EQ(Rows({.limit = 2}), "a,ab");
  EXPECT_EQ(Rows({.reverse = true, .limit = 2}), "c,b0");
  EXPECT_EQ(Rows({.limit = 100}), "a,ab,b,b0,c");
}

TEST_F(WideScanTest, ColumnSelectionSkipsRowsWithoutSelectedCells) {
  EXPECT_EQ(ScanRendered("t", {.columns = {{"m", {}}}}), "a[m:k@1=a] | b[m:k@1=b] | c[m:k@1=c]");
  EXPECT_EQ(Rows({.columns = {{"cf", "x1"}}}), "a,b0");
  EXPECT_EQ(Rows({.reverse = true, .columns = {{"cf", "x1"}}}), "b0,a");
  // The row limit counts returned rows only.
  EXPECT_EQ(Rows({.limit = 1, .columns = {{"m", {}}}}), "a");
  EXPECT_EQ(Rows({.reverse = true, .limit = 2, .columns = {{"cf", "x1"}}}), "b0,a");
}

TEST_F(WideScanTest, QualifierPrefixAndRange) {
  EXPECT_EQ(ScanRendered("t", {.qualifier_prefix = "x"}),
            "a[cf:x1@1=10] | ab[cf:x2@2=31] | b0[cf:x1@1=40]");
  EXPECT_EQ(Rows({.qualifier_from = "x2"}), "a,ab,c");
  EXPECT_EQ(ScanRendered("t", {.qualifier_from = "x2", .qualifier_to = "z"}),
            "a[cf:y@1=20] | ab[cf:x2@2=31]");
}

TEST_F(WideScanTest, ValueFiltersCompareBytewise) {
  using C = WideCompare;
  auto scan = [&](C op, std::string operand) {
    WideScanOptions o;
    o.columns = {{"cf", {}}};
    o.value_filters = {{op, std::move(operand)}};
    return ScanRendered("t", o);
  };
  EXPECT_EQ(scan(C::kEqual, "40"), "b0[cf:x1@1=40]");
  EXPECT_EQ(scan(C::kNotEqual, "10"),
            "a[cf:y@1=20] | ab[cf:x2@2=31] | b0[cf:x1@1=40] | c[cf:z@1=50]");
  EXPECT_EQ(scan(C::kLess, "20"), "a[cf:x1@1=10]");
  EXPECT_EQ(scan(C::kLessOrEqual, "20"), "a[cf:x1@1=10 cf:y@1=20]");
  EXPECT_EQ(scan(C::kGreater, "40"), "c[cf:z@1=50]");
  EXPECT_EQ(scan(C::kGreaterOrEqual, "40"), "b0[cf:x1@1=40] | c[cf:z@1=50]");
  // Several filters must all hold.
  WideScanOptions both;
  both.value_filters = {{C::kGreater, "10"}, {C::kLess, "31"}};
  EXPECT_EQ(ScanRendered("t", both), "a[cf:y@1=20]");
  // The filter tests the versions returned: with one version per column, the newest.
  EXPECT_EQ(scan(C::kEqual, "30"), "");
  WideScanOptions all_versions;
  all_versions.max_versions = 0;
  all_versions.value_filters = {{C::kEqual, "30"}};
  EXPECT_EQ(ScanRendered("t", all_versions), "ab[cf:x2@1=30]");
}

TEST_F(WideScanTest, CellsPerColumnAndTimeRange) {
  EXPECT_EQ(ScanRendered("t", {.prefix = "ab", .max_versions = 0}), "ab[cf:x2@2=31 cf:x2@1=30]");
  EXPECT_EQ(ScanRendered("t", {.prefix = "ab", .max_versions = 1}), "ab[cf:x2@2=31]");
  EXPECT_EQ(ScanRendered("t", {.prefix = "ab", .max_versions = 0, .max_timestamp = 2}),
            "ab[cf:x2@1=30]");
  EXPECT_EQ(Rows({.min_timestamp = 2}), "ab");
}

TEST_F(WideScanTest, ScansStreamAndSeeConsistentData) {
  ASSERT_OK_AND_ASSIGN(auto cursor, store_->Scan("t", {}));
  ASSERT_TRUE(cursor->Valid());
  EXPECT_EQ(cursor->entry().key, "a");
  // A write after the cursor was opened is not seen by it.
  ASSERT_OK(store_->Put("t", "bb", {{"cf", "q", "new", 1}}));
  std::vector<std::string> keys;
  for (; cursor->Valid(); cursor->Next()) keys.push_back(cursor->entry().key);
  ASSERT_OK(cursor->status());
  EXPECT_EQ(keys.size(), 5u);
  EXPECT_EQ(Rows({}), "a,ab,b,b0,bb,c");
}

TEST_F(WideScanTest, ScanInsideATransactionSeesItsWrites) {
  ASSERT_OK_AND_ASSIGN(auto txn, db_->Begin());
  ASSERT_OK(store_->Put(*txn, "t", "aa", {{"m", "k", "mine", 1}}));
  ASSERT_OK(store_->Delete(*txn, "t", "b", WideDelete::Row()).status());
  ASSERT_OK_AND_ASSIGN(auto cursor, store_->Scan(*txn, "t", {.columns = {{"m", {}}}}));
  std::string seen;
  for (; cursor->Valid(); cursor->Next()) seen += cursor->entry().key + ",";
  ASSERT_OK(cursor->status());
  EXPECT_EQ(seen, "a,aa,c,");
  cursor.reset();
  ASSERT_OK(txn->Rollback());
}

TEST_F(WideScanTest, UnknownTableIsNotFound) {
  auto c = store_->Scan("nope", {});
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace tessera::wide
