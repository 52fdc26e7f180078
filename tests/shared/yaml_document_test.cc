// YamlDocument against yaml-cpp's own node tree (YAML::Load) on the same text: every node the
// same kind, text, mark and plainness, every list and mapping the same children in the same
// order, an alias the node its anchor names. The validator's messages and their file:line:col
// depend on this.
#include "config/yaml_document.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace vpm::config {
namespace {

YamlDocument build(const std::string& text) {
  YamlDocument document;
  YamlDocumentBuilder builder(document);
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  parser.HandleNextDocument(builder);
  return document;
}

// Compares two trees; `depth` bounds the walk through aliases that make a cycle.
void expect_same(const YAML::Node& expected, const YamlNode& actual, const std::string& where,
                 int depth = 0) {
  ASSERT_EQ(actual.Type(), expected.Type()) << where;
  if (!expected.IsDefined()) return;
  EXPECT_EQ(actual.Mark().pos, expected.Mark().pos) << where;
  EXPECT_EQ(actual.Mark().line, expected.Mark().line) << where;
  EXPECT_EQ(actual.Mark().column, expected.Mark().column) << where;
  if (expected.IsScalar()) {
    EXPECT_EQ(actual.Scalar(), expected.Scalar()) << where;
    EXPECT_EQ(actual.IsPlain(), expected.Tag() == "?") << where;
    return;
  }
  EXPECT_EQ(actual.size(), expected.size()) << where;
  if (depth > 12) return;
  auto it = actual.begin();
  std::size_t i = 0;
  for (auto e = expected.begin(); e != expected.end(); ++e, ++it, ++i) {
    ASSERT_NE(it, actual.end()) << where << " ends early";
    const std::string at = where + "/" + std::to_string(i);
    if (expected.IsMap()) {
      expect_same(e->first, it->first, at + "(key)", depth + 1);
      expect_same(e->second, it->second, at, depth + 1);
    } else {
      expect_same(*e, *it, at, depth + 1);
    }
  }
  EXPECT_EQ(it, actual.end()) << where << " has more children";
}

void expect_same_as_yaml_cpp(const std::string& text, const std::string& name) {
  YAML::Node expected;
  try {
    expected = YAML::Load(text);
  } catch (const YAML::Exception&) {
    return;  // the reader reports yaml-cpp's parse errors from the same parser
  }
  const YamlDocument document = build(text);
  if (!document.root().IsDefined()) {
    // No document (only comments): YAML::Load gives a null node, the reader refuses the text.
    EXPECT_TRUE(expected.IsNull()) << name;
    return;
  }
  expect_same(expected, document.root(), name);
}

TEST(YamlDocument, ReadsAsYamlCppOnCraftedDocuments) {
  const std::vector<std::string> documents = {
      "a: 1\nb: [x, 'y', \"z\", ~, null, '', true]\nc: {d: {e: [[], {}]}}\n",
      "- &anchor {name: f, ports: [22, 2500-3300]}\n- *anchor\n- {k: *anchor}\n",
      "roles: &r\n  agent: {hosts: [localhost]}\nflows:\n  - from: *r\n",
      "key:\nother: |\n  block\n  text\nfolded: >\n  a\n  b\nplain: multi\n  line\n",
      "? complex key\n: value\n? [a, b]\n: {c: d}\n",
      "- !!str 22\n- !custom x\n- \"quoted\\ttab\"\n- 'single ''q'''\n",
      "a: 1\na: 2\n",  // duplicate keys: both kept, in order
      "---\nlist:\n- 1\n-\n- 3\n...\n",
      "just a scalar",
      "[1, [2, [3, [4]]]]",
      "self: &s [a, *s]\n",  // an alias inside its own anchor: a cycle
      "\xef\xbb\xbf"
      "bom: true\n",
  };
  for (std::size_t i = 0; i < documents.size(); ++i) {
    SCOPED_TRACE(documents[i]);
    expect_same_as_yaml_cpp(documents[i], "document " + std::to_string(i));
  }
}

// Every YAML file the project ships or tests with, valid or not.
TEST(YamlDocument, ReadsAsYamlCppOnTheProjectsFiles) {
  const std::filesystem::path source(VPM_SOURCE_DIR);
  std::size_t files = 0;
  for (const char* folder : {"config", "tests/config/valid", "tests/config/invalid",
                             "tests/fuzz/corpus/config_loader"}) {
    for (const auto& entry : std::filesystem::directory_iterator(source / folder)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      expect_same_as_yaml_cpp(text.str(), entry.path().string());
      ++files;
    }
  }
  EXPECT_GT(files, 100u);
}

TEST(YamlDocument, AnswersLikeAnUndefinedNodeWhenEmpty) {
  const YamlDocument document;
  const YamlNode root = document.root();
  EXPECT_FALSE(root.IsDefined());
  EXPECT_EQ(root.Type(), YAML::NodeType::Undefined);
  EXPECT_TRUE(root.Mark().is_null());
  EXPECT_EQ(root.size(), 0u);
  EXPECT_EQ(root.begin(), root.end());
  EXPECT_EQ(root.Scalar(), "");
}

TEST(YamlDocument, AScalarHasNoChildrenAndACollectionNoText) {
  const YamlDocument document = build("a: [1, 2]\n");
  const YamlNode map = document.root();
  EXPECT_EQ(map.Scalar(), "");
  const YamlNode key = map.begin()->first;
  EXPECT_EQ(key.size(), 0u);
  EXPECT_EQ(key.begin(), key.end());
  const YamlNode list = map.begin()->second;
  EXPECT_EQ(list.size(), 2u);
  std::vector<std::string> items;
  for (const YamlNode& item : list) items.emplace_back(item.Scalar());
  EXPECT_EQ(items, (std::vector<std::string>{"1", "2"}));
}

}  // namespace
}  // namespace vpm::config
