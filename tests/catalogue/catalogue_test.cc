// config/targets.yaml against a hand-typed list of the rows of Veeam's "Ports" page
// (veeam_ports_page.txt): a row missing from the file and a flow the page does not have both
// fail. Then what the file promises: roles named from the page, Internet flows disabled, every
// machine on loopback, expectations that fit each port, and --role selection.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "support/network_rule.h"
#include "vpm/config.h"
#include "vpm/plan.h"

namespace vpm {
namespace {

const std::string kShippedConfig = std::string(VPM_SOURCE_DIR) + "/config/targets.yaml";
const std::string kPageList = std::string(VPM_TEST_DATA_DIR) + "/catalogue/veeam_ports_page.txt";

struct PageRow {
  Protocol protocol = Protocol::kTcp;
  std::string from;
  std::string to;
  // As listed, overlaps included (the page lists 3260 and 2500-3300 on one row). Empty: the
  // page gives no port.
  std::vector<PortRange> ports;
  bool internet = false;
};

std::vector<PageRow> read_page_rows() {
  std::ifstream file(kPageList);
  EXPECT_TRUE(file) << "cannot read " << kPageList;
  std::vector<PageRow> rows;
  std::string text;
  for (int line = 1; std::getline(file, text); ++line) {
    if (text.empty() || text.front() == '#') continue;
    std::istringstream words(text);
    std::string protocol, ports, where, extra;
    PageRow row;
    words >> protocol >> row.from >> row.to >> ports >> where;
    const std::optional<Protocol> parsed = parse_protocol(protocol);
    if (!parsed || where.empty() || (words >> extra) || (where != "lan" && where != "internet")) {
      ADD_FAILURE() << kPageList << ":" << line << ": not \"protocol from to ports where\"";
      continue;
    }
    row.protocol = *parsed;
    row.internet = where == "internet";
    for (std::size_t begin = 0; ports != "unspecified" && begin <= ports.size();) {
      const std::size_t comma = std::min(ports.find(',', begin), ports.size());
      std::string error;
      const std::optional<PortRange> range =
          parse_port_range(std::string_view(ports).substr(begin, comma - begin), &error);
      if (!range) ADD_FAILURE() << kPageList << ":" << line << ": " << error;
      if (range) row.ports.push_back(*range);
      begin = comma + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

using Key = std::tuple<std::string, std::string, std::string>;  // protocol, from, to
using PortCounts = std::map<Port, int>;                         // how often each port is listed

std::string describe(const Key& key) {
  return std::get<0>(key) + " " + std::get<1>(key) + " -> " + std::get<2>(key);
}

void count(const std::vector<PortRange>& ranges, PortCounts& counts) {
  for (const PortRange& range : ranges) {
    for (unsigned port = range.first; port <= range.last; ++port) ++counts[static_cast<Port>(port)];
  }
}

// "137-139 listed 1 time on the page, 0 in targets.yaml", one per run of equal counts.
std::vector<std::string> count_differences(const PortCounts& page, const PortCounts& file) {
  std::vector<std::string> out;
  std::optional<std::tuple<unsigned, unsigned, int, int>> run;  // first, last, page, file
  const auto flush = [&] {
    if (!run) return;
    const auto [first, last, in_page, in_file] = *run;
    out.push_back((first == last ? std::to_string(first)
                                 : std::to_string(first) + "-" + std::to_string(last)) +
                  " listed " + std::to_string(in_page) + " time(s) on the page, " +
                  std::to_string(in_file) + " in targets.yaml");
    run.reset();
  };
  for (unsigned port = 1; port <= 65535; ++port) {
    const auto p = page.find(static_cast<Port>(port));
    const auto f = file.find(static_cast<Port>(port));
    const int in_page = p == page.end() ? 0 : p->second;
    const int in_file = f == file.end() ? 0 : f->second;
    if (in_page == in_file) {
      flush();
      continue;
    }
    if (run && std::get<1>(*run) + 1 == port && std::get<2>(*run) == in_page &&
        std::get<3>(*run) == in_file) {
      std::get<1>(*run) = port;
    } else {
      flush();
      run = std::make_tuple(port, port, in_page, in_file);
    }
  }
  flush();
  return out;
}

// Every way the file and the page disagree. Rows may be split into several flows (by what
// listens on a port), so ports are compared per protocol and endpoints, with multiplicity: a
// port the page lists on three rows must be in three flows.
std::vector<std::string> disagreements(const std::vector<PageRow>& rows, const Config& config) {
  std::map<Key, PortCounts> page;
  std::map<Key, PortCounts> file;
  std::set<Key> unspecified;
  for (const PageRow& row : rows) {
    const Key key{std::string(to_string(row.protocol)), row.from, row.to};
    if (!row.ports.empty()) {
      count(row.ports, page[key]);
    } else {
      unspecified.insert(key);
    }
  }
  std::vector<std::string> out;
  for (const Flow& flow : config.flows) {
    const Key key{std::string(to_string(flow.protocol)), flow.from, flow.to};
    if (unspecified.count(key) != 0) {
      // The page gives no port: any placeholder will do while the flow stays disabled.
      if (flow.enabled) out.push_back(flow.name + ": the page gives no port, must be disabled");
      continue;
    }
    count(flow.ports.ranges(), file[key]);
  }
  std::set<Key> keys;
  for (const auto& [key, counts] : page) keys.insert(key);
  for (const auto& [key, counts] : file) keys.insert(key);
  for (const Key& key : unspecified) {
    if (page.count(key) != 0) out.push_back(describe(key) + ": both with and without ports");
    const bool in_file = std::any_of(config.flows.begin(), config.flows.end(), [&](const Flow& f) {
      return Key{std::string(to_string(f.protocol)), f.from, f.to} == key;
    });
    if (!in_file) out.push_back(describe(key) + ": on the page, no flow in targets.yaml");
  }
  for (const Key& key : keys) {
    for (const std::string& difference : count_differences(page[key], file[key])) {
      out.push_back(describe(key) + ": " + difference);
    }
  }
  return out;
}

std::string lines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += "  " + item + "\n";
  return out;
}

// Loaded for each test, so that a problem in either file fails the test rather than skipping it.
class CatalogueTest : public testing::Test {
 protected:
  void SetUp() override {
    config_ = load_config_file(kShippedConfig);
    rows_ = read_page_rows();
  }

  bool is_internet_role(const std::string& role) const {
    return std::any_of(rows_.begin(), rows_.end(),
                       [&](const PageRow& row) { return row.internet && row.to == role; });
  }

  static std::set<std::string> names(const std::vector<const Flow*>& flows) {
    std::set<std::string> out;
    for (const Flow* flow : flows) out.insert(flow->name);
    return out;
  }

  Config config_;
  std::vector<PageRow> rows_;
};

TEST_F(CatalogueTest, PageListIsComplete) {
  // 29 rows in 9 tables, one of them "TCP UDP" (a line per protocol): a cut list must not pass.
  EXPECT_EQ(rows_.size(), 30u);
}

TEST_F(CatalogueTest, EveryPageRowIsAFlowAndEveryFlowAPageRow) {
  const std::vector<std::string> found = disagreements(rows_, config_);
  EXPECT_TRUE(found.empty()) << "config/targets.yaml and tests/catalogue/veeam_ports_page.txt "
                                "disagree:\n"
                             << lines(found);
}

// The comparison itself: a row missing from the file, a flow the page does not have and a
// port on a row fewer or more all show up.
TEST_F(CatalogueTest, ComparisonCatchesDisagreementBothWays) {
  Config missing = config_;
  std::erase_if(missing.flows, [](const Flow& f) { return f.name == "agent-to-smtp-ssl"; });
  EXPECT_EQ(disagreements(rows_, missing),
            std::vector<std::string>{
                "tcp agent -> smtp_server: 587 listed 1 time(s) on the page, 0 in targets.yaml"});

  Config extra = config_;
  Flow flow = extra.flows.front();
  flow.name = "extra";
  flow.protocol = Protocol::kUdp;
  flow.to = "backup_server";
  extra.flows.push_back(flow);
  EXPECT_EQ(
      disagreements(rows_, extra),
      std::vector<std::string>{
          "udp agent -> backup_server: 6183 listed 0 time(s) on the page, 1 in targets.yaml"});

  // The incoming duplicate of the local row counts: without it 6183 is there twice, not 3 times.
  Config duplicate_gone = config_;
  std::erase_if(duplicate_gone.flows,
                [](const Flow& f) { return f.name == "incoming-agent-components-service"; });
  EXPECT_EQ(disagreements(rows_, duplicate_gone),
            std::vector<std::string>{
                "tcp agent -> agent: 6183 listed 3 time(s) on the page, 2 in targets.yaml"});

  Config placeholder_enabled = config_;
  for (Flow& f : placeholder_enabled.flows) {
    if (f.name == "agent-to-s3-compatible-storage") f.enabled = true;
  }
  EXPECT_EQ(disagreements(rows_, placeholder_enabled),
            std::vector<std::string>{
                "agent-to-s3-compatible-storage: the page gives no port, must be disabled"});
}

TEST_F(CatalogueTest, RolesAreNamedFromThePage) {
  std::set<std::string> on_page;
  for (const PageRow& row : rows_) {
    on_page.insert(row.from);
    on_page.insert(row.to);
  }
  std::set<std::string> in_file;
  for (const Role& role : config_.roles) {
    in_file.insert(role.name);
    EXPECT_FALSE(role.description.empty()) << role.name << " has no description";
  }
  EXPECT_EQ(in_file, on_page);
  EXPECT_TRUE(in_file.count("agent") != 0 && in_file.count("backup_server") != 0);
}

TEST_F(CatalogueTest, InternetFlowsArePresentButDisabled) {
  std::size_t internet_flows = 0;
  for (const Flow& flow : config_.flows) {
    if (!is_internet_role(flow.to)) continue;
    ++internet_flows;
    EXPECT_FALSE(flow.enabled) << flow.name << " goes to the Internet and must be disabled";
    // Real host names, not loopback stand-ins: enabling the flow must be all it takes.
    for (const std::string& host : require_role(config_, flow.to).hosts) {
      EXPECT_FALSE(test::is_loopback_literal(host)) << flow.name << ": " << host;
      EXPECT_NE(host.find('.'), std::string::npos) << flow.name << ": " << host;
    }
  }
  EXPECT_EQ(internet_flows, 11u);
}

TEST_F(CatalogueTest, EveryMachineOfTheNetworkIsLoopback) {
  for (const Role& role : config_.roles) {
    if (is_internet_role(role.name)) continue;
    for (const std::string& host : role.hosts) {
      EXPECT_TRUE(test::is_loopback_literal(host)) << role.name << ": " << host;
    }
  }
  EXPECT_EQ(test::hosts_beyond_loopback(config_, ""), std::vector<std::string>{});
}

TEST_F(CatalogueTest, ExpectationsFitHowVeeamUsesEachPort) {
  for (const Flow& flow : config_.flows) {
    SCOPED_TRACE(flow.name);
    EXPECT_FALSE(flow.note.empty());
    const bool dynamic_range = std::any_of(flow.ports.ranges().begin(), flow.ports.ranges().end(),
                                           [](const PortRange& r) { return r.size() >= 100; });
    if (dynamic_range) {
      // Nothing listens there between jobs; a run samples the range.
      EXPECT_EQ(flow.ports.ranges().size(), 1u);
      EXPECT_EQ(flow.expect, Expectation::kReachable);
      ASSERT_TRUE(flow.sample.has_value());
      EXPECT_LE(*flow.sample, 128u);
      EXPECT_LT(*flow.sample, flow.ports.size());
    } else if (flow.protocol == Protocol::kUdp || flow.name == "agent-to-gateway-netbios-tcp") {
      // NetBIOS over UDP, and the TCP ports the page lists where Windows has no service.
      EXPECT_EQ(flow.expect, Expectation::kReachable);
      EXPECT_FALSE(flow.sample.has_value());
    } else {
      EXPECT_EQ(flow.expect, Expectation::kOpen);
      EXPECT_FALSE(flow.sample.has_value());
    }
  }
}

TEST_F(CatalogueTest, AgentRoleSelectsTheFlowsThatStartOnTheAgent) {
  const std::vector<const Flow*> agent = select_flows(config_, "agent");
  const auto expected = std::count_if(config_.flows.begin(), config_.flows.end(),
                                      [](const Flow& f) { return f.enabled && f.from == "agent"; });
  EXPECT_EQ(agent.size(), static_cast<std::size_t>(expected));
  for (const Flow* flow : agent) {
    EXPECT_EQ(flow->from, "agent");
    EXPECT_TRUE(flow->enabled);
  }
  EXPECT_TRUE(names(agent).count("agent-to-backup-server") != 0);
  EXPECT_TRUE(names(agent).count("agent-to-amazon-s3") == 0);  // disabled
  EXPECT_EQ(agent.size(), 24u);
}

TEST_F(CatalogueTest, BackupServerRoleSelectsTheIncomingConnections) {
  EXPECT_EQ(names(select_flows(config_, "backup_server")),
            (std::set<std::string>{"backup-server-to-agent-restore", "backup-server-to-agent-data",
                                   "backup-server-to-agent-rpc-dynamic"}));
  for (const Flow* flow : select_flows(config_, "backup_server")) EXPECT_EQ(flow->to, "agent");
}

TEST_F(CatalogueTest, TheTwoVantagePointsCoverEveryEnabledFlow) {
  std::set<std::string> covered = names(select_flows(config_, "agent"));
  for (const std::string& name : names(select_flows(config_, "backup_server"))) {
    EXPECT_TRUE(covered.insert(name).second) << name << " selected by both roles";
  }
  EXPECT_EQ(covered, names(select_flows(config_, "")));
  // Roles that only receive start nothing: running the check there is an error (no flows).
  EXPECT_TRUE(select_flows(config_, "backup_repository").empty());
  EXPECT_TRUE(select_flows(config_, "update_server").empty());
}

}  // namespace
}  // namespace vpm
