#pragma once
// The target file as plain, validated data. Loading either returns a Config whose
// every field is valid, or throws ConfigError naming file:line:col and the problem.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "vpm/duration.h"
#include "vpm/port_set.h"

namespace vpm {

enum class Protocol { kTcp, kUdp };
enum class Expectation { kOpen, kReachable, kClosed };
enum class Severity { kCritical, kWarning };

std::string_view to_string(Protocol p);
std::string_view to_string(Expectation e);
std::string_view to_string(Severity s);
std::optional<Protocol> parse_protocol(std::string_view text);
std::optional<Expectation> parse_expectation(std::string_view text);
std::optional<Severity> parse_severity(std::string_view text);

// What a probe does after the TCP connect (or with the UDP datagram): `connect` stops there,
// the others speak just enough of the service's protocol to recognise it.
enum class CheckKind { kConnect, kTls, kSmtp, kLdap, kSmb, kMsrpc, kNbns, kIscsi, kHttp };
std::string_view to_string(CheckKind k);  // "connect", "tls", ...
std::optional<CheckKind> parse_check_kind(std::string_view text);
// The protocol a check runs over: kNbns is UDP, kConnect either, the others TCP.
bool check_fits_protocol(CheckKind k, Protocol p);

struct TlsOptions {
  std::string server_name;     // SNI and the name verified; empty: the target host
  std::string ca_file;         // PEM bundle to verify against; empty: the system store
  std::optional<bool> verify;  // unset: verify when ca_file is set
  bool must_verify() const { return verify.value_or(!ca_file.empty()); }
  friend bool operator==(const TlsOptions&, const TlsOptions&) = default;
};

struct HttpOptions {
  std::string path = "/";
  std::optional<unsigned> expect_status;  // unset: any status line passes
  friend bool operator==(const HttpOptions&, const HttpOptions&) = default;
};

// SMB dialects as MS-SMB2 numbers them (DialectRevision): 0x0202 "2.0.2" ... 0x0311 "3.1.1".
std::string smb_dialect_name(std::uint16_t dialect);  // unknown ones as "0x1234"
// "2.0.2", "2.1", "3.0", "3.0.2" or "3.1.1"; nullopt for anything else.
std::optional<std::uint16_t> parse_smb_dialect(std::string_view text);
// The names parse_smb_dialect takes, for messages: "2.0.2, 2.1, 3.0, 3.0.2 or 3.1.1".
std::string_view smb_dialect_choices();

struct SmbOptions {
  std::optional<std::uint16_t> min_dialect;  // unset: any SMB2 reply passes
  friend bool operator==(const SmbOptions&, const SmbOptions&) = default;
};

struct ServiceCheck {
  CheckKind kind = CheckKind::kConnect;
  TlsOptions tls;         // tls, and smtp after STARTTLS
  HttpOptions http;       // http
  SmbOptions smb;         // smb
  bool starttls = false;  // smtp: STARTTLS even when the EHLO reply does not offer it
  friend bool operator==(const ServiceCheck&, const ServiceCheck&) = default;
};

// A setting above this is taken for a typo: each probing thread wants a core of its own, and
// the cost a thread lifts is the kernel's work per connect.
inline constexpr unsigned kMaxProbeThreads = 64;

struct Defaults {
  Duration timeout{2000};
  Duration interval{60000};
  unsigned concurrency = 512;            // probes in flight, all targets together
  unsigned per_target_concurrency = 64;  // probes in flight against one host
  // Threads that make the probes (vpm/probe_runner.h, Limits::probe_threads); 0: not set,
  // min(2, hardware threads).
  unsigned probe_threads = 0;
  bool trace = true;                // the exporter traces failing TCP flows (vpm/trace.h)
  Duration trace_interval{600000};  // at most one trace per flow x target this often
  std::string source;  // the address probes leave from (vpm/source_address.h); empty: routing's
  // How long before each computed start of a backup job its pre-flight runs (every port of every
  // flow the job needs, vpm/job_preflight.h); zero turns pre-flights off.
  Duration preflight{std::chrono::minutes(30)};
};

struct Role {
  std::string name;
  std::vector<std::string> hosts;  // host names or IP literals
  std::string description;         // what the role is, for people: "Veeam backup server"
};

struct Flow {
  std::string name;  // unique, [a-z0-9_-]+
  std::string from;  // role that originates the flow
  std::string to;    // role whose hosts are probed
  Protocol protocol = Protocol::kTcp;
  PortSet ports;  // never empty
  Expectation expect = Expectation::kOpen;
  std::optional<unsigned> sample;  // nullopt: all ports each run; N: N ports per run, rotating
  Severity severity = Severity::kCritical;
  std::string note;
  Duration timeout{2000};    // from defaults unless set on the flow
  Duration interval{60000};  // from defaults unless set on the flow
  bool enabled = true;
  ServiceCheck check;  // `check:` and its options; connect unless set
  bool trace = true;   // from defaults unless set: the exporter may trace its failing ports
  // The local address the probes are bound to before they connect, an IP literal validated by
  // the loader (vpm/source_address.h); from defaults unless set; empty: the routing table picks.
  std::string source;
  // Set by discovery only (vpm/veeam_discovery.h): the hosts of `to` this flow probes, when a
  // host's discovered port gives it a flow of its own. Unset: every host of `to`.
  std::optional<std::vector<std::string>> only_hosts;
};

// `discover:` of the target file.
struct Discover {
  std::string veeam_agent_export;  // the export's path, relative ones against the file's folder
  std::string where;               // "<file>:<line>:<col>" of the value, for messages
};

// One entry of `jobs:`: settings for the export's job of that name (JobName, exactly).
struct JobSettings {
  std::string name;
  std::optional<Duration> preflight;  // unset: defaults.preflight
  std::string where;                  // "<file>:<line>:<col>" of the name, for messages
};

struct Config {
  std::string source;  // file name used in messages
  Defaults defaults;
  std::vector<Role> roles;
  std::vector<Flow> flows;
  std::optional<Discover> discover;
  std::vector<JobSettings> jobs;  // `jobs:`, in the file's order

  const Role* find_role(std::string_view name) const;
};

class ConfigError : public std::runtime_error {
 public:
  // what() is "<file>:<line>:<col>: <message>" (line and column 1-based) or "<file>: <message>".
  using std::runtime_error::runtime_error;
};

Config load_config_file(const std::string& path);
Config load_config_string(std::string_view yaml, const std::string& source_name);

}  // namespace vpm
