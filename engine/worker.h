#pragma once

// Internal to the engine (includes Asio): only load_engine.cpp and tests include this.

#include "common/io/epoll_set.h"
#include "engine/load_config.h"
#include "engine/rate_schedule.h"
#include "engine/read_buffer.h"
#include "engine/stats.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace gb::engine {

class Connection;

/// hey's -o csv: one row per request. Workers format rows into their own buffer and append it
/// here a block at a time, so the lock is taken once per ~64 KB, never per request.
class CsvSink
{
public:
    explicit CsvSink(std::FILE* out)
        : m_out(out)
    {}
    void append(const std::string& block);

private:
    std::mutex m_mutex;
    std::FILE* m_out;
};

/// What a worker shares with the others; owned by the engine, read-only during the run.
struct WorkerPlan
{
    const LoadConfig* config = nullptr;
    const std::string* requestBytes = nullptr;
    boost::asio::ip::tcp::endpoint endpoint;
    boost::asio::ssl::context* tls = nullptr; ///< null for http
    const RateSchedule* schedule = nullptr;   ///< null unless open loop
    CsvSink* csv = nullptr;
    std::chrono::steady_clock::time_point start;
    int index = 0; ///< this worker's place among threadCount
    int threadCount = 1;
    int connections = 1;      ///< this worker's share
    std::uint64_t budget = 0; ///< requests to send; 0 = unlimited
};

/// One thread's load: an io_context it alone runs, the connections it owns and the statistics it
/// records. Other threads talk to it only through post(): collect() and stop().
class Worker
{
public:
    /// Gives the interval's statistics away: (stats, in-flight now, finished its budget).
    using CollectHandler = std::function<void(std::unique_ptr<IntervalStats>, std::int64_t, bool)>;

    explicit Worker(const WorkerPlan& plan, std::function<void()> onFinished);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    /// Runs the event loop in the calling thread until stop() has taken effect.
    void run();
    /// Thread-safe: hands the current interval's statistics to handler (called on this worker's
    /// thread) and starts a new interval.
    void collect(CollectHandler handler);
    /// Thread-safe: stops sending, drops in-flight requests (counted as unfinished), then calls
    /// handler with the last interval's statistics.
    void stop(CollectHandler handler);

private:
    friend class Connection;

    std::int64_t now() const;
    void start();
    void onConnected(Connection& c);
    void onCompleted(Connection& c, bool reusable);
    void onFailed(Connection& c, ErrorClass cls, const std::string& message, bool wasRequest);
    void issue(Connection& c);
    bool takeBudget();
    bool budgetLeftForDial() const;
    void dial(Connection& c);
    void dispatchOpenLoop();
    void armSchedule(std::int64_t dueNs);
    void sweepTimeouts();
    void checkFinished();
    void onReadiness(std::span<const epoll_event> batch);

public:
    /// Plain sockets wait in this worker's own edge-triggered EpollSet, outside Asio's reactor:
    /// Asio's async_wait would re-arm the socket with an epoll_ctl on every request.
    /// False (errno set) when the socket cannot be watched.
    bool watchSocket(int fd, Connection* c);

private:
    boost::asio::io_context m_io{1};
    WorkerPlan m_plan;
    std::function<void()> m_onFinished;
    std::unique_ptr<IntervalStats> m_stats = std::make_unique<IntervalStats>();
    std::vector<std::unique_ptr<Connection>> m_connections;
    std::vector<Connection*> m_idle; // open loop: connected and waiting for a due request
    // One epoll_wait per wake; what a full batch leaves comes with the next wake.
    EpollSet m_readiness{m_io,
                         EpollSet::Handler::member<&Worker::onReadiness>(this),
                         {.batch = EpollSet::kMaxBatch, .rounds = 1}};
    boost::asio::steady_timer m_scheduleTimer{m_io};
    boost::asio::steady_timer m_sweepTimer{m_io};
    std::int64_t m_scheduleArmedFor = -1;
    std::uint64_t m_nextIndex = 0; // open loop: this worker's next local request number
    std::uint64_t m_sentTotal = 0;
    std::int64_t m_inFlight = 0;
    std::uint64_t m_dialing = 0; // connections dialing (TCP connect or TLS handshake)
    bool m_stopping = false;
    bool m_finishedSignalled = false;
    std::string m_csvBuffer;
    /// What every plain connection of this worker reads into (see Connection::readAvailable).
    std::unique_ptr<ReadBuffer> m_readBuffer = std::make_unique<ReadBuffer>();
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> m_work{
        m_io.get_executor()};
};

} // namespace gb::engine
