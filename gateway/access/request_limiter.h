#pragma once

#include "gateway/ratelimit/distributed_limiter.h"
#include "gateway/ratelimit/local_window_limiter.h"
#include "gateway/ratelimit/window.h"
#include "gateway/storage/unique_function.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace gb::gateway {

class Clock;
class RedisClient;

/// A quota's state as the session records it, to start a local counter from.
struct QuotaSeed
{
    std::int64_t quotaRemaining = 0;
    std::int64_t quotaRenewsUnix = 0;
};

/// Which of a key's two windows a hit counts in.
enum class LimitWindow : std::uint8_t
{
    Rate,
    Quota,
};

/// Rate limits and quotas as the access check uses them: decide now when possible (tryHit),
/// otherwise decide later on the worker's loop (hitLater). Keys are opaque strings (see
/// AccessControl for their layout). Thread-safe.
class RequestLimiter
{
public:
    using Callback = UniqueFunction<void(WindowDecision)>;
    using UsageCallback = UniqueFunction<void(std::optional<WindowUsage>)>;

    virtual ~RequestLimiter() = default;
    /// Decides a hit now when it can (true, out set); seed starts a quota counter this node has
    /// not seen yet (ignored for rates and by the shared limiter, whose Redis counter rules).
    virtual bool tryHit(LimitWindow window, std::string_view key, const WindowSpec& spec,
                        const QuotaSeed& seed, WindowDecision& out) = 0;
    /// Decides a hit later: done runs on io's loop.
    virtual void hitLater(LimitWindow window, std::string_view key, const WindowSpec& spec,
                          boost::asio::io_context& io, Callback done) = 0;
    /// A decision by this node's own counters, for a request that waited its budget for Redis.
    virtual WindowDecision decideLocally(LimitWindow window, std::string_view key,
                                         const WindowSpec& spec) = 0;
    /// The quota counter now; nullopt when unknown. `done` may run inline or on a storage thread.
    virtual void quotaUsage(std::string_view key, UsageCallback done) = 0;
    /// Starts a new quota period (key created or updated without suppress_reset, or deleted).
    virtual void resetQuota(std::string_view key, UniqueFunction<void(bool ok)> done) = 0;
    /// Appends this limiter's series (Prometheus text).
    virtual void appendMetrics(std::string& out) const = 0;
};

/// One node: exact counters in memory. Decides every hit at once.
class LocalRequestLimiter final : public RequestLimiter
{
public:
    explicit LocalRequestLimiter(const Clock& clock);

    bool tryHit(LimitWindow window, std::string_view key, const WindowSpec& spec,
                const QuotaSeed& seed, WindowDecision& out) override;
    void hitLater(LimitWindow window, std::string_view key, const WindowSpec& spec,
                  boost::asio::io_context& io, Callback done) override;
    WindowDecision decideLocally(LimitWindow window, std::string_view key,
                                 const WindowSpec& spec) override;
    void quotaUsage(std::string_view key, UsageCallback done) override;
    void resetQuota(std::string_view key, UniqueFunction<void(bool ok)> done) override;
    void appendMetrics(std::string& out) const override;

private:
    LocalWindowLimiter m_rates;
    LocalWindowLimiter m_quotas; ///< Unix time base: windows end at the session's quota_renews
};

/// Several gateways on one Redis: windows shared through leases (DistributedWindowLimiter),
/// rate counters under "gb-rate-<key>", quotas under Tyk's "quota-..." names. While Redis is
/// unavailable each node decides without a lease (see DistributedWindowLimiter).
class SharedRequestLimiter final : public RequestLimiter
{
public:
    SharedRequestLimiter(RedisClient& client, const Clock& clock,
                         DistributedLimiterOptions options = {});

    bool tryHit(LimitWindow window, std::string_view key, const WindowSpec& spec,
                const QuotaSeed& seed, WindowDecision& out) override;
    void hitLater(LimitWindow window, std::string_view key, const WindowSpec& spec,
                  boost::asio::io_context& io, Callback done) override;
    WindowDecision decideLocally(LimitWindow window, std::string_view key,
                                 const WindowSpec& spec) override;
    void quotaUsage(std::string_view key, UsageCallback done) override;
    void resetQuota(std::string_view key, UniqueFunction<void(bool ok)> done) override;
    void appendMetrics(std::string& out) const override;

    DistributedWindowLimiter& rates() { return m_rates; }

private:
    DistributedWindowLimiter& windows(LimitWindow window)
    {
        return window == LimitWindow::Rate ? m_rates : m_quotas;
    }

    DistributedWindowLimiter m_rates;
    DistributedWindowLimiter m_quotas;
};

} // namespace gb::gateway
