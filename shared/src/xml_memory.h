#pragma once
// An expat memory suite for XML that holds secrets: every block is zeroed before it is freed
// (expat copies the input and the attribute values it reports into its own buffers), and one
// parser may hold at most a budget, so no input can make it grow without bound.
#include <expat.h>

#include <cstddef>

namespace vpm {

struct XmlMemoryBudget {
  std::size_t limit = 0;
  std::size_t in_use = 0;
  std::size_t peak = 0;
};

// Binds `budget` to this thread for as long as the scope lives: create the parser after it and
// free the parser before it ends. Expat's suite has no user pointer, hence the thread binding.
class XmlMemoryScope {
 public:
  explicit XmlMemoryScope(XmlMemoryBudget& budget);
  ~XmlMemoryScope();
  XmlMemoryScope(const XmlMemoryScope&) = delete;
  XmlMemoryScope& operator=(const XmlMemoryScope&) = delete;

 private:
  XmlMemoryBudget* previous_;
};

const XML_Memory_Handling_Suite& clearing_memory_suite();

}  // namespace vpm
