#pragma once
// `jobs:` of the target file: settings per backup job of the Veeam Agent export, keyed by the
// job's name exactly as the export gives it (JobName). Whether each name is a job of the export
// is known only once the export is read: job_needs warns about the others (vpm/veeam_jobs.h).
#include <string>
#include <vector>

#include "config/yaml_reader.h"
#include "vpm/config.h"

namespace vpm::config {

// A pre-flight lead (defaults.preflight, jobs.<name>.preflight): a duration, or a bare 0 (off),
// which needs no unit since zero is zero in every unit.
Duration read_preflight_lead(YamlReader& yaml, const Field& field, const std::string& path);

// The entries of `field` (the `jobs:` mapping) in the file's order. Fails through `yaml` at an
// unknown key, a duplicate job, a bad duration.
std::vector<JobSettings> read_job_settings(YamlReader& yaml, const Field& field);

}  // namespace vpm::config
