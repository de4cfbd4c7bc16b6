#include "gateway/proxy/endpoint_cache.h"

#include <boost/asio/io_context.hpp>

#include <algorithm>

namespace gb::gateway::proxy {

using boost::asio::ip::tcp;

EndpointCache::Endpoints EndpointCache::resolve(const std::string& host, std::uint16_t port)
{
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    boost::system::error_code ec;
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    Endpoints out;
    if (ec)
        return out;
    for (const auto& r : results)
        if (std::find(out.begin(), out.end(), r.endpoint()) == out.end())
            out.push_back(r.endpoint());
    // "localhost" gives ::1 first on Debian, while most test upstreams listen on 127.0.0.1 only:
    // try IPv4 first, as curl's happy eyeballs effectively does on loopback.
    std::stable_partition(out.begin(), out.end(),
                          [](const tcp::endpoint& e) { return e.address().is_v4(); });
    return out;
}

void EndpointCache::refresh(const std::string& host, std::uint16_t port)
{
    boost::system::error_code ec;
    boost::asio::ip::make_address(host, ec);
    if (!ec)
        return; // a literal needs no cache
    Endpoints resolved = resolve(host, port);
    const std::lock_guard lock(m_mutex);
    m_names[{host, port}] = std::move(resolved);
}

EndpointCache::Endpoints EndpointCache::lookup(const std::string& host, std::uint16_t port)
{
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(host, ec);
    if (!ec)
        return {tcp::endpoint(address, port)};
    {
        const std::lock_guard lock(m_mutex);
        if (const auto it = m_names.find({host, port}); it != m_names.end())
            return it->second;
    }
    Endpoints resolved = resolve(host, port);
    const std::lock_guard lock(m_mutex);
    return m_names.emplace(std::make_pair(host, port), std::move(resolved)).first->second;
}

} // namespace gb::gateway::proxy
