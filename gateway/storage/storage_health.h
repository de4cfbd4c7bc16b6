#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace gb::gateway {

enum class StorageState : std::uint8_t
{
    Connecting, ///< first connection after start(): commands wait for it (up to the timeout)
    Up,
    Down, ///< commands fail at once while the client reconnects with back-off
    Stopped,
};

std::string_view storageStateName(StorageState s) noexcept;

/// A snapshot of one Redis connection's state and counters, for /hello and /metrics.
struct StorageHealth
{
    std::string name;     ///< which client: "keys", "analytics"
    std::string endpoint; ///< "host:port"
    StorageState state = StorageState::Connecting;
    std::chrono::system_clock::time_point since; ///< when the state last changed
    std::uint64_t connects = 0;                  ///< successful connections (the first included)
    std::uint64_t connectFailures = 0;           ///< connection attempts that failed
    std::uint64_t disconnects = 0; ///< established connections lost (error or timeout)
    std::uint64_t timeouts = 0;    ///< commands that got no answer in time
    std::uint64_t rejected = 0;    ///< commands failed at once (down, overloaded)
    std::uint64_t commands = 0;    ///< commands answered by Redis
    std::string lastError;

    bool up() const noexcept { return state == StorageState::Up; }
    std::uint64_t reconnects() const noexcept { return connects > 0 ? connects - 1 : 0; }
};

} // namespace gb::gateway
