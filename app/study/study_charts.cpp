#include "app/study/study_charts.h"

#include "engine/histogram.h"

#include <QMap>

#include <cmath>

namespace gb::app {

namespace {

/// Seconds into the measured window at the end of each measured snapshot: the warm-up is
/// shown live but is not part of what the study compares.
template <class ValueOf>
ChartSeries measuredSeries(const RunRecord& run, const QString& name, ValueOf valueOf)
{
    ChartSeries series{name, {}};
    double start = -1;
    for (const engine::Snapshot& s : run.series) {
        if (s.warmup)
            continue;
        if (start < 0)
            start = s.elapsedS - s.intervalS;
        series.points.append({s.elapsedS - start, valueOf(s)});
    }
    return series;
}

QString runName(int index)
{
    return QStringLiteral("#%1").arg(index + 1);
}

} // namespace

bool ReportChart::isEmpty() const
{
    for (const ChartSeries& s : series)
        if (!s.points.isEmpty())
            return false;
    return true;
}

ReportChart throughputOverTime(const StageResult& stage)
{
    ReportChart chart;
    chart.title = QStringLiteral("%1: throughput over time").arg(stage.name);
    chart.xLabel = QStringLiteral("Time (s)");
    chart.yLabel = QStringLiteral("Requests/s");
    for (qsizetype i = 0; i < stage.runs.size(); ++i)
        chart.series.append(measuredSeries(stage.runs[i], runName(int(i)),
                                           [](const engine::Snapshot& s) { return s.rps; }));
    if (const LoadSettings& load = stage.scenario.load; load.model == LoadModelKind::PerWorkerRate)
        chart.limits.append({QStringLiteral("offered"), load.connections * load.perWorkerRate});
    for (const ThresholdCheck& c : stage.thresholds)
        if (c.kind == ThresholdKind::MinRps)
            chart.limits.append({c.condition(), c.limit});
    return chart;
}

ReportChart p99OverTime(const StageResult& stage)
{
    ReportChart chart;
    chart.title = QStringLiteral("%1: 99% latency over time").arg(stage.name);
    chart.xLabel = QStringLiteral("Time (s)");
    chart.yLabel = QStringLiteral("p99 (ms)");
    for (qsizetype i = 0; i < stage.runs.size(); ++i)
        chart.series.append(
            measuredSeries(stage.runs[i], runName(int(i)),
                           [](const engine::Snapshot& s) { return s.latency.p99; }));
    for (const ThresholdCheck& c : stage.thresholds)
        if (c.kind == ThresholdKind::MaxP99)
            chart.limits.append({c.condition(), c.limit});
    return chart;
}

ReportChart cpuOnHost(const StageResult& stage, const QString& host)
{
    ReportChart chart;
    chart.title = QStringLiteral("%1: CPU on %2").arg(stage.name, host);
    chart.xLabel = QStringLiteral("Time (s)");
    chart.yLabel = QStringLiteral("CPU (% of one core)");
    // role -> second index -> (sum, count); the machine's total under an empty role.
    QMap<QString, QMap<int, std::pair<double, int>>> sums;
    int runs = 0;
    for (const RunRecord& run : stage.runs) {
        if (run.environment.hostName != host)
            continue;
        ++runs;
        const int cores = std::max(1, run.environment.cores);
        double start = -1;
        for (qsizetype i = 0; i < run.hostSamples.size() && i < qsizetype(run.series.size()); ++i) {
            if (run.series[i].warmup)
                continue;
            const HostSample& h = run.hostSamples[i];
            if (start < 0)
                start = run.series[i].elapsedS - run.series[i].intervalS;
            const int second = int(std::lround(h.elapsedS - start));
            auto add = [&](const QString& role, double value) {
                auto& cell = sums[role][second];
                cell.first += value;
                cell.second += 1;
            };
            add(QString(), h.machineCpuPercent * cores);
            for (const ProcessSample& p : h.processes)
                if (p.alive)
                    add(p.role, p.cpuPercent);
        }
    }
    if (runs > 1)
        chart.title += QStringLiteral(" (mean of %1 runs)").arg(runs);
    for (auto role = sums.begin(); role != sums.end(); ++role) {
        ChartSeries series{role.key().isEmpty() ? QStringLiteral("whole machine") : role.key(), {}};
        for (auto it = role->begin(); it != role->end(); ++it)
            series.points.append({double(it.key()), it->first / it->second});
        chart.series.append(series);
    }
    return chart;
}

ReportChart latencyPercentiles(const QList<StageResult>& stages)
{
    ReportChart chart;
    chart.title = QStringLiteral("Latency by percentile, all stages");
    chart.xLabel = QStringLiteral("Percentile");
    chart.yLabel = QStringLiteral("Latency (ms)");
    chart.xScale = ChartScale::Percentile;
    for (const StageResult& stage : stages) {
        engine::Histogram merged;
        for (const RunRecord& run : stage.runs)
            if (auto h = engine::Histogram::deserialize(run.summary.histogram.toStdString()))
                merged.merge(*h);
        if (merged.empty())
            continue;
        ChartSeries series{stage.name, {}};
        // Evenly spaced in nines (p = 1 - 10^-k), up to 99.99 %, and only as far as one sample
        // still lies above p: beyond that the curve would only repeat the maximum.
        for (int step = 0; step <= 40; ++step) {
            const double above = std::pow(10.0, -step / 10.0);
            if (above * double(merged.count()) < 1.0)
                break;
            const double p = 100.0 * (1.0 - above);
            series.points.append({p, double(merged.valueAtPercentile(p)) / 1e6});
        }
        chart.series.append(series);
    }
    return chart;
}

} // namespace gb::app
