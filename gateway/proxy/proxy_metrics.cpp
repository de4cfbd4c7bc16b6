#include "gateway/proxy/proxy_metrics.h"

#include "gateway/metrics/prometheus_format.h"

namespace gb::gateway::proxy {

ApiCounters::ApiCounters(std::string apiId, int workers)
    : m_apiId(std::move(apiId))
{
    for (int i = 0; i < workers; ++i)
        m_byWorker.push_back(std::make_unique<Row>());
}

std::uint64_t ApiCounters::total(int status) const
{
    std::uint64_t sum = 0;
    for (const auto& row : m_byWorker)
        sum += (*row)[static_cast<std::size_t>(status)].value();
    return sum;
}

ProxyMetrics::ProxyMetrics(int workers)
{
    for (int i = 0; i < workers; ++i)
        m_workers.push_back(std::make_unique<ProxyWorkerCounters>());
}

ApiCounters* ProxyMetrics::api(std::string_view apiId)
{
    const std::lock_guard lock(m_mutex);
    auto it = m_apis.find(apiId);
    if (it == m_apis.end())
        it = m_apis
                 .emplace(std::string(apiId),
                          std::make_unique<ApiCounters>(std::string(apiId), workers()))
                 .first;
    return it->second.get();
}

void ProxyMetrics::render(std::string& out) const
{
    out.append("# HELP gateway_requests_total Requests that matched an API, by API and the status "
               "sent to the client (0: none, the client went away).\n"
               "# TYPE gateway_requests_total counter\n");
    {
        const std::lock_guard lock(m_mutex);
        for (const auto& [id, counters] : m_apis) {
            for (int status = 0; status <= ApiCounters::kMaxStatus; ++status) {
                const std::uint64_t n = counters->total(status);
                if (n == 0)
                    continue;
                out.append("gateway_requests_total{api_id=");
                appendLabelValue(out, id);
                out.append(",status=\"");
                appendValue(out, static_cast<std::uint64_t>(status));
                out.append("\"} ");
                appendValue(out, n);
                out.push_back('\n');
            }
        }
    }
    auto sum = [&](auto member) {
        std::uint64_t total = 0;
        for (const auto& w : m_workers)
            total += member(*w).value();
        return total;
    };

    out.append(
        "# HELP gateway_unmatched_requests_total Requests no API matched (404).\n"
        "# TYPE gateway_unmatched_requests_total counter\ngateway_unmatched_requests_total ");
    appendValue(
        out, sum([](const ProxyWorkerCounters& w) -> const WorkerCounter& { return w.unmatched; }));
    out.append("\n# HELP gateway_upstream_errors_total Failed upstream exchanges, by kind.\n"
               "# TYPE gateway_upstream_errors_total counter\n");
    for (int k = 0; k < kUpstreamErrorCount; ++k) {
        out.append("gateway_upstream_errors_total{kind=\"");
        out.append(toString(static_cast<UpstreamError>(k)));
        out.append("\"} ");
        appendValue(out, sum([k](const ProxyWorkerCounters& w) -> const WorkerCounter& {
                        return w.upstreamErrors[static_cast<std::size_t>(k)];
                    }));
        out.push_back('\n');
    }
    out.append(
        "# HELP gateway_upstream_retries_total Requests sent again on a new connection after "
        "a pooled one turned out closed.\n"
        "# TYPE gateway_upstream_retries_total counter\ngateway_upstream_retries_total ");
    appendValue(
        out, sum([](const ProxyWorkerCounters& w) -> const WorkerCounter& { return w.retries; }));
    out.append("\n# HELP gateway_upstream_connections_opened_total Connections opened to "
               "upstreams.\n# TYPE gateway_upstream_connections_opened_total counter\n"
               "gateway_upstream_connections_opened_total ");
    appendValue(out, sum([](const ProxyWorkerCounters& w) -> const WorkerCounter& {
                    return w.upstreamConnects;
                }));
    out.append("\n# HELP gateway_upstream_open_connections Connections to upstreams open now, busy "
               "or pooled.\n# TYPE gateway_upstream_open_connections gauge\n"
               "gateway_upstream_open_connections ");
    appendValue(out, sum([](const ProxyWorkerCounters& w) -> const WorkerCounter& {
                    return w.upstreamOpen;
                }));
    out.append("\n# HELP gateway_upstream_waits_total Requests that waited for an upstream "
               "connection: max_connections_per_host were open and none was idle.\n"
               "# TYPE gateway_upstream_waits_total counter\ngateway_upstream_waits_total ");
    appendValue(out, sum([](const ProxyWorkerCounters& w) -> const WorkerCounter& {
                    return w.upstreamWaits;
                }));
    out.append("\n# HELP gateway_upstream_waiting_requests Requests waiting for an upstream "
               "connection now.\n# TYPE gateway_upstream_waiting_requests gauge\n"
               "gateway_upstream_waiting_requests ");
    appendValue(out, sum([](const ProxyWorkerCounters& w) -> const WorkerCounter& {
                    return w.upstreamWaiting;
                }));
    out.push_back('\n');
}

} // namespace gb::gateway::proxy
