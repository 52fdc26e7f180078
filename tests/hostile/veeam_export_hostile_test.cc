// Hostile Veeam Agent exports against the reader: an entity-expansion bomb, external and
// parameter entities, a 100 MB file, an endless device, deep nesting and a file of nothing but
// attributes. Each is read in a child process of its own, so that its peak memory (wait4's
// ru_maxrss) can be set against a child that reads nothing: a clear error within a second,
// and memory bounded by the reader's limits (4 MiB of input, 64 MiB for expat), not by the
// size of the input.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "vpm/veeam_export.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;

struct ChildRun {
  std::string message;  // the error, or "loaded" when the export loaded
  long peak_kib = 0;    // ru_maxrss of the child
  std::chrono::milliseconds took{0};
};

// Runs `read` in a forked child; its message comes back through a pipe.
ChildRun in_child(const std::function<std::string()>& read) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return {"pipe failed", 0, {}};
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipe_fds[0]);
    const std::string message = read();
    const ssize_t ignored = ::write(pipe_fds[1], message.data(), message.size());
    (void)ignored;
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  ChildRun run;
  char buffer[4096];
  ssize_t count;
  while ((count = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) {
    run.message.append(buffer, static_cast<std::size_t>(count));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  run.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  run.peak_kib = usage.ru_maxrss;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child did not exit cleanly";
  return run;
}

std::string read_export(const std::string& path) {
  try {
    load_veeam_export_file(path);
    return "loaded";
  } catch (const VeeamExportError& e) {
    return e.what();
  }
}

class HostileExport : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "vpm-hostile-export-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    baseline_kib_ = in_child([] { return std::string("nothing"); }).peak_kib;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  // The reader's limits: its 4 MiB input buffer, expat's copy of it and expat's 64 MiB budget.
  static constexpr long kBoundKib = (4 + 4 + 64) * 1024;

  // Returns the child's peak memory over the baseline, in KiB.
  long expect_refused(const std::string& file, const std::string& error_after_path) {
    const ChildRun run = in_child([&] { return read_export(file); });
    EXPECT_EQ(run.message, file + error_after_path);
    EXPECT_LT(run.took, 1s) << file;
    RecordProperty("peak_kib_over_baseline", std::to_string(run.peak_kib - baseline_kib_));
    EXPECT_LT(run.peak_kib - baseline_kib_, kBoundKib)
        << file << ": peak " << run.peak_kib << " KiB, a child reading nothing " << baseline_kib_;
    return run.peak_kib - baseline_kib_;
  }

  std::string dir_;
  long baseline_kib_ = 0;
};

TEST_F(HostileExport, EntityBombIsRefusedAtTheDoctype) {
  // A billion laughs: 10 levels of 10 references, 10^9 "lol" if expanded.
  std::string xml = "<?xml version='1.0'?>\n<!DOCTYPE ExecutionResult [\n <!ENTITY a0 'lol'>\n";
  for (int i = 1; i < 10; ++i) {
    xml += " <!ENTITY a" + std::to_string(i) + " '";
    for (int k = 0; k < 10; ++k) xml += "&a" + std::to_string(i - 1) + ";";
    xml += "'>\n";
  }
  xml += "]>\n<ExecutionResult><Data><JobInfo JobName='&a9;'/></Data></ExecutionResult>\n";
  std::ofstream(path("bomb.xml")) << xml;
  expect_refused(path("bomb.xml"),
                 ":2:27: a DOCTYPE: an export has none, and DTDs and entities are not accepted");
}

TEST_F(HostileExport, ExternalAndParameterEntitiesAreNeverFetched) {
  // A file the test can see being read if the parser ever followed the reference.
  std::ofstream(path("secret.txt")) << "not for the parser";
  std::ofstream(path("external.xml"))
      << "<?xml version='1.0'?>\n<!DOCTYPE ExecutionResult [\n <!ENTITY x SYSTEM 'file://"
      << path("secret.txt") << "'>\n]>\n<ExecutionResult><Data><JobInfo JobName='&x;'/>"
      << "</Data></ExecutionResult>\n";
  expect_refused(path("external.xml"),
                 ":2:27: a DOCTYPE: an export has none, and DTDs and entities are not accepted");
  std::ofstream(path("parameter.xml")) << "<!DOCTYPE ExecutionResult [<!ENTITY % p SYSTEM 'file://"
                                       << path("secret.txt") << "'> %p;]>\n<ExecutionResult/>\n";
  expect_refused(path("parameter.xml"),
                 ":1:27: a DOCTYPE: an export has none, and DTDs and entities are not accepted");
  std::ofstream(path("undefined.xml")) << "<ExecutionResult><Data><JobInfo JobName='&x;'/>"
                                       << "</Data></ExecutionResult>\n";
  expect_refused(path("undefined.xml"),
                 ":1:24: undefined entity (only &amp; &lt; &gt; &apos; &quot; and character "
                 "references are accepted) inside <Data>");
}

TEST_F(HostileExport, HundredMegabytesAreRefusedUnread) {
  {
    std::ofstream out(path("big.xml"), std::ios::binary);
    out << "<ExecutionResult><Data>";
    const std::string job = "<JobInfo JobName='j'><TargetInfo Type='1'/></JobInfo>\n";
    std::string chunk;
    while (chunk.size() < 1024 * 1024) chunk += job;
    for (int i = 0; i < 100; ++i) out << chunk;
    out << "</Data></ExecutionResult>\n";
  }
  ASSERT_GT(std::filesystem::file_size(path("big.xml")), 100u * 1024 * 1024);
  const long refused_kib = expect_refused(
      path("big.xml"), ": larger than 4 MiB, more than an export of an agent's jobs can be");
  // Refused from its size: no more memory than refusing a 13-byte file takes (reading would
  // fill a buffer of the file's size, or at least 4 MiB).
  std::ofstream(path("small.xml")) << "not an export";
  const long small_kib = in_child([&] { return read_export(path("small.xml")); }).peak_kib;
  RecordProperty("over_a_small_refused_file_kib",
                 std::to_string(refused_kib + baseline_kib_ - small_kib));
  EXPECT_LT(refused_kib + baseline_kib_ - small_kib, 2 * 1024);
}

TEST_F(HostileExport, AnEndlessDeviceIsCutAtTheLimit) {
  expect_refused("/dev/zero", ": larger than 4 MiB, more than an export of an agent's jobs can be");
}

TEST_F(HostileExport, DeepNestingStopsAtLevel33) {
  {
    std::ofstream out(path("deep.xml"));
    out << "<ExecutionResult>";
    for (int i = 0; i < 200000; ++i) out << "<a>";  // 600 KB, 200,000 levels
  }
  expect_refused(path("deep.xml"),
                 ":1:111: elements nested deeper than 32 levels (an export needs about 10)");
}

TEST_F(HostileExport, AFullSizeExportStaysWithinTheBound) {
  // Just under 4 MiB of jobs, each with many attributes: the most the reader ever holds.
  {
    std::ofstream out(path("full.xml"));
    out << "<ExecutionResult><Data>";
    std::string attributes;
    for (int i = 0; i < 200; ++i)
      attributes += " A" + std::to_string(i) + "='" + std::string(40, 'x') + "'";
    const std::string job =
        "<JobInfo JobName='j'" + attributes + "><TargetInfo Type='1'/></JobInfo>\n";
    for (std::size_t size = 0; size + job.size() < 4 * 1024 * 1024 - 64; size += job.size()) {
      out << job;
    }
    out << "</Data></ExecutionResult>\n";
  }
  const ChildRun run = in_child([&] { return read_export(path("full.xml")); });
  EXPECT_EQ(run.message, "loaded");
  EXPECT_LT(run.took, 1s);
  RecordProperty("peak_kib_over_baseline", std::to_string(run.peak_kib - baseline_kib_));
  EXPECT_LT(run.peak_kib - baseline_kib_, kBoundKib) << "peak " << run.peak_kib << " KiB";
}

}  // namespace
}  // namespace vpm
