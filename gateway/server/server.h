#pragma once

#include "gateway/server/exchange.h"
#include "gateway/server/server_config.h"
#include "gateway/server/stats.h"

#include <cstdint>
#include <memory>
#include <string>

namespace gb::gateway {

/// The HTTP/1.1 server core: N worker threads, each running its own io_context that owns its
/// connections from accept to close (no cross-thread handoff on the request path).
///
/// Lifecycle: construct, start() (binds: throws std::system_error on failure, e.g. port in use),
/// then stop() from any thread to drain gracefully, and wait() to join. The destructor stops and
/// joins if needed. start/wait/destruction belong to one thread; stop() and stats() are
/// thread-safe.
class Server
{
public:
    Server(ServerConfig config, HandlerFactory factory);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    void start();
    /// "127.0.0.1:8000" (IPv6 in brackets), valid after start().
    std::string localAddress() const;
    std::uint16_t port() const;
    int threadCount() const;
    /// Graceful: stop accepting at once, answer in-flight requests with Connection: close, close
    /// idle connections, then let the workers exit (forcibly after drainTimeout).
    void stop();
    /// Blocks until every worker has exited.
    void wait();
    const ServerStats& stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// CPUs this process may run on (sched_getaffinity), at least 1: the default thread count.
int availableCpus();

} // namespace gb::gateway
