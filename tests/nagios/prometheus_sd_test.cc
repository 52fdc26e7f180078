#include "prometheus_sd.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace vpm::nagios {
namespace {

const Config kConfig = load_config_string(
    "roles:\n"
    "  backup_server: {hosts: [vbr01]}\n"
    "  agent: {hosts: [127.0.1.1, 'pc-\"7\"', '::1']}\n"
    "flows:\n"
    "  - {name: f, from: backup_server, to: agent, ports: [1]}\n",
    "targets.yaml");

TEST(PrometheusSd, EveryHostOfTheRoleAtTheExporterPortLabelledWithTheRole) {
  EXPECT_EQ(format_prometheus_sd(kConfig, "agent", 9999),
            "[\n"
            "  {\n"
            "    \"targets\": [\n"
            "      \"127.0.1.1:9999\",\n"
            "      \"pc-\\\"7\\\":9999\",\n"
            "      \"[::1]:9999\"\n"
            "    ],\n"
            "    \"labels\": {\"role\": \"agent\"}\n"
            "  }\n"
            "]\n");
}

TEST(PrometheusSd, UnknownRoleIsAnErrorNamingIt) {
  try {
    format_prometheus_sd(kConfig, "agnet", 9867);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("\"agnet\""), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vpm::nagios
