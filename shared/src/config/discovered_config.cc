// The target file with the roles of Veeam Agent's export merged in: the one place both surfaces
// get their Config from when discovery is asked for.
#include <string>

#include "vpm/veeam_discovery.h"

namespace vpm {

DiscoveredConfig load_discovered_config(const std::string& config_path,
                                        const std::string& export_path) {
  DiscoveredConfig out{load_config_file(config_path), std::nullopt};
  std::string path = export_path;
  std::string named_at;
  if (path.empty() && out.config.discover) {
    path = out.config.discover->veeam_agent_export;
    named_at = out.config.discover->where;
  }
  if (path.empty()) return out;
  VeeamExport veeam;
  try {
    veeam = load_veeam_export_file(path);
  } catch (const VeeamExportError& e) {
    if (named_at.empty()) throw;
    // Say where the file was named too: the path was resolved against the target file's folder.
    throw VeeamExportError(std::string(e.what()) + " (named at " + named_at +
                           ", discover.veeam_agent_export)");
  }
  // The reader's warnings (a world-readable file among them) travel in the result.
  out.discovery = merge_veeam_export(out.config, veeam);
  return out;
}

}  // namespace vpm
