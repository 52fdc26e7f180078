#pragma once
// The exporter's default listening port, which the check also needs: its
// --print-prometheus-sd names each host's exporter at this port unless --exporter-port says.
#include <cstdint>

namespace vpm {

// Not in the snapshots of Prometheus's default port allocations we could consult (README says
// more); clear of Veeam's own 93xx-94xx ports (9392, 9401, 9419, 9443) and of windows_exporter's
// 9182.
inline constexpr std::uint16_t kExporterDefaultPort = 10387;

}  // namespace vpm
