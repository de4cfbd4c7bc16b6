#pragma once

#include "gateway/ratelimit/window.h"
#include "gateway/storage/unique_function.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace gb::gateway {

class Clock;
class RedisClient;

struct DistributedLimiterOptions
{
    /// Share of a window's limit a node takes from Redis in one round trip. Unused tokens of a
    /// lease die with the window, so the admitted count can fall short of the limit by at most
    /// ~1.5 leases per node per window (a lease in hand plus half of one prefetched): 0.004 keeps
    /// two nodes within -1.2 %, and never above the limit while every lease comes within
    /// waitBudgetMs. See docs/GATEWAY-FEATURES.md, "Rate limits".
    double leaseFraction = 0.004;
    std::uint64_t maxLease = 100'000;
    /// Longest a decision waits for a lease. A lease asked for longer ago than this is taken as
    /// a stalled Redis: decisions of that key are then taken without a lease until it arrives,
    /// so a Redis that stops answering costs a request at most this, not storage.timeout. The
    /// access check releases requests already waiting after the same time (decideLocally).
    std::int64_t waitBudgetMs = 5;
};

/// Fixed-window limits shared by every gateway on one Redis, without a Redis round trip per
/// request: a node takes a lease of tokens from the window's counter (INCRBY and PEXPIRE in one
/// Lua script, so the window and its expiry are atomic, EVALSHA with a fallback to EVAL) and
/// admits locally while the lease lasts, fetching the next lease when half of it is gone. Redis
/// never grants more than the limit per window, so the limiter never admits more than the limit;
/// it can admit slightly less (unused lease tokens when the window ends).
///
/// hit() decides at once when it can (a token in hand, or the window known to be used up) and
/// otherwise completes later, on the caller's io_context, once the lease arrives. While Redis is
/// down, stalled (a lease asked for more than waitBudgetMs ago), or if it fails to answer, the
/// node decides without a lease: it admits what its last grant said was left in the window (the
/// whole limit in a window it has no grant of: each node then enforces the whole limit on its
/// own, the documented degradation), and pays for those admissions with the first tokens Redis
/// grants afterwards, so the shared counter learns of them.
///
/// Thread-safe; one instance serves all workers. Counters live in Redis under keyPrefix + key.
class DistributedWindowLimiter
{
public:
    using Callback = UniqueFunction<void(WindowDecision)>;

    DistributedWindowLimiter(RedisClient& client, const Clock& clock, std::string keyPrefix,
                             DistributedLimiterOptions options = {});
    ~DistributedWindowLimiter();
    DistributedWindowLimiter(const DistributedWindowLimiter&) = delete;
    DistributedWindowLimiter& operator=(const DistributedWindowLimiter&) = delete;

    /// Decides now if it can: true with `out` set. False: the caller must call hitLater() (no
    /// token was taken, nothing was queued).
    bool tryHit(std::string_view key, const WindowSpec& spec, WindowDecision& out);
    /// Decides once a lease arrives (or at once, if the state moved since tryHit); `later` is
    /// called exactly once, on `io`, never inline.
    void hitLater(std::string_view key, const WindowSpec& spec, boost::asio::io_context& io,
                  Callback later);
    /// tryHit, then hitLater if needed. True: decided, `later` untouched. False: `later` was
    /// taken and will be called on `io`.
    bool hit(std::string_view key, const WindowSpec& spec, WindowDecision& out,
             boost::asio::io_context& io, Callback&& later);

    /// A decision without a lease, for a request that waited its budget for one (its place
    /// among the lease's waiters is then wasted: a token at most).
    WindowDecision decideLocally(std::string_view key, const WindowSpec& spec);

    /// The counter of `key` now (Redis GET + PTTL); nullopt when Redis cannot be asked. `done`
    /// runs on the storage thread or inline.
    void usage(std::string_view key, UniqueFunction<void(std::optional<WindowUsage>)> done);
    /// Deletes the counter (a new quota period) and forgets this node's lease of it.
    void reset(std::string_view key, UniqueFunction<void(bool ok)> done);

    struct Stats
    {
        std::uint64_t leases = 0;    ///< round trips to Redis for tokens
        std::uint64_t waits = 0;     ///< requests that waited for a lease
        std::uint64_t fallbacks = 0; ///< decisions without a lease: Redis down, stalled or failing
        /// Time from a first local decision to the next lease Redis granted, summed (ms).
        std::uint64_t fallbackMs = 0;
    };
    Stats stats() const noexcept;

    /// The Lua script, for documentation and tests.
    static std::string_view script() noexcept;

private:
    struct Lease;
    struct Waiter;
    using LeasePtr = std::shared_ptr<Lease>;

    enum class Step : std::uint8_t
    {
        Decided,
        Wait,
    };

    LeasePtr leaseFor(std::string_view key);
    Step decideLocked(Lease& lease, const WindowSpec& spec, WindowDecision& out,
                      std::uint64_t& want);
    void refill(const LeasePtr& lease, std::uint64_t want);
    void onGrant(const LeasePtr& lease, bool ok, std::uint64_t granted, std::uint64_t used,
                 std::int64_t ttlMs);
    std::uint64_t leaseSize(const WindowSpec& spec) const noexcept;
    static void endWindowIfOver(Lease& lease, std::int64_t now) noexcept;
    /// Under the lease's lock.
    WindowDecision decideWithoutLease(Lease& lease, const WindowSpec& spec, std::int64_t now);

    RedisClient& m_client;
    const Clock& m_clock;
    const std::string m_prefix;
    const DistributedLimiterOptions m_options;
    std::string m_scriptSha;

    static constexpr std::size_t kShards = 32;
    struct StringHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept
        {
            return std::hash<std::string_view>{}(s);
        }
    };
    struct alignas(64) Shard
    {
        std::shared_mutex mutex;
        std::unordered_map<std::string, LeasePtr, StringHash, std::equal_to<>> leases;
        std::size_t sweepAt = 1024;
    };
    std::array<Shard, kShards> m_shards;

    std::atomic<std::uint64_t> m_leases{0};
    std::atomic<std::uint64_t> m_waits{0};
    std::atomic<std::uint64_t> m_fallbacks{0};
    std::atomic<std::int64_t> m_fallbackSince{
        0}; ///< steady ms of the first local decision; 0: none
    std::atomic<std::uint64_t> m_fallbackMs{0};
};

} // namespace gb::gateway
