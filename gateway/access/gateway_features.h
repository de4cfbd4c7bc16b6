#pragma once

#include "gateway/access/access_control.h"
#include "gateway/access/key_admin.h"
#include "gateway/analytics/analytics_sink.h"
#include "gateway/analytics/latency_histogram.h"
#include "gateway/config/admin_responses.h"
#include "gateway/config/gateway_config.h"
#include "gateway/keys/policy_store.h"
#include "gateway/keys/session_cache.h"
#include "gateway/ratelimit/distributed_limiter.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gb::gateway {

class Clock;
class KeyStore;
class RedisClient;
class RequestLimiter;

struct FeaturesOptions
{
    int workers = 1;
    const Clock* clock = nullptr; ///< null: the system clocks
    /// How often a cached session is re-read from Redis (cross-node staleness window).
    std::chrono::milliseconds sessionRefresh{5000};
    DistributedLimiterOptions limiter;
    bool log = true;
};

/// Keys, rate limits, quotas and analytics for gatebench-gateway, built from tyk.conf: the one
/// object main() makes and hands to the proxy. With storage.type "redis" it owns two Redis
/// connections (keys and limits; analytics), each on its own storage thread; with "memory"
/// everything stays in this process (and analytics, which need Redis, are off).
///
/// Lifecycle, on the main thread: construct, start(), serve, then after the server's workers
/// have stopped: stop() (flushes analytics, closes Redis), then destroy the server, then this.
/// Accessors are thread-safe; see each component for its threading rules.
class GatewayFeatures
{
public:
    GatewayFeatures(const GatewayConfig& config, FeaturesOptions options);
    ~GatewayFeatures();
    GatewayFeatures(const GatewayFeatures&) = delete;
    GatewayFeatures& operator=(const GatewayFeatures&) = delete;

    void start();
    /// Start-up only: waits until Redis answers (true at once for in-memory storage).
    bool waitForStorage(std::chrono::milliseconds limit) const;
    void stop();

    AccessControl& access() { return *m_access; }
    KeyAdmin& keyAdmin() { return *m_keyAdmin; }
    /// Null when analytics are off (enable_analytics false, or in-memory storage).
    AnalyticsSink* analytics() { return m_analytics.get(); }
    /// gatebench_api_request_duration_seconds: head received -> response done, per API.
    ApiLatencyHistograms& requestLatency() { return m_requestLatency; }
    /// gatebench_api_upstream_latency_seconds: request sent -> response head, per API.
    ApiLatencyHistograms& upstreamLatency() { return m_upstreamLatency; }
    SessionCache& sessionCache() { return m_cache; }
    PolicyStore& policies() { return m_policies; }
    /// Reads the policies again (/tyk/reload); cached sessions go when they changed, so that
    /// every key is checked against the new ones from its next request.
    void reloadPolicies();
    /// The status a request over its quota gets: Tyk's 403, or 429 when the conf asks for it.
    int quotaExceededStatus() const { return m_quotaExceededStatus; }
    /// What X-Ratelimit-* headers carry (tyk.conf rate_limit_response_headers).
    RateLimitHeaderSource rateLimitHeaders() const { return m_rateLimitHeaders; }

    /// The key's interned analytics identity, cached in the session.
    static std::uint32_t analyticsKeyRef(AnalyticsRecorder& recorder, const CachedSession& session);

    /// /hello's "details": "redis" (keys and limits) and "redis_analytics"; none in memory mode.
    std::vector<HealthComponent> healthComponents() const;
    /// Appends storage, access, rate-limit, analytics and latency series (Prometheus text).
    void appendMetrics(std::string& out) const;

private:
    const Clock& m_clock;
    const bool m_hashKeys;
    const int m_quotaExceededStatus;
    const RateLimitHeaderSource m_rateLimitHeaders;
    std::unique_ptr<RedisClient> m_keysClient;
    std::unique_ptr<RedisClient> m_analyticsClient;
    std::unique_ptr<KeyStore> m_store;
    SessionCache m_cache;
    PolicyStore m_policies;
    std::unique_ptr<RequestLimiter> m_limiter;
    std::unique_ptr<AccessControl> m_access;
    std::unique_ptr<KeyAdmin> m_keyAdmin;
    std::unique_ptr<AnalyticsSink> m_analytics;
    ApiLatencyHistograms m_requestLatency;
    ApiLatencyHistograms m_upstreamLatency;
    bool m_stopped = false;
};

} // namespace gb::gateway
