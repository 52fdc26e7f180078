// /metrics bodies (metrics_response.h): gzip and raw are the same text, a gzip scrape after the
// idle page was released is served from the kept compression without a render, a scrape after
// a run or a reload sees the new values, and scrapes on many threads during runs and reloads
// each get one whole, valid page.
#include "metrics_response.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fixtures.h"
#include "gunzip.h"

namespace vpm::exporter {
namespace {

using test::make_flow;
using test::port;
using test::result;

std::string whole(const ResponseBody& body) {
  const std::string sent = (body.shared ? *body.shared : std::string()) + body.own;
  return body.content_encoding != nullptr ? test::gunzip(sent) : sent;
}

// The snapshot part of a raw body (what every scrape shares; the process part after it differs
// from one reading to the next) begins the text of a gzip body.
void expect_same_page(const ResponseBody& raw, const ResponseBody& gzipped) {
  ASSERT_EQ(gzipped.content_encoding, std::string("gzip"));
  ASSERT_EQ(raw.content_encoding, nullptr);
  ASSERT_TRUE(raw.shared);
  const std::string text = whole(gzipped);
  EXPECT_EQ(text.substr(0, raw.shared->size()), *raw.shared);
  EXPECT_NE(text.find("# TYPE process_", raw.shared->size()), std::string::npos);
}

void publish(ResultStore& store, PortState state) {
  const Flow flow = make_flow("f", "22");
  store.publish("f", {result(flow, "h", {port(22, state)})});
}

struct Counted {
  explicit Counted(ModelOptions options = {}) : collector(store, with_counter(options)) {}
  ModelOptions with_counter(ModelOptions options) {
    options.after_render = [this] { ++renders; };
    return options;
  }
  ResultStore store;
  std::atomic<int> renders{0};
  ExporterCollector collector;
  MetricsResponder metrics{collector};
};

TEST(MetricsResponder, GzipAndRawAreTheSameText) {
  Counted c;
  publish(c.store, PortState::kOpen);
  expect_same_page(c.metrics.body(false), c.metrics.body(true));
  EXPECT_EQ(c.renders, 1);
}

TEST(MetricsResponder, AGzipScrapeAfterTheIdlePageWentIsServedWithoutARender) {
  Counted c;
  publish(c.store, PortState::kOpen);
  const ResponseBody first = c.metrics.body(true);
  EXPECT_EQ(c.renders, 1);
  ASSERT_TRUE(c.collector.release_idle_page(std::chrono::seconds(0)));
  const ResponseBody second = c.metrics.body(true);
  EXPECT_EQ(c.renders, 1);                 // nothing changed: no render
  EXPECT_EQ(second.shared, first.shared);  // the kept compression itself
  EXPECT_EQ(whole(second).substr(0, 200), whole(first).substr(0, 200));
  const ResponseBody raw = c.metrics.body(false);  // the text itself is rendered again
  EXPECT_EQ(c.renders, 2);
  expect_same_page(raw, second);
}

TEST(MetricsResponder, AScrapeAfterARunCompletesSeesItsNewValues) {
  Counted c;
  publish(c.store, PortState::kOpen);
  EXPECT_NE(whole(c.metrics.body(true)).find("veeam_flow_up{flow=\"f\""), std::string::npos);
  ASSERT_TRUE(c.collector.release_idle_page(std::chrono::seconds(0)));
  publish(c.store, PortState::kRefused);  // the next run: the flow is down now
  const ResponseBody after = c.metrics.body(true);
  EXPECT_EQ(c.renders, 2);
  const std::string text = whole(after);
  const std::size_t line = text.find("veeam_flow_up{flow=\"f\"");
  ASSERT_NE(line, std::string::npos);
  EXPECT_EQ(text.substr(text.find('}', line), 4), "} 0\n") << text.substr(line, 200);
  expect_same_page(c.metrics.body(false), after);
}

TEST(MetricsResponder, AReloadEndsTheKeptCompressionWithinTheRenderInterval) {
  ModelOptions options;
  options.min_render_interval = std::chrono::hours(1);
  Counted c(options);
  publish(c.store, PortState::kOpen);
  c.metrics.body(true);
  const Flow other = make_flow("g", "23");
  c.store.publish("g", {result(other, "h", {port(23, PortState::kOpen)})});
  EXPECT_EQ(whole(c.metrics.body(true)).find("flow=\"g\""), std::string::npos);  // the interval
  c.collector.invalidate();                                                      // a reload
  EXPECT_NE(whole(c.metrics.body(true)).find("flow=\"g\""), std::string::npos);
  EXPECT_EQ(c.renders, 2);
}

std::string flow_up_value(const std::string& text) {
  const std::size_t line = text.find("veeam_flow_up{flow=\"f\"");
  return line == std::string::npos ? "(none)" : text.substr(text.find('}', line) + 2, 1);
}

TEST(MetricsResponder, WhileANewPageIsRenderedTheLastOneIsGoneAndGzipGetsItsCompression) {
  ResultStore store;
  std::function<void()> during_render;
  bool armed = false;
  ModelOptions options;
  options.after_render = [&] {  // on the rendering scrape's thread, the new page made
    if (armed) {
      armed = false;
      during_render();
    }
  };
  ExporterCollector collector(store, options);
  MetricsResponder metrics(collector);
  publish(store, PortState::kOpen);
  EXPECT_EQ(flow_up_value(whole(metrics.body(true))), "1");
  std::weak_ptr<const std::string> last_page = collector.text().snapshot_part;
  ASSERT_FALSE(last_page.expired());  // the collector keeps it

  publish(store, PortState::kRefused);  // the next run
  bool last_page_gone = false;
  std::string served_meanwhile;
  armed = true;
  during_render = [&] {
    last_page_gone = last_page.expired();
    // Another gzip scrape now: served the last compression, without waiting for this render.
    auto other = std::async(std::launch::async, [&] { return whole(metrics.body(true)); });
    if (other.wait_for(std::chrono::seconds(5)) == std::future_status::ready) {
      served_meanwhile = other.get();
    }  // else it waits for this render: the future's destructor joins it after the hook
  };
  EXPECT_EQ(flow_up_value(whole(metrics.body(true))), "0");
  EXPECT_TRUE(last_page_gone);
  EXPECT_EQ(flow_up_value(served_meanwhile), "1");
  EXPECT_EQ(flow_up_value(whole(metrics.body(true))), "0");

  // A page a scrape still holds (a raw one being sent) is not dropped: it is that scrape's.
  const MetricsText held = collector.text();
  publish(store, PortState::kOpen);
  EXPECT_EQ(flow_up_value(whole(metrics.body(false))), "1");
  EXPECT_EQ(flow_up_value(*held.snapshot_part), "0");
}

// Under TSan (scripts/ci-extra.sh) this is the race detector's case: scrapes of both kinds on
// four threads while runs publish, reloads invalidate and the idle release drops the page.
TEST(MetricsResponder, ConcurrentScrapesDuringRunsAndReloadsEachGetAWholePage) {
  Counted c;
  publish(c.store, PortState::kOpen);
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::atomic<int> scrapes{0};
  std::vector<std::thread> scrapers;
  for (int t = 0; t < 4; ++t) {
    scrapers.emplace_back([&, t] {
      for (int i = 0; !done || i < 20; ++i) {
        const std::string text = whole(c.metrics.body((i + t) % 2 == 0));
        const bool complete = text.find("veeam_flow_up{flow=\"f\"") != std::string::npos &&
                              text.find("veeam_port_exporter_build_info{") != std::string::npos &&
                              text.find("# TYPE process_") != std::string::npos;
        if (!complete) ++bad;
        ++scrapes;
      }
    });
  }
  for (int run = 0; run < 200; ++run) {
    publish(c.store, run % 2 == 0 ? PortState::kRefused : PortState::kOpen);
    if (run % 10 == 0) c.collector.invalidate();
    if (run % 7 == 0) c.collector.release_idle_page(std::chrono::seconds(0));
    std::this_thread::yield();
  }
  done = true;
  for (std::thread& t : scrapers) t.join();
  EXPECT_EQ(bad, 0);
  EXPECT_GE(scrapes, 80);
  publish(c.store, PortState::kRefused);  // and after it all, the last run is what is served
  const std::string text = whole(c.metrics.body(true));
  const std::size_t line = text.find("veeam_flow_up{flow=\"f\"");
  ASSERT_NE(line, std::string::npos);
  EXPECT_EQ(text.substr(text.find('}', line), 4), "} 0\n");
}

}  // namespace
}  // namespace vpm::exporter
