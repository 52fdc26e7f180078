#include "config/yaml_reader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <istream>
#include <streambuf>

#include "config/name_suggestion.h"
#include "vpm/quoted.h"

namespace vpm::config {
namespace {

// A target file needs 5 levels (flows, a flow, its tls, ...); yaml-cpp's own guard is at 2,000
// and marks the end of the file rather than the node.
constexpr std::size_t kMaxDepth = 64;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool looks_numeric(std::string_view text) {
  std::size_t i = 0;
  std::size_t digits = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  for (; i < text.size() && is_digit(text[i]); ++i) ++digits;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_digit(text[i]); ++i) ++digits;
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    const std::size_t exponent_start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    if (i == exponent_start) return false;
  }
  return i == text.size();
}

// Thrown by DocumentSurvey to stop the parser at the first node over a limit.
struct OverLimit {
  YAML::Mark mark;
  std::string message;
};

// Watches the parser's events as the document is read: remembers where it starts, and stops
// at the first node over the node limit (an alias counts once here), the first flow over the
// flow limit, or the first list or mapping nested deeper than allowed, so that a file over a
// limit is refused after reading only as far as the limit, with the place where it was crossed.
// Each event it accepts goes on to `next` (the document builder), when there is one.
class DocumentSurvey : public YAML::EventHandler {
 public:
  explicit DocumentSurvey(YAML::EventHandler* next) : next_(next) {}

  [[nodiscard]] YAML::Mark start() const { return start_; }
  void stop_forwarding() { next_ = nullptr; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    *this = DocumentSurvey(next_);
    start_ = mark;
    if (next_ != nullptr) next_->OnDocumentStart(mark);
  }
  void OnDocumentEnd() override {
    if (next_ != nullptr) next_->OnDocumentEnd();
  }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    node(mark, {});
    if (next_ != nullptr) next_->OnNull(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    node(mark, {});
    if (next_ != nullptr) next_->OnAlias(mark, anchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    node(mark, value);
    if (next_ != nullptr) next_->OnScalar(mark, tag, anchor, value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    const bool is_flows = open_.size() == 1 && open_.back().is_map && !open_.back().expecting_key &&
                          top_level_key_ == "flows";
    node(mark, {});
    open(mark);
    open_.push_back(Collection{false, true, is_flows});
    if (next_ != nullptr) next_->OnSequenceStart(mark, tag, anchor, style);
  }
  void OnSequenceEnd() override {
    open_.pop_back();
    if (next_ != nullptr) next_->OnSequenceEnd();
  }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    node(mark, {});
    open(mark);
    open_.push_back(Collection{true, true, false});
    if (next_ != nullptr) next_->OnMapStart(mark, tag, anchor, style);
  }
  void OnMapEnd() override {
    open_.pop_back();
    if (next_ != nullptr) next_->OnMapEnd();
  }

 private:
  struct Collection {
    bool is_map;
    bool expecting_key;  // maps only: the next node is a key
    bool is_flows;       // the top-level "flows" list
  };

  void open(const YAML::Mark& mark) const {
    if (open_.size() == kMaxDepth) {
      throw OverLimit{mark, "the document is nested too deeply (more than " +
                                std::to_string(kMaxDepth) + " levels)"};
    }
  }

  void node(const YAML::Mark& mark, std::string_view scalar) {
    if (++nodes_ > kMaxVisitedNodes) {
      throw OverLimit{mark, "the document is too large: more than " +
                                std::to_string(kMaxVisitedNodes) + " YAML nodes"};
    }
    if (open_.empty()) return;
    Collection& parent = open_.back();
    if (parent.is_map) {
      if (parent.expecting_key && open_.size() == 1) top_level_key_ = scalar;
      parent.expecting_key = !parent.expecting_key;
    } else if (parent.is_flows && ++flows_ > kMaxFlows) {
      throw OverLimit{mark, "flows[" + std::to_string(kMaxFlows) +
                                "]: too many flows (the limit is " + std::to_string(kMaxFlows) +
                                ")"};
    }
  }

  YAML::EventHandler* next_ = nullptr;
  YAML::Mark start_ = YAML::Mark::null_mark();
  std::vector<Collection> open_;
  std::string top_level_key_;
  std::size_t nodes_ = 0;
  std::size_t flows_ = 0;
};

// The text as a stream for yaml-cpp's parser, without copying it (std::istringstream would).
class TextStreamBuffer : public std::streambuf {
 public:
  explicit TextStreamBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());  // only read: get area only
    setg(begin, begin, begin + text.size());
  }
};

}  // namespace

// What the user wrote instead of what we expected, for "expected a list, got a string".
std::string describe_kind(const YamlNode& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
      return "nothing";
    case YAML::NodeType::Null:
      return "an empty value";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      break;
  }
  // Quoted scalars carry the tag "!"; only plain ones can be numbers or booleans.
  if (node.IsPlain()) {
    const std::string_view text = node.Scalar();
    if (text == "true" || text == "false" || text == "True" || text == "False" || text == "TRUE" ||
        text == "FALSE") {
      return "a boolean";
    }
    if (looks_numeric(text)) return "a number";
  }
  return "a string";
}

void YamlReader::fail(const YAML::Mark& mark, const std::string& message) const {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) {
    throw ConfigError(source_ + ": " + message);
  }
  throw ConfigError(source_ + ":" + std::to_string(mark.line + 1) + ":" +
                    std::to_string(mark.column + 1) + ": " + message);
}

void YamlReader::visit(const YamlNode& node) {
  if (++visited_nodes_ > kMaxVisitedNodes) {
    // The file as written is within the limit (DocumentSurvey): aliases expand it past it.
    fail(node.Mark(), "the document is too large: its aliases expand it to more than " +
                          std::to_string(kMaxVisitedNodes) + " nodes");
  }
}

void YamlReader::fail_kind(const Field& field, const std::string& path,
                           std::string_view expected) const {
  fail(value_mark(field),
       path + ": expected " + std::string(expected) + ", got " + describe_kind(field.value));
}

std::string YamlReader::key_text(const YamlNode& key, std::string_view where) const {
  if (key.IsScalar() && !key.Scalar().empty()) return std::string(key.Scalar());
  if (key.IsScalar() || key.IsNull()) fail(key.Mark(), "empty key " + std::string(where));
  fail(key.Mark(), "expected a key name " + std::string(where) + ", got " + describe_kind(key));
}

Fields YamlReader::read_fields(const YamlNode& map, std::string_view where,
                               std::span<const std::string_view> allowed) {
  Fields fields;
  for (auto it = map.begin(); it != map.end(); ++it) {
    visit(it->first);
    visit(it->second);
    std::string name = key_text(it->first, where);
    if (name == "<<") {
      // yaml-cpp 0.7 reads merge keys as plain keys; say so rather than "unknown key".
      fail(it->first.Mark(), "merge keys (\"<<\") are not supported " + std::string(where));
    }
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      fail(it->first.Mark(), "unknown key " + quoted(name) + " " + std::string(where) +
                                 suggestion(name, allowed, "allowed keys"));
    }
    if (const Field* first = fields.find(name)) {
      fail(it->first.Mark(), "duplicate key " + quoted(name) + " " + std::string(where) +
                                 " (first at line " + std::to_string(first->key.Mark().line + 1) +
                                 ")");
    }
    fields.add(std::move(name), Field{it->first, it->second});
  }
  return fields;
}

std::string YamlReader::read_scalar(const Field& field, const std::string& path,
                                    std::string_view expected) {
  if (!field.value.IsScalar()) fail_kind(field, path, expected);
  return std::string(field.value.Scalar());
}

YamlNode YamlReader::parse_document(std::string_view text) {
  check_text(text);
  read_single_document(text);
  const YamlNode root = document_.root();
  visit(root);
  return root;
}

// Rejects what yaml-cpp would misread: NUL bytes end its input early or garble it.
void YamlReader::check_text(std::string_view text) const {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    fail(YAML::Mark::null_mark(), "the file is empty");
  }
  const std::size_t nul = text.find('\0');
  if (nul != std::string_view::npos) {
    const std::string_view before = text.substr(0, nul);
    const std::size_t last_newline = before.rfind('\n');
    YAML::Mark mark;
    mark.line = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    mark.column =
        static_cast<int>(last_newline == std::string_view::npos ? nul : nul - last_newline - 1);
    fail(mark, "the file contains a NUL byte; expected UTF-8 text (is it binary, or UTF-16?)");
  }
}

// Reads the one document the text must hold into document_, in one pass of the parser.
// yaml-cpp's LoadAll() loops forever on some invalid input (a stray "," where a document should
// start), so documents are counted with the event parser, which is asked for at most two.
void YamlReader::read_single_document(std::string_view text) {
  TextStreamBuffer buffer(text);
  std::istream stream(&buffer);
  YAML::Parser parser(stream);
  YamlDocumentBuilder builder(document_);
  DocumentSurvey survey(&builder);
  try {
    if (!parser.HandleNextDocument(survey)) {
      fail(YAML::Mark::null_mark(), "the file contains only comments");
    }
    const YAML::Mark first_start = survey.start();
    survey.stop_forwarding();  // a second document is only looked at, for the error
    if (!parser.HandleNextDocument(survey)) return;
    const YAML::Mark second_start = survey.start();
    if (second_start.pos == first_start.pos) {
      // No progress: the parser could not make sense of the token the document starts with.
      const auto pos = static_cast<std::size_t>(std::max(first_start.pos, 0));
      fail(first_start, "invalid YAML: unexpected " + quoted(text.substr(pos, 1)));
    }
    fail(second_start, "a second YAML document starts here; the file must hold only one");
  } catch (const OverLimit& over) {
    fail(over.mark, over.message);
  }
}

}  // namespace vpm::config
