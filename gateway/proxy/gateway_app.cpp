#include "gateway/proxy/gateway_app.h"

#include "gateway/proxy/admin_api.h"
#include "gateway/proxy/api_admin.h"
#include "gateway/proxy/endpoint_cache.h"
#include "gateway/proxy/proxy_handler.h"
#include "gateway/proxy/proxy_metrics.h"
#include "gateway/proxy/reloader.h"
#include "gateway/proxy/tyk_errors.h"
#include "gateway/proxy/version_check.h"
#include "gateway/server/server.h"

#include <algorithm>

namespace gb::gateway::proxy {

namespace {

// Idle upstream connections per host when tyk.conf does not say (max_idle_connections_per_host
// 0 or absent), for the whole process.
constexpr std::size_t kDefaultMaxIdlePerHost = 256;

/// The control listener's handler: the admin API and nothing else.
class AdminOnlyHandler final : public Handler
{
public:
    explicit AdminOnlyHandler(AdminApi& admin)
        : m_admin(admin)
    {}

    void onRequest(Exchange& ex) override
    {
        if (m_admin.claims(ex.request().path)) {
            m_admin.serve(ex);
            return;
        }
        ex.respond(404, kNotFoundHeaders, kNotFoundBody, BodyOwnership::Borrow);
    }

private:
    AdminApi& m_admin;
};

ServerConfig listenerConfig(const GatewayConfig& config, std::uint16_t port, int threads)
{
    ServerConfig c;
    c.host = config.listenAddress;
    c.port = port;
    c.threads = threads;
    return c;
}

} // namespace

struct GatewayApp::Impl
{
    GatewaySetup setup;
    GatewayExtensions extensions;
    EndpointCache endpoints;
    RouteTableHolder tables{std::make_shared<const RouteTable>(std::vector<ApiDefinition>{})};
    ProxyMetrics metrics;
    std::unique_ptr<Reloader> reloader; // reset before the servers go (see ~GatewayApp)
    AdminApi admin;
    ProxyShared shared;
    LoadResult initial;
    std::unique_ptr<Server> server;
    std::unique_ptr<Server> control;
    bool started = false;

    explicit Impl(GatewaySetup s, GatewayExtensions e)
        : setup(std::move(s))
        , extensions(std::move(e))
        , metrics(static_cast<int>(setup.threads))
        , reloader(std::make_unique<Reloader>(
              [this] {
                  for (const auto& hook : extensions.reloadHooks)
                      hook();
                  return loadApis(setup);
              },
              tables, endpoints))
        , admin(setup.config.secret, *reloader, &metrics)
        , shared{makeSettings(), tables, endpoints, metrics, nullptr, filterChain(extensions)}
    {}

    /// Tyk's VersionCheck first (it runs before authentication in Tyk's chain), then the
    /// extensions' filters.
    static std::vector<RequestFilterFactory> filterChain(const GatewayExtensions& e)
    {
        std::vector<RequestFilterFactory> chain{
            [](WorkerContext&) { return std::make_unique<VersionCheckFilter>(); }};
        chain.insert(chain.end(), e.filters.begin(), e.filters.end());
        return chain;
    }

    bool separateControl() const
    {
        const GatewayConfig& c = setup.config;
        return c.controlApiPort != 0 && c.controlApiPort != c.listenPort;
    }

    ProxySettings makeSettings() const
    {
        const GatewayConfig& c = setup.config;
        ProxySettings s;
        s.timeout = c.proxyDefaultTimeout;
        const std::size_t total = c.maxIdleConnectionsPerHost > 0
                                      ? static_cast<std::size_t>(c.maxIdleConnectionsPerHost)
                                      : kDefaultMaxIdlePerHost;
        const std::size_t threads = std::max<std::size_t>(1, setup.threads);
        s.maxIdlePerHost = std::max<std::size_t>(1, (total + threads - 1) / threads);
        // Unless tyk.conf says (max_connections_per_host), as many open at once as may stay
        // pooled: no connection is then ever closed for want of room and opened again. A fast
        // upstream needs a few dozen (20,000 req/s at 0.2 ms keeps 4 busy); a slow one may need
        // the field raised.
        const std::size_t open =
            c.maxConnectionsPerHost > 0 ? static_cast<std::size_t>(c.maxConnectionsPerHost) : total;
        s.maxConnsPerHost = std::max<std::size_t>(1, (open + threads - 1) / threads);
        s.closeConnections = c.closeConnections;
        s.maxConnTime = c.maxConnTime;
        return s;
    }
};

GatewayApp::GatewayApp(GatewaySetup setup, GatewayExtensions extensions)
    : m_impl(std::make_unique<Impl>(std::move(setup), std::move(extensions)))
{
    m_impl->admin.addRoute(
        {"/tyk/apis", std::make_shared<ApiAdmin>(m_impl->tables, m_impl->setup.config.appPath)});
    for (AdminRoute& r : m_impl->extensions.adminRoutes)
        m_impl->admin.addRoute(r);
    for (auto& check : m_impl->extensions.healthChecks)
        m_impl->admin.addHealthCheck(check);
    for (auto& writer : m_impl->extensions.metricsWriters)
        m_impl->admin.addMetricsWriter(writer);
}

GatewayApp::~GatewayApp()
{
    // Workers first, then the reloader thread (a reload finishing now may still post a reply to
    // a worker's loop, which must then still exist), then the servers and the shared state.
    stop();
    wait();
    m_impl->reloader.reset();
}

void GatewayApp::start()
{
    Impl& d = *m_impl;
    d.initial = d.reloader->loadInitial();
    const GatewayConfig& c = d.setup.config;
    if (!d.separateControl())
        d.shared.admin = &d.admin;
    d.server = std::make_unique<Server>(
        listenerConfig(c, c.listenPort, static_cast<int>(d.setup.threads)),
        [&d](WorkerContext& w) { return std::make_unique<ProxyHandler>(w, d.shared); });
    d.admin.addServerStats("main", d.server.get());
    if (d.separateControl()) {
        d.control =
            std::make_unique<Server>(listenerConfig(c, c.controlApiPort, 1), [&d](WorkerContext&) {
                return std::make_unique<AdminOnlyHandler>(d.admin);
            });
        d.admin.addServerStats("control", d.control.get());
    }
    // The API listener first: /metrics on the control listener reads its counters.
    d.server->start();
    if (d.control)
        d.control->start();
    d.started = true;
}

std::string GatewayApp::localAddress() const
{
    return m_impl->server ? m_impl->server->localAddress() : std::string();
}

std::string GatewayApp::controlAddress() const
{
    return m_impl->control ? m_impl->control->localAddress() : std::string();
}

void GatewayApp::reload()
{
    m_impl->reloader->request();
}

void GatewayApp::stop()
{
    if (m_impl->server)
        m_impl->server->stop();
    if (m_impl->control)
        m_impl->control->stop();
}

void GatewayApp::wait()
{
    if (m_impl->server)
        m_impl->server->wait();
    if (m_impl->control)
        m_impl->control->wait();
}

std::size_t GatewayApp::apiCount() const
{
    return m_impl->tables.load()->apis().size();
}

const std::vector<std::string>& GatewayApp::loadErrors() const
{
    return m_impl->initial.errors;
}

} // namespace gb::gateway::proxy
