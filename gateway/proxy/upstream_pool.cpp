#include "gateway/proxy/upstream_pool.h"

#include "gateway/proxy/clock.h"
#include "gateway/proxy/proxy_metrics.h"

#include <boost/asio/post.hpp>

namespace gb::gateway::proxy {

UpstreamPool::UpstreamPool(boost::asio::io_context& io, EpollSet& events, std::string host,
                           std::uint16_t port, PoolLimits limits, EndpointCache& endpoints,
                           ProxyWorkerCounters& counters)
    : m_io(io)
    , m_events(events)
    , m_host(std::move(host))
    , m_port(port)
    , m_maxIdle(limits.maxIdle)
    , m_maxOpen(std::max<std::size_t>(1, limits.maxOpen))
    , m_maxAge(limits.maxAge)
    , m_endpointCache(endpoints)
    , m_counters(counters)
{}

UpstreamPool::~UpstreamPool()
{
    m_self.reset();                    // a wake still posted finds the pool gone
    m_waitHead = m_waitTail = nullptr; // nobody waits for a pool that goes
    for (auto& c : m_all)
        c->close();
}

UpstreamConnection* UpstreamPool::acquire(PoolWaiter* waiter, bool newOnly, bool& reused)
{
    reused = false;
    // Those in line come first: a newcomer does not overtake them.
    if (waiter == m_serving || (!waiter->m_waiting && !m_waitHead)) {
        // Past max_conn_time, idle ones are not reused either: the gateway reconnects.
        if (limitsAge())
            while (m_idleHead && tooOld(m_idleHead->openedAt(), monotonicNs()))
                m_idleHead->close();
        if (UpstreamConnection* c = m_idleHead; c && !newOnly) {
            removeIdle(c);
            reused = true;
            return c;
        }
        if (newOnly && m_open >= m_maxOpen && m_idleHead)
            m_idleHead->close(); // a new connection in place of the least needed idle one
        if (m_open < m_maxOpen) {
            ++m_open;
            if (!m_free.empty()) {
                UpstreamConnection* c = m_free.back();
                m_free.pop_back();
                return c;
            }
            m_all.push_back(std::make_unique<UpstreamConnection>(*this, m_events, m_io));
            return m_all.back().get();
        }
    }
    if (!waiter->m_waiting) {
        waiter->m_waiting = true;
        waiter->m_nextWaiting = nullptr;
        waiter->m_prevWaiting = m_waitTail;
        (m_waitTail ? m_waitTail->m_nextWaiting : m_waitHead) = waiter;
        m_waitTail = waiter;
        m_counters.upstreamWaits.add();
        m_counters.upstreamWaiting.add();
    }
    return nullptr;
}

void UpstreamPool::cancelWait(PoolWaiter* waiter)
{
    if (!waiter->m_waiting)
        return;
    (waiter->m_prevWaiting ? waiter->m_prevWaiting->m_nextWaiting : m_waitHead) =
        waiter->m_nextWaiting;
    (waiter->m_nextWaiting ? waiter->m_nextWaiting->m_prevWaiting : m_waitTail) =
        waiter->m_prevWaiting;
    waiter->m_prevWaiting = waiter->m_nextWaiting = nullptr;
    waiter->m_waiting = false;
    m_counters.upstreamWaiting.sub();
}

void UpstreamPool::wakeWaiters()
{
    if (!m_waitHead || m_wakePosted)
        return;
    m_wakePosted = true;
    boost::asio::post(m_io, [pool = std::weak_ptr<UpstreamPool*>(m_self)] {
        if (const auto self = pool.lock()) {
            (*self)->m_wakePosted = false;
            (*self)->serveWaiters();
        }
    });
}

void UpstreamPool::serveWaiters()
{
    while (PoolWaiter* w = m_waitHead) {
        if (!m_idleHead && m_open >= m_maxOpen)
            return; // the next release or close wakes the line again
        cancelWait(w);
        m_serving = w;
        w->onPoolReady(); // takes the idle connection or the free slot
        m_serving = nullptr;
    }
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
    wakeWaiters();
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
    --m_open;
    m_free.push_back(c);
    wakeWaiters();
}

void UpstreamPool::onOpened()
{
    m_counters.upstreamOpen.add();
    m_counters.upstreamConnects.add();
}

} // namespace gb::gateway::proxy
