// libFuzzer target: the Veeam Agent export reader. Any input either loads into jobs whose
// endpoints are what the header promises, or throws VeeamExportError; anything else escaping
// (or a crash, a hang, a sanitizer report, expat's memory over its budget) is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "veeam_endpoint.h"
#include "vpm/veeam_export.h"

namespace {

bool valid(const vpm::VeeamEndpoint& endpoint) {
  return vpm::is_host(endpoint.host) && (!endpoint.port || *endpoint.port != 0);
}

bool keeps_promises(const vpm::VeeamJob& job) {
  using vpm::VeeamTargetType;
  switch (job.target_type) {
    case VeeamTargetType::kSharedFolder:
      return job.share_server && valid(*job.share_server) && !job.share_path.empty();
    case VeeamTargetType::kBackupRepository:
      return job.backup_server && valid(*job.backup_server);
    case VeeamTargetType::kCloudConnect:
      if (job.cloud_gateways.empty()) return false;
      for (const vpm::VeeamEndpoint& gateway : job.cloud_gateways) {
        if (!valid(gateway)) return false;
      }
      return true;
    case VeeamTargetType::kLocalDisk:
    case VeeamTargetType::kUnknown:
      return !job.share_server && !job.backup_server && job.cloud_gateways.empty();
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const vpm::VeeamExport result = vpm::load_veeam_export_string(text, "fuzz.xml");
    if (result.warnings.size() > 101) __builtin_trap();
    for (const vpm::VeeamJob& job : result.jobs) {
      if (!keeps_promises(job) || job.line < 1) __builtin_trap();
    }
  } catch (const vpm::VeeamExportError& e) {
    if (std::string_view(e.what()).substr(0, 8) != "fuzz.xml") __builtin_trap();
  }
  return 0;
}
