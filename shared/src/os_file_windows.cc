// The Windows side of the seam's file operations.
#include <windows.h>

#include <boost/system/error_code.hpp>
#include <string>

#include "vpm/os_seam.h"

namespace vpm::os {
namespace {

// The check's command line arrives in the ANSI code page, and std::ofstream opens a narrow
// path in it too: the same conversion here names the same file.
std::wstring widen_ansi(const std::string& text) {
  if (text.empty()) return {};
  const int n =
      MultiByteToWideChar(CP_ACP, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_ACP, 0, text.data(), static_cast<int>(text.size()), out.data(), n);
  return out;
}

}  // namespace

unsigned long process_id() { return GetCurrentProcessId(); }

std::string replace_file(const std::string& from, const std::string& to) {
  const std::wstring source = widen_ansi(from);
  const std::wstring target = widen_ansi(to);
  // A reader that opened `to` without FILE_SHARE_DELETE (windows_exporter reading it during a
  // scrape, an editor, a virus scanner) makes the replace fail for as long as it holds the file:
  // try again for up to about a second before saying so.
  DWORD error = ERROR_SUCCESS;
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (MoveFileExW(source.c_str(), target.c_str(),
                    MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) != 0) {
      return {};
    }
    error = GetLastError();
    if (error != ERROR_ACCESS_DENIED && error != ERROR_SHARING_VIOLATION) break;
    Sleep(50);
  }
  return boost::system::error_code(static_cast<int>(error), boost::system::system_category())
      .message();
}

}  // namespace vpm::os
