// Reads Veeam Agent's configuration export (`Veeam.Agent.Configurator.exe -export`) into plain
// data with expat: this file walks the elements; what each TargetInfo type gives is
// veeam_target.cc, the host and port spellings veeam_endpoint.cc. The file holds credentials
// (base64 Password/UserName attributes of CredentialsInfo and ServerCredentials): they are never
// read into our data, messages never quote the file's text (they name elements and the non-secret
// attributes we use), and every buffer expat used is cleared (xml_memory.h). The file reader clears
// its own buffer.
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
#include "veeam_schedule.h"
#include "veeam_target.h"
#include "vpm/quoted.h"
#include "vpm/veeam_export.h"
#include "xml_memory.h"

namespace vpm {
namespace {

std::string at(const std::string& source, ExportPosition p) {
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

// A TargetInfo being read: its attributes, and its GateList as the parser meets it.
struct PendingTarget {
  TargetInfoAttributes attributes;
  std::size_t depth = 0;
  std::size_t gate_list_depth = 0;  // 0: not inside <GateList>
  std::string gate_list_text;
  ExportPosition gate_list_position;
};

struct PendingJob {
  VeeamJob job;
  ExportPosition position;
  std::size_t depth = 0;
  std::optional<PendingTarget> target;
  bool target_seen = false;
  unsigned long target_line = 0;
  std::optional<ScheduleInfoElements> schedule;  // while inside <ScheduleInfo>
  std::size_t schedule_depth = 0;
  unsigned long schedule_line = 0;  // of the first ScheduleInfo; 0: none yet
  bool schedule_rejected = false;   // a second ScheduleInfo: the job gets none
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

  ExportPosition here() const {
    return {static_cast<unsigned long>(XML_GetCurrentLineNumber(parser_)),
            static_cast<unsigned long>(XML_GetCurrentColumnNumber(parser_)) + 1};
  }

  void fail(ExportPosition p, const std::string& message) noexcept {
    if (error_) return;
    try {
      error_ = at(result_.source, p) + message;
    } catch (...) {
      error_.emplace();  // out of memory: the parse still stops
    }
    XML_StopParser(parser_, XML_FALSE);
  }

  void warn(ExportPosition p, const std::string& message) {
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
    } else if (job_ && depth == job_->depth + 1 && element == "ScheduleInfo") {
      start_schedule(attributes);
    } else if (job_ && job_->schedule && depth == job_->schedule_depth + 1) {
      start_schedule_child(attributes);
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
    target.attributes.position = here();
    target.depth = open_elements_.size();
    const auto optional_attribute = [&](std::string_view name) -> std::optional<std::string> {
      const char* value = attribute(attributes, name);
      if (value == nullptr) return std::nullopt;
      return std::string(value);
    };
    target.attributes.type = optional_attribute("Type");
    target.attributes.path = optional_attribute("Path");
    target.attributes.server_name = optional_attribute("ServerName");
    target.attributes.server_port = optional_attribute("ServerPort");
    target.attributes.gate_list_attribute = optional_attribute("GateList");
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
    target.attributes.gates.push_back({value, here()});
  }

  // Every attribute of ScheduleInfo and of its children: none is a credential, and which
  // ones matter depends on the children (veeam_schedule.cc).
  ScheduleElement schedule_element(const XML_Char** attributes) const {
    ScheduleElement e{open_elements_.back(), here(), {}};
    for (const XML_Char** a = attributes; a[0] != nullptr; a += 2) {
      e.attributes.emplace_back(a[0], a[1]);
    }
    return e;
  }

  void start_schedule(const XML_Char** attributes) {
    if (job_->schedule_line != 0) {
      warn(here(), job_label(*job_) + ": a second ScheduleInfo (the first is at line " +
                       std::to_string(job_->schedule_line) +
                       "): the job's schedule is not read, no next run is computed for it");
      job_->schedule_rejected = true;
      job_->job.schedule.reset();
      return;
    }
    job_->schedule_line = here().line;
    job_->schedule_depth = open_elements_.size();
    job_->schedule.emplace().info = schedule_element(attributes);
  }

  void start_schedule_child(const XML_Char** attributes) {
    if (job_->schedule->children.size() >= kMaxScheduleChildren) {
      fail(here(), job_label(*job_) + ": more than " + std::to_string(kMaxScheduleChildren) +
                       " elements in a ScheduleInfo");
      return;
    }
    job_->schedule->children.push_back(schedule_element(attributes));
  }

  void finish_schedule() {
    const ScheduleOutcome outcome = read_schedule(*job_->schedule, job_label(*job_));
    job_->schedule.reset();
    for (const TargetMessage& w : outcome.warnings) warn(w.position, w.message);
    if (!job_->schedule_rejected) job_->job.schedule = outcome.schedule;
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
          target.attributes.gates.push_back({std::string(entry), target.gate_list_position});
        }
        target.gate_list_text.clear();
        target.gate_list_depth = 0;
      } else if (depth == target.depth) {
        finish_target(target);
        job_->target.reset();
      }
    }
    if (job_ && job_->schedule && depth == job_->schedule_depth) finish_schedule();
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
    const TargetOutcome outcome = read_target(target.attributes, job_label(*job_), job_->job);
    if (outcome.error) return fail(outcome.error->position, outcome.error->message);
    if (outcome.warning) warn(outcome.warning->position, outcome.warning->message);
  }

  XML_Parser parser_ = nullptr;
  VeeamExport result_;
  std::optional<std::string> error_;
  std::vector<std::string> open_elements_;
  ExportPosition root_position_{1, 1};
  std::optional<PendingJob> job_;
  std::size_t suppressed_warnings_ = 0;
};

}  // namespace

VeeamExport load_veeam_export_string(std::string_view xml, const std::string& source_name) {
  return ExportReader(source_name).read(xml);
}

}  // namespace vpm
