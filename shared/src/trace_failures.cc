#include "vpm/trace_failures.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <system_error>
#include <thread>

#include "vpm/source_address.h"

namespace vpm {

std::vector<Port> traceable_ports(const FlowResult& result) {
  std::vector<Port> ports;
  if (result.flow->protocol != Protocol::kTcp || result.address.empty()) return ports;
  for (const PortResult& port : result.ports) {
    const bool path_in_question =
        port.state == PortState::kFiltered || port.state == PortState::kUnreachable;
    if (path_in_question && !judge(result.flow->expect, port.state)) ports.push_back(port.port);
  }
  return ports;
}

void trace_failures(std::vector<FlowResult>& results, const TraceLimits& limits) {
  struct Job {
    FlowResult* result;
    TraceRequest request;
    TracePath path;
  };
  std::vector<Job> jobs;
  const unsigned hops_at_once =
      std::clamp(limits.caps.per_target_concurrency, 1U, std::max(1U, limits.max_hops));
  for (FlowResult& result : results) {
    result.traces.clear();
    result.untraced.clear();
    const std::vector<Port> ports = traceable_ports(result);
    if (ports.empty()) continue;
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(result.address, ec);
    for (Port port : ports) {
      if (ec || jobs.size() >= limits.max_traces) {
        result.untraced.push_back(port);
        continue;
      }
      TraceRequest request;
      request.address = address;
      request.port = port;
      request.timeout = result.flow->timeout;
      request.max_hops = limits.max_hops;
      request.max_in_flight = hops_at_once;
      std::string unusable;
      request.source = parse_source_address(result.flow->source, &unusable);  // "": none
      jobs.push_back({&result, request, {}});
    }
  }
  if (jobs.empty()) return;
  // Each trace holds up to hops_at_once sockets: as many traces at once as the global cap has
  // room for, on threads of their own (a trace blocks in poll for up to its timeout).
  const unsigned workers = std::clamp<unsigned>(limits.caps.concurrency / hops_at_once, 1U,
                                                static_cast<unsigned>(jobs.size()));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) {
      jobs[i].path = trace_tcp_path(jobs[i].request);
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < workers; ++i) {
    try {
      threads.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads: the ones running (and this one) take the rest
    }
  }
  work();
  for (std::thread& thread : threads) thread.join();
  for (Job& job : jobs) job.result->traces.push_back({job.request.port, std::move(job.path)});
}

}  // namespace vpm
