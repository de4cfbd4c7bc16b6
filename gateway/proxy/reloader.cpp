#include "gateway/proxy/reloader.h"

#include "gateway/proxy/endpoint_cache.h"

#include <cstdio>
#include <set>

namespace gb::gateway::proxy {

Reloader::Reloader(Load load, RouteTableHolder& tables, EndpointCache& endpoints)
    : m_load(std::move(load))
    , m_tables(tables)
    , m_endpoints(endpoints)
    , m_thread([this] { run(); })
{}

Reloader::~Reloader()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

LoadResult Reloader::reloadOnce()
{
    LoadResult result = m_load();
    for (const std::string& e : result.errors)
        std::fprintf(stderr, "gatebench-gateway: %s\n", e.c_str());
    // Resolve names here, not on a request thread, before any request can route to them.
    std::set<std::pair<std::string, std::uint16_t>> targets;
    for (const ApiDefinition& api : result.apis)
        if (api.active)
            targets.emplace(api.target.host, api.target.port);
    for (const auto& [host, port] : targets)
        m_endpoints.refresh(host, port);
    m_tables.store(std::make_shared<const RouteTable>(result.apis));
    m_reloads.fetch_add(1, std::memory_order_relaxed);
    return result;
}

LoadResult Reloader::loadInitial()
{
    return reloadOnce();
}

void Reloader::request(std::function<void()> done)
{
    {
        const std::lock_guard lock(m_mutex);
        m_pending = true;
        if (done)
            m_waiters.push_back(std::move(done));
    }
    m_wake.notify_one();
}

void Reloader::run()
{
    std::unique_lock lock(m_mutex);
    while (true) {
        m_wake.wait(lock, [this] { return m_pending || m_stop; });
        if (m_stop)
            return;
        m_pending = false;
        std::vector<std::function<void()>> waiters;
        waiters.swap(m_waiters);
        lock.unlock();
        try {
            reloadOnce();
        } catch (const std::exception& e) {
            // The previous table stays in service.
            std::fprintf(stderr, "gatebench-gateway: reload failed: %s\n", e.what());
        }
        for (auto& w : waiters)
            w();
        waiters.clear();
        lock.lock();
    }
}

} // namespace gb::gateway::proxy
