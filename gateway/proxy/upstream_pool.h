#pragma once

#include "gateway/proxy/endpoint_cache.h"
#include "gateway/proxy/upstream_connection.h"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gb::gateway::proxy {

struct ProxyWorkerCounters;

/// How many connections a pool keeps and for how long (ProxySettings, per worker).
struct PoolLimits
{
    std::size_t maxIdle = 128;
    std::size_t maxOpen = 128;
    std::chrono::nanoseconds maxAge{0}; ///< max_conn_time: 0 none; negative: never reused
};

/// A request waiting for a connection of a pool that has maxOpen of them open. The pool keeps
/// waiters in arrival order, linked through these members.
class PoolWaiter
{
public:
    /// A connection can be had now: acquire() again (called from the event loop).
    virtual void onPoolReady() = 0;

    PoolWaiter* m_prevWaiting = nullptr;
    PoolWaiter* m_nextWaiting = nullptr;
    bool m_waiting = false;

protected:
    ~PoolWaiter() = default;
};

/// One worker's connections to one upstream host:port: at most maxOpen open (connecting, busy or
/// idle), the idle keep-alive ones reused most recently used first (at most maxIdle kept while
/// nobody waits), and every connection object ever made, which it owns and recycles. A request
/// that finds none idle and maxOpen open waits in line for one, rather than opening a
/// connection per waiting request: under a flood that would pile up sockets and connects until
/// nothing gets through (as nginx's max_conns, and Go's MaxConnsPerHost). Its wait is bounded
/// by the proxy timeout, which its exchange keeps. Shared by every API with that upstream and
/// kept across reloads.
///
/// Worker thread only.
class UpstreamPool
{
public:
    UpstreamPool(boost::asio::io_context& io, EpollSet& events, std::string host,
                 std::uint16_t port, PoolLimits limits, EndpointCache& endpoints,
                 ProxyWorkerCounters& counters);
    ~UpstreamPool();
    UpstreamPool(const UpstreamPool&) = delete;
    UpstreamPool& operator=(const UpstreamPool&) = delete;

    /// A connection for waiter: the most recently used idle one (reused set; unless newOnly), or
    /// a connection object to connect() while fewer than maxOpen are open, or null: waiter is
    /// queued and called back with onPoolReady() once one frees up.
    UpstreamConnection* acquire(PoolWaiter* waiter, bool newOnly, bool& reused);
    /// waiter leaves the line (its request ended); nothing if it was not in it.
    void cancelWait(PoolWaiter* waiter);
    /// Where to connect; resolved once, again after a connect failure.
    std::span<const boost::asio::ip::tcp::endpoint> endpoints();
    void forgetEndpoints() { m_resolved = false; }

    /// Closes every idle connection (drain).
    void closeIdle();

    // Called by UpstreamConnection. While requests wait, a released connection stays for them.
    bool hasIdleRoom() const { return m_idleCount < m_maxIdle || m_waitHead; }
    /// Whether a connection opened at openedAtNs (steady) is past max_conn_time.
    bool tooOld(std::int64_t openedAtNs, std::int64_t nowNs) const
    {
        return m_maxAge.count() != 0 && nowNs - openedAtNs > m_maxAge.count();
    }
    bool limitsAge() const { return m_maxAge.count() != 0; }
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
    std::size_t m_maxOpen;
    std::chrono::nanoseconds m_maxAge;
    EndpointCache& m_endpointCache;
    ProxyWorkerCounters& m_counters;
    EndpointCache::Endpoints m_endpoints;
    bool m_resolved = false;
    std::vector<std::unique_ptr<UpstreamConnection>> m_all;
    std::vector<UpstreamConnection*> m_free;
    UpstreamConnection* m_idleHead = nullptr;
    std::size_t m_idleCount = 0;
    std::size_t m_open = 0; ///< connection objects handed out and not closed yet
    PoolWaiter* m_waitHead = nullptr;
    PoolWaiter* m_waitTail = nullptr;
    PoolWaiter* m_serving = nullptr; ///< the waiter being served: it may take what it was woken for
    bool m_wakePosted = false;
    std::shared_ptr<UpstreamPool*> m_self = std::make_shared<UpstreamPool*>(this);

    /// Serves the waiters, first come first, from the event loop (never from inside a release
    /// or close, which run on another request's stack).
    void wakeWaiters();
    void serveWaiters();
};

} // namespace gb::gateway::proxy
