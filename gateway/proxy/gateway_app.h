#pragma once

#include "gateway/config/gateway_setup.h"
#include "gateway/proxy/admin_endpoint.h"
#include "gateway/proxy/request_filter.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gb::gateway::proxy {

class AdminApi;

/// What the features beyond the keyless proxy (keys, auth, rate limits, quotas, analytics) plug
/// into the gateway: admin resources, /hello components, /metrics series and request filters.
/// main() fills it from those libraries (e.g. installGatewayFeatures) before the GatewayApp is
/// made.
struct GatewayExtensions
{
    std::vector<AdminRoute> adminRoutes;                        ///< e.g. {"/tyk/keys", ...}
    std::vector<std::function<HealthComponent()>> healthChecks; ///< e.g. redis
    std::vector<RequestFilterFactory> filters;                  ///< run in this order
    /// Appended to /metrics after the proxy's own families, in this order; their family names
    /// must not repeat the proxy's (gateway_*, process_*).
    std::vector<MetricsWriter> metricsWriters;
    /// Run on the reloader's thread each time the APIs are read (start-up, /tyk/reload,
    /// SIGHUP), before they are: what Tyk reloads with its APIs (the policies).
    std::vector<std::function<void()>> reloadHooks;
};

/// gatebench-gateway assembled: the route table and its reloader, the admin API, the proxy's
/// metrics and the listeners (the API listener; the control listener when control_api_port
/// differs from listen_port). main() only parses flags, starts this and waits for signals.
///
/// Lifecycle: construct, start() (throws std::system_error when a port cannot be bound), then
/// stop() and wait(); reload() at any time after start(). The destructor stops and joins.
/// start/wait/destruction belong to one thread; stop() and reload() are thread-safe.
class GatewayApp
{
public:
    explicit GatewayApp(GatewaySetup setup, GatewayExtensions extensions = {});
    ~GatewayApp();
    GatewayApp(const GatewayApp&) = delete;
    GatewayApp& operator=(const GatewayApp&) = delete;

    /// Loads the APIs (a broken file is reported on stderr and skipped) and starts listening.
    void start();
    /// "127.0.0.1:8080", valid after start().
    std::string localAddress() const;
    /// The control listener's address, or empty when the admin API shares the API listener.
    std::string controlAddress() const;
    /// Reloads app_path in the background (SIGHUP), as /tyk/reload does.
    void reload();
    void stop();
    void wait();

    /// APIs served after start(), and the errors of the initial load.
    std::size_t apiCount() const;
    const std::vector<std::string>& loadErrors() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace gb::gateway::proxy
