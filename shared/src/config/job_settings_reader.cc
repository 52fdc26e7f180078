#include "config/job_settings_reader.h"

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/duration_field.h"
#include "vpm/quoted.h"

namespace vpm::config {
namespace {

constexpr std::array<std::string_view, 1> kJobKeys{"preflight"};

std::string where(const YamlReader& yaml, const YAML::Mark& mark) {
  return yaml.source() + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1);
}

}  // namespace

Duration read_preflight_lead(YamlReader& yaml, const Field& field, const std::string& path) {
  if (field.value.IsScalar() && field.value.Scalar() == "0") return Duration::zero();
  return read_duration_field(yaml, field, path);
}

std::vector<JobSettings> read_job_settings(YamlReader& yaml, const Field& field) {
  if (field.value.IsNull()) return {};  // "jobs:" with nothing under it
  if (!field.value.IsMap()) {
    yaml.fail_kind(field, "jobs", "a mapping of the export's job names to their settings");
  }
  std::vector<JobSettings> jobs;
  std::unordered_map<std::string, YAML::Mark> mark_of_job;
  for (auto it = field.value.begin(); it != field.value.end(); ++it) {
    yaml.visit(it->first);
    yaml.visit(it->second);
    std::string name = yaml.key_text(it->first, "in jobs");
    const auto [previous, inserted] = mark_of_job.emplace(name, it->first.Mark());
    if (!inserted) {
      yaml.fail(it->first.Mark(), "jobs: duplicate job " + vpm::quoted(name) + " (first at line " +
                                      std::to_string(previous->second.line + 1) + ")");
    }
    const std::string path = "jobs." + vpm::quoted(name);
    JobSettings settings{std::move(name), std::nullopt, where(yaml, it->first.Mark())};
    if (!it->second.IsNull()) {
      const Field entry{it->first, it->second};
      if (!it->second.IsMap()) yaml.fail_kind(entry, path, "a mapping (preflight)");
      const Fields fields = yaml.read_fields(it->second, "in " + path, kJobKeys);
      if (const Field* f = fields.find("preflight")) {
        settings.preflight = read_preflight_lead(yaml, *f, path + ".preflight");
      }
    }
    jobs.push_back(std::move(settings));
  }
  return jobs;
}

}  // namespace vpm::config
