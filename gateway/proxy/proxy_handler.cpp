#include "gateway/proxy/proxy_handler.h"

#include "common/io/epoll_set.h"
#include "gateway/proxy/admin_api.h"
#include "gateway/proxy/clock.h"
#include "gateway/proxy/proxy_exchange.h"
#include "gateway/proxy/proxy_metrics.h"
#include "gateway/proxy/request_head.h"
#include "gateway/proxy/tyk_errors.h"
#include "gateway/proxy/upstream_pool.h"

#include <algorithm>
#include <cstdint>
#include <malloc.h>
#include <sys/epoll.h>

namespace gb::gateway::proxy {

namespace {

// The timeout sweep's period: proxy_default_timeout is honoured to within this.
constexpr std::chrono::milliseconds kTick{25};
constexpr int kLogsPerSecond = 5;
// Upstream events per epoll_wait, and epoll_waits per wake at most, so timers and client sockets
// are not starved by a flood.
constexpr int kUpstreamBatch = 128;
constexpr int kUpstreamRounds = 4;
// Spare exchanges kept however long they go unused, and how often the unused ones are freed.
constexpr std::size_t kSpareExchanges = 16;
constexpr std::int64_t kTrimPeriodNs = 1'000'000'000;
// Exchanges freed at once after which the heap's free pages are returned to the system.
constexpr std::size_t kTrimHeapAfter = 256;

} // namespace

ProxyHandler::ProxyHandler(WorkerContext& worker, ProxyShared& shared)
    : m_worker(worker)
    , m_shared(shared)
    , m_counters(shared.metrics.worker(worker.index))
    , m_reader(shared.tables)
    , m_events(std::make_unique<EpollSet>(
          worker.ioContext, EpollSet::Handler::member<&ProxyHandler::onUpstreamEvents>(this),
          EpollSet::Drain{.batch = kUpstreamBatch, .rounds = kUpstreamRounds}))
    , m_ticker(worker.ioContext)
{
    m_events->start();
    for (const RequestFilterFactory& make : shared.filters)
        if (auto filter = make(worker))
            m_filters.push_back(std::move(filter));
}

ProxyHandler::~ProxyHandler()
{
    m_ticker.cancel();
}

void ProxyHandler::onRequest(Exchange& ex)
{
    const http::Request& request = ex.request();
    if (m_shared.admin && m_shared.admin->claims(request.path)) {
        m_shared.admin->serve(ex);
        return;
    }
    if (m_shared.settings.closeConnections)
        ex.closeAfterResponse();
    TableLease& lease = currentLease();
    const RouteMatch route = lease.table->match(routingTarget(request, m_scratch));
    if (!route) {
        m_counters.unmatched.add();
        ex.respond(404, kNotFoundHeaders, kNotFoundBody, BodyOwnership::Borrow);
        return;
    }
    const ApiSlot& slot = slotFor(lease, *route.api);
    acquire()->start(ex, lease, route, slot);
}

void ProxyHandler::onShutdown()
{
    m_draining = true;
    for (auto& [key, pool] : m_pools)
        pool->closeIdle();
    for (auto& f : m_filters)
        f->onShutdown();
}

TableLease& ProxyHandler::currentLease()
{
    const std::shared_ptr<const RouteTable>& table = m_reader.current();
    if (m_leases.empty() || m_leases.back()->table != table) {
        if (!m_leases.empty() && m_leases.back()->inflight == 0)
            m_leases.pop_back(); // nobody holds the previous version any more
        m_leases.push_back(std::make_unique<TableLease>(table));
    }
    return *m_leases.back();
}

void ProxyHandler::releaseLease(TableLease* lease)
{
    if (!lease || --lease->inflight != 0 || lease == m_leases.back().get())
        return;
    // An old table version's last request ended: let the table go (if no other worker holds it).
    const auto it = std::find_if(m_leases.begin(), m_leases.end(),
                                 [lease](const auto& l) { return l.get() == lease; });
    if (it != m_leases.end())
        m_leases.erase(it);
}

const ApiSlot& ProxyHandler::slotFor(TableLease& lease, const ApiDefinition& api)
{
    ApiSlot& slot = lease.slots[lease.indexOf(&api)];
    if (slot.pool)
        return slot;
    // Once per API per table version on this worker: pools are per host:port and outlive
    // reloads, so a reload keeps its warm connections.
    auto key = std::make_pair(api.target.host, api.target.port);
    auto it = m_pools.find(key);
    if (it == m_pools.end()) {
        auto pool = std::make_unique<UpstreamPool>(
            m_worker.ioContext, *m_events, api.target.host, api.target.port,
            PoolLimits{m_shared.settings.maxIdlePerHost, m_shared.settings.maxConnsPerHost,
                       m_shared.settings.maxConnTime},
            m_shared.endpoints, m_counters);
        it = m_pools.emplace(std::move(key), std::move(pool)).first;
    }
    slot.pool = it->second.get();
    slot.counters = m_shared.metrics.api(api.apiId);
    return slot;
}

ProxyExchange* ProxyHandler::acquire()
{
    if (!m_free.empty()) {
        ProxyExchange* p = m_free.back();
        m_free.pop_back();
        m_fewestFree = std::min(m_fewestFree, m_free.size());
        return p;
    }
    m_fewestFree = 0;
    std::uint32_t slot;
    if (!m_emptySlots.empty()) {
        slot = m_emptySlots.back();
        m_emptySlots.pop_back();
    } else {
        slot = static_cast<std::uint32_t>(m_slots.size());
        m_slots.emplace_back();
    }
    ExchangeSlot& s = m_slots[slot];
    s.exchange = std::make_unique<ProxyExchange>(*this, slot, s.nextGeneration);
    return s.exchange.get();
}

void ProxyHandler::recycle(ProxyExchange* p)
{
    m_free.push_back(p);
    if (m_free.size() > kSpareExchanges)
        armTicker(); // the sweep trims them
}

void ProxyHandler::trimSpares(std::int64_t now)
{
    if (now - m_lastTrim < kTrimPeriodNs)
        return;
    m_lastTrim = now;
    const std::size_t unused = m_fewestFree > kSpareExchanges ? m_fewestFree - kSpareExchanges : 0;
    for (std::size_t i = 0; i < unused; ++i) {
        const std::uint32_t slot = m_free[i]->slotIndex(); // before the exchange is gone
        ExchangeSlot& s = m_slots[slot];
        s.nextGeneration = s.exchange->generation();
        s.exchange.reset();
        m_emptySlots.push_back(slot);
    }
    m_free.erase(m_free.begin(), m_free.begin() + static_cast<std::ptrdiff_t>(unused));
    m_fewestFree = m_free.size();
    // free() keeps what lies between live blocks; after a burst's worth, hand the pages back.
    if (unused >= kTrimHeapAfter)
        ::malloc_trim(0);
}

void ProxyHandler::activate(ProxyExchange* p)
{
    p->m_prevActive = nullptr;
    p->m_nextActive = m_active;
    if (m_active)
        m_active->m_prevActive = p;
    m_active = p;
    armTicker();
}

void ProxyHandler::deactivate(ProxyExchange* p)
{
    if (!p->m_prevActive && m_active != p)
        return; // not in the list
    if (p->m_prevActive)
        p->m_prevActive->m_nextActive = p->m_nextActive;
    else
        m_active = p->m_nextActive;
    if (p->m_nextActive)
        p->m_nextActive->m_prevActive = p->m_prevActive;
    p->m_prevActive = p->m_nextActive = nullptr;
    p->m_deadline = 0;
}

void ProxyHandler::armTicker()
{
    if (m_tickerArmed)
        return;
    // One timer per worker sweeping every deadline: arming and cancelling a timer per request
    // would cost a timer-queue update and a cancellation completion each.
    m_tickerArmed = true;
    m_ticker.expires_after(kTick);
    m_ticker.async_wait([this](const boost::system::error_code& ec) {
        if (ec)
            return;
        onTick();
    });
}

void ProxyHandler::onTick()
{
    m_tickerArmed = false;
    const std::int64_t now = monotonicNs();
    ProxyExchange* p = m_active;
    while (p) {
        ProxyExchange* next = p->m_nextActive; // p may leave the list; only p
        if (p->m_deadline != 0 && p->m_deadline <= now)
            p->onDeadline();
        p = next;
    }
    trimSpares(now);
    if (m_active || m_free.size() > kSpareExchanges)
        armTicker();
}

void ProxyHandler::onUpstreamEvents(std::span<const epoll_event> batch)
{
    // Handling one event may close another connection of the batch and reuse its object for a
    // new socket: remember which use of each connection the events were for. The set hands out at
    // most kUpstreamBatch events at a time.
    std::uint64_t generations[kUpstreamBatch];
    const std::size_t n = batch.size();
    for (std::size_t i = 0; i < n; ++i)
        generations[i] = static_cast<UpstreamConnection*>(batch[i].data.ptr)->generation();
    for (std::size_t i = 0; i < n; ++i) {
        auto* c = static_cast<UpstreamConnection*>(batch[i].data.ptr);
        if (c->generation() == generations[i])
            c->onEvents(batch[i].events);
    }
}

bool ProxyHandler::mayLog()
{
    const std::int64_t second = monotonicNs() / 1'000'000'000;
    if (second != m_logSecond) {
        m_logSecond = second;
        m_logsThisSecond = 0;
    }
    return m_logsThisSecond++ < kLogsPerSecond;
}

} // namespace gb::gateway::proxy
