// The built exporter scraped as Prometheus scrapes it (gzip) across completed runs: a scrape
// after a run sees that run's values, also after the page was released for want of scrapes
// (the compression of the last render is kept: metrics_response.h), and gzip and raw agree.
// Loopback only.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "exporter_process.h"
#include "gunzip.h"
#include "http_client.h"
#include "support/loopback.h"
#include "temp_dir.h"

namespace vpm::exporter::test {
namespace {

using namespace std::chrono_literals;

std::string flow_up(const std::string& metrics) {
  const auto lines = series(metrics, "veeam_flow_up", {"flow=\"f\""});
  return lines.size() == 1 ? value_of(lines.front()) : "(" + std::to_string(lines.size()) + ")";
}

TEST(ExporterGzipScrapes, AScrapeAfterARunSeesItsValuesAlsoAfterTheIdlePageWent) {
  TempDir dir;
  std::optional<vpm::test::TcpListener> listener(std::in_place);
  const std::string config = dir.write("targets.yaml",
                                       "defaults: {timeout: 1s, interval: 1s}\n"
                                       "roles:\n  a: {hosts: [127.0.0.1]}\n"
                                       "flows:\n  - {name: f, from: a, to: a, ports: [" +
                                           std::to_string(listener->port()) + "], expect: open}\n");
  ExporterProcess exporter(dir, {"--config.file=" + config, "--web.listen-address=127.0.0.1:0"});
  ASSERT_NE(exporter.port(), 0) << exporter.log();
  const auto gzip_scrape = [&] {
    HttpRequest request;
    request.path = "/metrics";
    request.headers = {"Accept-Encoding: gzip"};
    const HttpResponse response = http_request(exporter.port(), request);
    EXPECT_EQ(response.status, 200) << response.error;
    return gunzip(response.body);
  };
  EXPECT_EQ(flow_up(gzip_scrape()), "1");
  std::this_thread::sleep_for(1500ms);  // the page nobody asked for goes after 1 s
  EXPECT_EQ(flow_up(gzip_scrape()), "1");

  listener.reset();  // from the next run on, the port is refused
  EXPECT_TRUE(eventually([&] { return flow_up(gzip_scrape()) == "0"; }, 5s)) << exporter.log();
  std::this_thread::sleep_for(1500ms);
  const std::string zipped = gzip_scrape();
  const std::string plain = exporter.metrics();
  EXPECT_EQ(flow_up(zipped), "0");
  for (const char* name : {"veeam_flow_up", "veeam_flow_ports", "veeam_port_exporter_build_info"}) {
    EXPECT_EQ(series(zipped, name), series(plain, name)) << name;
  }
}

}  // namespace
}  // namespace vpm::exporter::test
