#include "gateway/access/gateway_features.h"

#include "gateway/access/request_limiter.h"
#include "gateway/keys/memory_key_store.h"
#include "gateway/keys/redis_key_store.h"
#include "gateway/metrics/prometheus_format.h"
#include "gateway/storage/clock.h"
#include "gateway/storage/redis_client.h"

#include <cstdio>

namespace gb::gateway {

namespace {

RedisOptions redisOptions(const StorageConfig& storage, const char* name, bool log)
{
    RedisOptions o;
    o.name = name;
    o.host = storage.host;
    o.port = storage.port;
    o.password = storage.password;
    o.database = storage.database;
    o.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(storage.timeout);
    // A connection attempt must not take longer than a request may wait, and must be short
    // enough that a restarted Redis is noticed within about a second.
    o.connectTimeout = std::min<std::chrono::milliseconds>(o.timeout, std::chrono::seconds(1));
    o.log = log;
    return o;
}

void appendStorage(std::string& out, const std::vector<StorageHealth>& clients)
{
    const auto family = [&](const char* name, MetricType type, const char* help, auto value) {
        appendFamily(out, name, type, help);
        for (const StorageHealth& h : clients) {
            out.append(name).append("{client=");
            appendLabelValue(out, h.name);
            out.append("} ");
            appendValue(out, static_cast<std::uint64_t>(value(h)));
            out.push_back('\n');
        }
    };
    family("gatebench_storage_up", MetricType::Gauge, "1 while the Redis connection is up.",
           [](const StorageHealth& h) { return h.up() ? 1 : 0; });
    family("gatebench_storage_reconnects_total", MetricType::Counter,
           "Connections re-established after a failure.",
           [](const StorageHealth& h) { return h.reconnects(); });
    family("gatebench_storage_connect_failures_total", MetricType::Counter,
           "Failed connection attempts.", [](const StorageHealth& h) { return h.connectFailures; });
    family("gatebench_storage_disconnects_total", MetricType::Counter,
           "Established connections lost (error or timeout).",
           [](const StorageHealth& h) { return h.disconnects; });
    family("gatebench_storage_timeouts_total", MetricType::Counter,
           "Commands not answered within storage.timeout.",
           [](const StorageHealth& h) { return h.timeouts; });
    family("gatebench_storage_rejected_total", MetricType::Counter,
           "Commands failed at once because Redis was down or overloaded.",
           [](const StorageHealth& h) { return h.rejected; });
    family("gatebench_storage_commands_total", MetricType::Counter, "Commands answered by Redis.",
           [](const StorageHealth& h) { return h.commands; });
}

} // namespace

GatewayFeatures::GatewayFeatures(const GatewayConfig& config, FeaturesOptions options)
    : m_clock(options.clock != nullptr ? *options.clock : SystemClock::instance())
    , m_hashKeys(config.hashKeys)
    , m_quotaExceededStatus(config.quotaExceededStatus)
    , m_rateLimitHeaders(config.rateLimitResponseHeaders)
    , m_policies(config.policies, options.log)
    , m_requestLatency("gatebench_api_request_duration_seconds",
                       "Time from request head to response end, per API.", options.workers)
    , m_upstreamLatency("gatebench_api_upstream_latency_seconds",
                        "Time from request sent upstream to response head, per API.",
                        options.workers)
{
    const bool redis = config.storage.type == StorageType::Redis;
    if (redis) {
        m_keysClient =
            std::make_unique<RedisClient>(redisOptions(config.storage, "keys", options.log));
        m_store = std::make_unique<RedisKeyStore>(*m_keysClient);
        DistributedLimiterOptions limiter = options.limiter;
        limiter.waitBudgetMs = config.storage.decisionBudget.count();
        m_limiter = std::make_unique<SharedRequestLimiter>(*m_keysClient, m_clock, limiter);
    } else {
        m_store = std::make_unique<MemoryKeyStore>();
        m_limiter = std::make_unique<LocalRequestLimiter>(m_clock);
    }
    AccessOptions access;
    access.hashKeys = config.hashKeys;
    access.hashKeyFunction = config.hashKeyFunction;
    access.hashKeyFunctionFallback = config.hashKeyFunctionFallback;
    access.decisionBudget = config.storage.decisionBudget;
    access.lookupBudget = config.storage.lookupBudget;
    access.refreshAfter = options.sessionRefresh;
    m_access = std::make_unique<AccessControl>(access, *m_store, m_cache, m_policies, *m_limiter,
                                               m_clock, options.workers);
    m_keyAdmin = std::make_unique<KeyAdmin>(
        KeyAdminOptions{config.hashKeys, config.hashKeyFunction, config.hashKeyFunctionFallback,
                        config.enableHashedKeysListing, options.log},
        *m_store, m_cache, m_policies, *m_limiter, m_clock);
    if (config.enableAnalytics) {
        if (!redis) {
            if (options.log)
                std::fprintf(stderr, "analytics: enable_analytics needs storage.type \"redis\"; "
                                     "analytics are off\n");
        } else {
            m_analyticsClient = std::make_unique<RedisClient>(
                redisOptions(config.storage, "analytics", options.log));
            AnalyticsOptions a;
            a.recordsBufferSize = static_cast<std::size_t>(config.analytics.recordsBufferSize);
            if (config.analytics.serializer == AnalyticsSerializer::Json) {
                a.encoding = AnalyticsEncoding::Json;
                a.listKey += "_json";
            }
            a.ignoredIps = config.analytics.ignoredIps;
            a.log = options.log;
            m_analytics =
                std::make_unique<AnalyticsSink>(std::move(a), *m_analyticsClient, options.workers);
        }
    }
}

GatewayFeatures::~GatewayFeatures()
{
    stop();
}

void GatewayFeatures::reloadPolicies()
{
    if (m_policies.reload())
        m_cache.clear();
}

void GatewayFeatures::start()
{
    if (m_keysClient)
        m_keysClient->start();
    if (m_analyticsClient)
        m_analyticsClient->start();
    if (m_analytics)
        m_analytics->start();
}

bool GatewayFeatures::waitForStorage(std::chrono::milliseconds limit) const
{
    return !m_keysClient || m_keysClient->waitUntilUp(limit);
}

void GatewayFeatures::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    // Analytics first, while its connection still works; then the connections.
    if (m_analytics)
        m_analytics->stop(m_analyticsClient ? m_analyticsClient->options().timeout
                                            : std::chrono::milliseconds(0));
    if (m_analyticsClient)
        m_analyticsClient->stop();
    if (m_keysClient)
        m_keysClient->stop();
}

std::uint32_t GatewayFeatures::analyticsKeyRef(AnalyticsRecorder& recorder,
                                               const CachedSession& session)
{
    std::uint32_t ref = session.analyticsRef.load(std::memory_order_relaxed);
    if (ref == 0) {
        ref = recorder.keyRef(session.keyHash, session.session.alias, session.session.orgId,
                              analyticsTags(session.session));
        session.analyticsRef.store(ref, std::memory_order_relaxed);
    }
    return ref;
}

std::vector<HealthComponent> GatewayFeatures::healthComponents() const
{
    std::vector<HealthComponent> out;
    const auto add = [&out](const RedisClient* client, const char* name) {
        if (client == nullptr)
            return;
        const StorageHealth h = client->health();
        HealthComponent c;
        c.name = name;
        c.status = h.up() ? HealthStatus::Pass : HealthStatus::Fail;
        c.componentType = "datastore";
        if (!h.up())
            c.output = h.lastError.empty() ? std::string(storageStateName(h.state)) : h.lastError;
        c.checkedAt = std::chrono::system_clock::now();
        out.push_back(std::move(c));
    };
    add(m_keysClient.get(), "redis");
    add(m_analyticsClient.get(), "redis_analytics");
    return out;
}

void GatewayFeatures::appendMetrics(std::string& out) const
{
    std::vector<StorageHealth> clients;
    if (m_keysClient)
        clients.push_back(m_keysClient->health());
    if (m_analyticsClient)
        clients.push_back(m_analyticsClient->health());
    if (!clients.empty())
        appendStorage(out, clients);
    m_access->appendMetrics(out);
    m_limiter->appendMetrics(out);
    appendFamily(out, "gatebench_session_cache_entries", MetricType::Gauge,
                 "Sessions cached in this process.");
    out.append("gatebench_session_cache_entries ");
    appendValue(out, static_cast<std::uint64_t>(m_cache.size()));
    out.push_back('\n');
    if (m_analytics) {
        const AnalyticsSink::Stats s = m_analytics->stats();
        const auto sample = [&out](const char* series, std::uint64_t value) {
            out.append(series);
            appendValue(out, value);
            out.push_back('\n');
        };
        appendFamily(out, "gatebench_analytics_records_total", MetricType::Counter,
                     "Analytics records by fate.");
        sample("gatebench_analytics_records_total{result=\"recorded\"} ", s.recorded);
        sample("gatebench_analytics_records_total{result=\"written\"} ", s.written);
        sample("gatebench_analytics_records_total{result=\"dropped\"} ", s.dropped);
        appendFamily(out, "gatebench_analytics_pending", MetricType::Gauge,
                     "Records waiting to be written.");
        sample("gatebench_analytics_pending ", s.pending);
        appendFamily(out, "gatebench_analytics_failed_writes_total", MetricType::Counter,
                     "Batches Redis did not take.");
        sample("gatebench_analytics_failed_writes_total ", s.failedWrites);
    }
    m_requestLatency.render(out);
    m_upstreamLatency.render(out);
}

} // namespace gb::gateway
