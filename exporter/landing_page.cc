#include "landing_page.h"

#include <array>
#include <cstdio>
#include <ctime>

#include "platform.h"
#include "vpm/flow_result.h"

namespace vpm::exporter {
namespace {

constexpr std::size_t kReasonsShown = 3;

std::string utc(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  const std::tm tm = utc_time(seconds);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text.data();
}

std::string fixed(double value, int decimals) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.*f", decimals, value);
  return text.data();
}

std::string age(std::chrono::system_clock::time_point then,
                std::chrono::system_clock::time_point now) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(now - then).count();
  if (s < 0) return "just now";
  if (s < 120) return std::to_string(s) + "s ago";
  if (s < 7200) return std::to_string(s / 60) + "m ago";
  return std::to_string(s / 3600) + "h ago";
}

std::string state_counts(const FlowResult& r) {
  std::string text;
  for (const PortState state : kAllPortStates) {
    if (r.count(state) == 0) continue;
    if (!text.empty()) text += ", ";
    text += std::to_string(r.count(state)) + " " + std::string(to_string(state));
  }
  return text.empty() ? "none probed" : text;
}

std::string reasons(const FlowResult& r) {
  std::string text;
  std::size_t shown = 0;
  for (const PortResult& port : r.ports) {
    if (judge(r.flow->expect, port.state)) continue;
    if (shown == kReasonsShown) {
      text += "<br>+" + std::to_string(r.failed - shown) + " more";
      break;
    }
    if (shown++ > 0) text += "<br>";
    text += html_escape(std::to_string(port.port) + " " + std::string(to_string(port.state)) +
                        (port.reason.empty() ? "" : ": " + port.reason));
    // Where its path stops, once a trace of it finished.
    for (const PortTrace& trace : r.traces) {
      if (trace.port == port.port) text += "<br>&nbsp;&nbsp;" + html_escape(describe(trace.path));
    }
  }
  return text;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string landing_page(const Snapshot& snapshot, const LandingInfo& info) {
  std::size_t up = 0, down = 0;
  for (const auto& [name, results] : snapshot.flows) {
    for (const FlowResult& r : *results) ++(r.up ? up : down);
  }
  const std::string metrics = html_escape(info.telemetry_path);
  std::string html;
  html.reserve(4096 + snapshot.flows.size() * 600);
  html +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>Veeam Port Exporter</title>\n<style>\n"
      "body{font-family:sans-serif;margin:1.5em;color:#222}\n"
      "table{border-collapse:collapse;font-size:90%}\n"
      "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\n"
      "th{background:#eee}\n.up{background:#dfd}\n.down{background:#fdd}\n"
      "td.num{text-align:right}\n</style>\n</head>\n<body>\n<h1>Veeam Port Exporter</h1>\n<p>";
  html += "Version " + html_escape(info.version) + " (revision " + html_escape(info.revision) +
          "). Config <code>" + html_escape(info.config_file) + "</code>, role <code>" +
          html_escape(info.role.empty() ? "(all)" : info.role) + "</code>, " +
          std::to_string(info.scheduled_flows) + " flows scheduled.</p>\n<p>Last config load: ";
  html += snapshot.last_reload_successful ? "successful" : "<strong>FAILED</strong> (see the log)";
  if (snapshot.last_reload_success.time_since_epoch().count() != 0) {
    html += ", last success " + utc(snapshot.last_reload_success);
  }
  html += ". " + std::string(info.ready ? "Ready" : "Not ready yet") + ": " + std::to_string(up) +
          " up, " + std::to_string(down) + " down. Page generated " + utc(info.now) + ".</p>\n";
  html += "<p><a href=\"" + metrics +
          "\">Metrics</a> &middot; <a href=\"/-/healthy\">Health</a>"
          " &middot; <a href=\"/-/ready\">Readiness</a></p>\n";
  html +=
      "<table>\n<thead><tr><th>Flow</th><th>From &rarr; To</th><th>Protocol</th><th>Ports</th>"
      "<th>Expect</th><th>Severity</th><th>Target</th><th>Address</th><th>State</th>"
      "<th>Ports by state</th><th>Why not up</th><th>Latency</th><th>Last run</th>"
      "<th>Run took</th></tr></thead>\n<tbody>\n";
  if (snapshot.flows.empty()) {
    html +=
        "<tr><td colspan=\"14\">No results yet: flows appear after their first run.</td></tr>\n";
  }
  for (const auto& [name, results] : snapshot.flows) {
    for (const FlowResult& r : *results) {
      const Flow& f = *r.flow;
      html += r.up ? "<tr class=\"up\">" : "<tr class=\"down\">";
      html += "<td>" + html_escape(name) + "</td>";
      html += "<td>" + html_escape(f.from) + " &rarr; " + html_escape(f.to) + "</td>";
      html += "<td>" + html_escape(to_string(f.protocol)) + "</td>";
      html += "<td>" + html_escape(f.ports.to_string()) +
              (f.sample ? " (" + std::to_string(*f.sample) + " per run)" : std::string()) + "</td>";
      html += "<td>" + html_escape(to_string(f.expect)) + "</td>";
      html += "<td>" + html_escape(to_string(f.severity)) + "</td>";
      html += "<td>" + html_escape(r.target) + "</td>";
      html += "<td>" + html_escape(r.address.empty() ? "-" : r.address) + "</td>";
      html += std::string("<td>") + (r.up ? "UP" : "DOWN") + "</td>";
      html += "<td>" + html_escape(state_counts(r)) + "</td>";
      html += "<td>" + reasons(r) + "</td>";
      html += "<td class=\"num\">" +
              (r.latency
                   ? fixed(std::chrono::duration<double, std::milli>(*r.latency).count(), 3) + " ms"
                   : std::string("-")) +
              "</td>";
      html += "<td>" + utc(r.finished_at) + " (" + age(r.finished_at, info.now) + ")</td>";
      html += "<td class=\"num\">" +
              fixed(std::chrono::duration<double, std::milli>(r.duration).count(), 1) +
              " ms</td></tr>\n";
    }
  }
  html += "</tbody>\n</table>\n</body>\n</html>\n";
  return html;
}

}  // namespace vpm::exporter
