#pragma once
namespace vpm::exporter {
// The whole exporter: flags, config, probe thread, HTTP server, signals. Returns the exit
// code: 0 after SIGTERM/SIGINT, --help, --version or a valid --config.check; 1 on bad flags,
// an invalid config (file:line:col in the log) or a server that cannot start.
int run_exporter(int argc, char** argv);
}  // namespace vpm::exporter
