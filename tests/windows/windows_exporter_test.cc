// Cross-built for Windows and run under Wine: the exporter's Windows seam (platform_windows.cc,
// windows_service.cc) and bcrypt.cc there. The hashes below were made with libxcrypt on Linux.
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <shellapi.h>
// clang-format on

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "basic_auth.h"
#include "platform.h"
#include "windows_service.h"

namespace vpm::exporter {
namespace {

// The arguments CommandLineToArgvW (the Microsoft C runtime's rules) splits `line` into.
std::vector<std::string> split_like_windows(const std::string& line) {
  int count = 0;
  wchar_t** args = CommandLineToArgvW(widen(line).c_str(), &count);
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(narrow(args[i]));
  LocalFree(args);
  return out;
}

TEST(WindowsCommandLineTest, WindowsSplitsItBackIntoTheSameArguments) {
  const std::vector<std::string> argv = {
      "C:\\Program Files\\veeam-port-monitor\\bin\\veeam_port_exporter.exe",
      "--service=run",
      "--config.file=C:\\Program Files\\veeam-port-monitor\\config\\targets.yaml",
      "--role=agent",
      "",
      "a \"quoted\" word",
      "trailing backslash\\",
      "C:\\dir with space\\",
      "back\\\\\"slash",
      "tab\there",
      "--log.file=C:\\ProgramData\\veeam-port-monitor\\veeam_port_exporter.log"};
  const std::string line = windows_command_line(argv);
  EXPECT_EQ(split_like_windows(line), argv) << line;
  EXPECT_EQ(windows_command_line({"a", "b c"}), "a \"b c\"");
}

TEST(WindowsPlatformTest, SampleDescribesThisProcess) {
  const ProcessSample sample = sample_process();
  ASSERT_TRUE(sample.cpu_seconds && sample.start_time_seconds && sample.resident_memory_bytes);
  EXPECT_GT(*sample.resident_memory_bytes, 1 << 20);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(*sample.start_time_seconds, now - 3600);
  EXPECT_LE(*sample.start_time_seconds, now + 1);
  EXPECT_FALSE(sample.max_fds);  // Windows has no per-process handle limit to show
}

TEST(WindowsPlatformTest, FileSinkAppendsWhileOthersMayReadTheFile) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "vpm-windows-exporter-test.log";
  std::filesystem::remove(path);
  {
    Logger::Sink sink = file_sink(path.string());
    sink("one\n");
    std::ifstream reader(path, std::ios::binary);  // while the sink holds the file open
    ASSERT_TRUE(reader.good());
    sink("two\n");
  }
  file_sink(path.string())("three\n");
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "one\ntwo\nthree\n");  // no CRLF translation
  EXPECT_TRUE(readable_file(path.string()));
  EXPECT_FALSE(readable_file(path.string() + ".missing"));
}

TEST(WindowsPlatformTest, FileSinkNamesTheFlagAndTheFile) {
  try {
    file_sink("Z:\\nonexistent-dir\\x.log");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(
        std::string(e.what()).rfind("--log.file: cannot open Z:\\nonexistent-dir\\x.log: ", 0), 0U)
        << e.what();
  }
}

TEST(WindowsPlatformTest, UtcTime) {
  const std::tm tm = utc_time(86400 * 365 + 3661);  // 1971-01-01 01:01:01
  EXPECT_EQ(tm.tm_year, 71);
  EXPECT_EQ(tm.tm_hour, 1);
  EXPECT_EQ(tm.tm_sec, 1);
}

TEST(WindowsBcryptTest, VerifiesHashesMadeByLibxcrypt) {
  EXPECT_TRUE(
      verify_bcrypt("s3cr3t", "$2b$05$abcdefghijklmnopqrstuu9Avu/WgbsK7g7xfCY1X3pdjsTgxqQLS"));
  EXPECT_FALSE(
      verify_bcrypt("s3cr3T", "$2b$05$abcdefghijklmnopqrstuu9Avu/WgbsK7g7xfCY1X3pdjsTgxqQLS"));
  EXPECT_TRUE(verify_bcrypt("correct horse battery staple",
                            "$2y$04$0123456789./ABCDEFGHI./v3WzzPKefAya.W79H6kwpt29na69Nu"));
  EXPECT_TRUE(verify_bcrypt("", "$2a$04$zyxwvutsrqponmlkjihgfegqtFzehKxsKXpkfUK8h7vC19esTTUBy"));
  EXPECT_FALSE(verify_bcrypt("x", "$2a$04$zyxwvutsrqponmlkjihgfegqtFzehKxsKXpkfUK8h7vC19esTTUBy"));
  EXPECT_FALSE(verify_bcrypt("s3cr3t", "$2b$05$garbage"));
}

}  // namespace
}  // namespace vpm::exporter
