// Reads Veeam Agent's configuration export (`Veeam.Agent.Configurator.exe -export`) into plain
// data with expat. The file holds credentials (base64 Password/UserName attributes of
// CredentialsInfo and ServerCredentials): they are never read into our data, messages never
// quote the file's text (they name elements and the non-secret attributes we use), and every
// buffer expat used is cleared (xml_memory.h). The file reader clears its own buffer.
//
// Hostile input: a DOCTYPE (and with it any entity declaration, internal or external) stops
// the parser at once, so nothing is ever expanded; parameter entity parsing stays at expat's
// default, never. The input size, the nesting depth, the number of jobs and expat's own memory
// are capped.
#include <expat.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "veeam_endpoint.h"
#include "veeam_export_limits.h"
#include "vpm/quoted.h"
#include "vpm/veeam_export.h"
#include "xml_memory.h"

namespace vpm {
namespace {

struct Position {
  unsigned long line = 0;
  unsigned long column = 0;
};

std::string at(const std::string& source, Position p) {
  return source + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
}

const char* attribute(const XML_Char** attributes, std::string_view name) {
  for (const XML_Char** a = attributes; a[0] != nullptr; a += 2) {
    if (name == a[0]) return a[1];
  }
  return nullptr;
}

std::string attribute_or_empty(const XML_Char** attributes, std::string_view name) {
  const char* value = attribute(attributes, name);
  return value != nullptr ? std::string(value) : std::string();
}

VeeamTargetType parse_target_type(std::string_view text) {
  if (text == "1") return VeeamTargetType::kLocalDisk;
  if (text == "2") return VeeamTargetType::kSharedFolder;
  if (text == "3") return VeeamTargetType::kBackupRepository;
  if (text == "4") return VeeamTargetType::kCloudConnect;
  return VeeamTargetType::kUnknown;
}

// The attributes of a TargetInfo we use; none is a credential (those sit in child elements).
struct PendingTarget {
  Position position;
  std::size_t depth = 0;
  std::optional<std::string> type;
  std::optional<std::string> path;
  std::optional<std::string> server_name;
  std::optional<std::string> server_port;
  std::optional<std::string> gate_list_attribute;
  struct Gate {
    std::string text;
    Position position;
  };
  std::vector<Gate> gates;          // GateList children (value='host:port') and text
  std::size_t gate_list_depth = 0;  // 0: not inside <GateList>
  std::string gate_list_text;
  Position gate_list_position;
};

struct PendingJob {
  VeeamJob job;
  Position position;
  std::size_t depth = 0;
  std::optional<PendingTarget> target;
  bool target_seen = false;
  unsigned long target_line = 0;
};

class ExportReader {
 public:
  explicit ExportReader(const std::string& source) { result_.source = source; }

  VeeamExport read(std::string_view xml) {
    if (xml.empty()) throw VeeamExportError(result_.source + ": the file is empty");
    if (xml.size() > kMaxVeeamExportBytes) {
      throw VeeamExportError(result_.source + ": larger than " +
                             std::to_string(kMaxVeeamExportBytes / kBytesPerMiB) +
                             " MiB, more than an export of an agent's jobs can be");
    }
    XmlMemoryBudget budget{kMaxParserMemoryBytes};
    XmlMemoryScope scope(budget);
    parser_ = XML_ParserCreate_MM(nullptr, &clearing_memory_suite(), nullptr);
    if (parser_ == nullptr) {
      throw VeeamExportError(result_.source + ": cannot create an XML parser (out of memory)");
    }
    struct ParserFree {
      XML_Parser parser;
      ~ParserFree() { XML_ParserFree(parser); }
    } free_at_exit{parser_};
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(parser_, &ExportReader::on_start, &ExportReader::on_end);
    XML_SetCharacterDataHandler(parser_, &ExportReader::on_text);
    XML_SetStartDoctypeDeclHandler(parser_, &ExportReader::on_doctype);
    XML_SetEntityDeclHandler(parser_, &ExportReader::on_entity_decl);
    const XML_Status status =
        XML_Parse(parser_, xml.data(), static_cast<int>(xml.size()), XML_TRUE);
    if (error_) throw VeeamExportError(*error_);
    if (status != XML_STATUS_OK) throw VeeamExportError(syntax_error());
    if (result_.jobs.empty()) {
      warn(root_position_, "no JobInfo in this export: it lists no backup job");
    }
    if (suppressed_warnings_ > 0) {
      result_.warnings.push_back(result_.source + ": " + std::to_string(suppressed_warnings_) +
                                 " more warnings not shown");
    }
    return std::move(result_);
  }

 private:
  // --- expat callbacks: no exception may cross expat's C frames ---------------------------
  static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char** attributes) {
    static_cast<ExportReader*>(self)->guarded([&](ExportReader& r) { r.start(name, attributes); });
  }
  static void XMLCALL on_end(void* self, const XML_Char* /*name*/) {
    static_cast<ExportReader*>(self)->guarded([](ExportReader& r) { r.end(); });
  }
  static void XMLCALL on_text(void* self, const XML_Char* text, int length) {
    static_cast<ExportReader*>(self)->guarded(
        [&](ExportReader& r) { r.text(std::string_view(text, static_cast<std::size_t>(length))); });
  }
  static void XMLCALL on_doctype(void* self, const XML_Char* /*name*/, const XML_Char* /*sysid*/,
                                 const XML_Char* /*pubid*/, int /*has_internal_subset*/) {
    static_cast<ExportReader*>(self)->guarded([](ExportReader& r) {
      r.fail(r.here(), "a DOCTYPE: an export has none, and DTDs and entities are not accepted");
    });
  }
  static void XMLCALL on_entity_decl(void* self, const XML_Char* /*name*/, int /*is_parameter*/,
                                     const XML_Char* /*value*/, int /*value_length*/,
                                     const XML_Char* /*base*/, const XML_Char* /*sysid*/,
                                     const XML_Char* /*pubid*/, const XML_Char* /*notation*/) {
    static_cast<ExportReader*>(self)->guarded(
        [](ExportReader& r) { r.fail(r.here(), "an entity declaration: not accepted"); });
  }

  template <typename Body>
  void guarded(Body&& body) noexcept {
    if (error_) return;  // expat may call a handler or two after XML_StopParser
    try {
      body(*this);
    } catch (const std::exception& e) {
      fail(here(), std::string("cannot read the export: ") + e.what());
    }
  }

  Position here() const {
    return {static_cast<unsigned long>(XML_GetCurrentLineNumber(parser_)),
            static_cast<unsigned long>(XML_GetCurrentColumnNumber(parser_)) + 1};
  }

  void fail(Position p, const std::string& message) noexcept {
    if (error_) return;
    try {
      error_ = at(result_.source, p) + message;
    } catch (...) {
      error_.emplace();  // out of memory: the parse still stops
    }
    XML_StopParser(parser_, XML_FALSE);
  }

  void warn(Position p, const std::string& message) {
    if (result_.warnings.size() >= kMaxVeeamExportWarnings) {
      ++suppressed_warnings_;
      return;
    }
    result_.warnings.push_back(at(result_.source, p) + message);
  }

  std::string syntax_error() const {
    const XML_Error code = XML_GetErrorCode(parser_);
    std::string message;
    if (code == XML_ERROR_NO_MEMORY) {
      message = "the XML parser needed more than " +
                std::to_string(kMaxParserMemoryBytes / kBytesPerMiB) + " MiB";
    } else {
      message = XML_ErrorString(code);
    }
    if (code == XML_ERROR_UNDEFINED_ENTITY) {
      message += " (only &amp; &lt; &gt; &apos; &quot; and character references are accepted)";
    }
    // The element, never the text: the text may be the middle of a credential.
    if (!open_elements_.empty()) message += " inside <" + open_elements_.back() + ">";
    return at(result_.source, here()) + message;
  }

  // --- structure ----------------------------------------------------------------------------
  std::string job_label(const PendingJob& job) const {
    if (!job.job.name.empty()) return "job " + quoted(job.job.name);
    return "the job without JobName at line " + std::to_string(job.position.line);
  }

  void start(const XML_Char* name, const XML_Char** attributes) {
    const std::size_t depth = open_elements_.size() + 1;
    if (depth > kMaxVeeamExportDepth) {
      fail(here(), "elements nested deeper than " + std::to_string(kMaxVeeamExportDepth) +
                       " levels (an export needs about 10)");
      return;
    }
    const std::string_view element(name);
    // Element names are only for messages; a long one is cut.
    open_elements_.emplace_back(element.substr(0, 64));
    if (depth == 1) {
      start_root(element, attributes);
    } else if (element == "JobInfo" &&
               (depth == 2 || (depth == 3 && open_elements_[1] == "Data"))) {
      start_job(attributes);
    } else if (job_ && depth == job_->depth + 1 && element == "TargetInfo") {
      start_target(attributes);
    } else if (job_ && job_->target) {
      PendingTarget& target = *job_->target;
      if (depth == target.depth + 1 && element == "GateList") {
        target.gate_list_depth = depth;
        target.gate_list_position = here();
      } else if (target.gate_list_depth != 0 && depth == target.gate_list_depth + 1) {
        start_gate_entry(target, attributes);
      }
    }
  }

  void start_root(std::string_view element, const XML_Char** attributes) {
    root_position_ = here();
    if (element != "ExecutionResult") {
      fail(here(), "the root element is <" + std::string(element.substr(0, 64)) +
                       ">, expected <ExecutionResult> (the file Veeam.Agent.Configurator.exe "
                       "-export writes)");
      return;
    }
    result_.version = attribute_or_empty(attributes, "Version");
    const char* exit_code = attribute(attributes, "ExitCode");
    if (exit_code != nullptr && std::string_view(exit_code) != "0") {
      warn(here(), "ExitCode " + quoted(exit_code) +
                       ": Veeam Agent Configurator reported a failure when it wrote this "
                       "export; its jobs may be incomplete");
    }
  }

  void start_job(const XML_Char** attributes) {
    if (result_.jobs.size() >= kMaxVeeamExportJobs) {
      fail(here(), "more than " + std::to_string(kMaxVeeamExportJobs) + " JobInfo elements");
      return;
    }
    job_.emplace();
    job_->position = here();
    job_->depth = open_elements_.size();
    job_->job.line = static_cast<int>(std::min<unsigned long>(job_->position.line, INT_MAX));
    job_->job.name = attribute_or_empty(attributes, "JobName");
    job_->job.config_id = attribute_or_empty(attributes, "ConfigId");
    if (job_->job.name.empty()) {
      warn(here(), "a JobInfo without JobName (its target is still read)");
    }
  }

  void start_target(const XML_Char** attributes) {
    if (job_->target_seen) {
      fail(here(), job_label(*job_) + ": a second TargetInfo (the first is at line " +
                       std::to_string(job_->target_line) + "); a job has one backup target");
      return;
    }
    job_->target_seen = true;
    job_->target_line = here().line;
    PendingTarget& target = job_->target.emplace();
    target.position = here();
    target.depth = open_elements_.size();
    const auto optional_attribute = [&](std::string_view name) -> std::optional<std::string> {
      const char* value = attribute(attributes, name);
      if (value == nullptr) return std::nullopt;
      return std::string(value);
    };
    target.type = optional_attribute("Type");
    target.path = optional_attribute("Path");
    target.server_name = optional_attribute("ServerName");
    target.server_port = optional_attribute("ServerPort");
    target.gate_list_attribute = optional_attribute("GateList");
    job_->job.repository_name = attribute_or_empty(attributes, "RemoteRepositoryName");
  }

  void start_gate_entry(PendingTarget& target, const XML_Char** attributes) {
    const char* value = attribute(attributes, "value");
    if (value == nullptr) value = attribute(attributes, "Value");
    if (value == nullptr) {
      warn(here(), job_label(*job_) + ": a GateList entry <" + open_elements_.back() +
                       "> without a value attribute is ignored");
      return;
    }
    target.gates.push_back({value, here()});
  }

  void text(std::string_view text) {
    if (!job_ || !job_->target) return;
    PendingTarget& target = *job_->target;
    if (target.gate_list_depth != 0 && open_elements_.size() == target.gate_list_depth) {
      target.gate_list_text += text;
    }
  }

  void end() {
    const std::size_t depth = open_elements_.size();
    if (job_ && job_->target) {
      PendingTarget& target = *job_->target;
      if (depth == target.gate_list_depth) {
        for (std::string_view entry : split_gate_list(target.gate_list_text)) {
          target.gates.push_back({std::string(entry), target.gate_list_position});
        }
        target.gate_list_text.clear();
        target.gate_list_depth = 0;
      } else if (depth == target.depth) {
        finish_target(target);
        job_->target.reset();
      }
    }
    if (job_ && depth == job_->depth) finish_job();
    open_elements_.pop_back();
  }

  void finish_job() {
    if (!job_->target_seen) {
      warn(job_->position, job_label(*job_) + " has no TargetInfo: no endpoint discovered");
    }
    result_.jobs.push_back(std::move(job_->job));
    job_.reset();
  }

  void finish_target(const PendingTarget& target) {
    VeeamJob& job = job_->job;
    job.raw_type = target.type.value_or("");
    job.target_type = parse_target_type(job.raw_type);
    switch (job.target_type) {
      case VeeamTargetType::kLocalDisk:
        return;  // DriveName, RelativePath: nothing on the network
      case VeeamTargetType::kSharedFolder:
        return read_shared_folder(target, job);
      case VeeamTargetType::kBackupRepository:
        return read_backup_repository(target, job);
      case VeeamTargetType::kCloudConnect:
        return read_cloud_connect(target, job);
      case VeeamTargetType::kUnknown:
        break;
    }
    if (!target.type) {
      warn(target.position,
           job_label(*job_) + ": TargetInfo without Type: its endpoints are not discovered");
    } else {
      warn(target.position,
           job_label(*job_) + ": TargetInfo Type " + quoted(job.raw_type) +
               " is not one the monitor knows (1 local disk, 2 shared folder, 3 backup "
               "repository, 4 Cloud Connect): its endpoints are not discovered");
    }
  }

  // Errors, not warnings, from here on: a known target whose endpoint cannot be read would
  // leave the monitor checking less than the agent uses, without saying so where it runs.
  void read_shared_folder(const PendingTarget& target, VeeamJob& job) {
    const std::string where = job_label(*job_) + ": shared folder target (Type 2)";
    if (!target.path || target.path->empty()) {
      return fail(target.position, where + " without Path");
    }
    const std::optional<std::string> server = unc_server(*target.path);
    if (!server) {
      return fail(target.position, where + ": Path " + quoted(*target.path) +
                                       " is not a UNC path (\\\\server\\share)");
    }
    if (!is_host(*server)) {
      return fail(target.position, where + ": the server " + quoted(*server) + " of Path " +
                                       quoted(*target.path) + " is not a host name or IP address");
    }
    job.share_path = *target.path;
    job.share_server = VeeamEndpoint{*server, std::nullopt};
  }

  std::optional<VeeamEndpoint> server_endpoint(const PendingTarget& target,
                                               const std::string& where) {
    if (!target.server_name || target.server_name->empty()) {
      fail(target.position, where + " without ServerName");
      return std::nullopt;
    }
    std::string host = *target.server_name;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    if (!is_host(host)) {
      fail(target.position, where + ": ServerName " + quoted(*target.server_name) +
                                " is not a host name or IP address");
      return std::nullopt;
    }
    VeeamEndpoint endpoint{host, std::nullopt};
    if (target.server_port && !target.server_port->empty()) {  // ServerPort='': not given
      endpoint.port = parse_port(*target.server_port);
      if (!endpoint.port) {
        fail(target.position, where + ": ServerPort " + quoted(*target.server_port) +
                                  " is not a number from 1 to 65535");
        return std::nullopt;
      }
    }
    return endpoint;
  }

  void read_backup_repository(const PendingTarget& target, VeeamJob& job) {
    job.backup_server = server_endpoint(target, job_label(*job_) +
                                                    ": backup repository target "
                                                    "(Type 3)");
  }

  void read_cloud_connect(const PendingTarget& target, VeeamJob& job) {
    const std::string where = job_label(*job_) + ": Cloud Connect target (Type 4)";
    std::vector<PendingTarget::Gate> gates;
    if (target.gate_list_attribute) {
      for (std::string_view entry : split_gate_list(*target.gate_list_attribute)) {
        gates.push_back({std::string(entry), target.position});
      }
    }
    gates.insert(gates.end(), target.gates.begin(), target.gates.end());
    for (const PendingTarget::Gate& gate : gates) {
      std::string why;
      std::optional<VeeamEndpoint> endpoint = parse_gateway(gate.text, why);
      if (!endpoint) {
        return fail(gate.position, where + ": GateList entry " + quoted(gate.text) + ": " + why);
      }
      if (std::find(job.cloud_gateways.begin(), job.cloud_gateways.end(), *endpoint) ==
          job.cloud_gateways.end()) {
        job.cloud_gateways.push_back(std::move(*endpoint));
      }
    }
    if (!job.cloud_gateways.empty()) return;
    // An empty GateList: the agent connects to ServerName:ServerPort.
    std::optional<VeeamEndpoint> server =
        server_endpoint(target, where + " with an empty GateList");
    if (server) job.cloud_gateways.push_back(std::move(*server));
  }

  XML_Parser parser_ = nullptr;
  VeeamExport result_;
  std::optional<std::string> error_;
  std::vector<std::string> open_elements_;
  Position root_position_{1, 1};
  std::optional<PendingJob> job_;
  std::size_t suppressed_warnings_ = 0;
};

}  // namespace

std::string_view to_string(VeeamTargetType t) {
  switch (t) {
    case VeeamTargetType::kLocalDisk:
      return "local_disk";
    case VeeamTargetType::kSharedFolder:
      return "shared_folder";
    case VeeamTargetType::kBackupRepository:
      return "backup_repository";
    case VeeamTargetType::kCloudConnect:
      return "cloud_connect";
    case VeeamTargetType::kUnknown:
      break;
  }
  return "unknown";
}

VeeamExport load_veeam_export_string(std::string_view xml, const std::string& source_name) {
  return ExportReader(source_name).read(xml);
}

}  // namespace vpm
