#pragma once

#include <cstdint>

namespace gb::gateway::proxy {

/// This process's resource use, for /metrics.
struct ProcessStats
{
    double cpuSeconds = 0;           ///< user + system, all threads
    std::uint64_t residentBytes = 0; ///< RSS
    std::uint64_t openFds = 0;
    double startTimeSeconds = 0; ///< since the Unix epoch
};

/// Reads getrusage() and /proc/self; fields it cannot read stay 0. Any thread.
ProcessStats readProcessStats();

} // namespace gb::gateway::proxy
