#pragma once
// What one Veeam Agent export may hold. An agent's export with a dozen jobs is tens of KiB
// and about 10 elements deep; these leave ample room and bound time and memory on any input.
#include <cstddef>

namespace vpm {

inline constexpr std::size_t kBytesPerMiB = std::size_t{1024} * 1024;
inline constexpr std::size_t kMaxVeeamExportBytes = 4 * kBytesPerMiB;
inline constexpr std::size_t kMaxVeeamExportDepth = 32;
inline constexpr std::size_t kMaxVeeamExportJobs = 1000;
inline constexpr std::size_t kMaxVeeamExportWarnings = 100;
// A ScheduleInfo has about 6 children (the full backups, health check, retries, the start).
inline constexpr std::size_t kMaxScheduleChildren = 64;
// Expat's buffers for a 4 MiB input: the input and its attributes, a few times over.
inline constexpr std::size_t kMaxParserMemoryBytes = 64 * kBytesPerMiB;

}  // namespace vpm
