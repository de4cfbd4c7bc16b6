#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway::proxy {

/// Upstream host names resolved off the request threads: the reloader resolves every API's
/// target before it publishes a table (refresh), and workers read the result when they first
/// open a pool for that host. IP literals never reach the resolver. Thread-safe.
class EndpointCache
{
public:
    using Endpoints = std::vector<boost::asio::ip::tcp::endpoint>;

    /// Resolves host:port now (blocking) and stores the result, replacing an older one. Call
    /// from the reloader thread. A failure stores an empty list (connects then fail with 502).
    void refresh(const std::string& host, std::uint16_t port);
    /// The endpoints for host:port: parsed at once for a literal, cached for a name (resolved
    /// here, blocking, only if no refresh() ever ran for it). IPv4 addresses first.
    Endpoints lookup(const std::string& host, std::uint16_t port);

private:
    static Endpoints resolve(const std::string& host, std::uint16_t port);

    std::mutex m_mutex;
    std::map<std::pair<std::string, std::uint16_t>, Endpoints> m_names; // guarded
};

} // namespace gb::gateway::proxy
