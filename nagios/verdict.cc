#include "verdict.h"

#include <cmath>
#include <ctime>

#include "perfdata.h"

namespace vpm::nagios {
namespace {

std::string compare_text(double value, const NagiosRange& range) {
  if (range.alert_inside) return "in";
  if (!range.end_infinite && value > range.end) return ">";
  return "<";
}

LatencyVerdict judge_latency(const FlowResult& r, const ReportOptions& options) {
  LatencyVerdict verdict;
  if (!r.latency) return verdict;
  const double value = seconds(*r.latency);
  verdict.text = "latency " + human_seconds(*r.latency);
  if (options.critical && options.critical->alerts(value)) {
    verdict.status = Status::kCritical;
    verdict.text +=
        " " + compare_text(value, *options.critical) + " critical " + options.critical->text;
  } else if (options.warning && options.warning->alerts(value)) {
    verdict.status = Status::kWarning;
    verdict.text +=
        " " + compare_text(value, *options.warning) + " warning " + options.warning->text;
  }
  return verdict;
}

std::string utc_date(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
#ifdef _WIN32
  gmtime_s(&tm, &seconds);
#else
  gmtime_r(&seconds, &tm);
#endif
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

CertVerdict judge_certificate(const FlowResult& r, const ReportOptions& options) {
  CertVerdict verdict;
  if (!r.tls_not_after) return verdict;
  const auto reference = r.finished_at == std::chrono::system_clock::time_point{}
                             ? std::chrono::system_clock::now()
                             : r.finished_at;
  const long days = static_cast<long>(
      std::chrono::floor<std::chrono::days>(*r.tls_not_after - reference).count());
  verdict.days_left = days;
  const std::string date = " (" + utc_date(*r.tls_not_after) + ")";
  if (days < 0) {
    verdict.text =
        "certificate expired " + plural(static_cast<std::size_t>(-days), "day") + " ago" + date;
  } else {
    verdict.text = "certificate expires in " + plural(static_cast<std::size_t>(days), "day") + date;
  }
  if (days < options.cert_critical_days) {
    verdict.status = Status::kCritical;
  } else if (days < options.cert_warning_days) {
    verdict.status = Status::kWarning;
  }
  return verdict;
}

}  // namespace

std::string_view to_string(Status s) {
  switch (s) {
    case Status::kOk:
      return "OK";
    case Status::kWarning:
      return "WARNING";
    case Status::kCritical:
      return "CRITICAL";
    case Status::kUnknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

int rank(Status s) {
  switch (s) {
    case Status::kOk:
      return 0;
    case Status::kWarning:
      return 1;
    case Status::kUnknown:
      return 2;
    case Status::kCritical:
      return 3;
  }
  return 2;
}
Status worst(Status a, Status b) { return rank(a) >= rank(b) ? a : b; }

double seconds(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e9; }

std::string human_seconds(std::chrono::nanoseconds d) {
  const double exact = seconds(d);
  const double rounded = std::round(exact * 1e6) / 1e6;
  return format_perf_number(rounded > 0 || exact == 0 ? rounded : exact) + "s";
}

std::string plural(std::size_t n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

Judged judge_result(const FlowResult& r, const ReportOptions& options) {
  Judged judged;
  judged.result = &r;
  // A flow the time limit left wholly unprobed did not fail: it is unknown (below).
  if (!r.up && !(r.ports.empty() && r.not_probed > 0)) {
    judged.failure = r.flow->severity == Severity::kWarning ? Status::kWarning : Status::kCritical;
  }
  judged.latency = judge_latency(r, options);
  judged.certificate = judge_certificate(r, options);
  judged.status = worst(worst(judged.failure, judged.latency.status), judged.certificate.status);
  if (judged.status == Status::kOk && r.not_probed > 0) judged.status = Status::kUnknown;
  return judged;
}

}  // namespace vpm::nagios
