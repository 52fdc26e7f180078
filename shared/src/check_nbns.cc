// nbns: a NetBIOS node status query for "*" wherever the port is (RFC 1002 4.2.17); only a node
// status response to our transaction id is the NetBIOS name service (4.2.18).
#include "udp_exchange.h"

namespace vpm {

void probe_nbns(boost::asio::io_context& io, const ProbeRequest& request, ProbeDone done) {
  const std::uint16_t id = udp_transaction_id();
  udp_exchange(io, request, std::move(done), nbns_node_status_request(id), [id](ByteView reply) {
    const NbnsNodeStatus status = parse_nbns_node_status(reply, id);
    if (!status.valid) return ReplyVerdict{false, "expected an NBNS node status, " + status.reason};
    if (status.first_name.empty()) return ReplyVerdict{true, "NetBIOS node status, no names"};
    return ReplyVerdict{true, "NetBIOS name " + status.first_name};
  });
}

}  // namespace vpm
