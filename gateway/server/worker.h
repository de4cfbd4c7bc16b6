#pragma once

// Internal to the server core (includes Asio): only server/*.cpp include this.

#include "common/io/epoll_set.h"
#include "gateway/server/exchange.h"
#include "gateway/server/server_config.h"
#include "gateway/server/stats.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <system_error>

namespace gb::gateway {

class Connection;

/// One thread of the server: its io_context, its listener (or none, in round-robin mode on
/// workers > 0), the connections it owns, its handler and its counters. All members are touched
/// on this worker's thread only; other threads reach it through post() (adopt, beginDrain).
///
/// Client sockets live in the worker's own edge-triggered EpollSet (see there why), which the
/// io_context watches as one descriptor: each batch of ready sockets costs one epoll_wait and one
/// re-arm, and each request one recv and one sendmsg. Timers, posts, accepting and the handlers'
/// own (upstream) sockets stay on Asio.
///
/// Timeouts are coarse: every connection stores a deadline in ticks and one timer per worker
/// sweeps them every kTick. Arming a per-connection Asio timer per request would cost a timer-
/// queue update and a cancellation completion per request; a store costs nothing.
class Worker
{
public:
    static constexpr std::chrono::milliseconds kTick{50};
    /// A keep-alive connection that has waited a whole tick (50 to 100 ms) for its next
    /// request gives its buffers back at the sweep: a busy connection never waits that long,
    /// so the hot path allocates nothing, and a mostly idle one holds them a moment only
    /// (measured with 10,000 clients at 2,000 req/s: 1 s of holding cost 5.9 KB a connection,
    /// 200 ms 3.8 KB, one tick 2.7 KB).
    static constexpr std::uint64_t kBufferReleaseTicks = 1;

    Worker(const ServerConfig& config, int index, int threadCount, WorkerStats& stats);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    boost::asio::io_context& ioContext() { return m_io; }
    WorkerContext& context() { return m_context; }
    void setHandler(std::unique_ptr<Handler> handler) { m_handler = std::move(handler); }
    Handler& handler() { return *m_handler; }
    const ServerConfig& config() const { return m_config; }
    WorkerStats& stats() { return m_stats; }

    /// Takes an already bound and listening socket (called before run()).
    void listen(boost::asio::ip::tcp::acceptor acceptor, Worker* const* roundRobinTargets,
                int targetCount);
    /// Runs the event loop on the calling thread until the worker has drained.
    void run();
    /// Thread-safe: adopt a connection accepted by another worker.
    void postAdopt(int fd);
    /// Adds a connection's socket to this worker's epoll set (edge-triggered, in and out).
    bool watch(int fd, Connection* c);
    /// Thread-safe: begin the graceful drain.
    void postDrain();

    bool draining() const { return m_draining; }
    std::uint64_t tick() const { return m_tick; }
    std::uint64_t ticksFor(std::chrono::milliseconds d) const
    {
        // Round up and add one: a deadline must never fire early.
        return m_tick +
               static_cast<std::uint64_t>((d + kTick - std::chrono::milliseconds(1)) / kTick) + 1;
    }

    /// The one failure funnel, fail(ec, what): counts by class, logs what is not routine.
    void fail(std::error_code ec, FailKind what);

    // Connection bookkeeping (intrusive list, for the sweep and the drain).
    void attach(Connection* c);
    void detach(Connection* c);

private:
    void startAccept();
    void acceptReady();
    void adopt(int fd);
    void onEvents(std::span<const epoll_event> batch);
    void startTicker();
    void onTick();
    void beginDrain();
    void maybeFinishDrain();
    void closeAll(FailKind why);
    /// Calls f(Connection&) for every open connection. f may close its own connection, or
    /// (through a handler) another one: the visited connection and the next are pinned.
    template <class F>
    void forEachConnection(F&& f);
    void logFailure(FailKind what, std::error_code ec);

    const ServerConfig& m_config;
    boost::asio::io_context m_io;
    WorkerContext m_context;
    WorkerStats& m_stats;
    std::unique_ptr<Handler> m_handler;
    std::optional<boost::asio::ip::tcp::acceptor> m_acceptor;
    Worker* const* m_targets = nullptr; // round-robin: every worker, m_targetCount of them
    int m_targetCount = 0;
    int m_nextTarget = 0;
    EpollSet m_events; // client sockets
    boost::asio::steady_timer m_ticker;
    boost::asio::steady_timer m_acceptRetry;
    std::uint64_t m_tick = 0;
    std::uint64_t m_drainDeadline = 0;
    bool m_draining = false;
    bool m_stopped = false;
    Connection* m_head = nullptr; // intrusive list of open connections
    std::size_t m_connections = 0;
    int m_logsThisTick = 0;
};

} // namespace gb::gateway
