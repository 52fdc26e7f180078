#pragma once
// Datagrams that make a UDP service answer: a silent port tells us nothing, so where the
// protocol is known we send a request it must reply to.
#include <cstdint>
#include <vector>

#include "vpm/port_set.h"

namespace vpm {

// The request for a well-known port (NetBIOS name service on 137, DNS on 53, NTP on 123),
// or an empty datagram. `transaction_id` goes where the protocol carries one.
std::vector<std::uint8_t> udp_payload_for(Port port, std::uint16_t transaction_id);

}  // namespace vpm
