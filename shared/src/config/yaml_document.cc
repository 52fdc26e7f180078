#include "config/yaml_document.h"

#include <limits>
#include <stdexcept>

namespace vpm::config {
namespace {

std::uint32_t to_index(std::size_t size) {
  // The reader's limits (16 MiB of text, a million nodes) keep every count far below this.
  if (size > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("the YAML document is too large");
  }
  return static_cast<std::uint32_t>(size);
}

}  // namespace

YAML::NodeType::value YamlNode::Type() const {
  if (document_ == nullptr) return YAML::NodeType::Undefined;
  return static_cast<YAML::NodeType::value>(document_->nodes_[index_].type);
}

std::string_view YamlNode::Scalar() const {
  if (!IsScalar()) return {};
  const YamlDocument::StoredNode& node = document_->nodes_[index_];
  return std::string_view(document_->text_).substr(node.offset, node.length);
}

bool YamlNode::IsPlain() const { return IsScalar() && document_->nodes_[index_].plain; }

YAML::Mark YamlNode::Mark() const {
  if (document_ == nullptr) return YAML::Mark::null_mark();
  return document_->nodes_[index_].mark;
}

std::size_t YamlNode::size() const {
  if (IsSequence()) return document_->nodes_[index_].length;
  if (IsMap()) return document_->nodes_[index_].length / 2;
  return 0;
}

YamlIterator YamlNode::begin() const {
  if (!IsSequence() && !IsMap()) return {};
  const YamlDocument::StoredNode& node = document_->nodes_[index_];
  return {document_, document_->children_.data() + node.offset, IsMap()};
}

YamlIterator YamlNode::end() const {
  if (!IsSequence() && !IsMap()) return {};
  const YamlDocument::StoredNode& node = document_->nodes_[index_];
  return {document_, document_->children_.data() + node.offset + node.length, IsMap()};
}

YamlIteratorValue YamlIterator::operator*() const {
  YamlIteratorValue value;
  if (is_map_) {
    value.first = YamlNode(document_, child_[0]);
    value.second = YamlNode(document_, child_[1]);
  } else {
    static_cast<YamlNode&>(value) = YamlNode(document_, *child_);
  }
  return value;
}

void YamlDocumentBuilder::OnDocumentStart(const YAML::Mark& /*mark*/) {
  document_ = YamlDocument();
  node_of_anchor_.clear();
  pending_.clear();
  open_.clear();
}

void YamlDocumentBuilder::OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) {
  attach(add(mark, YAML::NodeType::Null, anchor));
}

void YamlDocumentBuilder::OnAlias(const YAML::Mark& /*mark*/, YAML::anchor_t anchor) {
  // yaml-cpp's parser has already refused an alias to an unknown anchor.
  if (anchor == 0 || anchor > node_of_anchor_.size()) {
    throw std::logic_error("YAML alias to an anchor never seen");
  }
  attach(node_of_anchor_[anchor - 1]);
}

void YamlDocumentBuilder::OnScalar(const YAML::Mark& mark, const std::string& tag,
                                   YAML::anchor_t anchor, const std::string& value) {
  const std::uint32_t index = add(mark, YAML::NodeType::Scalar, anchor);
  YamlDocument::StoredNode& node = document_.nodes_[index];
  node.offset = to_index(document_.text_.size());
  node.length = to_index(value.size());
  node.plain = tag == "?";
  document_.text_ += value;
  attach(index);
}

void YamlDocumentBuilder::OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/,
                                          YAML::anchor_t anchor,
                                          YAML::EmitterStyle::value /*style*/) {
  open(add(mark, YAML::NodeType::Sequence, anchor));
}

void YamlDocumentBuilder::OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/,
                                     YAML::anchor_t anchor, YAML::EmitterStyle::value /*style*/) {
  open(add(mark, YAML::NodeType::Map, anchor));
}

std::uint32_t YamlDocumentBuilder::add(const YAML::Mark& mark, YAML::NodeType::value type,
                                       YAML::anchor_t anchor) {
  const std::uint32_t index = to_index(document_.nodes_.size());
  YamlDocument::StoredNode node;
  node.mark = mark;
  node.type = static_cast<std::uint8_t>(type);
  document_.nodes_.push_back(node);
  if (anchor != 0) {
    // Anchored before its children are read, as in yaml-cpp: an alias inside a collection to
    // the collection itself makes a cycle, which the reader's count of visits bounds.
    if (node_of_anchor_.size() < anchor) node_of_anchor_.resize(anchor);
    node_of_anchor_[anchor - 1] = index;
  }
  return index;
}

void YamlDocumentBuilder::attach(std::uint32_t index) {
  if (!open_.empty()) pending_.push_back(index);
}

void YamlDocumentBuilder::open(std::uint32_t index) {
  attach(index);
  open_.push_back({index, pending_.size()});
}

void YamlDocumentBuilder::close() {
  const Open closing = open_.back();
  open_.pop_back();
  YamlDocument::StoredNode& node = document_.nodes_[closing.index];
  node.offset = to_index(document_.children_.size());
  node.length = to_index(pending_.size() - closing.first_pending);
  document_.children_.insert(document_.children_.end(),
                             pending_.begin() + static_cast<std::ptrdiff_t>(closing.first_pending),
                             pending_.end());
  pending_.resize(closing.first_pending);
}

}  // namespace vpm::config
