#include "ui/run_charts.h"

#include <cmath>

namespace gb::ui {

using charts::AxisScale;
using charts::ChartSpec;
using charts::SeriesSpec;

namespace {

const QColor kMachineColor(0x59, 0x59, 0x59);

const QString kHostPrefix = QStringLiteral("host:");

QColor roleColor(const QString& role)
{
    if (role == QLatin1String("load"))
        return charts::seriesColor(0);
    if (role == QLatin1String("gateway"))
        return charts::seriesColor(1);
    if (role == QLatin1String("upstream"))
        return charts::seriesColor(2);
    if (role == QLatin1String("redis"))
        return charts::seriesColor(3);
    return charts::seriesColor(4);
}

QString roleLabel(const QString& role)
{
    if (role == QLatin1String("load"))
        return QStringLiteral("load generator");
    if (role.startsWith(kHostPrefix))
        return QStringLiteral("host %1").arg(role.mid(kHostPrefix.size()));
    return role;
}

double nsToMs(std::int64_t ns)
{
    return double(ns) / 1e6;
}

} // namespace

engine::Histogram mergeLatency(const std::vector<engine::Snapshot>& series, bool includeWarmup)
{
    engine::Histogram merged;
    for (const engine::Snapshot& s : series) {
        if (s.warmup && !includeWarmup)
            continue;
        if (auto h = engine::Histogram::deserialize(s.histogram))
            merged.merge(*h);
    }
    return merged;
}

QList<QPointF> percentileCurve(const engine::Histogram& histogram)
{
    QList<QPointF> points;
    if (histogram.empty())
        return points;
    // Go as deep into the tail as there are samples for: with n samples the 1 - 1/n percentile
    // is the last one that is not simply the maximum.
    const double nines = std::clamp(std::log10(double(histogram.count())), 1.0, 6.0);
    constexpr int kStepsPerNine = 24;
    const int steps = int(std::ceil(nines * kStepsPerNine));
    for (int i = 0; i <= steps; ++i) {
        const double n = nines * double(i) / double(steps);
        const double percentile = 100.0 * (1.0 - std::pow(10.0, -n));
        points.append({percentile, nsToMs(histogram.valueAtPercentile(percentile))});
    }
    points.append({100.0 * (1.0 - std::pow(10.0, -nines)), nsToMs(histogram.max())});
    return points;
}

QList<QPointF> rpsPoints(const std::vector<engine::Snapshot>& series)
{
    QList<QPointF> points;
    points.reserve(qsizetype(series.size()));
    for (const engine::Snapshot& s : series)
        points.append({s.elapsedS, s.rps});
    return points;
}

QList<QPointF> targetRpsPoints(const std::vector<engine::Snapshot>& series,
                               const app::Scenario& scenario)
{
    QList<QPointF> points;
    // The engine reports a target only for its open loop; hey's per-connection rate has one
    // too: connections x rate, whenever every connection keeps up.
    const double perWorker =
        scenario.load.model == app::LoadModelKind::PerWorkerRate ? scenario.targetRps() : 0;
    for (const engine::Snapshot& s : series) {
        const double target = s.targetRps > 0 ? s.targetRps : perWorker;
        if (target > 0)
            points.append({s.elapsedS, target});
    }
    return points;
}

QList<QPointF> latencyPoints(const std::vector<engine::Snapshot>& series, LatencyLine line)
{
    QList<QPointF> points;
    points.reserve(qsizetype(series.size()));
    for (const engine::Snapshot& s : series) {
        if (s.requests == 0)
            continue; // no response in that second: no latency, not a latency of 0
        const engine::LatencySummary& l = s.latency;
        const double v = line == LatencyLine::P50   ? l.p50
                         : line == LatencyLine::P90 ? l.p90
                         : line == LatencyLine::P99 ? l.p99
                                                    : l.max;
        points.append({s.elapsedS, v});
    }
    return points;
}

QList<QPointF> processCpuPoints(const QList<app::HostSample>& samples, const QString& role)
{
    QList<QPointF> points;
    const bool host = role.startsWith(kHostPrefix);
    const QString name = role.mid(kHostPrefix.size());
    for (const app::HostSample& h : samples) {
        if (h.elapsedS <= 0)
            continue; // the baseline sample before the load starts has no period
        if (host) {
            for (const app::MachineSample& m : h.hosts)
                if (m.host == name)
                    points.append({h.elapsedS, m.busyPercent()});
            continue;
        }
        for (const app::ProcessSample& p : h.processes)
            if (p.role == role && p.alive)
                points.append({h.elapsedS, p.cpuPercent});
    }
    return points;
}

QList<QPointF> machineCpuPoints(const QList<app::HostSample>& samples)
{
    QList<QPointF> points;
    for (const app::HostSample& h : samples)
        if (h.elapsedS > 0)
            points.append({h.elapsedS, h.machineCpuPercent});
    return points;
}

QStringList processRoles(const QList<app::HostSample>& samples)
{
    QStringList seen;
    for (const app::HostSample& h : samples)
        for (const app::ProcessSample& p : h.processes)
            if (!seen.contains(p.role))
                seen.append(p.role);
    QStringList ordered;
    for (const QString& known : {QStringLiteral("load"), QStringLiteral("gateway"),
                                 QStringLiteral("upstream"), QStringLiteral("redis")})
        if (seen.removeAll(known) > 0)
            ordered.append(known);
    QStringList hosts;
    for (const app::HostSample& h : samples)
        for (const app::MachineSample& m : h.hosts)
            if (!hosts.contains(kHostPrefix + m.host))
                hosts.append(kHostPrefix + m.host);
    return ordered + seen + hosts;
}

ChartSpec throughputChart(bool withTarget)
{
    ChartSpec spec;
    spec.title = QStringLiteral("Throughput");
    spec.x.title = QStringLiteral("time (s)");
    spec.y.title = QStringLiteral("requests/s");
    spec.series.append({QStringLiteral("achieved"), charts::seriesColor(0), {}, false, 2});
    if (withTarget)
        spec.series.append({QStringLiteral("target"), kMachineColor, {}, true, 1.5});
    return spec;
}

ChartSpec latencyChart()
{
    ChartSpec spec;
    spec.title = QStringLiteral("Latency per second");
    spec.x.title = QStringLiteral("time (s)");
    spec.y.title = QStringLiteral("ms");
    spec.y.scale = AxisScale::Log10;
    spec.series = {{QStringLiteral("p50"), charts::seriesColor(2), {}, false, 2},
                   {QStringLiteral("p90"), charts::seriesColor(0), {}, false, 2},
                   {QStringLiteral("p99"), charts::seriesColor(1), {}, false, 2},
                   {QStringLiteral("max"), charts::seriesColor(6), {}, true, 1.5}};
    return spec;
}

QString cpuSources(const QList<app::HostSample>& samples)
{
    QString machine = QString::fromLatin1(app::HostSample::kMachineCpuFromProcesses);
    QString hosts;
    for (const app::HostSample& h : samples) {
        machine = h.machineCpuSource;
        if (!h.hosts.isEmpty())
            hosts = h.hosts.first().source;
    }
    QString text = QStringLiteral("How each CPU line is read. Processes: % of one core, as top "
                                  "shows them (/proc/PID/stat). This machine: % of all its "
                                  "cores (%1).")
                       .arg(machine);
    if (!hosts.isEmpty())
        text += QStringLiteral(" Hosts: % of all their cores (%1).").arg(hosts);
    return text;
}

ChartSpec cpuChart(const QStringList& roles)
{
    ChartSpec spec;
    spec.title = QStringLiteral("CPU");
    spec.x.title = QStringLiteral("time (s)");
    spec.y.title = QStringLiteral("%");
    // Processes as top shows them (100 = one core busy), the machine as a share of all cores.
    int hosts = 0; // the hosts take the palette's colours after the processes'
    for (const QString& role : roles)
        spec.series.append(
            {roleLabel(role),
             role.startsWith(kHostPrefix) ? charts::seriesColor(5 + hosts++) : roleColor(role),
             {},
             false,
             2});
    spec.series.append({QStringLiteral("this machine"), kMachineColor, {}, true, 1.5});
    return spec;
}

ChartSpec distributionChart(const QStringList& curveNames)
{
    ChartSpec spec;
    spec.title = QStringLiteral("Latency distribution");
    spec.x.title = QStringLiteral("percentile (%)");
    spec.x.scale = AxisScale::Percentile;
    spec.y.title = QStringLiteral("ms");
    spec.y.scale = AxisScale::Log10;
    for (int i = 0; i < curveNames.size(); ++i)
        spec.series.append({curveNames[i], charts::seriesColor(i), {}, false, 2});
    spec.legend = curveNames.size() > 1;
    return spec;
}

QList<ChartSpec> runCharts(const app::RunRecord& run)
{
    const QList<QPointF> targets = targetRpsPoints(run.series, run.scenario);
    ChartSpec throughput = throughputChart(!targets.isEmpty());
    throughput.series[0].points = rpsPoints(run.series);
    if (!targets.isEmpty())
        throughput.series[1].points = targets;

    ChartSpec latency = latencyChart();
    const LatencyLine lines[] = {LatencyLine::P50, LatencyLine::P90, LatencyLine::P99,
                                 LatencyLine::Max};
    for (int i = 0; i < 4; ++i)
        latency.series[i].points = latencyPoints(run.series, lines[i]);

    const QStringList roles = processRoles(run.hostSamples);
    ChartSpec cpu = cpuChart(roles);
    for (int i = 0; i < roles.size(); ++i)
        cpu.series[i].points = processCpuPoints(run.hostSamples, roles[i]);
    cpu.series.last().points = machineCpuPoints(run.hostSamples);

    ChartSpec distribution = distributionChart({run.name});
    distribution.series[0].points = percentileCurve(mergeLatency(run.series));
    return {throughput, latency, cpu, distribution};
}

ChartSpec overlaidThroughputChart(const QList<const app::RunRecord*>& runs,
                                  const QList<int>& groupOfRun, const QStringList& labels)
{
    ChartSpec spec;
    spec.title = QStringLiteral("Throughput over time");
    spec.x.title = QStringLiteral("time (s)");
    spec.y.title = QStringLiteral("requests/s");
    QList<int> seenInGroup;
    for (int i = 0; i < runs.size(); ++i) {
        const int group = groupOfRun.value(i);
        while (seenInGroup.size() <= group)
            seenInGroup.append(0);
        // Runs of one group share a colour and one legend entry; the 2nd and later runs are
        // drawn lighter so the groups stay readable when they overlap.
        QColor color = charts::seriesColor(group);
        const bool first = seenInGroup[group] == 0;
        if (!first)
            color = color.lighter(100 + 25 * seenInGroup[group]);
        ++seenInGroup[group];
        spec.series.append({labels.value(i), color, rpsPoints(runs[i]->series), false, 1.5, first});
    }
    return spec;
}

ChartSpec groupDistributionChart(const QList<QList<const app::RunRecord*>>& groups,
                                 const QStringList& groupNames)
{
    ChartSpec spec = distributionChart(groupNames);
    spec.title = QStringLiteral("Latency distribution per group");
    spec.legend = true;
    for (int g = 0; g < groups.size() && g < spec.series.size(); ++g) {
        engine::Histogram merged;
        for (const app::RunRecord* run : groups[g])
            merged.merge(mergeLatency(run->series));
        spec.series[g].points = percentileCurve(merged);
    }
    return spec;
}

} // namespace gb::ui
