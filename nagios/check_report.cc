#include "check_report.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>

#include "flow_groups.h"
#include "flow_perfdata.h"
#include "host_summary.h"
#include "time_limit.h"
#include "vpm/duration.h"
#include "vpm/port_set.h"
#include "vpm/trace_failures.h"

namespace vpm::nagios {
namespace {

constexpr std::size_t kMaxOutput = 8191;     // the whole output stays under 8 KB
constexpr std::size_t kMaxFirstLine = 6144;  // perfdata is cut before the long output vanishes
constexpr std::size_t kNamedProblems = 3;    // problems named on the status line
constexpr std::size_t kSummaryRanges = 3;    // port ranges named per problem
constexpr std::size_t kQuietRunLines = 8;    // port-range lines per flow x target without -v
constexpr std::size_t kMaxSummary = 1024;

// Free text on the status line or in long output: a '|' would start perfdata, a line break
// a new line of output.
std::string clean(std::string_view text) {
  std::string cleaned(text);
  for (char& c : cleaned) {
    if (c == '|') c = '/';
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return cleaned;
}

std::string default_reason(const FlowResult& r, PortState state) {
  const bool udp = r.flow->protocol == Protocol::kUdp;
  switch (state) {
    case PortState::kOpen:
      return udp ? "reply received" : "connected";
    case PortState::kRefused:
      return udp ? "ICMP port unreachable" : "connection refused";
    case PortState::kFiltered:
      return "no answer in " + format_duration(r.flow->timeout);
    case PortState::kUnreachable:
      return "host or network unreachable";
    case PortState::kOpenFiltered:
      return "no reply in " + format_duration(r.flow->timeout);
    case PortState::kDnsError:
      return "name did not resolve";
    case PortState::kError:
      return "probe error";
    case PortState::kMismatch:
      return "the service did not answer as expected";
    case PortState::kTlsError:
      return "TLS failed";
  }
  return "probe error";
}

// Why a port did not meet the expectation. An open port fails only "expect closed", and
// its reason ("connected") would not say that.
std::string failure_reason(const FlowResult& r, const PortResult& port) {
  if (port.state == PortState::kOpen) return "expected closed";
  return port.reason.empty() ? default_reason(r, port.state) : port.reason;
}

// At -v, what answered on a passing port of a service check ("SMB 3.1.1"); empty otherwise.
std::string service_detail(const FlowResult& r, const PortResult& port, int verbosity) {
  if (verbosity == 0 || r.flow->check.kind == CheckKind::kConnect) return {};
  if (port.state != PortState::kOpen || !judge(r.flow->expect, port.state)) return {};
  return port.reason;
}

// Consecutive ports (in the order given) as ranges: 1,2,3,7 -> 1-3,7.
std::vector<PortRange> to_ranges(const std::vector<Port>& ports) {
  std::vector<PortRange> ranges;
  for (Port port : ports) {
    if (!ranges.empty() && ranges.back().last != 65535 && ranges.back().last + 1 == port) {
      ranges.back().last = port;
    } else {
      ranges.push_back({port, port});
    }
  }
  return ranges;
}

std::string range_text(const PortRange& range) {
  return range.first == range.last ? std::to_string(range.first)
                                   : std::to_string(range.first) + "-" + std::to_string(range.last);
}

// "10005,10007-10010 and 12 more": the first few ranges, and how many ports are not named.
std::string ranges_text(const std::vector<PortRange>& ranges, std::size_t limit) {
  std::string text;
  std::size_t unnamed = 0;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (i < limit) {
      text += (i == 0 ? "" : ",") + range_text(ranges[i]);
    } else {
      unnamed += ranges[i].size();
    }
  }
  if (unnamed > 0) text += " and " + std::to_string(unnamed) + " more";
  return text;
}

// "tcp/10005 refused (connection refused), tcp/10006 filtered (no answer in 2s)": the same
// words wherever the same failure happens, so that targets can be grouped by them.
std::string failure_how(const FlowResult& r) {
  std::string text;
  if (r.ports.empty()) return "no ports probed";
  const std::string proto(to_string(r.flow->protocol));
  bool first = true;
  for (PortState state : kAllPortStates) {
    std::vector<Port> ports;
    const PortResult* example = nullptr;
    for (const PortResult& port : r.ports) {
      if (port.state != state || judge(r.flow->expect, state)) continue;
      ports.push_back(port.port);
      if (example == nullptr) example = &port;
    }
    if (example == nullptr) continue;
    std::sort(ports.begin(), ports.end());
    text += first ? "" : ", ";
    first = false;
    // A name that did not resolve fails every port alike: the ports add nothing.
    if (state != PortState::kDnsError) {
      text += proto + "/" + ranges_text(to_ranges(ports), kSummaryRanges) + " ";
    }
    text += std::string(to_string(state)) + " (" + failure_reason(r, *example) + ")";
  }
  // With --trace, where the first traced port's path stops.
  if (!r.traces.empty())
    text += ", tcp/" + std::to_string(r.traces.front().port) + " " +
            outcome_text(r.traces.front().path);
  return text;
}

// "flow 127.0.0.1 tcp/10005 refused (connection refused)"
std::string failure_text(const FlowResult& r) {
  return r.flow->name + " " + r.target + " " + failure_how(r);
}

struct Problem {
  Status status;
  std::string flow;
  std::string text;
};

std::string summary_line(const std::vector<Judged>& judged) {
  std::unordered_set<std::string_view> flow_names;  // counted only: a hash set keeps it linear
  std::set<std::string> targets;
  std::size_t ports = 0;
  std::vector<Problem> problems;
  // Per flow: its targets and its failing ones. A flow failing on more targets than the line
  // names is one problem, its targets grouped by how they fail (host_summary.h).
  std::map<std::string, std::pair<std::size_t, std::vector<const Judged*>>> failing_by_flow;
  for (const Judged& j : judged) {
    auto& [flow_targets, failing] = failing_by_flow[j.result->flow->name];
    ++flow_targets;
    if (j.failure != Status::kOk) failing.push_back(&j);
  }
  for (const Judged& j : judged) {
    const FlowResult& r = *j.result;
    if (flow_names.insert(r.flow->name).second) {  // the flow's first result
      const auto& [flow_targets, failing] = failing_by_flow[r.flow->name];
      if (failing.size() > kNamedProblems) {
        std::vector<TargetFailure> failures;
        failures.reserve(failing.size());
        Status worst = Status::kOk;
        for (const Judged* f : failing) {
          failures.push_back({f->result->target, failure_how(*f->result)});
          if (rank(f->failure) > rank(worst)) worst = f->failure;
        }
        problems.push_back({worst, r.flow->name,
                            summarise_by_host(r.flow->name, flow_targets, failures, kNamedProblems,
                                              kNamedProblems)});
      }
    }
    targets.insert(r.target);
    ports += r.ports.size();
    if (j.failure != Status::kOk && failing_by_flow[r.flow->name].second.size() <= kNamedProblems) {
      problems.push_back({j.failure, r.flow->name, failure_text(r)});
    }
    if (j.latency.status != Status::kOk) {
      problems.push_back(
          {j.latency.status, r.flow->name, r.flow->name + "@" + r.target + " " + j.latency.text});
    }
    if (j.certificate.status != Status::kOk) {
      problems.push_back({j.certificate.status, r.flow->name,
                          r.flow->name + "@" + r.target + " " + j.certificate.text});
    }
  }
  if (problems.empty()) {
    return plural(flow_names.size(), "flow") + " OK (" + plural(ports, "port") + " on " +
           plural(targets.size(), "target") + ")";
  }
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return rank(a.status) > rank(b.status);
  });
  std::set<std::string> failing_flows;
  for (const Problem& p : problems) failing_flows.insert(p.flow);

  std::string text;
  if (flow_names.size() > 1) {
    text = std::to_string(failing_flows.size()) + " of " + plural(flow_names.size(), "flow") +
           " failing: ";
  }
  for (std::size_t i = 0; i < problems.size() && i < kNamedProblems; ++i) {
    text += (i == 0 ? "" : "; ") + problems[i].text;
  }
  if (problems.size() > kNamedProblems) {
    text += "; and " + std::to_string(problems.size() - kNamedProblems) + " more";
  }
  return text;
}

// The output after the status line, cut to stay under kMaxOutput: once a line does not fit,
// it and every later line are only counted, for a final "... (N more lines)".
class LongOutput {
 public:
  explicit LongOutput(const std::string& first_line) : text_(first_line + "\n") {}

  // Past the cut, callers count lines instead of building them (a 16384-port flow at -v).
  [[nodiscard]] bool full() const { return hidden_ > 0; }
  void skip() { ++hidden_; }
  void add(const std::string& line) {
    constexpr std::size_t kMarkerRoom = 32;
    if (!full() && text_.size() + line.size() + 1 + kMarkerRoom <= kMaxOutput) {
      text_ += line + "\n";
    } else {
      ++hidden_;
    }
  }
  std::string finish() {
    if (hidden_ > 0) text_ += "... (" + std::to_string(hidden_) + " more lines)\n";
    return std::move(text_);
  }

 private:
  std::string text_;
  std::size_t hidden_ = 0;
};

// With --trace: "  10005: filtered; path 198.18.1.2 > 198.18.2.2 > * (blocked after hop 2,
// 198.18.2.2)" per traced port, then the ports left untraced over the per-run cap.
void describe_traces(const FlowResult& r, LongOutput& out) {
  for (const PortTrace& trace : r.traces) {
    const auto port = std::find_if(r.ports.begin(), r.ports.end(),
                                   [&](const PortResult& p) { return p.port == trace.port; });
    const std::string state = port == r.ports.end() ? "" : std::string(to_string(port->state));
    out.add(clean("  " + std::to_string(trace.port) + ": " + state + "; " + describe(trace.path)));
  }
  if (!r.untraced.empty()) {
    out.add("  not traced (over " + std::to_string(TraceLimits{}.max_traces) +
            " traces per run): tcp/" + ranges_text(to_ranges(r.untraced), kSummaryRanges));
  }
}

// "[CRITICAL] flow -> target (address) tcp expect open: 1 open, 1 refused; latency 0.0002s",
// then the ports as runs of one state, "  49152-65535: 16384 refused".
void describe_result(const Judged& j, const ReportOptions& options, bool& explained_udp_silence,
                     LongOutput& out) {
  const FlowResult& r = *j.result;
  std::string head = "[" + std::string(to_string(j.status)) + "] " + r.flow->name + " -> " +
                     r.target + " (" + (r.address.empty() ? "unresolved" : r.address) + ") " +
                     std::string(to_string(r.flow->protocol)) + " expect " +
                     std::string(to_string(r.flow->expect)) + ":";
  bool first = true;
  for (PortState state : kAllPortStates) {
    if (r.count(state) == 0) continue;
    head +=
        (first ? " " : ", ") + std::to_string(r.count(state)) + " " + std::string(to_string(state));
    first = false;
  }
  if (r.not_probed > 0) head += (first ? " " : ", ") + std::to_string(r.not_probed) + " not probed";
  if (first && r.not_probed == 0) head += " no ports probed";
  if (!j.latency.text.empty()) head += "; " + j.latency.text;
  if (!j.certificate.text.empty()) head += "; " + j.certificate.text;
  out.add(clean(head));

  if (r.count(PortState::kOpenFiltered) > 0 && !explained_udp_silence) {
    out.add("  (open_filtered: no reply; a silent service and a dropping firewall look the same)");
    explained_udp_silence = true;
  }

  std::size_t shown = 0;
  std::size_t hidden = 0;
  for (std::size_t begin = 0; begin < r.ports.size();) {
    std::size_t end = begin + 1;
    const std::string detail = service_detail(r, r.ports[begin], options.verbosity);
    while (end < r.ports.size() && r.ports[end].state == r.ports[begin].state &&
           r.ports[end - 1].port != 65535 && r.ports[end].port == r.ports[end - 1].port + 1 &&
           service_detail(r, r.ports[end], options.verbosity) == detail) {
      ++end;
    }
    const PortResult& port = r.ports[begin];
    if (options.verbosity == 0 && shown == kQuietRunLines) {
      ++hidden;
    } else if (out.full()) {
      out.skip();
      ++shown;
    } else {
      std::string line = "  " + range_text({port.port, r.ports[end - 1].port}) + ": " +
                         std::to_string(end - begin) + " " + std::string(to_string(port.state));
      if (options.verbosity > 0 && !judge(r.flow->expect, port.state)) {
        line += " (" + failure_reason(r, port) + ")";
      } else if (!detail.empty()) {
        line += " (" + detail + ")";
      }
      out.add(clean(line));
      ++shown;
    }
    begin = end;
  }
  if (hidden > 0) out.add("  ... " + plural(hidden, "more port range") + " (-v shows all)");
  describe_traces(r, out);
}

}  // namespace

Report make_report(const std::vector<FlowResult>& results, const ReportOptions& options) {
  if (results.empty()) return unknown_report("no flow was probed (no hosts in the target roles?)");
  std::vector<Judged> judged;
  judged.reserve(results.size());
  Report report;
  report.status = Status::kOk;
  for (const FlowResult& r : results) {
    judged.push_back(judge_result(r, options));
    report.status = worst(report.status, judged.back().status);
  }

  std::string summary = clean(summary_line(judged));
  std::size_t planned = 0;
  std::size_t not_probed = 0;
  for (const FlowResult& r : results) {
    planned += r.ports.size() + r.not_probed;
    not_probed += r.not_probed;
  }
  std::string unprobed;  // the status line names the ports the time limit left out
  if (not_probed > 0) unprobed = clean(not_probed_text(not_probed, planned, options.max_time));
  if (!unprobed.empty() && report.status == Status::kUnknown) {
    // Nothing failed: what was probed is fine, the rest is unknown.
    summary = unprobed + " (" + with_thousands(planned - not_probed) + " probed: OK)";
    unprobed.clear();
  }
  if (!options.output_error.empty()) {
    report.status = worst(report.status, Status::kUnknown);
    summary = clean(options.output_error) + "; " + summary;
  }
  const std::size_t room = unprobed.empty() ? kMaxSummary : kMaxSummary - unprobed.size() - 2;
  if (summary.size() > room) summary = summary.substr(0, room - 3) + "...";
  if (!unprobed.empty()) summary += "; " + unprobed;
  std::string first_line = "VEEAM PORTS " + std::string(to_string(report.status)) + " - " + summary;
  if (first_line.size() + 3 < kMaxFirstLine) {
    const std::string data = flow_perfdata(judged, options, kMaxFirstLine - first_line.size() - 3);
    if (!data.empty()) first_line += " | " + data;
  }

  // Worst first, so that what truncation drops is what matters least.
  std::vector<Judged> ordered = judged;
  std::stable_sort(ordered.begin(), ordered.end(), [](const Judged& a, const Judged& b) {
    return rank(a.status) > rank(b.status);
  });
  LongOutput out(first_line);
  for (const std::string& note : options.notes) out.add(clean(note));
  bool explained_udp_silence = false;
  for (const Judged& j : ordered) describe_result(j, options, explained_udp_silence, out);
  for (const std::string& note : options.discovery_notes) out.add(clean(note));
  report.output = out.finish();
  return report;
}

Report unknown_report(const std::string& message) {
  Report report;
  report.status = Status::kUnknown;
  std::string line = "VEEAM PORTS UNKNOWN - " + clean(message);
  if (line.size() > kMaxOutput - 1) line.resize(kMaxOutput - 1);
  report.output = line + "\n";
  return report;
}

}  // namespace vpm::nagios
