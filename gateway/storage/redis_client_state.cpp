// RedisClient's connection state: up and down, back-off, deadlines, heartbeat, failing commands.
#include "gateway/storage/redis_client_impl.h"

#include <algorithm>

namespace gb::gateway {

void RedisClient::Impl::afterHiredis()
{
    if (lossPending) {
        lossPending = false;
        lost(lossReason, lossStatus);
    }
    if (upPending) {
        upPending = false;
        if (!lostHandled)
            markUp();
    }
}

void RedisClient::Impl::lost(const std::string& reason, RedisStatus status)
{
    if (lostHandled)
        return;
    lostHandled = true;
    dropContext(status);
    failInflight(status);
    const bool wasUp = state.load() == StorageState::Up;
    {
        std::lock_guard lock(healthMutex);
        if (wasUp)
            ++health.disconnects;
        else
            ++health.connectFailures;
    }
    setDown(reason);
    scheduleReconnect();
}

void RedisClient::Impl::connectFailed(const std::string& reason)
{
    {
        std::lock_guard lock(healthMutex);
        ++health.connectFailures;
    }
    setDown(reason);
    scheduleReconnect();
}

void RedisClient::Impl::failInflight(RedisStatus status)
{
    while (!inflight.empty()) {
        PendingPtr p(inflight.front());
        inflight.pop_front();
        if (status == RedisStatus::Timeout && !p->internal)
            timeouts.fetch_add(1, std::memory_order_relaxed);
        finish(std::move(p), RedisResult{status, {}});
    }
}

void RedisClient::Impl::setDown(const std::string& reason)
{
    std::deque<PendingPtr> waiting;
    StorageState previous;
    {
        std::lock_guard lock(mutex);
        previous = state.exchange(StorageState::Down);
        waiting.swap(inbox);
    }
    {
        std::lock_guard lock(healthMutex);
        health.lastError = reason;
        if (previous != StorageState::Down)
            health.since = std::chrono::system_clock::now();
    }
    if (previous != StorageState::Down && options.log)
        std::fprintf(stderr, "redis %s (%s): down: %s\n", options.name.c_str(),
                     health.endpoint.c_str(), reason.c_str());
    for (PendingPtr& p : waiting) {
        rejected.fetch_add(1, std::memory_order_relaxed);
        finish(std::move(p), RedisResult{RedisStatus::Unavailable, {}});
    }
}

void RedisClient::Impl::markUp()
{
    StorageState previous;
    {
        std::lock_guard lock(mutex);
        previous = state.exchange(StorageState::Up);
    }
    backoff = options.backoffMin;
    {
        std::lock_guard lock(healthMutex);
        ++health.connects;
        health.since = std::chrono::system_clock::now();
    }
    if (previous == StorageState::Down && options.log)
        std::fprintf(stderr, "redis %s (%s): up again\n", options.name.c_str(),
                     health.endpoint.c_str());
}

void RedisClient::Impl::scheduleReconnect()
{
    reconnectAt = SteadyClock::now() + backoff;
    backoff = std::min(backoff * 2, options.backoffMax);
}

void RedisClient::Impl::takeInbox()
{
    std::deque<PendingPtr> batch;
    {
        std::lock_guard lock(mutex);
        wakePending = false;
        if (state.load() != StorageState::Up || context == nullptr)
            return;
        batch.swap(inbox);
    }
    for (PendingPtr& p : batch)
        issue(std::move(p));
}

void RedisClient::Impl::checkTimers(SteadyClock::time_point now)
{
    if (!inflight.empty() && inflight.front()->deadline <= now) {
        const bool connecting = state.load() != StorageState::Up;
        lost(connecting ? "no answer while connecting within " +
                              std::to_string(options.connectTimeout.count()) + " ms"
                        : "no answer within " + std::to_string(options.timeout.count()) + " ms",
             RedisStatus::Timeout);
    }
    std::deque<PendingPtr> expired;
    {
        std::lock_guard lock(mutex);
        while (!inbox.empty() && inbox.front()->deadline <= now) {
            expired.push_back(std::move(inbox.front()));
            inbox.pop_front();
        }
    }
    for (PendingPtr& p : expired) {
        timeouts.fetch_add(1, std::memory_order_relaxed);
        finish(std::move(p), RedisResult{RedisStatus::Timeout, {}});
    }
    if (reconnectAt && *reconnectAt <= now && context == nullptr)
        connect();
    if (now >= nextHeartbeat) {
        nextHeartbeat = now + options.heartbeat;
        if (state.load() == StorageState::Up && context != nullptr && inflight.empty() &&
            now - lastActivity >= options.heartbeat)
            issueInternal({"PING"}, now + options.timeout, "PING");
    }
}

int RedisClient::Impl::pollTimeoutMs(SteadyClock::time_point now)
{
    SteadyClock::time_point next = nextHeartbeat;
    if (!inflight.empty())
        next = std::min(next, inflight.front()->deadline);
    if (reconnectAt)
        next = std::min(next, *reconnectAt);
    {
        std::lock_guard lock(mutex);
        if (!inbox.empty())
            next = std::min(next, inbox.front()->deadline);
    }
    if (next <= now)
        return 0;
    // Round up: waking a hair early would only spin once more.
    const auto wait = std::chrono::ceil<Ms>(next - now).count();
    return static_cast<int>(std::min<long long>(wait, 1000));
}

void RedisClient::Impl::shutdown()
{
    lostHandled = true;
    dropContext(RedisStatus::Stopped);
    failInflight(RedisStatus::Stopped);
    failWaiting(RedisStatus::Stopped);
}

void RedisClient::Impl::failWaiting(RedisStatus status)
{
    std::deque<PendingPtr> waiting;
    {
        std::lock_guard lock(mutex);
        state.store(StorageState::Stopped);
        waiting.swap(inbox);
    }
    for (PendingPtr& p : waiting)
        finish(std::move(p), RedisResult{status, {}});
}

} // namespace gb::gateway
