#pragma once

#include "gateway/config/admin_responses.h"
#include "gateway/config/route_table_holder.h"
#include "gateway/proxy/admin_endpoint.h"
#include "gateway/server/exchange.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gb::gateway {
class Server;
}

namespace gb::gateway::proxy {

class ProxyMetrics;
class Reloader;

/// Tyk's admin API, plus /metrics:
///
///   GET /hello                 health JSON, no secret (Tyk's shape)
///   GET /metrics               Prometheus text, no secret (scrapers send no custom header)
///   GET /tyk/reload[/|/group]  reloads app_path in the background; ?block=true waits for it
///   /tyk/<registered prefix>   an AdminEndpoint: /tyk/apis (ApiAdmin, registered by
///                              GatewayApp), /tyk/keys (gateway/access) ...
///
/// Everything under /tyk/ first needs x-tyk-authorization to match the secret (compared in
/// constant time); otherwise 403 with Tyk's JSON, before any 404 or 405.
///
/// One instance serves every worker (and the control listener) concurrently: configure it
/// (addRoute, addHealthCheck, addServerStats, addMetricsWriter) before serving, after which it
/// is read-only.
class AdminApi
{
public:
    /// Request bodies for endpoints are read whole up to this; larger ones get 413.
    static constexpr std::size_t kMaxBody = 1024 * 1024;

    AdminApi(std::string secret, Reloader& reloader, ProxyMetrics* metrics);
    AdminApi(const AdminApi&) = delete;
    AdminApi& operator=(const AdminApi&) = delete;

    void addRoute(AdminRoute route);
    /// A component for /hello's "details" (e.g. redis), checked on every /hello.
    void addHealthCheck(std::function<HealthComponent()> check);
    /// A listener's counters for /metrics, labelled listener="name". Register before the server
    /// starts; its stats are read only once it serves.
    void addServerStats(std::string name, const Server* server);
    /// Families from outside the proxy (keys, storage, analytics), appended after the proxy's
    /// own, in registration order.
    void addMetricsWriter(MetricsWriter writer);

    /// Whether a request path belongs to the admin API (/hello, /metrics, /tyk, /tyk/...).
    bool claims(std::string_view path) const;
    /// Answers a claimed request; on the exchange's worker thread.
    void serve(Exchange& ex);
    /// The /metrics body (Prometheus text format 0.0.4). Any thread.
    std::string renderMetrics() const;

private:
    class BodyReader;
    void serveTyk(Exchange& ex);
    const AdminRoute* findRoute(std::string_view path) const;

    std::string m_secret;
    Reloader& m_reloader;
    ProxyMetrics* m_metrics;
    std::vector<AdminRoute> m_routes;
    std::vector<std::function<HealthComponent()>> m_healthChecks;
    std::vector<std::pair<std::string, const Server*>> m_serverStats;
    std::vector<MetricsWriter> m_metricsWriters;
};

} // namespace gb::gateway::proxy
