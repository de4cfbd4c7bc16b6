// The run page's timer-driven redraw: charts one per tick, figure tiles, progress, error counts.
#include "ui/charts/chart_widget.h"
#include "ui/dashboard/metric_tile.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/format.h"
#include "ui/run_charts.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QTimer>

#include <algorithm>
#include <tuple>
#include <utility>

namespace gb::ui {

void RunDashboard::prepareCharts(bool withTarget, const QStringList& runRoles,
                                 double plannedSeconds, bool clear)
{
    QStringList roles = m_reservedRoles;
    for (const QString& role : runRoles)
        if (!roles.contains(role))
            roles.append(role);
    // A new spec rebuilds a chart's axes and relayouts it: only when its lines change.
    if (!m_chartsBuilt || withTarget != m_withTarget)
        m_throughputChart->setSpec(throughputChart(withTarget));
    if (!m_chartsBuilt) {
        m_latencyChart->setSpec(latencyChart());
        m_distributionChart->setSpec(distributionChart({QStringLiteral("measured so far")}));
    }
    if (!m_chartsBuilt || roles != m_roles)
        m_cpuChart->setSpec(cpuChart(roles));
    m_chartsBuilt = true;
    m_withTarget = withTarget;
    m_roles = roles;
    m_plannedSeconds = plannedSeconds;
    for (charts::ChartWidget* c :
         {m_throughputChart, m_latencyChart, m_cpuChart, m_distributionChart}) {
        if (clear)
            c->setAllSeriesPoints(QList<QList<QPointF>>(c->spec().series.size()));
        if (c != m_distributionChart && plannedSeconds > 0)
            c->setXRange(0, plannedSeconds);
    }
    const QString waiting = QStringLiteral("Press Start: the first second appears here");
    for (charts::ChartWidget* c : {m_throughputChart, m_latencyChart, m_cpuChart})
        c->setPlaceholderText(waiting);
    m_distributionChart->setPlaceholderText(
        QStringLiteral("The distribution of the measured window (after the warm-up)"));
    m_dirtyCharts.clear();
}

QString RunDashboard::errorsText() const
{
    const engine::SnapshotTotals& measured = m_data.measured();
    QString text = QStringLiteral("Status codes (measured window)\n");
    if (measured.statusCodes().empty())
        text += QStringLiteral("  none yet\n");
    for (const auto& [code, count] : measured.statusCodes())
        text += QStringLiteral("  %1  %2\n").arg(code).arg(formatCount(count), 12);
    text += QStringLiteral("\nErrors by class (measured window)\n");
    if (measured.errorsByClass().empty())
        text += QStringLiteral("  none\n");
    for (const auto& [name, count] : measured.errorsByClass())
        text += QStringLiteral("  %1  %2\n")
                    .arg(QString::fromStdString(name), -10)
                    .arg(formatCount(count), 12);
    if (m_shownRun && !m_shownRun->error.isEmpty())
        text += QStringLiteral("\n%1\n").arg(m_shownRun->error);
    return text;
}

void RunDashboard::refresh()
{
    if (m_running && m_phase == app::RunPhase::Running && m_sinceLoadStarted.isValid()) {
        // The wall clock moves the bar between snapshots; the snapshots correct it.
        const double elapsed =
            std::max(m_data.elapsedS(), double(m_sinceLoadStarted.elapsed()) / 1000.0);
        const double planned = std::max(m_plannedSeconds, 1e-9);
        showProgress(std::min(1.0, elapsed / planned),
                     QStringLiteral("%1 of %2 · %3 left")
                         .arg(formatClock(std::min(elapsed, planned)), formatClock(planned),
                              formatClock(std::max(0.0, planned - elapsed))));
    }
    if (m_tilesDirty) {
        m_tilesDirty = false;
        refreshTiles();
        m_errors->setPlainText(errorsText());
    }
    if (!m_dirtyCharts.isEmpty())
        refreshChart(m_dirtyCharts.takeFirst());
    if (!m_running && m_dirtyCharts.isEmpty())
        m_repaint->stop();
}

void RunDashboard::refreshChart(Chart which)
{
    const auto& series = m_data.snapshots();
    const QList<app::HostSample>& hosts = m_data.hostSamples();
    switch (which) {
    case Chart::Throughput: {
        QList<QList<QPointF>> lines = {rpsPoints(series)};
        if (m_withTarget)
            lines.append(targetRpsPoints(series, m_runScenario));
        m_throughputChart->setAllSeriesPoints(lines);
        break;
    }
    case Chart::Latency:
        m_latencyChart->setAllSeriesPoints(
            {latencyPoints(series, LatencyLine::P50), latencyPoints(series, LatencyLine::P90),
             latencyPoints(series, LatencyLine::P99), latencyPoints(series, LatencyLine::Max)});
        break;
    case Chart::Cpu: {
        QStringList roles = processRoles(hosts);
        for (const QString& role : m_roles)
            if (!roles.contains(role))
                roles.append(role);
        if (roles.size() != m_roles.size()) {
            // A process the scenario did not predict (rare): give it a line.
            m_roles = roles;
            m_cpuChart->setSpec(cpuChart(roles));
            if (m_plannedSeconds > 0)
                m_cpuChart->setXRange(0, m_plannedSeconds);
        }
        QList<QList<QPointF>> lines;
        for (const QString& role : m_roles)
            lines.append(processCpuPoints(hosts, role));
        lines.append(machineCpuPoints(hosts));
        m_cpuChart->setToolTip(cpuSources(hosts));
        m_cpuChart->setAllSeriesPoints(lines);
        break;
    }
    case Chart::Distribution:
        m_distributionChart->setSeriesPoints(0, percentileCurve(m_data.measured().latency()));
        break;
    }
}

void RunDashboard::showProgress(double fraction, const QString& text)
{
    m_progress->setRange(0, 1000);
    m_progress->setValue(int(std::clamp(fraction, 0.0, 1.0) * 1000));
    m_progressText->setText(text);
}

void RunDashboard::refreshTiles()
{
    const auto& series = m_data.snapshots();
    const QList<app::HostSample>& hosts = m_data.hostSamples();
    const engine::SnapshotTotals& measured = m_data.measured();
    auto windowMs = [&](double percentile) {
        return double(measured.latency().valueAtPercentile(percentile)) / 1e6;
    };
    const std::uint64_t attempts = measured.requests() + measured.errors();
    const QString errorShare =
        attempts > 0 ? formatPercent(100.0 * double(measured.errors()) / double(attempts), 2)
                     : QString();

    if (!m_running && m_shownRun) {
        // A finished run: the measured window in large type.
        const app::RunSummary& s = m_shownRun->summary;
        const QString window = QStringLiteral("measured window");
        m_throughputTile->setValue(formatRps(s.rps), QStringLiteral("req/s"));
        m_throughputTile->setDetail(
            s.targetRps > 0 ? QStringLiteral("target %1").arg(formatRps(s.targetRps)) : window);
        const std::pair<MetricTile*, double> latency[] = {{m_p50Tile, s.latency.p50},
                                                          {m_p90Tile, s.latency.p90},
                                                          {m_p99Tile, s.latency.p99},
                                                          {m_maxTile, s.latency.max}};
        for (const auto& [tile, value] : latency) {
            tile->setValue(s.requests > 0 ? formatMsShort(value) : QStringLiteral("–"),
                           QStringLiteral("ms"));
            tile->setDetail(window);
        }
        m_errorsTile->setValue(formatCount(s.errors));
        m_errorsTile->setDetail(errorShare.isEmpty() ? window
                                                     : errorShare + QStringLiteral(" of requests"));
        m_errorsTile->setAlert(s.errors > 0);
        double machine = 0;
        int samples = 0;
        for (const app::HostSample& h : hosts)
            if (h.elapsedS > 0) {
                machine += h.machineCpuPercent;
                ++samples;
            }
        m_cpuTile->setValue(samples > 0 ? QString::number(machine / samples, 'f', 0)
                                        : QStringLiteral("–"),
                            QStringLiteral("%"));
        m_cpuTile->setDetail(QStringLiteral("average over the run"));
        return;
    }

    // A live run: the last second in large type, the measured window so far below it.
    if (!series.empty()) {
        const engine::Snapshot& last = series.back();
        const bool inWarmup = last.warmup;
        m_throughputTile->setValue(formatRps(last.rps), QStringLiteral("req/s"));
        QStringList detail;
        const QList<QPointF> target = targetRpsPoints({last}, m_runScenario);
        if (!target.isEmpty())
            detail.append(QStringLiteral("target %1").arg(formatRps(target.first().y())));
        if (m_data.measured().seconds() > 0)
            detail.append(QStringLiteral("run %1").arg(formatRps(m_data.measured().rps())));
        else if (inWarmup)
            detail.append(QStringLiteral("warm-up"));
        m_throughputTile->setDetail(detail.join(QStringLiteral(" · ")));

        const bool answered = last.requests > 0;
        const std::tuple<MetricTile*, double, double> latency[] = {
            {m_p50Tile, last.latency.p50, 50},
            {m_p90Tile, last.latency.p90, 90},
            {m_p99Tile, last.latency.p99, 99},
            {m_maxTile, last.latency.max, 100}};
        for (const auto& [tile, value, percentile] : latency) {
            tile->setValue(answered ? formatMsShort(value) : QStringLiteral("–"),
                           QStringLiteral("ms"));
            tile->setDetail(
                measured.latency().empty()
                    ? (inWarmup ? QStringLiteral("warm-up: not counted") : QString())
                    : QStringLiteral("run: %1 ms").arg(formatMsShort(windowMs(percentile))));
        }
        m_errorsTile->setValue(formatCount(last.errors), QStringLiteral("/s"));
        m_errorsTile->setDetail(
            attempts > 0
                ? QStringLiteral("run: %1 (%2)").arg(formatCount(measured.errors()), errorShare)
                : QString());
        m_errorsTile->setAlert(last.errors > 0 || measured.errors() > 0);
    }
    if (!hosts.isEmpty()) {
        const app::HostSample& last = hosts.back();
        m_cpuTile->setValue(QString::number(last.machineCpuPercent, 'f', 0), QStringLiteral("%"));
        QStringList detail;
        for (const QString& role : m_roles)
            for (const app::ProcessSample& p : last.processes)
                if (p.role == role)
                    detail.append(QStringLiteral("%1 %2").arg(role).arg(p.cpuPercent, 0, 'f', 0));
        m_cpuTile->setDetail(detail.join(QStringLiteral(" · ")));
    }
}

} // namespace gb::ui
