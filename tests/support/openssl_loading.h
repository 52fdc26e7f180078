#pragma once
// For the tests that our programs load OpenSSL only when TLS is first used
// (vpm/openssl_runtime.h): what a running process has mapped, what a program loaded in its
// whole run, and runs in which libssl (or the exporter's shims) cannot be loaded.
#include <sys/types.h>

#include <optional>
#include <string>

namespace vpm::test {

// The lines of /proc/PID/maps that map libssl or libcrypto (the exporter's shims too); "" when
// there are none.
std::string openssl_mappings(pid_t pid);

// `command_line` (for /bin/sh) with the dynamic linker logging every library it loads
// (LD_DEBUG=files) into files whose names begin with `log_prefix`.
std::string with_load_log(const std::string& command_line, const std::string& log_prefix);
// The "file=..." lines of those logs: one per library, "needed by" or "dynamically loaded by".
std::string loaded_libraries(const std::string& log_prefix);

// The file of libssl.so.3 that this test program has loaded (the test programs link OpenSSL).
std::string libssl_file();

// Why with_hidden() cannot be used here (it needs root, unshare and mount), or nullopt.
std::optional<std::string> why_nothing_can_be_hidden();
// A command line that runs `command_line` in a mount namespace of its own in which `path` is
// empty: /dev/null bound over a file (libssl_file(): as if the package libssl3 were broken or
// gone), an empty tmpfs over a directory. Nothing outside that namespace sees it.
std::string with_hidden(const std::string& path, const std::string& command_line);

}  // namespace vpm::test
