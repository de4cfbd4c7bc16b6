#pragma once

#include <chrono>
#include <cstddef>

namespace gb::gateway::proxy {

/// The proxy's knobs, from tyk.conf. Plain value; read-only once the server starts.
struct ProxySettings
{
    /// proxy_default_timeout: no response head within this → 504; a body stalled this long is
    /// cut. Also bounds a connect.
    std::chrono::nanoseconds timeout = std::chrono::seconds(30);
    /// max_idle_connections_per_host, per worker thread (the process-wide figure divided by the
    /// thread count, rounded up).
    std::size_t maxIdlePerHost = 128;
    /// max_connections_per_host (GateBench's, as nginx's max_conns), per worker thread: the
    /// upstream connections open at once to one host:port; more requests wait for one.
    std::size_t maxConnsPerHost = 128;
    /// max_conn_time: an upstream connection older than this is closed after its request
    /// instead of pooled; 0: no limit; negative: never pooled.
    std::chrono::nanoseconds maxConnTime{0};
    /// close_connections: neither client nor upstream connections are kept alive.
    bool closeConnections = false;
};

} // namespace gb::gateway::proxy
