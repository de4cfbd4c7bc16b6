#include "gateway/access/request_limiter.h"

#include "gateway/metrics/prometheus_format.h"
#include "gateway/storage/clock.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace gb::gateway {

LocalRequestLimiter::LocalRequestLimiter(const Clock& clock)
    : m_rates(clock, LocalWindowLimiter::TimeBase::Steady)
    , m_quotas(clock, LocalWindowLimiter::TimeBase::Unix)
{}

bool LocalRequestLimiter::tryHit(LimitWindow window, std::string_view key, const WindowSpec& spec,
                                 const QuotaSeed& seed, WindowDecision& out)
{
    if (window == LimitWindow::Rate) {
        out = m_rates.hit(key, spec);
        return true;
    }
    // The session's quota_remaining / quota_renews start the counter (a restarted gateway, a key
    // created with a partly used quota); the counter is authoritative from then on.
    LocalWindowLimiter::Seed s;
    if (seed.quotaRenewsUnix > 0 && seed.quotaRemaining >= 0) {
        const auto max = static_cast<std::int64_t>(spec.limit);
        s.used = static_cast<std::uint64_t>(
            std::max<std::int64_t>(0, max - std::min(max, seed.quotaRemaining)));
        s.windowEndMs = seed.quotaRenewsUnix * 1000;
    }
    out = m_quotas.hit(key, spec, &s);
    return true;
}

void LocalRequestLimiter::hitLater(LimitWindow window, std::string_view key, const WindowSpec& spec,
                                   boost::asio::io_context& io, Callback done)
{
    const WindowDecision d = decideLocally(window, key, spec);
    boost::asio::post(io, [done = std::move(done), d]() mutable { done(d); });
}

WindowDecision LocalRequestLimiter::decideLocally(LimitWindow window, std::string_view key,
                                                  const WindowSpec& spec)
{
    return (window == LimitWindow::Rate ? m_rates : m_quotas).hit(key, spec);
}

void LocalRequestLimiter::quotaUsage(std::string_view key, UsageCallback done)
{
    done(m_quotas.usage(key));
}

void LocalRequestLimiter::resetQuota(std::string_view key, UniqueFunction<void(bool ok)> done)
{
    m_quotas.reset(key);
    done(true);
}

void LocalRequestLimiter::appendMetrics(std::string& out) const
{
    appendFamily(out, "gatebench_ratelimit_counters", MetricType::Gauge,
                 "Rate-limit and quota windows held in memory.");
    out.append("gatebench_ratelimit_counters{kind=\"rate\"} ");
    appendValue(out, static_cast<std::uint64_t>(m_rates.size()));
    out.append("\ngatebench_ratelimit_counters{kind=\"quota\"} ");
    appendValue(out, static_cast<std::uint64_t>(m_quotas.size()));
    out.push_back('\n');
}

SharedRequestLimiter::SharedRequestLimiter(RedisClient& client, const Clock& clock,
                                           DistributedLimiterOptions options)
    : m_rates(client, clock, "gb-rate-", options)
    , m_quotas(client, clock, "", options)
{}

bool SharedRequestLimiter::tryHit(LimitWindow window, std::string_view key, const WindowSpec& spec,
                                  const QuotaSeed&, WindowDecision& out)
{
    // Redis' counter and its expiry are the quota; the session's copy is informational.
    return windows(window).tryHit(key, spec, out);
}

void SharedRequestLimiter::hitLater(LimitWindow window, std::string_view key,
                                    const WindowSpec& spec, boost::asio::io_context& io,
                                    Callback done)
{
    windows(window).hitLater(key, spec, io, std::move(done));
}

WindowDecision SharedRequestLimiter::decideLocally(LimitWindow window, std::string_view key,
                                                   const WindowSpec& spec)
{
    return windows(window).decideLocally(key, spec);
}

void SharedRequestLimiter::quotaUsage(std::string_view key, UsageCallback done)
{
    m_quotas.usage(key, std::move(done));
}

void SharedRequestLimiter::resetQuota(std::string_view key, UniqueFunction<void(bool ok)> done)
{
    m_quotas.reset(key, std::move(done));
}

void SharedRequestLimiter::appendMetrics(std::string& out) const
{
    const auto rates = m_rates.stats();
    const auto quotas = m_quotas.stats();
    const auto series = [&out](const char* name, const char* help, std::uint64_t rate,
                               std::uint64_t quota) {
        appendFamily(out, name, MetricType::Counter, help);
        out.append(name).append("{kind=\"rate\"} ");
        appendValue(out, rate);
        out.append("\n").append(name).append("{kind=\"quota\"} ");
        appendValue(out, quota);
        out.push_back('\n');
    };
    series("gatebench_ratelimit_leases_total", "Leases of tokens taken from Redis.", rates.leases,
           quotas.leases);
    series("gatebench_ratelimit_waits_total", "Requests that waited for a lease.", rates.waits,
           quotas.waits);
    series("gatebench_ratelimit_fallbacks_total",
           "Decisions taken by local counters: Redis down, stalled past the wait budget, or "
           "failing.",
           rates.fallbacks, quotas.fallbacks);
    appendFamily(out, "gatebench_ratelimit_fallback_seconds_total", MetricType::Counter,
                 "Time from a first local decision to Redis granting a lease again.");
    const std::pair<const char*, std::uint64_t> spans[] = {{"rate", rates.fallbackMs},
                                                           {"quota", quotas.fallbackMs}};
    for (const auto& [kind, ms] : spans) {
        out.append("gatebench_ratelimit_fallback_seconds_total{kind=\"")
            .append(kind)
            .append("\"} ");
        appendValue(out, static_cast<double>(ms) / 1000.0);
        out.push_back('\n');
    }
}

} // namespace gb::gateway
