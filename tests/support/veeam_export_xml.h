#pragma once
// Veeam Agent exports written by the tests themselves, for endpoints only known at run time
// (loopback listeners on ephemeral ports). The structure is that of tests/veeam_exports/; each
// job carries credentials with kLoopbackExportPassword, which no output may ever show.
#include <string>
#include <utility>
#include <vector>

namespace vpm::test {

// base64 of "loopback-e2e-secret"
inline const std::string kLoopbackExportPassword = "bG9vcGJhY2stZTJlLXNlY3JldA==";
inline const std::string kLoopbackExportPasswordDecoded = "loopback-e2e-secret";

struct ExportJob {
  std::string name;
  std::string target_attributes;   // of TargetInfo: "Type='3' ServerName='127.0.0.2' ..."
  std::string schedule_info = {};  // a whole <ScheduleInfo> element, or none
};

inline std::string veeam_export_xml(const std::vector<ExportJob>& jobs) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ExecutionResult ExitCode='0' Version='6.1.0.349'>\n  <Data>\n";
  int id = 0;
  for (const ExportJob& job : jobs) {
    ++id;
    const bool local = job.target_attributes.find("Type='1'") != std::string::npos;
    const bool share = job.target_attributes.find("Type='2'") != std::string::npos;
    xml += "    <JobInfo ConfigId='00000000-0000-4000-8000-00000000000" + std::to_string(id % 10) +
           "' JobName='" + job.name + "'>\n      <TargetInfo " + job.target_attributes;
    if (local) {
      xml += "/>\n";
    } else {
      xml += ">\n        <" + std::string(share ? "CredentialsInfo" : "ServerCredentials") +
             " Password='" + kLoopbackExportPassword + "' UserName='" + kLoopbackExportPassword +
             "'/>\n      </TargetInfo>\n";
    }
    if (!job.schedule_info.empty()) xml += "      " + job.schedule_info + "\n";
    xml += "    </JobInfo>\n";
  }
  return xml + "  </Data>\n</ExecutionResult>\n";
}

}  // namespace vpm::test
