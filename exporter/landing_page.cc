#include "landing_page.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <vector>

#include "landing_jobs.h"
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

std::string result_row(const std::string& name, const FlowResult& r, const LandingInfo& info) {
  const Flow& f = *r.flow;
  std::string html = r.up ? "<tr class=\"up\">" : "<tr class=\"down\">";
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
  html +=
      "<td class=\"num\">" +
      (r.latency ? fixed(std::chrono::duration<double, std::milli>(*r.latency).count(), 3) + " ms"
                 : std::string("-")) +
      "</td>";
  html += "<td>" + utc(r.finished_at) + " (" + age(r.finished_at, info.now) + ")</td>";
  html += "<td class=\"num\">" +
          fixed(std::chrono::duration<double, std::milli>(r.duration).count(), 1) +
          " ms</td></tr>\n";
  return html;
}

// One row per flow: its targets up and down and its ports by state, failing flows first, each
// linking to its failing rows.
std::string flow_summary(const Snapshot& snapshot) {
  struct Counts {
    const std::string* name;
    const Flow* flow;
    std::size_t up = 0;
    std::size_t down = 0;
    std::array<std::size_t, kPortStateCount> ports{};
  };
  std::vector<Counts> flows;
  for (const auto& [name, results] : snapshot.flows) {
    if (results->empty()) continue;
    Counts c{&name, results->front().flow.get()};
    for (const FlowResult& r : *results) {
      ++(r.up ? c.up : c.down);
      for (const PortState state : kAllPortStates) {
        c.ports[static_cast<std::size_t>(state)] += r.count(state);
      }
    }
    flows.push_back(c);
  }
  std::stable_sort(flows.begin(), flows.end(),
                   [](const Counts& a, const Counts& b) { return a.down > 0 && b.down == 0; });
  std::string html =
      "<h2>Flows</h2>\n<table>\n<thead><tr><th>Flow</th><th>From &rarr; To</th>"
      "<th>Targets up</th><th>Targets down</th><th>Ports by state</th></tr></thead>\n<tbody>\n";
  for (const Counts& c : flows) {
    std::string states;
    for (const PortState state : kAllPortStates) {
      const std::size_t n = c.ports[static_cast<std::size_t>(state)];
      if (n == 0) continue;
      states +=
          (states.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(to_string(state));
    }
    const std::string link = "?flow=" + html_escape(url_encode(*c.name));
    html += c.down == 0 ? "<tr class=\"up\">" : "<tr class=\"down\">";
    html += "<td><a href=\"" + link + "\">" + html_escape(*c.name) + "</a></td><td>" +
            html_escape(c.flow->from) + " &rarr; " + html_escape(c.flow->to) +
            "</td><td class=\"num\">" + std::to_string(c.up) + "</td><td class=\"num\">" +
            (c.down == 0
                 ? "0"
                 : "<a href=\"" + link + "&amp;show=down\">" + std::to_string(c.down) + "</a>") +
            "</td><td>" + html_escape(states.empty() ? "none probed" : states) + "</td></tr>\n";
  }
  return html + "</tbody>\n</table>\n";
}

std::string selected(bool yes) { return yes ? " selected" : ""; }

// A GET form: the server filters, no script needed.
std::string filter_form(const Snapshot& snapshot, const LandingFilter& filter) {
  std::string html =
      "<h2>Flows &times; targets</h2>\n<form method=\"get\" action=\"/\">"
      "<label>Flow <select name=\"flow\"><option value=\"\">(all)</option>";
  for (const auto& [name, results] : snapshot.flows) {
    html += "<option" + selected(name == filter.flow) + ">" + html_escape(name) + "</option>";
  }
  html +=
      "</select></label> <label>Target <input name=\"target\" value=\"" +
      html_escape(filter.target) + "\"></label> <label>Show <select name=\"show\">" +
      "<option value=\"all\"" + selected(filter.show == LandingFilter::Show::kAll) +
      ">all</option><option value=\"down\"" + selected(filter.show == LandingFilter::Show::kDown) +
      ">down</option><option value=\"up\"" + selected(filter.show == LandingFilter::Show::kUp) +
      ">up</option></select></label> " + "<label>Rows <input name=\"limit\" size=\"5\" value=\"" +
      (filter.limit == static_cast<std::size_t>(-1) ? std::string("all")
                                                    : std::to_string(filter.limit)) +
      "\"></label> <button>Filter</button></form>\n";
  return html;
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

std::string landing_page(const Snapshot& snapshot, const LandingInfo& info,
                         const LandingFilter& filter) {
  std::size_t up = 0, down = 0;
  for (const auto& [name, results] : snapshot.flows) {
    for (const FlowResult& r : *results) ++(r.up ? up : down);
  }
  const std::string metrics = html_escape(info.telemetry_path);
  std::string html;
  html.reserve(8192 + std::min(filter.limit, up + down) * 600);
  html +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>Veeam Port Exporter</title>\n<style>\n"
      "body{font-family:sans-serif;margin:1.5em;color:#222}\n"
      "table{border-collapse:collapse;font-size:90%}\n"
      "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\n"
      "th{background:#eee}\n.up{background:#dfd}\n.down{background:#fdd}\n"
      "td.num{text-align:right}\nform{margin:1em 0}\n</style>\n</head>\n<body>\n"
      "<h1>Veeam Port Exporter</h1>\n<p>";
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
  const SystemTimeZone system_zone;
  html += jobs_section(snapshot, info.now, info.zone != nullptr ? *info.zone : system_zone);
  html += flow_summary(snapshot);
  html += filter_form(snapshot, filter);

  // The rows that match, failing first; at most filter.limit of them.
  std::vector<std::pair<const std::string*, const FlowResult*>> rows;
  for (const auto& [name, results] : snapshot.flows) {
    if (!filter.flow.empty() && name != filter.flow) continue;
    for (const FlowResult& r : *results) {
      if (filter.show == LandingFilter::Show::kDown && r.up) continue;
      if (filter.show == LandingFilter::Show::kUp && !r.up) continue;
      if (!filter.target.empty() && r.target.find(filter.target) == std::string::npos &&
          r.address.find(filter.target) == std::string::npos) {
        continue;
      }
      rows.emplace_back(&name, &r);
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return !a.second->up && b.second->up; });
  const std::size_t shown = std::min(rows.size(), filter.limit);
  html += "<p>" + std::to_string(shown) + " of " + std::to_string(rows.size()) +
          " matching rows (flow &times; target), failing first";
  if (shown < rows.size()) html += "; narrow them with the filter, or ask for more with limit";
  html += ".</p>\n";
  html +=
      "<table>\n<thead><tr><th>Flow</th><th>From &rarr; To</th><th>Protocol</th><th>Ports</th>"
      "<th>Expect</th><th>Severity</th><th>Target</th><th>Address</th><th>State</th>"
      "<th>Ports by state</th><th>Why not up</th><th>Latency</th><th>Last run</th>"
      "<th>Run took</th></tr></thead>\n<tbody>\n";
  if (snapshot.flows.empty()) {
    html +=
        "<tr><td colspan=\"14\">No results yet: flows appear after their first run.</td></tr>\n";
  }
  for (std::size_t i = 0; i < shown; ++i) html += result_row(*rows[i].first, *rows[i].second, info);
  html += "</tbody>\n</table>\n</body>\n</html>\n";
  return html;
}

}  // namespace vpm::exporter
