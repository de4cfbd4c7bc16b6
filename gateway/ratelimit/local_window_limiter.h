#pragma once

#include "gateway/ratelimit/window.h"

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gb::gateway {

class Clock;

/// Exact fixed-window counters in this process's memory: one node's rate limits and quotas, and
/// the fallback of the distributed limiter while Redis is down. Thread-safe: a counter is found
/// under its shard's shared lock and updated under its own mutex, so exactly `limit` events are
/// admitted per window however many threads race (measured in tst_rate_limit). Counters whose
/// window has ended are swept as the table grows.
class LocalWindowLimiter
{
public:
    enum class TimeBase : std::uint8_t
    {
        Steady, ///< rate limits: immune to wall-clock steps
        Unix,   ///< quotas: windows line up with the session's quota_renews (Unix seconds)
    };

    /// Initial state of a counter made by this hit (a quota carried over from the session).
    struct Seed
    {
        std::uint64_t used = 0;
        std::int64_t windowEndMs = 0; ///< in the limiter's time base; <= now: start fresh
    };

    LocalWindowLimiter(const Clock& clock, TimeBase base);

    WindowDecision hit(std::string_view key, const WindowSpec& spec, const Seed* seed = nullptr);
    std::optional<WindowUsage> usage(std::string_view key) const;
    void reset(std::string_view key);
    std::size_t size() const;
    std::int64_t now() const noexcept;

private:
    struct Counter
    {
        std::mutex mutex;
        std::int64_t windowEnd = 0;
        std::uint64_t used = 0;
    };
    struct StringHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept
        {
            return std::hash<std::string_view>{}(s);
        }
    };
    using Map =
        std::unordered_map<std::string, std::unique_ptr<Counter>, StringHash, std::equal_to<>>;
    static constexpr std::size_t kShards = 32;
    struct alignas(64) Shard
    {
        mutable std::shared_mutex mutex;
        Map counters;
        std::size_t sweepAt = 1024;
    };

    static WindowDecision apply(Counter& c, const WindowSpec& spec, std::int64_t now,
                                const Seed* seed);
    Shard& shardFor(std::string_view key) const;

    const Clock& m_clock;
    const TimeBase m_base;
    mutable std::array<Shard, kShards> m_shards;
};

} // namespace gb::gateway
