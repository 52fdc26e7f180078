#include "result_store.h"

#include <gtest/gtest.h>

#include "fixtures.h"
#include "support/flow_edit.h"

namespace vpm::exporter {
namespace {

using test::make_flow;
using test::port;
using test::result;

TEST(ResultStoreTest, PublishReplacesAFlowsResultsAndCountsProbes) {
  ResultStore store;
  const Flow flow = make_flow("f", "22,23");
  store.publish("f",
                {result(flow, "a", {port(22, PortState::kOpen), port(23, PortState::kRefused)})});
  store.publish("f", {result(flow, "b", {port(22, PortState::kOpen), port(23, PortState::kOpen)})});
  const auto s = store.snapshot();
  ASSERT_EQ(s->flows.size(), 1u);
  ASSERT_EQ(s->flows.at("f")->size(), 1u);
  EXPECT_EQ(s->flows.at("f")->front().target, "b");
  EXPECT_EQ(s->probes_total[0][static_cast<std::size_t>(PortState::kOpen)], 3u);
  EXPECT_EQ(s->probes_total[0][static_cast<std::size_t>(PortState::kRefused)], 1u);
}

TEST(ResultStoreTest, SnapshotsAreImmutableAndGenerationsAdvanceOnlyOnChange) {
  ResultStore store;
  const auto first = store.snapshot();
  EXPECT_EQ(store.snapshot(), first);  // nothing changed: same object
  store.publish("f", {result(make_flow("f", "22"), "a", {port(22, PortState::kOpen)})});
  const auto second = store.snapshot();
  EXPECT_GT(second->generation, first->generation);
  EXPECT_TRUE(first->flows.empty());  // a scrape holding the old one is unaffected
  store.forget("missing");
  EXPECT_EQ(store.snapshot(), second);
  store.forget("f");
  EXPECT_TRUE(store.snapshot()->flows.empty());
  EXPECT_EQ(second->flows.size(), 1u);
}

TEST(ResultStoreTest, UpdateDefinitionRelabelsKeptResults) {
  ResultStore store;
  Flow flow = make_flow("f", "22");
  store.publish("f", {result(flow, "a", {port(22, PortState::kOpen)})});
  flow.severity = Severity::kWarning;
  flow.note = "new note";
  store.update_definition(vpm::test::shared(flow));
  const auto s = store.snapshot();
  EXPECT_EQ(s->flows.at("f")->front().flow->severity, Severity::kWarning);
  EXPECT_TRUE(s->flows.at("f")->front().up);  // results themselves kept
}

TEST(ResultStoreTest, RecordsReloads) {
  ResultStore store;
  const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(100));
  store.record_reload(true, t);
  store.record_reload(false, t + std::chrono::seconds(5));
  const auto s = store.snapshot();
  EXPECT_FALSE(s->last_reload_successful);
  EXPECT_EQ(s->last_reload_success, t);  // the last success stays
  EXPECT_FALSE(store.ready());
  store.mark_ready();
  EXPECT_TRUE(store.ready());
}

}  // namespace
}  // namespace vpm::exporter
