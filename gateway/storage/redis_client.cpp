#include "common/sys/thread_name.h"
#include "gateway/storage/redis_client_impl.h"

#include <cerrno>
#include <sys/eventfd.h>
#include <system_error>
#include <unistd.h>

// The client's public face and the submitting side (any thread). The storage thread's work is
// in redis_client_io.cpp (hiredis, the poll loop) and redis_client_state.cpp (state and timers).

namespace gb::gateway {

RedisClient::Impl::Impl(RedisOptions o)
    : options(std::move(o))
    , backoff(options.backoffMin)
{
    health.name = options.name;
    health.endpoint = options.host + ":" + std::to_string(options.port);
    health.since = std::chrono::system_clock::now();
    wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wakeFd < 0)
        throw std::system_error(errno, std::generic_category(), "eventfd");
}

RedisClient::Impl::~Impl()
{
    if (wakeFd >= 0)
        ::close(wakeFd);
}

void RedisClient::Impl::enqueue(PendingPtr p)
{
    p->deadline = SteadyClock::now() + options.timeout;
    RedisStatus failure = RedisStatus::Ok;
    bool wake = false;
    {
        std::lock_guard lock(mutex);
        const StorageState s = state.load(std::memory_order_relaxed);
        if (stopRequested || s == StorageState::Stopped)
            failure = RedisStatus::Stopped;
        else if (s == StorageState::Down)
            failure = RedisStatus::Unavailable;
        else if (outstanding.load(std::memory_order_relaxed) >= options.maxOutstanding)
            failure = RedisStatus::Overloaded;
        else {
            outstanding.fetch_add(1, std::memory_order_relaxed);
            inbox.push_back(std::move(p));
            wake = !wakePending;
            wakePending = true;
        }
    }
    if (failure != RedisStatus::Ok) {
        rejected.fetch_add(1, std::memory_order_relaxed);
        invoke(*p, RedisResult{failure, {}});
        return;
    }
    if (wake)
        signal();
}

void RedisClient::Impl::signal() const
{
    const std::uint64_t one = 1;
    // A full counter (impossible in practice) still leaves the fd readable: nothing lost.
    [[maybe_unused]] const ssize_t n = ::write(wakeFd, &one, sizeof one);
}

RedisClient::RedisClient(RedisOptions options)
    : m_impl(std::make_unique<Impl>(std::move(options)))
{}

RedisClient::~RedisClient()
{
    stop();
}

void RedisClient::start()
{
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->started || m_impl->stopRequested.load())
        return;
    m_impl->started = true;
    m_impl->thread = std::thread([impl = m_impl.get()] {
        nameThisThread("redis-" + impl->options.name);
        impl->run();
    });
}

void RedisClient::stop()
{
    bool joinable = false;
    {
        std::lock_guard lock(m_impl->mutex);
        if (m_impl->stopRequested.exchange(true) && !m_impl->thread.joinable())
            return;
        joinable = m_impl->thread.joinable();
    }
    if (joinable) {
        m_impl->signal();
        m_impl->thread.join();
    } else {
        m_impl->failWaiting(RedisStatus::Stopped); // never started: nothing but the inbox
    }
}

void RedisClient::submit(Command command, Callback callback)
{
    auto p = std::make_unique<Impl::Pending>();
    p->command = std::move(command);
    p->callback = std::move(callback);
    m_impl->enqueue(std::move(p));
}

void RedisClient::submitBatch(std::vector<Command> commands, BatchCallback callback)
{
    if (commands.empty()) {
        callback({});
        return;
    }
    // Results are collected on the storage thread (or inline when the batch fails at once: then
    // every command fails in submit(), one after the other, on the caller's thread).
    struct Batch
    {
        std::vector<RedisResult> results;
        std::atomic<std::size_t> left;
        BatchCallback callback;
    };
    auto batch = std::make_shared<Batch>();
    batch->results.resize(commands.size());
    batch->left = commands.size();
    batch->callback = std::move(callback);
    for (std::size_t i = 0; i < commands.size(); ++i) {
        submit(std::move(commands[i]), [batch, i](RedisResult r) {
            batch->results[i] = std::move(r);
            if (batch->left.fetch_sub(1, std::memory_order_acq_rel) == 1)
                batch->callback(std::move(batch->results));
        });
    }
}

bool RedisClient::isUp() const noexcept
{
    return m_impl->state.load(std::memory_order_relaxed) == StorageState::Up;
}

StorageHealth RedisClient::health() const
{
    StorageHealth h;
    {
        std::lock_guard lock(m_impl->healthMutex);
        h = m_impl->health;
    }
    h.state = m_impl->state.load();
    h.commands = m_impl->answered.load(std::memory_order_relaxed);
    h.timeouts = m_impl->timeouts.load(std::memory_order_relaxed);
    h.rejected = m_impl->rejected.load(std::memory_order_relaxed);
    return h;
}

const RedisOptions& RedisClient::options() const noexcept
{
    return m_impl->options;
}

bool RedisClient::waitUntilUp(std::chrono::milliseconds limit) const
{
    const auto end = Impl::SteadyClock::now() + limit;
    while (!isUp()) {
        if (Impl::SteadyClock::now() >= end)
            return false;
        std::this_thread::sleep_for(Impl::Ms(2));
    }
    return true;
}

} // namespace gb::gateway
