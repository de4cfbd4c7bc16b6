#pragma once

#include "gateway/config/api_loader.h"
#include "gateway/config/route_table_holder.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gb::gateway::proxy {

class EndpointCache;

/// Rebuilds the route table off the request threads (/tyk/reload, SIGHUP): loads the API
/// definitions, resolves their upstream host names, then publishes the table through the
/// RouteTableHolder, which requests pick up at their next start (in-flight ones keep theirs).
/// A broken file is skipped and reported on stderr with its position; the rest is served.
///
/// Requests arriving while a reload runs are coalesced into one more reload, as Tyk's reload
/// queue does. Owns one thread; request() and reloads() may be called from any thread.
class Reloader
{
public:
    using Load = std::function<LoadResult()>;

    Reloader(Load load, RouteTableHolder& tables, EndpointCache& endpoints);
    ~Reloader();
    Reloader(const Reloader&) = delete;
    Reloader& operator=(const Reloader&) = delete;

    /// Loads and publishes the first table on the calling thread (start-up); returns what was
    /// loaded so main can report it.
    LoadResult loadInitial();
    /// Queues a reload; `done` (optional) runs on the reloader thread once a reload that began
    /// after this call has been published. Never blocks.
    void request(std::function<void()> done = {});
    /// Reloads completed so far.
    std::uint64_t reloads() const { return m_reloads.load(std::memory_order_relaxed); }

private:
    void run();
    LoadResult reloadOnce();

    Load m_load;
    RouteTableHolder& m_tables;
    EndpointCache& m_endpoints;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_pending = false;                       // guarded
    bool m_stop = false;                          // guarded
    std::vector<std::function<void()>> m_waiters; // guarded
    std::atomic<std::uint64_t> m_reloads{0};
    std::thread m_thread; // last: starts once everything above exists
};

} // namespace gb::gateway::proxy
