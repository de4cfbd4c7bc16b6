#include "gateway/proxy/admin_api.h"

#include "common/http/query.h"
#include "common/version.h"
#include "gateway/config/constant_time.h"
#include "gateway/metrics/prometheus_format.h"
#include "gateway/proxy/process_stats.h"
#include "gateway/proxy/proxy_metrics.h"
#include "gateway/proxy/reloader.h"
#include "gateway/server/server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <memory>

namespace gb::gateway::proxy {

namespace {

constexpr http::Header kJson[] = {{"Content-Type", "application/json"}};
constexpr http::Header kPrometheus[] = {{"Content-Type", "text/plain; version=0.0.4"}};

bool isReadMethod(http::Method m)
{
    return m == http::Method::Get || m == http::Method::Head;
}

void respondJson(Exchange& ex, const AdminResponse& r)
{
    ex.respond(r.status, kJson, r.body);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// AdminReply

AdminReply::AdminReply(Exchange& exchange)
    : m_exchange(exchange)
{}

AdminReply& AdminReply::operator=(AdminReply&& other) noexcept
{
    if (this != &other) {
        if (pending())
            send(errorResponse(500, "The request was not answered"));
        m_exchange = std::move(other.m_exchange);
    }
    return *this;
}

AdminReply::~AdminReply()
{
    if (pending())
        send(errorResponse(500, "The request was not answered"));
}

void AdminReply::send(const AdminResponse& response)
{
    send(response.status, "application/json", response.body);
}

void AdminReply::send(int status, std::string_view contentType, std::string_view body)
{
    if (Exchange* ex = m_exchange.get()) {
        const http::Header headers[] = {{"Content-Type", contentType}};
        ex->respond(status, headers, body);
    }
    m_exchange.reset();
}

boost::asio::io_context& AdminReply::ioContext() const
{
    return m_exchange->worker().ioContext;
}

// ---------------------------------------------------------------------------------------------

/// Reads an endpoint's request body whole (bounded), then calls the endpoint. Admin traffic is
/// rare, so each request gets its own reader, freed when the exchange ends.
class AdminApi::BodyReader final : public ExchangeListener
{
public:
    BodyReader(Exchange& ex, const AdminRoute& route)
        : m_ref(ex)
        , m_route(route)
    {
        ex.setListener(this);
    }

    void start()
    {
        if (Exchange* ex = m_ref.get()) {
            if (ex->bodyComplete()) {
                deliver(*ex);
                return;
            }
            ex->readBody();
        }
    }

    void onBody(Exchange& ex, std::string_view data, bool last) override
    {
        if (m_body.size() + data.size() > kMaxBody) {
            ex.setListener(nullptr);
            respondJson(ex, errorResponse(413, "Request body too large"));
            delete this;
            return;
        }
        m_body.append(data);
        if (last) {
            deliver(ex);
            return;
        }
        ex.readBody();
    }

    void onAbort() override { delete this; }

private:
    void deliver(Exchange& ex)
    {
        ex.setListener(nullptr);
        const http::Request& head = ex.request();
        const AdminRequest request{head, head.path, head.query, m_body};
        m_route.endpoint->handle(request, AdminReply(ex));
        delete this;
    }

    ExchangeRef m_ref;
    const AdminRoute& m_route;
    std::string m_body;
};

AdminApi::AdminApi(std::string secret, Reloader& reloader, ProxyMetrics* metrics)
    : m_secret(std::move(secret))
    , m_reloader(reloader)
    , m_metrics(metrics)
{}

void AdminApi::addRoute(AdminRoute route)
{
    while (route.prefix.size() > 1 && route.prefix.back() == '/')
        route.prefix.pop_back();
    m_routes.push_back(std::move(route));
}

void AdminApi::addHealthCheck(std::function<HealthComponent()> check)
{
    m_healthChecks.push_back(std::move(check));
}

void AdminApi::addServerStats(std::string name, const Server* server)
{
    m_serverStats.emplace_back(std::move(name), server);
}

void AdminApi::addMetricsWriter(MetricsWriter writer)
{
    m_metricsWriters.push_back(std::move(writer));
}

bool AdminApi::claims(std::string_view path) const
{
    if (path == "/hello" || path == "/metrics" || path == "/tyk")
        return true;
    return path.size() > 5 && path.substr(0, 5) == "/tyk/";
}

const AdminRoute* AdminApi::findRoute(std::string_view path) const
{
    const AdminRoute* best = nullptr;
    for (const AdminRoute& r : m_routes) {
        const std::string_view prefix = r.prefix;
        if (path.size() >= prefix.size() && path.substr(0, prefix.size()) == prefix &&
            (path.size() == prefix.size() || path[prefix.size()] == '/') &&
            (!best || prefix.size() > best->prefix.size()))
            best = &r;
    }
    return best;
}

void AdminApi::serve(Exchange& ex)
{
    const http::Request& req = ex.request();
    if (req.path == "/hello") {
        if (req.method != "GET") { // Tyk's liveCheckHandler (gateway/health_check.go:213-216)
            respondJson(ex, errorResponse(405, "Method Not Allowed"));
            return;
        }
        std::vector<HealthComponent> components;
        for (const auto& check : m_healthChecks)
            components.push_back(check());
        respondJson(ex, helloResponse(gb::kVersion, components));
        return;
    }
    if (req.path == "/metrics") {
        if (!isReadMethod(req.methodId)) {
            respondJson(ex, errorResponse(405, "Method Not Allowed"));
            return;
        }
        const std::string body = renderMetrics();
        ex.respond(200, kPrometheus, body);
        return;
    }
    if (!isAdminSecretValid(m_secret, req.header("x-tyk-authorization"))) {
        respondJson(ex, forbiddenResponse());
        return;
    }
    serveTyk(ex);
}

void AdminApi::serveTyk(Exchange& ex)
{
    const http::Request& req = ex.request();
    const std::string_view path = req.path;
    if (path == "/tyk/reload" || path == "/tyk/reload/" || path == "/tyk/reload/group") {
        if (req.method != "GET") { // routed with Methods("GET") (gateway/server.go:923-924)
            respondJson(ex, errorResponse(405, "Method not supported"));
            return;
        }
        if (http::queryValue(req.query, "block") != "true") {
            // Tyk queues the reload and answers at once.
            m_reloader.request();
            respondJson(ex, reloadResponse());
            return;
        }
        // Answered on this worker once the new table is live. The reply is moved into the
        // post, so it is used and destroyed on this thread only.
        auto reply = std::make_shared<AdminReply>(ex);
        boost::asio::io_context* io = &ex.worker().ioContext;
        m_reloader.request([io, reply = std::move(reply)]() mutable {
            boost::asio::post(*io, [reply = std::move(reply)] { reply->send(reloadResponse()); });
        });
        return;
    }
    if (const AdminRoute* route = findRoute(path)) {
        (new BodyReader(ex, *route))->start();
        return;
    }
    respondJson(ex, errorResponse(404, "Not found"));
}

std::string AdminApi::renderMetrics() const
{
    std::string out;
    out.reserve(16 * 1024);
    appendFamily(out, "gateway_up", MetricType::Gauge,
                 "Whether the gateway is serving (always 1 when scraped).");
    out.append("gateway_up 1\n");
    if (m_metrics)
        m_metrics->render(out);

    appendFamily(out, "gateway_reloads_total", MetricType::Counter,
                 "Route tables published (start-up and reloads).");
    out.append("gateway_reloads_total ");
    appendValue(out, m_reloader.reloads());
    out.push_back('\n');

    appendFamily(out, "gateway_responses_total", MetricType::Counter,
                 "Responses sent by a listener, by status (proxied, admin and refused requests "
                 "alike).");
    std::vector<StatsSnapshot> snapshots;
    for (const auto& [name, server] : m_serverStats)
        snapshots.push_back(server->stats().snapshot());
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
        for (int status = 0; status <= StatsSnapshot::kMaxStatus; ++status) {
            const std::uint64_t n =
                snapshots[i].responsesByStatus[static_cast<std::size_t>(status)];
            if (n == 0)
                continue;
            out.append("gateway_responses_total{listener=");
            appendLabelValue(out, m_serverStats[i].first);
            out.append(",status=\"");
            appendValue(out, static_cast<std::uint64_t>(status));
            out.append("\"} ");
            appendValue(out, n);
            out.push_back('\n');
        }
    }
    appendFamily(out, "gateway_client_failures_total", MetricType::Counter,
                 "Client connections that failed, by kind.");
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
        for (int k = 0; k < kFailKindCount; ++k) {
            out.append("gateway_client_failures_total{listener=");
            appendLabelValue(out, m_serverStats[i].first);
            out.append(",kind=\"");
            for (const char ch : toString(static_cast<FailKind>(k)))
                out.push_back(ch == ' ' ? '_' : ch); // "header timeout" -> header_timeout
            out.append("\"} ");
            appendValue(out, snapshots[i].failures[static_cast<std::size_t>(k)]);
            out.push_back('\n');
        }
    }
    appendFamily(out, "gateway_open_connections", MetricType::Gauge,
                 "Client connections open now.");
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
        out.append("gateway_open_connections{listener=");
        appendLabelValue(out, m_serverStats[i].first);
        out.append("} ");
        appendValue(out, static_cast<std::uint64_t>(
                             snapshots[i].openConnections > 0 ? snapshots[i].openConnections : 0));
        out.push_back('\n');
    }
    appendFamily(out, "gateway_accepted_connections_total", MetricType::Counter,
                 "Client connections accepted.");
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
        out.append("gateway_accepted_connections_total{listener=");
        appendLabelValue(out, m_serverStats[i].first);
        out.append("} ");
        appendValue(out, snapshots[i].accepted);
        out.push_back('\n');
    }

    const ProcessStats p = readProcessStats();
    const auto sample = [&](std::string_view name, MetricType type, std::string_view help,
                            auto value) {
        appendFamily(out, name, type, help);
        out.append(name).push_back(' ');
        appendValue(out, value);
        out.push_back('\n');
    };
    sample("process_cpu_seconds_total", MetricType::Counter,
           "User and system CPU time spent, in seconds.", p.cpuSeconds);
    sample("process_resident_memory_bytes", MetricType::Gauge, "Resident memory size, in bytes.",
           p.residentBytes);
    sample("process_open_fds", MetricType::Gauge, "Open file descriptors.", p.openFds);
    sample("process_start_time_seconds", MetricType::Gauge,
           "Start time since the Unix epoch, in seconds.", p.startTimeSeconds);

    for (const MetricsWriter& write : m_metricsWriters)
        write(out);
    return out;
}

} // namespace gb::gateway::proxy
