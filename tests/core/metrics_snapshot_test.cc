// The metrics snapshot through the public API.
#include "tessera/kv.h"
#include "tests/util/test_util.h"

namespace tessera {
namespace {

class MetricsSnapshotTest : public test::DbTest {};

TEST_F(MetricsSnapshotTest, CountsOperationsAndReportsSizes) {
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  for (int i = 0; i < 10; ++i) ASSERT_OK(kv->Put("ns", "k" + std::to_string(i), "v"));
  for (int i = 0; i < 5; ++i) ASSERT_OK(kv->Get("ns", "k1").status());
  EXPECT_FALSE(kv->Get("ns", "").ok());  // an error is counted as one
  ASSERT_OK_AND_ASSIGN(MetricsSnapshot m, db_->GetMetrics());
  EXPECT_EQ(m.operations["kv.put"].count, 10u);
  EXPECT_EQ(m.operations["kv.get"].count, 6u);
  EXPECT_EQ(m.operations["kv.get"].errors, 1u);
  EXPECT_EQ(m.gauges["changelog.last_seq"], 10u);
  EXPECT_EQ(m.gauges["catalog.objects"], 1u);
  EXPECT_TRUE(m.gauges.count("sst_bytes.data"));
  EXPECT_FALSE(m.rocksdb.empty());
  std::string text = m.ToPrometheusText();
  EXPECT_NE(text.find("op=\"kv.put\""), std::string::npos) << text;
}

}  // namespace
}  // namespace tessera
