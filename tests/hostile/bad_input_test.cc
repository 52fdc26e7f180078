// Bad input everywhere, against the built binaries: nonsense flags, configs that are empty,
// binary, 100 MB, deeply nested, alias bombs or 100,000 flows, web configs with bad hashes or
// that never end. Each gets a clear error naming what is wrong - exit 3 (UNKNOWN) for the
// check, exit 1 for the exporter - within seconds, never a crash, a hang or a sanitizer report.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/subprocess.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;
using test::CommandResult;
using test::shell_quote;

class Scratch {
 public:
  Scratch() {
    std::string pattern = (std::filesystem::temp_directory_path() / "vpm-bad-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  std::string write(const std::string& name, const std::string& content) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

constexpr auto kLimit = 30s;

void expect_clean_failure(const CommandResult& r, int exit_code, const std::string& what) {
  EXPECT_FALSE(r.timed_out) << what << ": did not end in time";
  EXPECT_EQ(r.exit_code, exit_code)
      << what << "\nout: " << r.out.substr(0, 2000) << "\nerr: " << r.err.substr(0, 2000);
  // No sanitizer, assertion or terminate text: a clean, reasoned exit.
  for (const char* bad :
       {"AddressSanitizer", "runtime error", "terminate called", "Aborted", "LeakSanitizer"}) {
    EXPECT_EQ(r.err.find(bad), std::string::npos) << what << ": " << r.err.substr(0, 2000);
  }
}

CommandResult check(const std::string& args, std::chrono::milliseconds limit = kLimit) {
  return test::run_command(shell_quote(CHECK_VEEAM_PORTS_BIN) + " " + args + " </dev/null", limit);
}
CommandResult exporter(const std::string& args, std::chrono::milliseconds limit = kLimit) {
  return test::run_command(shell_quote(VEEAM_PORT_EXPORTER_BIN) + " " + args + " </dev/null",
                           limit);
}

void expect_unknown(const CommandResult& r, const std::string& what,
                    const std::string& mention = "") {
  expect_clean_failure(r, 3, what);
  EXPECT_EQ(r.out.rfind("VEEAM PORTS UNKNOWN - ", 0), 0U) << what << ": " << r.out;
  EXPECT_GT(r.out.size(), std::string("VEEAM PORTS UNKNOWN - x").size()) << what;
  EXPECT_LT(r.out.size(), 8192U) << what;
  if (!mention.empty()) {
    EXPECT_NE(r.out.find(mention), std::string::npos) << what << ": " << r.out;
  }
}

void expect_exporter_error(const CommandResult& r, const std::string& what,
                           const std::string& mention = "") {
  expect_clean_failure(r, 1, what);
  const std::string all = r.out + r.err;
  EXPECT_FALSE(all.empty()) << what;
  if (!mention.empty()) {
    EXPECT_NE(all.find(mention), std::string::npos) << what << ": " << all;
  }
}

TEST(BadInput, CheckFlagsGivenNonsense) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--nonsense", "--nonsense"},
      {"-H", "-H"},
      {"-H 127.0.0.1 -p", "-p"},
      {"-H 127.0.0.1 -p abc", "abc"},
      {"-H 127.0.0.1 -p 0", ""},
      {"-H 127.0.0.1 -p 70000", "70000"},
      {"-H 127.0.0.1 -p 1-", ""},
      {"-H 127.0.0.1 -p 9-1", ""},
      {"-H 127.0.0.1 -p 22 -t -1", ""},
      {"-H 127.0.0.1 -p 22 -t abc", "abc"},
      {"-H 127.0.0.1 -p 22 -t 99999999999999999999", ""},
      {"-H 127.0.0.1 -p 22 -w 5:1", ""},
      {"-H 127.0.0.1 -p 22 -c '~'", ""},
      {"-H 127.0.0.1 -p 22 -w @", ""},
      {"-H 127.0.0.1 -p 22 --concurrency 0", ""},
      {"-H 127.0.0.1 -p 22 --concurrency 99999999999999999999", ""},
      {"-H 127.0.0.1 -p 22 --expect maybe", "maybe"},
      {"-H 127.0.0.1 -p 22 --udp=3", ""},
      {"-H '' -p 22", ""},
      {"-H 127.0.0.1 -p 22 --cert-warning-days -5", ""},
      {"--print-firewall-rules xyz", ""},
      {"--config", ""},
      {"--config /nonexistent/targets.yaml", "/nonexistent/targets.yaml"},
      {"--config /dev/null", ""},
      {"--config /", ""},
      {"-H 127.0.0.1 -p " + std::string(5000, '1'), ""},
      {"-H " + shell_quote(std::string("\x01\xff\xfe", 3)) + " -p 22 -t 1", ""},
  };
  for (const auto& [args, mention] : cases) {
    const CommandResult r = check(args);
    expect_unknown(r, "check " + args.substr(0, 80), mention);
  }
}

TEST(BadInput, ExporterFlagsGivenNonsense) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--nonsense", "--nonsense"},
      {"foo", "foo"},
      {"--web.listen-address=abc", "--web.listen-address"},
      {"--web.listen-address=:99999", "--web.listen-address"},
      {"--web.listen-address", "needs a value"},
      {"--log.level=loud", "--log.level"},
      {"--metrics.per-port-limit=-1", "--metrics.per-port-limit"},
      {"--metrics.per-port-limit=99999999999999999999999", "--metrics.per-port-limit"},
      {"--web.telemetry-path=metrics", "--web.telemetry-path"},
      {"--web.telemetry-path=/-/reload", "--web.telemetry-path"},
      {"--config.check=yes", "--config.check"},
      {"--web.enable-lifecycle=true", "--web.enable-lifecycle"},
      {"--config.file=", "--config.file"},
      {"--config.check --config.file=/nonexistent/targets.yaml", "/nonexistent/targets.yaml"},
      {"--config.check --config.file=/dev/null", ""},
      {"--" + std::string(5000, 'x'), ""},
  };
  for (const auto& [args, mention] : cases) {
    expect_exporter_error(exporter(args), "exporter " + args.substr(0, 80), mention);
  }
}

struct BadConfig {
  std::string name;
  std::string content;
  std::string mention;  // in the error
};

// A target file and the error both binaries must give for it, after the file's path.
struct BadTargetFile {
  std::string name;
  std::string content;
  std::string error_after_path;
};

std::vector<BadTargetFile> bad_target_files() {
  const std::string nul_byte =
      "the file contains a NUL byte; expected UTF-8 text (is it binary, or UTF-16?)";
  std::vector<BadTargetFile> cases;
  cases.push_back({"empty", "", ": the file is empty"});
  cases.push_back({"only_comments", "# nothing\n", ": the file contains only comments"});
  std::string binary(4096, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>((i * 131U) & 0xffU);
  cases.push_back({"binary", binary, ":1:1: " + nul_byte});
  cases.push_back({"utf16",
                   std::string("\xff\xfe"
                               "r\0o\0l\0e\0s\0:\0",
                               14),
                   ":1:4: " + nul_byte});
  // 100 MB: refused by its size, not read to the end and parsed.
  std::string big = "roles:\n  a: {hosts: [127.0.0.1]}\nflows:\n";
  big.reserve(100U << 20U);
  while (big.size() < (100U << 20U)) big += "# padding padding padding padding padding padding\n";
  cases.push_back({"100mb", big, ": the file is larger than 16 MiB"});
  // Refused at the 65th level. (yaml-cpp marks the "[" of an unclosed flow list short of where
  // it is; closed ones are marked exactly, see config_loader_test.)
  const std::string too_deep = "the document is nested too deeply (more than 64 levels)";
  cases.push_back(
      {"nested_sequences", "roles: " + std::string(100000, '[') + "\n", ":1:40: " + too_deep});
  std::string nested_maps = "roles:\n";
  for (int i = 0; i < 5000; ++i)
    nested_maps += std::string(static_cast<std::size_t>(i) + 1, ' ') + "a:\n";
  cases.push_back({"nested_mappings", nested_maps, ":65:65: " + too_deep});
  // Billion laughs: each level 10 aliases of the one before, 10^9 leaves if expanded. Anchors
  // are only allowed where the loader expects something else, so it fails before expanding.
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    const std::string prev = "a" + std::to_string(level - 1);
    bomb += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) bomb += (i ? ", *" : "*") + prev;
    bomb += "]\n";
  }
  bomb += "roles:\n  r: {hosts: *a9}\nflows: []\n";
  cases.push_back({"alias_bomb", bomb,
                   ":1:1: unknown key \"a0\" at the top level (allowed keys: defaults, roles, "
                   "flows, discover, jobs)"});
  // Where aliases do pass: 1,024 hosts named again by 999 roles, a million nodes from 26 KB.
  std::string fanout = "roles:\n  r0: {hosts: &h [";
  for (int host = 1; host <= 1024; ++host) fanout += "h" + std::to_string(host) + ", ";
  fanout += "]}\n";
  for (int role = 1; role < 1000; ++role)
    fanout += "  r" + std::to_string(role) + ": {hosts: *h}\n";
  fanout += "flows:\n  - {name: f, from: r0, to: r1, ports: [1]}\n";
  cases.push_back({"alias_fanout", fanout,
                   ":2:4561: the document is too large: its aliases expand it to more than "
                   "1000000 nodes"});
  // 100,000 flows: refused at the first one over the limit, before yaml-cpp builds its tree.
  std::string many = "roles:\n  a: {hosts: [127.0.0.1]}\nflows:\n";
  for (int i = 0; i < 100000; ++i) {
    many += "  - {name: f" + std::to_string(i) + ", from: a, to: a, ports: [" +
            std::to_string(1 + i % 65535) + "]}\n";
  }
  cases.push_back(
      {"100000_flows", many, ":10004:5: flows[10000]: too many flows (the limit is 10000)"});
  cases.push_back({"not_utf8_key", "roles:\n  \xc3\x28: {hosts: [h]}\nflows: []\n",
                   ":2:3: roles: invalid role name \"\xc3\x28\" (use lowercase letters, digits, "
                   "'_' and '-')"});
  cases.push_back({"huge_number", "defaults: {concurrency: 99999999999999999999999999}\n",
                   ":1:25: defaults.concurrency: 99999999999999999999999999 is too large (at "
                   "most 4294967295)"});
  cases.push_back({"ports_bomb",
                   "roles:\n  a: {hosts: [h]}\nflows:\n  - {name: f, from: a, to: a, ports: [" +
                       std::string(200000, '1') + "]}\n",
                   ":4:39: flows[0] (f).ports[0]: port " + std::string(60, '1') +
                       "... is out of range 1-65535"});
  return cases;
}

// The exporter logs in logfmt: quotes and backslashes in a value are escaped.
std::string logfmt_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

TEST(BadInput, ConfigsBothBinariesRejectClearly) {
  Scratch scratch;
  for (const BadTargetFile& c : bad_target_files()) {
    const std::string path = scratch.write(c.name + ".yaml", c.content);
    const std::string error = path + c.error_after_path;
    const auto started = std::chrono::steady_clock::now();
    const CommandResult checked = check("--config " + shell_quote(path));
    expect_unknown(checked, "check config " + c.name);
    EXPECT_EQ(checked.out.substr(0, checked.out.find('\n')), "VEEAM PORTS UNKNOWN - " + error)
        << c.name;
    const CommandResult exported = exporter("--config.check --config.file=" + shell_quote(path));
    expect_exporter_error(exported, "exporter --config.check " + c.name,
                          "msg=\"Invalid config\" err=\"" + logfmt_escaped(error) + "\"");
    const auto took = std::chrono::steady_clock::now() - started;
    std::printf("%-18s rejected by both in %lld ms\n", c.name.c_str(),
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  }
  // Not only --config.check: a start with a bad file ends with exit 1 too.
  const std::string broken = scratch.write("broken.yaml", "flows: [\n");
  expect_exporter_error(
      exporter("--web.listen-address=127.0.0.1:0 --config.file=" + shell_quote(broken)),
      "exporter start with a broken file", "broken.yaml");
}

TEST(BadInput, WebConfigsAreRejectedByTheExporter) {
  Scratch scratch;
  const std::string config = scratch.write(
      "targets.yaml",
      "roles:\n  a: {hosts: [127.0.0.1]}\nflows:\n  - {name: f, from: a, to: a, ports: [1]}\n");
  const std::vector<BadConfig> cases = {
      {"plain_password", "basic_auth_users:\n  alice: secret\n", "bcrypt"},
      {"md5_hash", "basic_auth_users:\n  alice: $1$abcdefgh$abcdefghijklmnopqrstuv\n", "bcrypt"},
      {"short_bcrypt", "basic_auth_users:\n  alice: $2y$10$abc\n", "bcrypt"},
      {"bcrypt_bad_cost", "basic_auth_users:\n  alice: $2y$99$" + std::string(53, 'a') + "x\n", ""},
      {"bcrypt_bad_chars", "basic_auth_users:\n  alice: $2y$10$" + std::string(52, '!') + "\n",
       "bcrypt"},
      {"users_list", "basic_auth_users: [alice]\n", ""},
      {"unknown_key", "basic_auth: {alice: x}\n", "basic_auth"},
      {"missing_cert", "tls_server_config:\n  cert_file: /nonexistent.crt\n  key_file: k\n", ""},
      {"bad_tls_version", "tls_server_config: {cert_file: a, key_file: b, min_version: SSL3}\n",
       ""},
      {"binary", std::string("\x00\x01\x02\xff\xfe", 5), ""},
      {"nested", "basic_auth_users: " + std::string(100000, '[') + "\n", ""},
      {"2mb", "# " + std::string(2U << 20U, 'x') + "\n", "larger than"},
  };
  for (const BadConfig& c : cases) {
    const std::string web = scratch.write(c.name + ".yml", c.content);
    expect_exporter_error(exporter("--config.check --config.file=" + shell_quote(config) +
                                   " --web.config.file=" + shell_quote(web)),
                          "web config " + c.name, c.mention);
  }
  // A device that never ends: refused after a bounded read, not read until memory runs out.
  expect_exporter_error(exporter("--config.check --config.file=" + shell_quote(config) +
                                 " --web.config.file=/dev/zero"),
                        "web config /dev/zero", "larger than");
}

}  // namespace
}  // namespace vpm
