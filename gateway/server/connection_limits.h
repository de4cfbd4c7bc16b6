#pragma once

// Private to the connection*.cpp files (one Connection class, split by job): the buffer and
// output limits they share.

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <system_error>

namespace gb::gateway::connection_limits {

inline constexpr std::size_t kInitialInput = 4096;
inline constexpr std::size_t kMinReadSpace = 1024;
// Space a request body gets after its (pinned) head, so it can stream through the buffer.
inline constexpr std::size_t kMinBodyWindow = 4096;
// Output above this stops the dispatch of pipelined requests and tells streaming writers to wait.
inline constexpr std::size_t kHighWater = 64 * 1024;
// An unread Content-Length body larger than this is not worth reading to keep the connection.
inline constexpr std::uint64_t kMaxDiscard = 64 * 1024;
inline constexpr int kMaxIov = 64;

inline std::error_code lastError()
{
    return {errno, std::system_category()};
}

} // namespace gb::gateway::connection_limits
