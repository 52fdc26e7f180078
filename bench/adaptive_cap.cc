// The per-target cap with and without growth while a target's answers are all timeouts
// (Limits::grow_while_filtered), over the same filtered ports in the same run: prints each
// run's seconds, the medians and the ratio fixed / adaptive, and fails when the verdicts differ.
// Run it where the ports are dropped: bench/adaptive_cap_bench.sh makes that namespace.
// Usage: vpm_adaptive_cap_bench FIRST_PORT LAST_PORT TIMEOUT_MS PER_TARGET_CAP RUNS
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "vpm/probe_runner.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Outcome {
  double seconds = 0;
  std::array<unsigned, vpm::kPortStateCount> counts{};
};

Outcome run_once(vpm::Port first, vpm::Port last, vpm::Duration timeout, vpm::Limits limits) {
  auto flow = std::make_shared<vpm::Flow>();
  flow->name = "bench";
  flow->expect = vpm::Expectation::kReachable;
  flow->timeout = timeout;
  flow->ports.add({first, last});
  vpm::FlowPlan plan{flow, {"127.0.0.1"}, flow->ports.ports()};
  const auto started = Clock::now();
  const std::vector<vpm::FlowResult> results = vpm::run_flows({plan}, limits);
  Outcome outcome;
  outcome.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (!results.empty()) outcome.counts = results.front().counts;
  return outcome;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string counts_text(const Outcome& o) {
  std::string text;
  for (vpm::PortState state : vpm::kAllPortStates) {
    const unsigned n = o.counts[static_cast<std::size_t>(state)];
    if (n > 0)
      text += (text.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(to_string(state));
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s FIRST_PORT LAST_PORT TIMEOUT_MS PER_TARGET_CAP RUNS\n",
                 argv[0]);
    return 2;
  }
  const auto first = static_cast<vpm::Port>(std::atoi(argv[1]));
  const auto last = static_cast<vpm::Port>(std::atoi(argv[2]));
  const vpm::Duration timeout(std::atoi(argv[3]));
  const auto cap = static_cast<unsigned>(std::atoi(argv[4]));
  const int runs = std::max(1, std::atoi(argv[5]));
  if (first == 0 || last < first || timeout.count() <= 0 || cap == 0) {
    std::fprintf(stderr, "bad arguments\n");
    return 2;
  }
  vpm::Limits fixed{512, cap};
  fixed.grow_while_filtered = false;
  const vpm::Limits adaptive{512, cap};
  std::vector<double> fixed_seconds;
  std::vector<double> adaptive_seconds;
  Outcome fixed_outcome;
  Outcome adaptive_outcome;
  for (int i = 0; i < runs; ++i) {  // alternated, so both see the same machine
    fixed_outcome = run_once(first, last, timeout, fixed);
    adaptive_outcome = run_once(first, last, timeout, adaptive);
    fixed_seconds.push_back(fixed_outcome.seconds);
    adaptive_seconds.push_back(adaptive_outcome.seconds);
    std::printf("run %d: fixed cap %.3fs, adaptive cap %.3fs\n", i + 1, fixed_outcome.seconds,
                adaptive_outcome.seconds);
    if (fixed_outcome.counts != adaptive_outcome.counts) {
      std::printf("FAIL: the verdicts differ: fixed %s; adaptive %s\n",
                  counts_text(fixed_outcome).c_str(), counts_text(adaptive_outcome).c_str());
      return 1;
    }
  }
  const double f = median(fixed_seconds);
  const double a = median(adaptive_seconds);
  std::printf("ports %u-%u, timeout %lldms, per-target cap %u, global cap 512: %s (both)\n", first,
              last, static_cast<long long>(timeout.count()), cap,
              counts_text(adaptive_outcome).c_str());
  std::printf("fixed cap median %.3fs, adaptive cap median %.3fs\n", f, a);
  std::printf("ratio fixed / adaptive = %.2f\n", f / a);
  return 0;
}
