#pragma once

#include "gateway/http/request.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace gb::gateway {

enum class AcceptMode : std::uint8_t
{
    ReusePort,  ///< one SO_REUSEPORT listener per worker: the kernel spreads connections
    RoundRobin, ///< one listener on worker 0 hands accepted sockets to workers in turn
};

/// How the server core listens, how many threads it runs and how long it waits for what. Plain
/// value; read-only once the server starts.
struct ServerConfig
{
    std::string host;                               ///< empty: every IPv4 interface
    std::uint16_t port = 0;                         ///< 0: any free port (see Server::localAddress)
    int threads = 0;                                ///< 0: the CPUs in this process's affinity mask
    AcceptMode acceptMode = AcceptMode::RoundRobin; // measured equal under wrk -c50; exact balance
    http::Limits limits;
    std::chrono::milliseconds headerTimeout{10'000}; ///< whole head, first byte to last → 408
    std::chrono::milliseconds idleTimeout{60'000};   ///< keep-alive connection with no request
    std::chrono::milliseconds bodyTimeout{30'000};   ///< between two pieces of a request body
    std::chrono::milliseconds writeTimeout{30'000};  ///< without progress writing a response
    std::chrono::milliseconds lingerTimeout{2'000};  ///< reading leftovers after a close
    std::chrono::milliseconds drainTimeout{30'000};  ///< SIGTERM: then in-flight exchanges are cut
    bool logErrors = true; ///< non-routine failures to stderr (disconnects are only counted)
    bool logAllErrors = false;
};

} // namespace gb::gateway
