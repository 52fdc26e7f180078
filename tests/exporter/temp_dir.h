#pragma once
// A private temporary directory, removed with everything in it at the end of the test.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace vpm::exporter::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "vpm-exporter-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes (replaces) a file and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const std::string target = file(name);
    const std::string temporary = target + ".tmp";
    {
      std::ofstream out(temporary, std::ios::trunc);
      out << text;
    }
    std::filesystem::rename(temporary, target);  // a reader never sees half a file
    return target;
  }

 private:
  std::string path_;
};

}  // namespace vpm::exporter::test
