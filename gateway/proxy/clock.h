#pragma once

#include <cstdint>
#include <ctime>

namespace gb::gateway::proxy {

/// Monotonic nanoseconds (clock_gettime through the vDSO: no syscall). Deadlines and latencies
/// of the proxy are kept in this unit.
inline std::int64_t monotonicNs()
{
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

} // namespace gb::gateway::proxy
