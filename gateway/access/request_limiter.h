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

/// Rate limits and quotas as the access check uses them: decide now when possible
/// (tryRate/tryQuota), otherwise decide later on the worker's loop. Keys are opaque strings
/// (see AccessControl for their layout). Thread-safe.
class RequestLimiter
{
public:
    using Callback = UniqueFunction<void(WindowDecision)>;
    using UsageCallback = UniqueFunction<void(std::optional<WindowUsage>)>;

    virtual ~RequestLimiter() = default;
    virtual bool tryRate(std::string_view key, const WindowSpec& spec, WindowDecision& out) = 0;
    virtual void rateLater(std::string_view key, const WindowSpec& spec,
                           boost::asio::io_context& io, Callback done) = 0;
    virtual bool tryQuota(std::string_view key, const WindowSpec& spec, const QuotaSeed& seed,
                          WindowDecision& out) = 0;
    virtual void quotaLater(std::string_view key, const WindowSpec& spec,
                            boost::asio::io_context& io, Callback done) = 0;
    /// Decisions by this node's own counters, for a request that waited its budget for Redis.
    virtual WindowDecision rateLocally(std::string_view key, const WindowSpec& spec) = 0;
    virtual WindowDecision quotaLocally(std::string_view key, const WindowSpec& spec) = 0;
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

    bool tryRate(std::string_view key, const WindowSpec& spec, WindowDecision& out) override;
    void rateLater(std::string_view key, const WindowSpec& spec, boost::asio::io_context& io,
                   Callback done) override;
    bool tryQuota(std::string_view key, const WindowSpec& spec, const QuotaSeed& seed,
                  WindowDecision& out) override;
    void quotaLater(std::string_view key, const WindowSpec& spec, boost::asio::io_context& io,
                    Callback done) override;
    WindowDecision rateLocally(std::string_view key, const WindowSpec& spec) override;
    WindowDecision quotaLocally(std::string_view key, const WindowSpec& spec) override;
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

    bool tryRate(std::string_view key, const WindowSpec& spec, WindowDecision& out) override;
    void rateLater(std::string_view key, const WindowSpec& spec, boost::asio::io_context& io,
                   Callback done) override;
    bool tryQuota(std::string_view key, const WindowSpec& spec, const QuotaSeed& seed,
                  WindowDecision& out) override;
    void quotaLater(std::string_view key, const WindowSpec& spec, boost::asio::io_context& io,
                    Callback done) override;
    WindowDecision rateLocally(std::string_view key, const WindowSpec& spec) override;
    WindowDecision quotaLocally(std::string_view key, const WindowSpec& spec) override;
    void quotaUsage(std::string_view key, UsageCallback done) override;
    void resetQuota(std::string_view key, UniqueFunction<void(bool ok)> done) override;
    void appendMetrics(std::string& out) const override;

    DistributedWindowLimiter& rates() { return m_rates; }

private:
    DistributedWindowLimiter m_rates;
    DistributedWindowLimiter m_quotas;
};

} // namespace gb::gateway
