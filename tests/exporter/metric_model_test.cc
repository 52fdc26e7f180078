// The metric model from a fixed set of FlowResults: which series exist, their labels, values.
#include "metric_model.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures.h"
#include "same_text.h"
#include "support/flow_edit.h"

namespace vpm::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using test::make_flow;
using test::port;
using test::result;
using Labels = std::map<std::string, std::string>;

const MetricFamily* find_family(const std::vector<MetricFamily>& families,
                                const std::string& name) {
  for (const MetricFamily& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Labels labels_of(const ClientMetric& m) {
  Labels labels;
  for (const auto& l : m.label) labels[l.name] = l.value;
  return labels;
}

// The samples of a family whose labels include `match`.
std::vector<const ClientMetric*> samples(const std::vector<MetricFamily>& families,
                                         const std::string& name, const Labels& match = {}) {
  std::vector<const ClientMetric*> out;
  const MetricFamily* f = find_family(families, name);
  if (f == nullptr) return out;
  for (const ClientMetric& m : f->metric) {
    const Labels labels = labels_of(m);
    bool ok = true;
    for (const auto& [k, v] : match) {
      const auto it = labels.find(k);
      ok = ok && it != labels.end() && it->second == v;
    }
    if (ok) out.push_back(&m);
  }
  return out;
}

double gauge(const std::vector<MetricFamily>& families, const std::string& name,
             const Labels& match) {
  const auto found = samples(families, name, match);
  EXPECT_EQ(found.size(), 1u) << name;
  return found.empty() ? -1 : found.front()->gauge.value;
}

// Three flows on two targets: one up with two open ports, one down (refused + filtered), and
// a UDP flow of 20 ports (over a per-port limit of 16).
Snapshot fixed_snapshot() {
  Snapshot s;
  const Flow control = make_flow("agent-to-backup-server-control", "10005,10006");
  const Flow data = make_flow("agent-to-repository-data", "2500-2502");
  const Flow netbios =
      make_flow("agent-to-gateway-netbios-udp", "137-156", Expectation::kReachable, Protocol::kUdp);
  s.flows[control.name] = std::make_shared<const std::vector<FlowResult>>(std::vector<FlowResult>{
      result(control, "vbr01",
             {port(10005, PortState::kOpen, std::chrono::microseconds(250)),
              port(10006, PortState::kOpen, std::chrono::microseconds(1250))}),
      result(control, "vbr02",
             {port(10005, PortState::kRefused, std::chrono::microseconds(90), "connection refused"),
              port(10006, PortState::kOpen, std::chrono::microseconds(400))},
             1)});
  s.flows[data.name] = std::make_shared<const std::vector<FlowResult>>(std::vector<FlowResult>{
      result(data, "repo01",
             {port(2500, PortState::kRefused, std::chrono::microseconds(80)),
              port(2501, PortState::kFiltered, {}, "no answer in 2s"),
              port(2502, PortState::kFiltered, {}, "no answer in 2s")})});
  std::vector<PortResult> udp;
  for (Port p = 137; p <= 156; ++p) udp.push_back(port(p, PortState::kOpenFiltered));
  s.flows[netbios.name] = std::make_shared<const std::vector<FlowResult>>(
      std::vector<FlowResult>{result(netbios, "gw01", udp)});
  s.last_reload_successful = true;
  s.last_reload_success = std::chrono::system_clock::time_point(std::chrono::seconds(1704067000));
  s.probes_total[0][0] = 3;   // tcp open
  s.probes_total[1][4] = 20;  // udp open_filtered
  return s;
}

TEST(MetricModelTest, FlowUpHasOneSeriesPerFlowAndTargetWithAllLabels) {
  const auto families = flow_families(fixed_snapshot(), ModelOptions{});
  const auto up = samples(families, "veeam_flow_up");
  ASSERT_EQ(up.size(), 4u);
  EXPECT_EQ(labels_of(*up[0]), (Labels{{"flow", "agent-to-backup-server-control"},
                                       {"from", "agent"},
                                       {"to", "backup_server"},
                                       {"target", "vbr01"},
                                       {"protocol", "tcp"}}));
  EXPECT_EQ(gauge(families, "veeam_flow_up",
                  {{"flow", "agent-to-backup-server-control"}, {"target", "vbr01"}}),
            1);
  EXPECT_EQ(gauge(families, "veeam_flow_up",
                  {{"flow", "agent-to-backup-server-control"}, {"target", "vbr02"}}),
            0);
  EXPECT_EQ(gauge(families, "veeam_flow_up", {{"flow", "agent-to-repository-data"}}), 0);
  // reachable UDP: silence passes.
  EXPECT_EQ(gauge(families, "veeam_flow_up",
                  {{"flow", "agent-to-gateway-netbios-udp"}, {"protocol", "udp"}}),
            1);
}

TEST(MetricModelTest, LatencyIsTheSlowestPassingPortAndAbsentWhenNoneMeasured) {
  const auto families = flow_families(fixed_snapshot(), ModelOptions{});
  EXPECT_DOUBLE_EQ(gauge(families, "veeam_flow_latency_seconds",
                         {{"flow", "agent-to-backup-server-control"}, {"target", "vbr01"}}),
                   0.00125);
  // vbr02: 10005 refused fails `open`, so only 10006 counts.
  EXPECT_DOUBLE_EQ(gauge(families, "veeam_flow_latency_seconds",
                         {{"flow", "agent-to-backup-server-control"}, {"target", "vbr02"}}),
                   0.0004);
  // No passing port with a round trip: absent (not NaN, not 0).
  EXPECT_TRUE(
      samples(families, "veeam_flow_latency_seconds", {{"flow", "agent-to-repository-data"}})
          .empty());
  EXPECT_TRUE(
      samples(families, "veeam_flow_latency_seconds", {{"flow", "agent-to-gateway-netbios-udp"}})
          .empty());
}

TEST(MetricModelTest, PortsCountsEveryStateIncludingZeros) {
  const auto families = flow_families(fixed_snapshot(), ModelOptions{});
  const auto data = samples(families, "veeam_flow_ports", {{"flow", "agent-to-repository-data"}});
  ASSERT_EQ(data.size(), kPortStateCount);  // every state the core knows, zeros included
  const std::map<std::string, double> nonzero = {{"refused", 1}, {"filtered", 2}};
  for (const ClientMetric* m : data) {
    const Labels labels = labels_of(*m);
    EXPECT_EQ(labels.size(), 4u);  // flow, target, protocol, state
    EXPECT_EQ(labels.at("target"), "repo01");
    const auto it = nonzero.find(labels.at("state"));
    EXPECT_EQ(m->gauge.value, it == nonzero.end() ? 0 : it->second) << labels.at("state");
  }
  for (const PortState state : kAllPortStates) {
    EXPECT_EQ(
        samples(families, "veeam_flow_ports",
                {{"flow", "agent-to-repository-data"}, {"state", std::string(to_string(state))}})
            .size(),
        1u);
  }
  EXPECT_EQ(samples(families, "veeam_flow_ports").size(), 4u * kPortStateCount);
}

TEST(MetricModelTest, TlsFamiliesOnlyWhereAHandshakeCompleted) {
  Snapshot s = fixed_snapshot();
  EXPECT_EQ(find_family(flow_families(s, ModelOptions{}),
                        "veeam_flow_tls_cert_not_after_timestamp_seconds"),
            nullptr);
  EXPECT_EQ(find_family(flow_families(s, ModelOptions{}), "veeam_flow_tls_version_info"), nullptr);
  Flow identity = make_flow("agent-to-backup-server-identity", "443,8443");
  PortResult with_tls = port(443, PortState::kOpen);
  with_tls.tls = TlsInfo{"TLSv1.3", "CN=vbr01", "CN=ca", {}, true, {}};
  with_tls.tls->not_after = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
  FlowResult r = result(identity, "vbr01", {with_tls, port(8443, PortState::kRefused)});
  s.flows[identity.name] =
      std::make_shared<const std::vector<FlowResult>>(std::vector<FlowResult>{r});
  const auto families = flow_families(s, ModelOptions{});
  EXPECT_EQ(samples(families, "veeam_flow_tls_cert_not_after_timestamp_seconds").size(), 1u);
  EXPECT_EQ(
      gauge(families, "veeam_flow_tls_cert_not_after_timestamp_seconds",
            {{"flow", "agent-to-backup-server-identity"}, {"target", "vbr01"}, {"port", "443"}}),
      1767225600);
  EXPECT_EQ(gauge(families, "veeam_flow_tls_version_info",
                  {{"flow", "agent-to-backup-server-identity"},
                   {"target", "vbr01"},
                   {"port", "443"},
                   {"version", "TLSv1.3"}}),
            1);
  EXPECT_EQ(
      gauge(families, "veeam_flow_tls_cert_verified",
            {{"flow", "agent-to-backup-server-identity"}, {"target", "vbr01"}, {"port", "443"}}),
      1);
  EXPECT_EQ(samples(families, "veeam_flow_tls_version_info").size(), 1u);
}

TEST(MetricModelTest, ServiceFamiliesOnlyWhereAServiceCheckTalked) {
  Snapshot s = fixed_snapshot();
  EXPECT_EQ(find_family(flow_families(s, ModelOptions{}), "veeam_flow_service_info"), nullptr);
  EXPECT_EQ(find_family(flow_families(s, ModelOptions{}), "veeam_flow_service_duration_seconds"),
            nullptr);
  Flow share = make_flow("agent-to-share-smb", "139,445,4450,4451");
  share.check.kind = CheckKind::kSmb;
  PortResult smb311 = port(445, PortState::kOpen, std::chrono::microseconds(100), "SMB 3.1.1");
  smb311.smb_dialect = "3.1.1";
  smb311.service_time = std::chrono::microseconds(1500);
  PortResult below = port(139, PortState::kMismatch, std::chrono::microseconds(100),
                          "SMB 2.1, below min_dialect 3.0");
  below.smb_dialect = "2.1";
  below.service_time = std::chrono::microseconds(700);
  PortResult silent = port(4450, PortState::kMismatch, std::chrono::microseconds(100), "no reply");
  silent.service_time = std::chrono::seconds(2);
  PortResult odd = port(4451, PortState::kOpen, std::chrono::microseconds(100), "SMB 0x0abc");
  odd.smb_dialect = "0x0abc";
  odd.service_time = std::chrono::microseconds(900);
  s.flows[share.name] = std::make_shared<const std::vector<FlowResult>>(
      std::vector<FlowResult>{result(share, "fs01", {below, smb311, silent, odd})});
  const auto families = flow_families(s, ModelOptions{});
  const Labels at_445 = {{"flow", "agent-to-share-smb"}, {"target", "fs01"}, {"port", "445"}};
  EXPECT_EQ(gauge(families, "veeam_flow_service_duration_seconds", at_445), 0.0015);
  EXPECT_EQ(gauge(families, "veeam_flow_service_duration_seconds",
                  {{"flow", "agent-to-share-smb"}, {"port", "4450"}}),
            2);
  EXPECT_EQ(samples(families, "veeam_flow_service_duration_seconds").size(), 4u);
  const auto info = samples(families, "veeam_flow_service_info", at_445);
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(labels_of(*info.front()), (Labels{{"flow", "agent-to-share-smb"},
                                              {"target", "fs01"},
                                              {"port", "445"},
                                              {"check", "smb"},
                                              {"dialect", "3.1.1"},
                                              {"tls_version", ""}}));
  // Below min_dialect still names the dialect; a silent port has none to give; an unknown
  // dialect is "other", so the label keeps few values.
  EXPECT_EQ(gauge(families, "veeam_flow_service_info", {{"port", "139"}, {"dialect", "2.1"}}), 1);
  EXPECT_EQ(samples(families, "veeam_flow_service_info", {{"port", "4450"}}).size(), 0u);
  EXPECT_EQ(gauge(families, "veeam_flow_service_info", {{"port", "4451"}, {"dialect", "other"}}),
            1);
}

TEST(MetricModelTest, PortUpOnlyForFlowsWithinThePerPortLimit) {
  ModelOptions options;
  options.per_port_limit = 16;
  auto families = flow_families(fixed_snapshot(), options);
  EXPECT_EQ(samples(families, "veeam_flow_port_up").size(), 2u + 2u + 3u);  // not the 20 UDP
  EXPECT_EQ(
      gauge(families, "veeam_flow_port_up",
            {{"flow", "agent-to-backup-server-control"}, {"target", "vbr02"}, {"port", "10005"}}),
      0);
  EXPECT_EQ(
      gauge(families, "veeam_flow_port_up",
            {{"flow", "agent-to-backup-server-control"}, {"target", "vbr02"}, {"port", "10006"}}),
      1);
  EXPECT_EQ(labels_of(*samples(families, "veeam_flow_port_up").front()).size(), 4u);

  options.per_port_limit = 20;
  families = flow_families(fixed_snapshot(), options);
  EXPECT_EQ(samples(families, "veeam_flow_port_up", {{"protocol", "udp"}}).size(), 20u);

  options.per_port_limit = 0;
  families = flow_families(fixed_snapshot(), options);
  EXPECT_EQ(find_family(families, "veeam_flow_port_up"), nullptr);  // empty families left out
}

TEST(MetricModelTest, LastRunAndDurationPerFlowAndTarget) {
  const auto families = flow_families(fixed_snapshot(), ModelOptions{});
  EXPECT_EQ(gauge(families, "veeam_flow_last_run_timestamp_seconds",
                  {{"flow", "agent-to-backup-server-control"}, {"target", "vbr02"}}),
            1704067201);
  EXPECT_DOUBLE_EQ(gauge(families, "veeam_flow_run_duration_seconds",
                         {{"flow", "agent-to-repository-data"}, {"target", "repo01"}}),
                   0.0015);
  EXPECT_EQ(labels_of(*samples(families, "veeam_flow_run_duration_seconds").front()),
            (Labels{{"flow", "agent-to-backup-server-control"}, {"target", "vbr01"}}));
}

TEST(MetricModelTest, IntervalOncePerFlowToCompareWithTheRunDuration) {
  Snapshot snapshot = fixed_snapshot();
  Flow slow = make_flow("agent-to-dynamic", "30000-34999");
  slow.interval = Duration(2500);
  snapshot.flows[slow.name] = std::make_shared<const std::vector<FlowResult>>(
      std::vector<FlowResult>{result(slow, "vbr01", {port(30000, PortState::kFiltered)})});
  const auto families = flow_families(snapshot, ModelOptions{});
  EXPECT_EQ(samples(families, "veeam_flow_interval_seconds").size(), 4u);  // one per flow
  EXPECT_DOUBLE_EQ(gauge(families, "veeam_flow_interval_seconds", {{"flow", "agent-to-dynamic"}}),
                   2.5);
  EXPECT_EQ(labels_of(*samples(families, "veeam_flow_interval_seconds",
                               {{"flow", "agent-to-backup-server-control"}})
                           .front()),
            (Labels{{"flow", "agent-to-backup-server-control"}}));
  EXPECT_DOUBLE_EQ(
      gauge(families, "veeam_flow_interval_seconds", {{"flow", "agent-to-backup-server-control"}}),
      to_seconds(Flow{}.interval));
}

TEST(MetricModelTest, InfoCarriesTheFlowDefinitionOncePerFlow) {
  const auto families = flow_families(fixed_snapshot(), ModelOptions{});
  const auto info = samples(families, "veeam_flow_info");
  ASSERT_EQ(info.size(), 3u);
  EXPECT_EQ(
      labels_of(*samples(families, "veeam_flow_info", {{"flow", "agent-to-gateway-netbios-udp"}})
                     .front()),
      (Labels{{"flow", "agent-to-gateway-netbios-udp"},
              {"from", "agent"},
              {"to", "backup_server"},
              {"protocol", "udp"},
              {"ports", "137-156"},
              {"expect", "reachable"},
              {"check", "connect"},
              {"severity", "critical"}}));
}

TEST(MetricModelTest, EveryFamilyHasHelpAndAType) {
  const Snapshot s = fixed_snapshot();
  auto families = flow_families(s, ModelOptions{});
  for (auto& f : exporter_families(s, ModelOptions{})) families.push_back(std::move(f));
  ASSERT_EQ(families.size(), 8u + 4u);
  for (const MetricFamily& f : families) {
    EXPECT_FALSE(f.help.empty()) << f.name;
    EXPECT_NE(f.type, MetricType::Untyped) << f.name;
    EXPECT_FALSE(f.metric.empty()) << f.name;
  }
}

TEST(MetricModelTest, ExporterFamiliesCountProbesAndReloads) {
  const auto families = exporter_families(fixed_snapshot(), ModelOptions{16, "1.2.3", "abc"});
  const auto probes = samples(families, "veeam_port_exporter_probes_total");
  ASSERT_EQ(probes.size(), 2 * kPortStateCount);  // tcp and udp x every state, zeros included
  EXPECT_EQ(find_family(families, "veeam_port_exporter_probes_total")->type, MetricType::Counter);
  const auto tcp_open = samples(families, "veeam_port_exporter_probes_total",
                                {{"protocol", "tcp"}, {"state", "open"}});
  ASSERT_EQ(tcp_open.size(), 1u);
  EXPECT_EQ(tcp_open.front()->counter.value, 3);
  const auto udp_silent = samples(families, "veeam_port_exporter_probes_total",
                                  {{"protocol", "udp"}, {"state", "open_filtered"}});
  EXPECT_EQ(udp_silent.front()->counter.value, 20);
  EXPECT_EQ(gauge(families, "veeam_port_exporter_config_last_reload_successful", {}), 1);
  EXPECT_EQ(gauge(families, "veeam_port_exporter_config_last_reload_success_timestamp_seconds", {}),
            1704067000);
  EXPECT_EQ(gauge(families, "veeam_port_exporter_build_info",
                  {{"version", "1.2.3"}, {"revision", "abc"}}),
            1);
}

TEST(MetricModelTest, AnEmptySnapshotHasOnlyTheExporterFamilies) {
  const Snapshot empty;
  EXPECT_TRUE(flow_families(empty, ModelOptions{}).empty());
  const auto families = exporter_families(empty, ModelOptions{});
  EXPECT_EQ(gauge(families, "veeam_port_exporter_config_last_reload_successful", {}), 0);
}

// What prometheus-cpp's own serializer writes of `families`: the reference for our text.
std::string text_serializer(const std::vector<MetricFamily>& families) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return std::move(out).str();
}

TEST(MetricModelTest, SerializesTheTextFormat) {
  const auto families = flow_families(fixed_snapshot(), ModelOptions{});
  const std::string text = serialize(families);
  EXPECT_EQ(text, text_serializer(families));
  EXPECT_NE(text.find("# TYPE veeam_flow_up gauge\n"), std::string::npos);
  EXPECT_NE(text.find("veeam_flow_up{flow=\"agent-to-backup-server-control\",from=\"agent\","
                      "to=\"backup_server\",target=\"vbr01\",protocol=\"tcp\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("veeam_flow_ports{flow=\"agent-to-repository-data\",target=\"repo01\","
                      "protocol=\"tcp\",state=\"filtered\"} 2\n"),
            std::string::npos);
}

// The check's --textfile writes the core's flow families: the same bytes as the exporter's
// flow families for the same results, whatever order the results come in.
TEST(MetricModelTest, TheChecksTextfileHasTheExportersFlowFamilies) {
  const Snapshot snapshot = fixed_snapshot();
  std::vector<FlowResult> results;
  for (auto it = snapshot.flows.rbegin(); it != snapshot.flows.rend(); ++it) {
    results.insert(results.end(), it->second->begin(), it->second->end());
  }
  EXPECT_EQ(flow_metrics_text(results), serialize(flow_families(snapshot, ModelOptions{})));
  EXPECT_EQ(flow_metrics_text(results, 2), serialize(flow_families(snapshot, [] {
              ModelOptions o;
              o.per_port_limit = 2;
              return o;
            }())));
  EXPECT_EQ(flow_metrics_text({}), "");
}

TEST(ExporterCollectorTest, CollectsTheStoreAtScrapeTimeAndFollowsRemovals) {
  ResultStore store;
  const ExporterCollector collector(store, ModelOptions{});
  const Flow flow = make_flow("f", "22");
  store.publish("f", {result(flow, "h", {port(22, PortState::kOpen)})});
  auto families = collector.Collect();
  EXPECT_EQ(samples(families, "veeam_flow_up").size(), 1u);
  EXPECT_NE(find_family(families, "process_resident_memory_bytes"), nullptr);
  EXPECT_NE(find_family(families, "process_open_fds"), nullptr);
  EXPECT_NE(find_family(families, "process_start_time_seconds"), nullptr);
  EXPECT_NE(find_family(families, "process_cpu_seconds_total"), nullptr);
  EXPECT_NE(collector.text().joined().find("veeam_flow_up{flow=\"f\""), std::string::npos);

  store.forget("f");
  families = collector.Collect();
  EXPECT_TRUE(samples(families, "veeam_flow_up").empty());
  EXPECT_EQ(collector.text().joined().find("veeam_flow_up"), std::string::npos);  // cache too
}

// Everything but the process_* lines, whose values change from one call to the next.
std::string without_process_lines(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start + 1);
    start = end + 1;
    if (line.rfind("process_", 0) != 0 && line.rfind("# HELP process_", 0) != 0 &&
        line.rfind("# TYPE process_", 0) != 0) {
      out += line;
    }
  }
  return out;
}

TEST(ExporterCollectorTest, CachedTextIsTheSerializedCollectionThroughChanges) {
  ResultStore store;
  const ExporterCollector collector(store, ModelOptions{});
  const auto check = [&](const char* when) {
    EXPECT_EQ(without_process_lines(collector.text().joined()),
              without_process_lines(text_serializer(collector.Collect())))
        << when;
  };
  check("empty");
  const Snapshot fixed = fixed_snapshot();
  for (const auto& [name, results] : fixed.flows) store.publish(name, *results);
  check("three flows");
  const Flow control = make_flow("agent-to-backup-server-control", "10005,10006");
  store.publish(control.name,
                {result(control, "vbr01",
                        {port(10005, PortState::kFiltered), port(10006, PortState::kOpen)})});
  check("one flow republished");
  store.forget("agent-to-repository-data");
  check("one flow forgotten");
  Flow relabelled =
      make_flow("agent-to-gateway-netbios-udp", "137-156", Expectation::kReachable, Protocol::kUdp);
  relabelled.severity = Severity::kWarning;
  store.update_definition(vpm::test::shared(relabelled));
  check("one flow relabelled");
  const auto first = collector.text().snapshot_part;
  EXPECT_EQ(collector.text().snapshot_part, first);  // unchanged: the same shared text
}

TEST(ExporterCollectorTest, WithinTheRenderIntervalTheLastPageIsServedUntilInvalidated) {
  ResultStore store;
  ModelOptions options;
  options.min_render_interval = std::chrono::hours(1);
  ExporterCollector collector(store, options);
  const Flow flow = make_flow("f", "22");
  store.publish("f", {result(flow, "h", {port(22, PortState::kOpen)})});
  const auto first = collector.text().snapshot_part;
  EXPECT_NE(first->find("veeam_flow_up{flow=\"f\""), std::string::npos);

  const Flow other = make_flow("g", "23");
  store.publish("g", {result(other, "h", {port(23, PortState::kRefused)})});
  EXPECT_EQ(collector.text().snapshot_part, first);  // at most one page per interval

  collector.invalidate();  // what a reload does
  const auto second = collector.text().snapshot_part;
  EXPECT_NE(second, first);
  EXPECT_NE(second->find("veeam_flow_up{flow=\"g\""), std::string::npos);
  EXPECT_EQ(without_process_lines(*second),
            without_process_lines(text_serializer(collector.Collect())));
}

// A page like a production one: hundreds of flows over TCP and UDP, one to three targets each,
// every port state, TLS ports, flows over the per-port limit, latencies of odd fractions, and
// label values that need escaping. The page is what TextSerializer writes of Collect().
TEST(ExporterCollectorTest, ThePageOfABusySnapshotIsWhatTextSerializerWritesOfCollect) {
  ResultStore store;
  ModelOptions options;
  options.version = "1.2.3";
  options.revision = "abc\"\\def";
  const ExporterCollector collector(store, options);
  for (int i = 0; i < 300; ++i) {
    const std::string ports =
        i % 7 == 0 ? "1000-1019" : std::to_string(1000 + i) + "," + std::to_string(3000 + i);
    Flow flow = make_flow("flow-" + std::to_string(i), ports,
                          i % 3 == 0 ? Expectation::kReachable : Expectation::kOpen,
                          i % 5 == 4 ? Protocol::kUdp : Protocol::kTcp);
    if (i % 11 == 0) flow.to = "role \"quoted\" \\ with\nnewline, ünïcødé";
    std::vector<FlowResult> results;
    for (int t = 0; t < 1 + i % 3; ++t) {
      std::vector<PortResult> found;
      for (const Port p : flow.ports.ports()) {
        const auto state = kAllPortStates[static_cast<std::size_t>(i + t + p) % kPortStateCount];
        PortResult r = port(p, state, std::chrono::microseconds(37 + i * 13 + p % 7 * 1001));
        if (i % 4 == 1 && state == PortState::kOpen) {
          r.tls = TlsInfo{t == 0 ? "TLSv1.3" : "TLS\"v1.2\"", "CN=x", "CN=ca", {}, t == 0, {}};
          if (t != 2) {
            r.tls->not_after =
                std::chrono::system_clock::time_point(std::chrono::milliseconds(1767225600123 + i));
          }
        }
        if (i % 4 == 2) {
          r.service_time = std::chrono::microseconds(50 + p);
          if (p % 2 == 0) r.smb_dialect = t == 0 ? "3.1.1" : "0x0abc";
        }
        found.push_back(std::move(r));
      }
      results.push_back(result(flow, "host-" + std::to_string(t) + ".example.org", found, i));
    }
    store.publish(flow.name, std::move(results));
  }
  store.record_reload(true,
                      std::chrono::system_clock::time_point(std::chrono::seconds(1704067000)));
  const std::string page = collector.text().joined();
  EXPECT_GT(page.size(), 300000u);
  EXPECT_NE(page.find("veeam_flow_tls_version_info{"), std::string::npos);
  EXPECT_NE(page.find("veeam_flow_service_info{"), std::string::npos);
  EXPECT_NE(page.find("veeam_flow_service_duration_seconds{"), std::string::npos);
  EXPECT_NE(page.find("to=\"role \\\"quoted\\\" \\\\ with\\nnewline, ünïcødé\""),
            std::string::npos);
  EXPECT_TRUE(test::same_text(without_process_lines(page),
                              without_process_lines(text_serializer(collector.Collect()))));
}

TEST(ExporterCollectorTest, APageNobodyAskedForLatelyIsReleasedAndRenderedAgainWhenAsked) {
  ResultStore store;
  ModelOptions options;
  options.min_render_interval = std::chrono::hours(1);
  ExporterCollector collector(store, options);
  EXPECT_FALSE(collector.release_idle_page(std::chrono::seconds(0)));  // nothing rendered yet
  const Flow flow = make_flow("f", "22");
  store.publish("f", {result(flow, "h", {port(22, PortState::kOpen)})});
  std::weak_ptr<const std::string> first = collector.text().snapshot_part;
  EXPECT_FALSE(collector.release_idle_page(std::chrono::hours(1)));  // asked for just now
  EXPECT_FALSE(first.expired());                                     // still kept

  EXPECT_TRUE(collector.release_idle_page(std::chrono::seconds(0)));
  EXPECT_TRUE(first.expired());  // the collector held the only reference: the memory is gone
  EXPECT_FALSE(collector.release_idle_page(std::chrono::seconds(0)));  // nothing left to drop

  // Within the render interval still, yet the next scrape gets a page: a new one, the same text.
  const auto second = collector.text().snapshot_part;
  EXPECT_NE(second->find("veeam_flow_up{flow=\"f\""), std::string::npos);
  EXPECT_EQ(without_process_lines(*second), without_process_lines(serialize(collector.Collect())));
}

TEST(ExporterCollectorTest, ReleasingDoesNotPullThePageFromAScrapeStillSendingIt) {
  ResultStore store;
  ExporterCollector collector(store, ModelOptions{});
  const Flow flow = make_flow("f", "22");
  store.publish("f", {result(flow, "h", {port(22, PortState::kOpen)})});
  const auto sending = collector.text().snapshot_part;
  const std::string copy = *sending;
  EXPECT_TRUE(collector.release_idle_page(std::chrono::seconds(0)));
  EXPECT_EQ(*sending, copy);
  EXPECT_EQ(sending.use_count(), 1);
}

}  // namespace
}  // namespace vpm::exporter
