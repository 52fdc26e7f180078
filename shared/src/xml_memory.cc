#include "xml_memory.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "secure_clear.h"

namespace vpm {
namespace {

thread_local XmlMemoryBudget* t_budget = nullptr;

// Each block starts with its size, so that free() knows how much to clear; the header keeps
// the alignment malloc() gives.
constexpr std::size_t kHeader = alignof(std::max_align_t);
static_assert(kHeader >= sizeof(std::size_t));

std::size_t size_of(void* block) {
  std::size_t size = 0;
  std::memcpy(&size, static_cast<unsigned char*>(block) - kHeader, sizeof size);
  return size;
}

void* clearing_malloc(std::size_t size) {
  XmlMemoryBudget* budget = t_budget;
  if (budget != nullptr && size > budget->limit - budget->in_use) return nullptr;
  if (size > SIZE_MAX - kHeader) return nullptr;
  auto* raw = static_cast<unsigned char*>(std::malloc(size + kHeader));
  if (raw == nullptr) return nullptr;
  std::memcpy(raw, &size, sizeof size);
  if (budget != nullptr) {
    budget->in_use += size;
    budget->peak = std::max(budget->peak, budget->in_use);
  }
  return raw + kHeader;
}

void clearing_free(void* block) {
  if (block == nullptr) return;
  const std::size_t size = size_of(block);
  secure_clear(block, size);
  if (t_budget != nullptr) t_budget->in_use -= std::min(size, t_budget->in_use);
  std::free(static_cast<unsigned char*>(block) - kHeader);
}

// Never the C library's realloc: it may move the block and leave the old bytes uncleared.
void* clearing_realloc(void* block, std::size_t size) {
  if (block == nullptr) return clearing_malloc(size);
  void* fresh = clearing_malloc(size);
  if (fresh == nullptr) return nullptr;  // as realloc: the old block stays valid
  std::memcpy(fresh, block, std::min(size, size_of(block)));
  clearing_free(block);
  return fresh;
}

}  // namespace

XmlMemoryScope::XmlMemoryScope(XmlMemoryBudget& budget) : previous_(t_budget) {
  t_budget = &budget;
}

XmlMemoryScope::~XmlMemoryScope() { t_budget = previous_; }

const XML_Memory_Handling_Suite& clearing_memory_suite() {
  static const XML_Memory_Handling_Suite suite{clearing_malloc, clearing_realloc, clearing_free};
  return suite;
}

}  // namespace vpm
