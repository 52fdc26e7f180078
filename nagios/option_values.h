#pragma once
// The check's flag values, each read whole or refused with a UsageError that starts with the
// flag's name as messages show it ("-t/--timeout: '0' must be greater than 0").
#include <string>
#include <string_view>
#include <vector>

#include "nagios_range.h"
#include "vpm/duration.h"

namespace vpm::nagios {

// -H: comma-separated host names or addresses, none empty, none with blanks.
std::vector<std::string> parse_hosts(const std::string& flag, std::string_view text);

// -t/--timeout and -T/--max-time: seconds, e.g. 0.5; from 0.001 to max_seconds.
Duration parse_seconds(const std::string& flag, std::string_view text, int max_seconds);

// -w/-c: a Nagios range.
NagiosRange parse_range(const std::string& flag, std::string_view text);

// A whole number from 1 to max (--probe-threads); "--flag: "x" must be from 1 to max" if not.
unsigned parse_1_to(unsigned max, const std::string& flag, std::string_view text);
// --concurrency and --exporter-port: a whole number from 1 to 65535.
unsigned parse_1_to_65535(const std::string& flag, std::string_view text);

// --cert-warning-days and --cert-critical-days: a whole number of days from 0 to 3650.
int parse_cert_days(const std::string& flag, std::string_view text);

}  // namespace vpm::nagios
