#pragma once

#include "gateway/proxy/endpoint_cache.h"
#include "gateway/proxy/upstream_connection.h"

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gb::gateway::proxy {

struct ProxyWorkerCounters;

/// One worker's connections to one upstream host:port: the idle keep-alive ones (most recently
/// used first, at most maxIdle of them) and every connection object ever made, which it owns and
/// recycles. Shared by every API with that upstream and kept across reloads.
///
/// Worker thread only.
class UpstreamPool
{
public:
    UpstreamPool(boost::asio::io_context& io, EpollSet& events, std::string host,
                 std::uint16_t port, std::size_t maxIdle, EndpointCache& endpoints,
                 ProxyWorkerCounters& counters);
    ~UpstreamPool();
    UpstreamPool(const UpstreamPool&) = delete;
    UpstreamPool& operator=(const UpstreamPool&) = delete;

    /// The most recently used idle connection, taken out of the idle list, or null.
    UpstreamConnection* takeIdle();
    /// A connection object to connect() (a recycled closed one when there is one).
    UpstreamConnection* fresh();
    /// Where to connect; resolved once, again after a connect failure.
    std::span<const boost::asio::ip::tcp::endpoint> endpoints();
    void forgetEndpoints() { m_resolved = false; }

    /// Closes every idle connection (drain).
    void closeIdle();

    // Called by UpstreamConnection.
    bool hasIdleRoom() const { return m_idleCount < m_maxIdle; }
    void addIdle(UpstreamConnection* c);
    void removeIdle(UpstreamConnection* c);
    void onClosed(UpstreamConnection* c, bool wasOpen);
    void onOpened();
    ProxyWorkerCounters& counters() { return m_counters; }

private:
    boost::asio::io_context& m_io;
    EpollSet& m_events;
    std::string m_host;
    std::uint16_t m_port;
    std::size_t m_maxIdle;
    EndpointCache& m_endpointCache;
    ProxyWorkerCounters& m_counters;
    EndpointCache::Endpoints m_endpoints;
    bool m_resolved = false;
    std::vector<std::unique_ptr<UpstreamConnection>> m_all;
    std::vector<UpstreamConnection*> m_free;
    UpstreamConnection* m_idleHead = nullptr;
    std::size_t m_idleCount = 0;
};

} // namespace gb::gateway::proxy
