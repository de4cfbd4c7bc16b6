#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>

namespace gb::gateway::upstream {

/// Length of formatGoTime's output (for a process younger than 100000 s).
inline constexpr std::size_t kGoTimeLength = 58;

/// Writes the instant like Go's time.Time.String() of time.Now() in UTC:
///   "2020-04-06 20:00:38.661919975 +0000 UTC m=+20526.911315903"
/// Two deliberate differences keep the length (and so the 70-byte /json/valid body the published
/// benchmarks used) constant: the nanoseconds always have 9 digits (Go drops trailing zeros) and
/// the monotonic seconds are zero-padded to 5 digits. The date and time of day are formatted once
/// per second per thread. Returns the number of bytes written (out must hold 64).
std::size_t formatGoTime(char* out, const timespec& realtime, std::int64_t monotonicNanos);

} // namespace gb::gateway::upstream
