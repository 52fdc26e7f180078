#include "landing_jobs.h"

#include <cstdio>
#include <vector>

#include "landing_page.h"
#include "vpm/veeam_jobs.h"

namespace vpm::exporter {
namespace {

// How many failing flows or ports a cell names; the rest are counted.
constexpr std::size_t kNamedInCell = 3;

std::string named_list(const std::vector<std::string>& items, std::size_t total) {
  std::string html;
  std::size_t shown = 0;
  for (const std::string& item : items) {
    if (shown == kNamedInCell) break;
    if (shown++ > 0) html += "<br>";
    html += html_escape(item);
  }
  if (total > shown) html += "<br>+" + std::to_string(total - shown) + " more";
  return html;
}

std::string readiness_cell(const JobReadiness& readiness) {
  if (readiness.ready) return "READY";
  std::string html = "<strong>NOT READY</strong>";
  if (!readiness.failing.empty()) {
    html += "<br>down: " + named_list(readiness.failing, readiness.failing.size());
  }
  if (!readiness.not_run.empty()) {
    html += "<br>not run yet: " + named_list(readiness.not_run, readiness.not_run.size());
  }
  if (readiness.failing.empty() && readiness.not_run.empty()) {
    html += "<br>no flow of this file proves its path";
  }
  return html;
}

std::string schedule_cell(const JobNeeds& job, std::chrono::system_clock::time_point now,
                          const LocalTimeZone& zone) {
  if (!job.schedule) return "not read from the export";
  return html_escape(describe_schedule_and_next_run(*job.schedule, now, zone));
}

std::string seconds_text(std::chrono::nanoseconds d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", std::chrono::duration<double>(d).count());
  return text;
}

std::string preflight_cell(const JobNeeds& job, const Snapshot& snapshot,
                           const LocalTimeZone& zone) {
  const auto found = snapshot.preflights.find(job.job);
  if (found == snapshot.preflights.end()) {
    if (job.preflight.count() == 0) return "off";
    return "none yet (" + std::to_string(job.preflight.count() / 60) +
           " min before each scheduled start)";
  }
  const PreflightResult& p = found->second;
  std::string html = p.ok ? "passed" : "<strong>FAILED</strong>";
  html += " " + html_escape(format_local_time(p.finished_at, zone)) + ", " +
          std::to_string(p.ports_probed) + " ports in " + seconds_text(p.duration) +
          ", for the start at " + html_escape(format_local_time(p.start, zone));
  if (p.ports_not_probed > 0) {
    html += "<br>" + std::to_string(p.ports_not_probed) + " ports not probed before the start";
  }
  if (!p.not_run.empty()) html += "<br>not run: " + named_list(p.not_run, p.not_run.size());
  if (p.failing_ports > 0) html += "<br>failing: " + named_list(p.failing, p.failing_ports);
  return html;
}

}  // namespace

std::string jobs_section(const Snapshot& snapshot, std::chrono::system_clock::time_point now,
                         const LocalTimeZone& zone) {
  if (!snapshot.jobs || snapshot.jobs->empty()) return {};
  const ResultsByFlow by_flow = results_by_flow(snapshot);
  std::string html =
      "<h2>Backup jobs</h2>\n<table>\n<thead><tr><th>Job</th><th>Target</th><th>Now</th>"
      "<th>Schedule, next start</th><th>Last pre-flight</th></tr></thead>\n<tbody>\n";
  for (const JobNeeds& job : *snapshot.jobs) {
    const JobReadiness readiness = judge_job(job, by_flow);
    const auto preflight = snapshot.preflights.find(job.job);
    const bool preflight_ok = preflight == snapshot.preflights.end() || preflight->second.ok;
    html += readiness.ready && preflight_ok ? "<tr class=\"up\">" : "<tr class=\"down\">";
    html += "<td>" + html_escape(job.job) + "</td><td>" + html_escape(to_string(job.target_type)) +
            "</td><td>" + readiness_cell(readiness) + "</td><td>" + schedule_cell(job, now, zone) +
            "</td><td>" + preflight_cell(job, snapshot, zone) + "</td></tr>\n";
  }
  return html + "</tbody>\n</table>\n";
}

}  // namespace vpm::exporter
