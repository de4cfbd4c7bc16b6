#include "gateway/ratelimit/local_window_limiter.h"

#include "gateway/storage/clock.h"

namespace gb::gateway {

LocalWindowLimiter::LocalWindowLimiter(const Clock& clock, TimeBase base)
    : m_clock(clock)
    , m_base(base)
{}

std::int64_t LocalWindowLimiter::now() const noexcept
{
    return m_base == TimeBase::Steady ? m_clock.steadyMs() : m_clock.unixMs();
}

LocalWindowLimiter::Shard& LocalWindowLimiter::shardFor(std::string_view key) const
{
    return m_shards[(StringHash{}(key) >> 40) % kShards];
}

WindowDecision LocalWindowLimiter::apply(Counter& c, const WindowSpec& spec, std::int64_t now,
                                         const Seed* seed)
{
    std::lock_guard lock(c.mutex);
    if (seed != nullptr && seed->windowEndMs > now) {
        c.used = seed->used;
        c.windowEnd = seed->windowEndMs;
    }
    if (now >= c.windowEnd) {
        c.used = 0;
        c.windowEnd = now + spec.periodMs;
    }
    WindowDecision d;
    d.limit = spec.limit;
    d.resetInMs = c.windowEnd - now;
    if (c.used < spec.limit) {
        ++c.used;
        d.allowed = true;
        d.remaining = spec.limit - c.used;
    } else {
        d.allowed = false;
        d.remaining = 0;
    }
    return d;
}

WindowDecision LocalWindowLimiter::hit(std::string_view key, const WindowSpec& spec,
                                       const Seed* seed)
{
    const std::int64_t t = now();
    Shard& shard = shardFor(key);
    {
        std::shared_lock lock(shard.mutex);
        const auto it = shard.counters.find(key);
        if (it != shard.counters.end())
            return apply(*it->second, spec, t, nullptr);
    }
    std::unique_lock lock(shard.mutex);
    if (shard.counters.size() >= shard.sweepAt) {
        // Exclusive lock: nobody is inside apply() on this shard, so windowEnd reads are safe.
        std::erase_if(shard.counters,
                      [t](const auto& entry) { return entry.second->windowEnd <= t; });
        shard.sweepAt = std::max<std::size_t>(1024, shard.counters.size() * 2);
    }
    const auto [it, inserted] = shard.counters.try_emplace(std::string(key), nullptr);
    if (inserted)
        it->second = std::make_unique<Counter>();
    return apply(*it->second, spec, t, inserted ? seed : nullptr);
}

std::optional<WindowUsage> LocalWindowLimiter::usage(std::string_view key) const
{
    const std::int64_t t = now();
    const Shard& shard = shardFor(key);
    std::shared_lock lock(shard.mutex);
    const auto it = shard.counters.find(key);
    if (it == shard.counters.end())
        return std::nullopt;
    std::lock_guard counterLock(it->second->mutex);
    if (it->second->windowEnd <= t)
        return WindowUsage{0, 0};
    return WindowUsage{it->second->used, it->second->windowEnd - t};
}

void LocalWindowLimiter::reset(std::string_view key)
{
    Shard& shard = shardFor(key);
    std::unique_lock lock(shard.mutex);
    const auto it = shard.counters.find(key);
    if (it != shard.counters.end())
        shard.counters.erase(it);
}

std::size_t LocalWindowLimiter::size() const
{
    std::size_t n = 0;
    for (const Shard& s : m_shards) {
        std::shared_lock lock(s.mutex);
        n += s.counters.size();
    }
    return n;
}

} // namespace gb::gateway
