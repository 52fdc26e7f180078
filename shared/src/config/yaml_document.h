#pragma once
// A YAML document as compact plain data, built from yaml-cpp's parser events: 24 bytes a node,
// the scalars' text in one pool. yaml-cpp's own node tree (YAML::Load) costs several hundred
// bytes a node in shared_ptr-held pieces: 10,000 flows took 79 MiB and a second parse of the
// text. YamlNode answers as much of YAML::Node's interface as the validator asks, with the same
// marks (both come from the same events), so the validator reads either the same way.
#include <yaml-cpp/anchor.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/node/type.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vpm::config {

class YamlDocument;
class YamlIterator;

// A handle on one node of a YamlDocument (which must outlive it); default: undefined.
class YamlNode {
 public:
  YamlNode() = default;

  [[nodiscard]] YAML::NodeType::value Type() const;
  [[nodiscard]] bool IsDefined() const { return document_ != nullptr; }
  [[nodiscard]] bool IsNull() const { return Type() == YAML::NodeType::Null; }
  [[nodiscard]] bool IsScalar() const { return Type() == YAML::NodeType::Scalar; }
  [[nodiscard]] bool IsSequence() const { return Type() == YAML::NodeType::Sequence; }
  [[nodiscard]] bool IsMap() const { return Type() == YAML::NodeType::Map; }
  // The text of a scalar; empty for anything else.
  [[nodiscard]] std::string_view Scalar() const;
  // A scalar written without quotes and without a tag (yaml-cpp's tag "?"): only such a
  // scalar reads as a number or a boolean.
  [[nodiscard]] bool IsPlain() const;
  [[nodiscard]] YAML::Mark Mark() const;
  // The items of a list, the entries of a mapping; 0 for anything else.
  [[nodiscard]] std::size_t size() const;
  // A list's items, or a mapping's entries as `first` (key) and `second` (value).
  [[nodiscard]] YamlIterator begin() const;
  [[nodiscard]] YamlIterator end() const;

 private:
  friend class YamlDocument;
  friend class YamlIterator;
  YamlNode(const YamlDocument* document, std::uint32_t index)
      : document_(document), index_(index) {}

  const YamlDocument* document_ = nullptr;
  std::uint32_t index_ = 0;
};

// What an iterator points at: a list's item (the node itself), or a mapping's entry.
struct YamlIteratorValue : YamlNode {
  YamlNode first;
  YamlNode second;
};

class YamlIterator {
 public:
  YamlIterator() = default;  // the end of nothing: a node that is not a list or mapping

  struct Arrow {
    YamlIteratorValue value;
    const YamlIteratorValue* operator->() const { return &value; }
  };

  YamlIteratorValue operator*() const;
  Arrow operator->() const { return Arrow{**this}; }
  YamlIterator& operator++() {
    child_ += is_map_ ? 2 : 1;
    return *this;
  }
  friend bool operator==(const YamlIterator&, const YamlIterator&) = default;

 private:
  friend class YamlNode;
  YamlIterator(const YamlDocument* document, const std::uint32_t* child, bool is_map)
      : document_(document), child_(child), is_map_(is_map) {}

  const YamlDocument* document_ = nullptr;
  const std::uint32_t* child_ = nullptr;  // into the document's child lists
  bool is_map_ = false;
};

// One document's nodes. Built by YamlDocumentBuilder; not copyable (nodes point at it).
class YamlDocument {
 public:
  YamlDocument() = default;
  YamlDocument(const YamlDocument&) = delete;
  YamlDocument& operator=(const YamlDocument&) = delete;
  YamlDocument(YamlDocument&&) = default;
  YamlDocument& operator=(YamlDocument&&) = default;

  // The top node; undefined when the document had none.
  [[nodiscard]] YamlNode root() const { return nodes_.empty() ? YamlNode() : YamlNode(this, 0); }

 private:
  friend class YamlNode;
  friend class YamlIterator;
  friend class YamlDocumentBuilder;

  struct StoredNode {
    // A scalar's text in text_; a collection's children in children_ (a mapping's as key,
    // value, key, value...).
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
    YAML::Mark mark;
    std::uint8_t type = YAML::NodeType::Null;  // a YAML::NodeType::value, in a byte
    bool plain = false;
  };

  std::vector<StoredNode> nodes_;
  std::vector<std::uint32_t> children_;
  std::string text_;
};

// Builds a YamlDocument from the events of one document. Collections get their children when
// they end, so a collection's children lie side by side in children_ whatever they contain.
// An alias is the node its anchor names (as in yaml-cpp's tree): the same node seen again.
class YamlDocumentBuilder : public YAML::EventHandler {
 public:
  explicit YamlDocumentBuilder(YamlDocument& document) : document_(document) {}

  void OnDocumentStart(const YAML::Mark& mark) override;
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override;
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override;
  void OnMapEnd() override { close(); }

 private:
  // Adds a node, makes it a child of the open collection, names it for later aliases.
  std::uint32_t add(const YAML::Mark& mark, YAML::NodeType::value type, YAML::anchor_t anchor);
  void attach(std::uint32_t index);
  void open(std::uint32_t index);
  void close();

  YamlDocument& document_;
  std::vector<std::uint32_t> node_of_anchor_;  // yaml-cpp numbers a document's anchors 1, 2...
  // The children of every open collection, innermost last, and where each one's begin.
  std::vector<std::uint32_t> pending_;
  struct Open {
    std::uint32_t index;
    std::size_t first_pending;
  };
  std::vector<Open> open_;
};

}  // namespace vpm::config
