#include "gateway/analytics/latency_histogram.h"

#include "gateway/metrics/prometheus_format.h"

#include <set>

namespace gb::gateway {

void LatencyHistogram::addTo(HistogramSnapshot& s) const noexcept
{
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
        const std::uint64_t c = m_counts[i].load(std::memory_order_relaxed);
        s.counts[i] += c;
        s.count += c;
    }
    s.sumNs += m_sumNs.load(std::memory_order_relaxed);
}

ApiLatencyHistograms::ApiLatencyHistograms(std::string metricName, std::string help, int workers)
    : m_name(std::move(metricName))
    , m_help(std::move(help))
{
    for (int i = 0; i < std::max(1, workers); ++i)
        m_workers.push_back(std::make_unique<PerWorker>());
}

LatencyHistogram& ApiLatencyHistograms::histogram(int worker, std::string_view apiId)
{
    PerWorker& w = *m_workers[static_cast<std::size_t>(worker)];
    std::lock_guard lock(w.mutex);
    auto it = w.byApi.find(apiId);
    if (it == w.byApi.end())
        it = w.byApi.emplace(std::string(apiId), std::make_unique<LatencyHistogram>()).first;
    return *it->second;
}

HistogramSnapshot ApiLatencyHistograms::snapshot(std::string_view apiId) const
{
    HistogramSnapshot s;
    for (const auto& w : m_workers) {
        std::lock_guard lock(w->mutex);
        const auto it = w->byApi.find(apiId);
        if (it != w->byApi.end())
            it->second->addTo(s);
    }
    return s;
}

void ApiLatencyHistograms::render(std::string& out) const
{
    std::set<std::string, std::less<>> apis;
    for (const auto& w : m_workers) {
        std::lock_guard lock(w->mutex);
        for (const auto& entry : w->byApi)
            apis.insert(entry.first);
    }
    appendFamily(out, m_name, MetricType::Histogram, m_help);
    for (const std::string& api : apis) {
        const HistogramSnapshot s = snapshot(api);
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < HistogramSnapshot::kBuckets; ++i) {
            cumulative += s.counts[i];
            out.append(m_name).append("_bucket{api_id=");
            appendLabelValue(out, api);
            out.append(",le=\"");
            if (i < LatencyHistogram::kBoundsNs.size())
                appendValue(out, static_cast<double>(LatencyHistogram::kBoundsNs[i]) / 1e9);
            else
                out.append("+Inf");
            out.append("\"} ");
            appendValue(out, cumulative);
            out.push_back('\n');
        }
        out.append(m_name).append("_sum{api_id=");
        appendLabelValue(out, api);
        out.append("} ");
        appendValue(out, static_cast<double>(s.sumNs) / 1e9);
        out.push_back('\n');
        out.append(m_name).append("_count{api_id=");
        appendLabelValue(out, api);
        out.append("} ");
        appendValue(out, s.count);
        out.push_back('\n');
    }
}

} // namespace gb::gateway
