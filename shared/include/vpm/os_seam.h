#pragma once
// Everything that differs between operating systems, behind one small seam.
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vpm/port_result.h"
#include "vpm/trace.h"

namespace vpm::os {

// A socket as the system API knows it: a descriptor, or a Winsock SOCKET (UINT_PTR). Asio's
// native_handle() converts to it on both.
#ifdef _WIN32
using NativeSocket = std::uintptr_t;
#else
using NativeSocket = int;
#endif

// Maps a failed connect/send/receive to a port state (refused, unreachable, or error).
PortState classify_socket_error(const boost::system::error_code& ec);

// Raises the soft open-files limit toward the hard one and returns how many sockets the
// prober may hold open at once, leaving room for the process's other descriptors.
unsigned socket_budget();

// A non-blocking TCP connect started by hand: on loopback and on a LAN the answer (SYN-ACK
// or RST) is often already there when connect() returns, and reading it straight away saves
// the reactor round trip, which is most of the cost of sweeping a range.
// With a source the socket is bound to it (any port) before the connect.
struct ConnectStart {
  enum class Status { kConnected, kPending, kFailed };
  Status status = Status::kFailed;
  NativeSocket handle{};            // owned by the caller unless kFailed
  boost::system::error_code error;  // with kFailed
  bool bind_failed = false;         // with kFailed: `error` is the bind's, not the connect's
};
using SourceAddress = std::optional<boost::asio::ip::address>;
// `reachability_only`: the caller will not read from the connection (a plain TCP probe), so
// what a connection reset by its peer had sent before need not be kept readable; on Linux the
// outcome is then asked of connect() itself, which takes fewer system calls (os_seam_posix.cc).
ConnectStart begin_connect(const boost::asio::ip::tcp::endpoint& endpoint,
                           const SourceAddress& source = std::nullopt,
                           bool reachability_only = false);

// Binds a socket not yet connected to `source`, port 0 (the system picks the port; on Linux only
// at connect time, so a bound sweep does not run out of ports the way bind-then-connect can).
boost::system::error_code bind_source(NativeSocket handle, const boost::asio::ip::address& source);

// Ends a reachability probe's connect that succeeded inside begin_connect: the connection is
// reset (RST, no TIME_WAIT on either side) and, where the system allows, the socket is kept for
// a later begin_connect instead of being closed. Returns true when the connection went to
// itself (local address and port equal the remote ones: a simultaneous open on a port that
// nobody listens on, which a connect inside the ephemeral range can produce).
// A socket bound to a source is closed, never kept (a later connect may have no source).
bool finish_open_connect(NativeSocket handle, const boost::asio::ip::tcp::endpoint& endpoint,
                         const SourceAddress& source = std::nullopt);

// After the socket became writable: the outcome of the connect (success or the error).
boost::system::error_code connect_outcome(NativeSocket handle);

void close_socket(NativeSocket handle);

// Sets SO_LINGER {on, 0}: close sends RST and leaves no TIME_WAIT behind.
void set_abortive_close(NativeSocket native_socket);

// Before a UDP probe's connect: makes an ICMP port unreachable surface as an error on the
// next receive (Windows: SIO_UDP_CONNRESET on; POSIX connected sockets always do).
void prepare_udp_socket(NativeSocket native_socket);

// The trace's connects (vpm/trace.h): one socket per TTL first_ttl..first_ttl+count-1, all
// at once, each bound to `source` (when unspecified, the first socket's source, which the kernel
// picks, is written back so that later waves use it too). Waits until `deadline`, or sooner once
// the answers decide the path (see trace_settled). supported is false where the system cannot
// report ICMP errors to an unprivileged TCP connect; error says why a trace could not start.
struct HopProbes {
  bool supported = true;
  std::string error;
  std::vector<HopAnswer> answers;  // answers[i] is TTL first_ttl + i
};
HopProbes probe_hops(const boost::asio::ip::tcp::endpoint& endpoint, unsigned first_ttl,
                     unsigned count, std::chrono::steady_clock::time_point deadline,
                     boost::asio::ip::address& source);

// Files (os_file_posix.cc, os_file_windows.cc).

// This process's id: names a temporary file that no other process picks.
unsigned long process_id();

// Renames `from` over `to` in one step, replacing `to` when it exists: a reader opening `to`
// gets the old file or the new one, never a part (rename(2); MoveFileExW with
// MOVEFILE_REPLACE_EXISTING). Both in one folder. Empty on success, else the system's reason.
std::string replace_file(const std::string& from, const std::string& to);

}  // namespace vpm::os
