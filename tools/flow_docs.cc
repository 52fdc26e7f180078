#include "flow_docs.h"

#include <vector>

namespace vpm::docs {
namespace {

constexpr std::string_view kEscaped = "\\`*_[]<>|&";

std::string code(std::string_view name) { return "`" + std::string(name) + "`"; }

std::string join_cells(const std::vector<std::string>& hosts) {
  std::string out;
  for (const std::string& host : hosts) out += (out.empty() ? "" : ", ") + markdown_cell(host);
  return out;
}

std::string role_label(const Config& config, const std::string& name) {
  const Role* role = config.find_role(name);
  if (role == nullptr || role->description.empty()) return code(name);
  return code(name) + " (" + markdown_cell(role->description) + ")";
}

std::string flow_row(const Config& config, const Flow& flow) {
  const std::vector<std::string> cells = {
      code(flow.name),
      role_label(config, flow.to),
      std::string(to_string(flow.protocol)),
      flow.ports.to_string(),
      std::string(to_string(flow.expect)),
      flow.sample ? std::to_string(*flow.sample) : "all",
      std::string(to_string(flow.severity)),
      flow.enabled ? "yes" : "no",
      markdown_cell(flow.note),
  };
  std::string row = "|";
  for (const std::string& cell : cells) row += " " + cell + " |";
  return row + "\n";
}

}  // namespace

std::string markdown_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      out += ' ';
    } else {
      if (kEscaped.find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
  return out;
}

std::string flows_markdown(const Config& config) {
  std::size_t enabled = 0;
  for (const Flow& flow : config.flows) enabled += flow.enabled ? 1 : 0;
  std::string out = "<!-- Generated from " + config.source +
                    " by vpm_flow_docs (the build's flows_doc target). Do not edit: edit " +
                    config.source + ", then regenerate. -->\n";
  out += "# Flows\n\n";
  out += "The flows of `" + config.source + "`: " + std::to_string(config.flows.size()) +
         " flows, " + std::to_string(enabled) +
         " of them enabled. Each vantage point is a role that starts flows: run the check "
         "there with `--role ROLE`. `expect`, `sample` and the port states are explained in "
         "[how-it-works.md](how-it-works.md).\n\n";

  out += "## Roles\n\n| Role | What it is | Hosts |\n|---|---|---|\n";
  for (const Role& role : config.roles) {
    out += "| " + code(role.name) + " | " + markdown_cell(role.description) + " | " +
           join_cells(role.hosts) + " |\n";
  }

  // Vantage points in the order their first flow appears in the file.
  std::vector<std::string> vantage_points;
  for (const Flow& flow : config.flows) {
    bool known = false;
    for (const std::string& role : vantage_points) known = known || role == flow.from;
    if (!known) vantage_points.push_back(flow.from);
  }
  for (const std::string& role : vantage_points) {
    out += "\n## From " + role_label(config, role) + ": `--role " + role + "`\n\n";
    out += "| Flow | To | Protocol | Ports | Expect | Sample | Severity | Enabled | Note |\n";
    out += "|---|---|---|---|---|---|---|---|---|\n";
    for (const Flow& flow : config.flows) {
      if (flow.from == role) out += flow_row(config, flow);
    }
  }
  return out;
}

}  // namespace vpm::docs
