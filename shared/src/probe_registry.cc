#include "vpm/probe.h"

namespace vpm {

ProbeFn probe_for(Protocol protocol) {
  switch (protocol) {
    case Protocol::kTcp:
      return &probe_tcp_connect;
    case Protocol::kUdp:
      return &probe_udp;
  }
  return &probe_tcp_connect;
}

}  // namespace vpm
