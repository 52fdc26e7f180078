// replace_file_contents: the whole file or the old one, never a part, and errors that name the
// file and the step.
#include "vpm/textfile.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "vpm/os_seam.h"

namespace vpm {
namespace {

namespace fs = std::filesystem;

class TextfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("vpm-textfile-" + std::to_string(os::process_id()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // The message of what replace_file_contents threw, or "" when it did not.
  static std::string error_of(const std::string& path, const std::string& content) {
    try {
      replace_file_contents(path, content);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }
  std::size_t entries() const {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(dir_), fs::directory_iterator()));
  }
  fs::path dir_;
};

TEST_F(TextfileTest, WritesTheBytesAsGivenAndReplacesAnOlderFile) {
  const std::string path = (dir_ / "veeam.prom").string();
  replace_file_contents(path, "# TYPE a gauge\na 1\n");
  EXPECT_EQ(read(path), "# TYPE a gauge\na 1\n");  // LF stays LF, on Windows too
  replace_file_contents(path, "b 2\n");
  EXPECT_EQ(read(path), "b 2\n");
  EXPECT_EQ(entries(), 1u) << "a temporary file was left behind";
}

TEST_F(TextfileTest, AMissingFolderNamesTheFileItCouldNotCreate) {
  const std::string path = (dir_ / "missing" / "veeam.prom").string();
  const std::string error = error_of(path, "a 1\n");
  EXPECT_EQ(error.rfind("cannot create " + (dir_ / "missing").string(), 0), 0u) << error;
  EXPECT_NE(error.find(".veeam.prom." + std::to_string(os::process_id()) + ".tmp: "),
            std::string::npos)
      << error;
}

TEST_F(TextfileTest, AFolderInThePathsPlaceIsLeftAsItWasAndTheTemporaryFileRemoved) {
  const fs::path taken = dir_ / "veeam.prom";
  fs::create_directory(taken);
  const std::string error = error_of(taken.string(), "a 1\n");
  EXPECT_EQ(error.rfind("cannot replace " + taken.string() + ": ", 0), 0u) << error;
  EXPECT_TRUE(fs::is_directory(taken));
  EXPECT_EQ(entries(), 1u) << "the temporary file was left behind";
}

TEST_F(TextfileTest, APathWithoutAFileNameIsRefused) {
  EXPECT_EQ(error_of("", "a 1\n"), "no file named");
  const std::string folder = dir_.string() + "/";
  EXPECT_EQ(error_of(folder, "a 1\n"), folder + " names a folder, not a file");
}

}  // namespace
}  // namespace vpm
