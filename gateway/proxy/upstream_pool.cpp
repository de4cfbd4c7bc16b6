#include "gateway/proxy/upstream_pool.h"

#include "gateway/proxy/proxy_metrics.h"

namespace gb::gateway::proxy {

UpstreamPool::UpstreamPool(boost::asio::io_context& io, EpollSet& events, std::string host,
                           std::uint16_t port, std::size_t maxIdle, EndpointCache& endpoints,
                           ProxyWorkerCounters& counters)
    : m_io(io)
    , m_events(events)
    , m_host(std::move(host))
    , m_port(port)
    , m_maxIdle(maxIdle)
    , m_endpointCache(endpoints)
    , m_counters(counters)
{}

UpstreamPool::~UpstreamPool()
{
    for (auto& c : m_all)
        c->close();
}

UpstreamConnection* UpstreamPool::takeIdle()
{
    UpstreamConnection* c = m_idleHead;
    if (c)
        removeIdle(c);
    return c;
}

UpstreamConnection* UpstreamPool::fresh()
{
    if (!m_free.empty()) {
        UpstreamConnection* c = m_free.back();
        m_free.pop_back();
        return c;
    }
    m_all.push_back(std::make_unique<UpstreamConnection>(*this, m_events, m_io));
    return m_all.back().get();
}

std::span<const boost::asio::ip::tcp::endpoint> UpstreamPool::endpoints()
{
    if (!m_resolved) {
        m_endpoints = m_endpointCache.lookup(m_host, m_port);
        m_resolved = true;
    }
    return m_endpoints;
}

void UpstreamPool::closeIdle()
{
    while (UpstreamConnection* c = m_idleHead)
        c->close(); // unlinks it
}

void UpstreamPool::addIdle(UpstreamConnection* c)
{
    c->m_prevIdle = nullptr;
    c->m_nextIdle = m_idleHead;
    if (m_idleHead)
        m_idleHead->m_prevIdle = c;
    m_idleHead = c;
    ++m_idleCount;
}

void UpstreamPool::removeIdle(UpstreamConnection* c)
{
    if (c->m_prevIdle)
        c->m_prevIdle->m_nextIdle = c->m_nextIdle;
    else
        m_idleHead = c->m_nextIdle;
    if (c->m_nextIdle)
        c->m_nextIdle->m_prevIdle = c->m_prevIdle;
    c->m_prevIdle = c->m_nextIdle = nullptr;
    --m_idleCount;
}

void UpstreamPool::onClosed(UpstreamConnection* c, bool wasOpen)
{
    if (wasOpen)
        m_counters.upstreamOpen.sub();
    m_free.push_back(c);
}

void UpstreamPool::onOpened()
{
    m_counters.upstreamOpen.add();
    m_counters.upstreamConnects.add();
}

} // namespace gb::gateway::proxy
