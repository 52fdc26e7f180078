// The Linux side of the platform seam (platform_posix.cc); tests/windows has the Windows side's.
#include "platform.h"

#include <gtest/gtest.h>

#include <iostream>
#include <sstream>
#include <string>

#include "child_process.h"
#include "temp_dir.h"

namespace vpm::exporter {
namespace {

TEST(PlatformTest, FileSinkAppendsAndCreates) {
  const test::TempDir dir;
  const std::string path = dir.write("exporter.log", "an earlier line\n");
  Logger::Sink sink = file_sink(path);
  sink("ts=1 level=info msg=one\n");
  sink("ts=2 level=info msg=two\n");
  EXPECT_EQ(test::read_text_file(path),
            "an earlier line\nts=1 level=info msg=one\nts=2 level=info msg=two\n");
  file_sink(dir.file("new.log"))("x\n");
  EXPECT_EQ(test::read_text_file(dir.file("new.log")), "x\n");
}

TEST(PlatformTest, FileSinkNamesTheFlagAndTheFile) {
  const test::TempDir dir;
  const std::string path = dir.file("missing-dir/exporter.log");
  try {
    file_sink(path);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "--log.file: cannot open " + path + ": No such file or directory");
  }
}

TEST(PlatformTest, UtcTimeAndReadableFiles) {
  const std::tm tm = utc_time(86400 * 365 + 3661);  // 1971-01-01 01:01:01
  EXPECT_EQ(tm.tm_year, 71);
  EXPECT_EQ(tm.tm_yday, 0);
  EXPECT_EQ(tm.tm_hour, 1);
  EXPECT_EQ(tm.tm_min, 1);
  EXPECT_EQ(tm.tm_sec, 1);
  const test::TempDir dir;
  EXPECT_TRUE(readable_file(dir.write("a", "x")));
  EXPECT_FALSE(readable_file(dir.file("b")));
}

TEST(PlatformTest, SampleDescribesThisProcess) {
  const ProcessSample sample = sample_process();
  ASSERT_TRUE(sample.cpu_seconds && sample.start_time_seconds && sample.resident_memory_bytes &&
              sample.virtual_memory_bytes && sample.open_fds && sample.max_fds);
  EXPECT_GE(*sample.open_fds, 3);
  EXPECT_GE(*sample.max_fds, *sample.open_fds);
}

TEST(PlatformTest, ServiceActionsAreForWindows) {
  ExporterOptions options;
  options.service = ServiceAction::kInstall;
  bool served = false;
  std::ostringstream err;
  std::streambuf* old = std::cerr.rdbuf(err.rdbuf());
  const int code = service_command(options, {"--service=install"}, [&](const ExporterOptions&) {
    served = true;
    return 0;
  });
  std::cerr.rdbuf(old);
  EXPECT_EQ(code, 1);
  EXPECT_FALSE(served);
  EXPECT_NE(err.str().find("--service: Windows services exist only on Windows"), std::string::npos)
      << err.str();
}

}  // namespace
}  // namespace vpm::exporter
