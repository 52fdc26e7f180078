#include "flow_docs.h"

#include <gtest/gtest.h>

#include <string>

namespace vpm::docs {
namespace {

TEST(MarkdownCell, EscapesMarkupAndStaysOnOneLine) {
  EXPECT_EQ(markdown_cell("plain text, 2500-3300."), "plain text, 2500-3300.");
  EXPECT_EQ(markdown_cell("*.amazonaws.com | <storage-account> & [x](y) `c` a_b \\"),
            "\\*.amazonaws.com \\| \\<storage-account\\> \\& \\[x\\](y) \\`c\\` a\\_b \\\\");
  EXPECT_EQ(markdown_cell("two\nlines\tand tab"), "two lines and tab");
}

TEST(FlowsMarkdown, RolesThenOneTablePerVantagePoint) {
  const Config config = load_config_string(
      "roles:\n"
      "  agent: {hosts: [127.0.0.1], description: Veeam Agent computer}\n"
      "  backup_server: {hosts: [127.0.0.1]}\n"
      "flows:\n"
      "  - {name: a, from: agent, to: backup_server, ports: [10005], note: 'x | y'}\n"
      "  - {name: b, from: backup_server, to: agent, ports: [2500-3300], expect: reachable,\n"
      "     sample: 128, severity: warning, enabled: false}\n"
      "  - {name: c, from: agent, to: agent, protocol: udp, ports: [137, 138]}\n",
      "config/targets.yaml");
  EXPECT_EQ(flows_markdown(config),
            "<!-- Generated from config/targets.yaml by vpm_flow_docs (the build's flows_doc "
            "target). Do not edit: edit config/targets.yaml, then regenerate. -->\n"
            "# Flows\n\n"
            "The flows of `config/targets.yaml`: 3 flows, 2 of them enabled. Each vantage point "
            "is a role that starts flows: run the check there with `--role ROLE`. `expect`, "
            "`sample` and the port states are explained in [how-it-works.md](how-it-works.md).\n"
            "\n"
            "## Roles\n\n"
            "| Role | What it is | Hosts |\n"
            "|---|---|---|\n"
            "| `agent` | Veeam Agent computer | 127.0.0.1 |\n"
            "| `backup_server` |  | 127.0.0.1 |\n"
            "\n"
            "## From `agent` (Veeam Agent computer): `--role agent`\n\n"
            "| Flow | To | Protocol | Ports | Expect | Sample | Severity | Enabled | Note |\n"
            "|---|---|---|---|---|---|---|---|---|\n"
            "| `a` | `backup_server` | tcp | 10005 | open | all | critical | yes | x \\| y |\n"
            "| `c` | `agent` (Veeam Agent computer) | udp | 137,138 | open | all | critical | yes "
            "|  |\n"
            "\n"
            "## From `backup_server`: `--role backup_server`\n\n"
            "| Flow | To | Protocol | Ports | Expect | Sample | Severity | Enabled | Note |\n"
            "|---|---|---|---|---|---|---|---|---|\n"
            "| `b` | `agent` (Veeam Agent computer) | tcp | 2500-3300 | reachable | 128 | warning "
            "| no |  |\n");
}

}  // namespace
}  // namespace vpm::docs
