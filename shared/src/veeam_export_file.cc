// Reads an export file into one buffer of its own, which is cleared before it is freed,
// whatever happens: the file holds the agent's credentials in base64.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <system_error>

#include "secure_clear.h"
#include "veeam_export_limits.h"
#include "vpm/veeam_export.h"

namespace vpm {
namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

std::string read_error(const std::string& path, int error_number) {
  if (error_number == 0) error_number = EIO;  // a stream error that did not say why
  return path + ": cannot read: " + std::generic_category().message(error_number);
}

std::string too_large(const std::string& path) {
  return path + ": larger than " + std::to_string(kMaxVeeamExportBytes / kBytesPerMiB) +
         " MiB, more than an export of an agent's jobs can be";
}

// Bytes that held the file; cleared on every way out.
class SecretBuffer {
 public:
  explicit SecretBuffer(std::size_t capacity) : data_(new char[capacity]), capacity_(capacity) {}
  ~SecretBuffer() { secure_clear(data_.get(), used_); }
  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;
  char* free_space() { return data_.get() + used_; }
  std::size_t free_bytes() const { return capacity_ - used_; }
  void grew_by(std::size_t count) { used_ += count; }
  std::string_view view() const { return {data_.get(), used_}; }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_;
  std::size_t used_ = 0;
};

#ifndef _WIN32
// The export holds credentials: say so when anyone on the machine may read it.
void warn_if_world_readable(const std::string& path, const struct stat& info, VeeamExport& result) {
  if ((info.st_mode & S_IROTH) == 0) return;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
  result.warnings.push_back(path + ": readable by every user (mode " + mode +
                            "), yet it holds the agent's credentials (base64): chmod o-r it");
}
#endif

}  // namespace

VeeamExport load_veeam_export_file(const std::string& path) {
  errno = 0;
  const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw VeeamExportError(read_error(path, errno));
  // Unbuffered: fread then copies straight into our buffer, and no stdio buffer is left
  // holding part of the file after fclose.
  std::setvbuf(file.get(), nullptr, _IONBF, 0);
  struct stat info {};
  const bool have_info = ::fstat(fileno(file.get()), &info) == 0;
  // Checked before reading: a 100 MB file is refused without reading a byte of it.
  const bool regular = have_info && S_ISREG(info.st_mode);
  if (regular && static_cast<unsigned long long>(info.st_size) > kMaxVeeamExportBytes) {
    throw VeeamExportError(too_large(path));
  }
  // A regular file gets a buffer of its size; a pipe or device one of the limit, plus the
  // byte that shows it is over. One allocation: growing would leave uncleared copies behind.
  const std::size_t capacity =
      (regular ? static_cast<std::size_t>(info.st_size) : kMaxVeeamExportBytes) + 1;
  SecretBuffer buffer(capacity);
  while (buffer.free_bytes() > 0) {
    errno = 0;
    const std::size_t count = std::fread(buffer.free_space(), 1, buffer.free_bytes(), file.get());
    buffer.grew_by(count);
    if (count == 0) {
      if (std::ferror(file.get()) != 0) throw VeeamExportError(read_error(path, errno));
      break;
    }
  }
  if (buffer.view().size() > kMaxVeeamExportBytes) throw VeeamExportError(too_large(path));
  if (regular && buffer.view().size() > static_cast<std::size_t>(info.st_size)) {
    throw VeeamExportError(path + ": the file grew while it was read; read it again");
  }
  VeeamExport result = load_veeam_export_string(buffer.view(), path);
#ifndef _WIN32
  if (have_info) warn_if_world_readable(path, info, result);
#endif
  return result;
}

}  // namespace vpm
