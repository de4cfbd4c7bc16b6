#pragma once

#include "gateway/config/route_table_holder.h"
#include "gateway/proxy/proxy_settings.h"
#include "gateway/proxy/request_filter.h"
#include "gateway/proxy/table_lease.h"
#include "gateway/server/exchange.h"

#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

struct epoll_event;

namespace gb {
class EpollSet;
}

namespace gb::gateway::proxy {

class AdminApi;
class EndpointCache;
class ProxyExchange;
class ProxyMetrics;
struct ProxyWorkerCounters;
class UpstreamPool;

/// What every worker's ProxyHandler shares. Owned by the gateway (GatewayApp); outlives the
/// servers. The members are thread-safe or read-only once serving starts.
struct ProxyShared
{
    ProxySettings settings;
    RouteTableHolder& tables;
    EndpointCache& endpoints;
    ProxyMetrics& metrics;
    /// The admin API when it shares the listener with the APIs (no control_api_port); else null.
    AdminApi* admin = nullptr;
    std::vector<RequestFilterFactory> filters;
};

/// gatebench-gateway's request handler: the admin API's paths (when it shares this listener),
/// then longest-prefix routing, the request filters, and the reverse proxy. One per worker
/// thread (HandlerFactory), owning that worker's upstream pools, proxied exchanges (recycled),
/// table leases and timeout sweep, so the request path takes no lock and, in steady state,
/// allocates nothing.
class ProxyHandler final : public Handler
{
public:
    ProxyHandler(WorkerContext& worker, ProxyShared& shared);
    ~ProxyHandler() override;

    void onRequest(Exchange& ex) override;
    void onShutdown() override;

    // For ProxyExchange.
    WorkerContext& worker() const { return m_worker; }
    const ProxySettings& settings() const { return m_shared.settings; }
    ProxyWorkerCounters& counters() { return m_counters; }
    bool draining() const { return m_draining; }
    std::vector<std::unique_ptr<RequestFilter>>& filters() { return m_filters; }
    void activate(ProxyExchange* p);
    void deactivate(ProxyExchange* p);
    void releaseLease(TableLease* lease);
    void recycle(ProxyExchange* p);
    /// The exchange in `slot`, or null once it was freed (FilterResume).
    ProxyExchange* exchangeIn(std::uint32_t slot) const
    {
        return slot < m_slots.size() ? m_slots[slot].exchange.get() : nullptr;
    }
    /// Logs an upstream failure, at most a few lines per second per worker.
    bool mayLog();

private:
    TableLease& currentLease();
    const ApiSlot& slotFor(TableLease& lease, const ApiDefinition& api);
    ProxyExchange* acquire();
    void armTicker();
    void onTick();
    /// Frees the spare exchanges no request needed since the last trim (the least recently used
    /// first), so a burst's thousands of 5 KB exchanges do not stay for the process's life.
    void trimSpares(std::int64_t now);
    void onUpstreamEvents(std::span<const epoll_event> batch);

    WorkerContext& m_worker;
    ProxyShared& m_shared;
    ProxyWorkerCounters& m_counters;
    RouteTableReader m_reader;
    std::vector<std::unique_ptr<TableLease>> m_leases; ///< back() is current
    /// The upstream sockets' readiness: the server core's recipe for client sockets (EpollSet),
    /// applied to the upstream side. Before the pools: outlives their sockets, which leave the set
    /// by closing.
    std::unique_ptr<EpollSet> m_events;
    std::map<std::pair<std::string, std::uint16_t>, std::unique_ptr<UpstreamPool>> m_pools;
    std::vector<std::unique_ptr<RequestFilter>> m_filters;
    /// Every exchange made, by slot (the owner); a freed exchange leaves its slot empty with the
    /// generation its successor in the slot starts from.
    struct ExchangeSlot
    {
        std::unique_ptr<ProxyExchange> exchange;
        std::uint64_t nextGeneration = 0;
    };
    std::vector<ExchangeSlot> m_slots;
    std::vector<std::uint32_t> m_emptySlots;
    std::vector<ProxyExchange*> m_free; ///< spare exchanges, the most recently used last
    std::size_t m_fewestFree = 0;       ///< since the last trim: these were never needed
    std::int64_t m_lastTrim = 0;
    ProxyExchange* m_active = nullptr; ///< intrusive list of exchanges with a deadline
    boost::asio::steady_timer m_ticker;
    bool m_tickerArmed = false;
    bool m_draining = false;
    std::string m_scratch;
    std::int64_t m_logSecond = 0;
    int m_logsThisSecond = 0;
};

} // namespace gb::gateway::proxy
