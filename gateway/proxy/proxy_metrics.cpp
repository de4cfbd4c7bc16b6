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
    appendFamily(out, "gateway_requests_total", MetricType::Counter,
                 "Requests that matched an API, by API and the status sent to the client (0: "
                 "none, the client went away).");
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

    // A family of one sample: the sum of a counter over the workers.
    const auto total = [&](std::string_view name, MetricType type, std::string_view help,
                           WorkerCounter ProxyWorkerCounters::*counter) {
        appendFamily(out, name, type, help);
        out.append(name).push_back(' ');
        appendValue(out, sum([counter](const ProxyWorkerCounters& w) -> const WorkerCounter& {
                        return w.*counter;
                    }));
        out.push_back('\n');
    };
    total("gateway_unmatched_requests_total", MetricType::Counter, "Requests no API matched (404).",
          &ProxyWorkerCounters::unmatched);
    appendFamily(out, "gateway_upstream_errors_total", MetricType::Counter,
                 "Failed upstream exchanges, by kind.");
    for (int k = 0; k < kUpstreamErrorCount; ++k) {
        out.append("gateway_upstream_errors_total{kind=\"");
        out.append(toString(static_cast<UpstreamError>(k)));
        out.append("\"} ");
        appendValue(out, sum([k](const ProxyWorkerCounters& w) -> const WorkerCounter& {
                        return w.upstreamErrors[static_cast<std::size_t>(k)];
                    }));
        out.push_back('\n');
    }
    total("gateway_upstream_retries_total", MetricType::Counter,
          "Requests sent again on a new connection after a pooled one turned out closed.",
          &ProxyWorkerCounters::retries);
    total("gateway_upstream_connections_opened_total", MetricType::Counter,
          "Connections opened to upstreams.", &ProxyWorkerCounters::upstreamConnects);
    total("gateway_upstream_open_connections", MetricType::Gauge,
          "Connections to upstreams open now, busy or pooled.", &ProxyWorkerCounters::upstreamOpen);
    total("gateway_upstream_waits_total", MetricType::Counter,
          "Requests that waited for an upstream connection: max_connections_per_host were open "
          "and none was idle.",
          &ProxyWorkerCounters::upstreamWaits);
    total("gateway_upstream_waiting_requests", MetricType::Gauge,
          "Requests waiting for an upstream connection now.",
          &ProxyWorkerCounters::upstreamWaiting);
}

} // namespace gb::gateway::proxy
