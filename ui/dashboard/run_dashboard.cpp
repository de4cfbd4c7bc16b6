#include "ui/dashboard/run_dashboard.h"

#include "ui/charts/chart_widget.h"
#include "ui/dashboard/metric_tile.h"
#include "ui/format.h"
#include "ui/run_charts.h"
#include "ui/scenario_text.h"

#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <chrono>

namespace gb::ui {

namespace {

// The one timer that redraws the dashboard. Each tick redraws the tiles and at most one chart:
// a chart's repaint is the costly part (tens of ms on a loaded machine), so the four are
// spread over the second the data needs to change, and no turn of the GUI's event loop paints
// them all at once.
constexpr int kRepaintMs = 250;
const QList<RunDashboard::Chart> kAllCharts = {
    RunDashboard::Chart::Throughput, RunDashboard::Chart::Latency, RunDashboard::Chart::Cpu,
    RunDashboard::Chart::Distribution};

double seconds(app::Duration d)
{
    return std::chrono::duration<double>(d).count();
}

} // namespace

RunDashboard::RunDashboard(QWidget* parent)
    : QWidget(parent)
    , m_start(new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), QStringLiteral("Start"),
                              this))
    , m_stop(new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), QStringLiteral("Stop"),
                             this))
    , m_exportPdf(new QPushButton(QStringLiteral("Export PDF…"), this))
    , m_title(new QLabel(this))
    , m_phaseLabel(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_progressText(new QLabel(this))
    , m_message(new QLabel(this))
    , m_throughputTile(new MetricTile(QStringLiteral("Throughput"), this))
    , m_p50Tile(new MetricTile(QStringLiteral("Latency p50"), this))
    , m_p90Tile(new MetricTile(QStringLiteral("Latency p90"), this))
    , m_p99Tile(new MetricTile(QStringLiteral("Latency p99"), this))
    , m_maxTile(new MetricTile(QStringLiteral("Latency max"), this))
    , m_errorsTile(new MetricTile(QStringLiteral("Errors"), this))
    , m_cpuTile(new MetricTile(QStringLiteral("CPU (machine)"), this))
    , m_throughputChart(new charts::ChartWidget(this))
    , m_latencyChart(new charts::ChartWidget(this))
    , m_cpuChart(new charts::ChartWidget(this))
    , m_distributionChart(new charts::ChartWidget(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_details(new QTabWidget(this))
    , m_report(new QPlainTextEdit(this))
    , m_errors(new QPlainTextEdit(this))
    , m_repaint(new QTimer(this))
{
    m_start->setObjectName(QStringLiteral("startButton"));
    m_stop->setObjectName(QStringLiteral("stopButton"));
    m_start->setToolTip(QStringLiteral("Start the scenario (F5)"));
    m_stop->setToolTip(QStringLiteral("Stop the run and keep what was measured (Shift+F5)"));
    m_exportPdf->setToolTip(QStringLiteral("Write this run's report as a PDF"));
    m_start->setDefault(true);

    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_phaseLabel->setStyleSheet(QStringLiteral("color: #616161;"));
    m_phaseLabel->setWordWrap(true);
    // The time goes in a label above the bar: text drawn across the bar's two colours is hard
    // to read.
    m_progress->setMinimumWidth(260);
    m_progress->setMaximumHeight(10);
    m_progress->setTextVisible(false);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progressText->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_progressText->setObjectName(QStringLiteral("progressText"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    auto* header = new QHBoxLayout;
    header->addWidget(m_start);
    header->addWidget(m_stop);
    header->addSpacing(12);
    auto* titles = new QVBoxLayout;
    titles->setSpacing(0);
    titles->addWidget(m_title);
    titles->addWidget(m_phaseLabel);
    header->addLayout(titles, 1);
    header->addWidget(m_exportPdf);
    auto* progress = new QVBoxLayout;
    progress->setSpacing(3);
    progress->addWidget(m_progressText);
    progress->addWidget(m_progress);
    header->addLayout(progress);

    auto* tiles = new QHBoxLayout;
    tiles->setSpacing(8);
    for (MetricTile* tile :
         {m_throughputTile, m_p50Tile, m_p90Tile, m_p99Tile, m_maxTile, m_errorsTile, m_cpuTile})
        tiles->addWidget(tile);

    auto* chartsArea = new QWidget(this);
    auto* grid = new QGridLayout(chartsArea);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(8);
    grid->addWidget(m_throughputChart, 0, 0);
    grid->addWidget(m_latencyChart, 0, 1);
    grid->addWidget(m_cpuChart, 1, 0);
    grid->addWidget(m_distributionChart, 1, 1);

    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (QPlainTextEdit* text : {m_report, m_errors}) {
        text->setReadOnly(true);
        text->setFont(fixed);
        text->setLineWrapMode(QPlainTextEdit::NoWrap);
    }
    m_report->setObjectName(QStringLiteral("reportText"));
    m_details->addTab(m_report, QStringLiteral("Summary (hey's report)"));
    m_details->addTab(m_errors, QStringLiteral("Status codes and errors"));
    m_details->setDocumentMode(true);

    m_splitter->addWidget(chartsArea);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setSizes({640, 200});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 10);
    layout->setSpacing(8);
    layout->addLayout(header);
    layout->addWidget(m_message);
    layout->addLayout(tiles);
    layout->addWidget(m_splitter, 1);

    connect(m_start, &QPushButton::clicked, this, &RunDashboard::startRequested);
    connect(m_stop, &QPushButton::clicked, this, &RunDashboard::stopRequested);
    connect(m_exportPdf, &QPushButton::clicked, this, &RunDashboard::exportPdfRequested);
    m_repaint->setInterval(kRepaintMs);
    connect(m_repaint, &QTimer::timeout, this, &RunDashboard::refresh);

    prepareCharts(false, {QStringLiteral("load")}, 0);
    updateButtons();
}

RunDashboard::~RunDashboard() = default;

charts::ChartWidget* RunDashboard::chart(Chart which) const
{
    switch (which) {
    case Chart::Throughput:
        return m_throughputChart;
    case Chart::Latency:
        return m_latencyChart;
    case Chart::Cpu:
        return m_cpuChart;
    case Chart::Distribution:
        return m_distributionChart;
    }
    return nullptr;
}

void RunDashboard::setScenario(const app::Scenario& scenario)
{
    m_scenario = scenario;
    if (m_running)
        return;
    m_title->setText(scenario.name.isEmpty() ? QStringLiteral("(unnamed scenario)")
                                             : scenario.name);
    m_phaseLabel->setText(describeLoad(scenario) + QStringLiteral("\n") + describePath(scenario));
    if (!m_shownRun)
        showProgress(
            0, QStringLiteral("%1 planned").arg(formatClock(seconds(scenario.totalDuration()))));
}

void RunDashboard::setAvailabilityProblem(const QString& problem)
{
    m_availabilityProblem = problem;
    if (!m_running) {
        if (problem.isEmpty())
            m_message->hide();
        else
            showMessage(problem, true);
    }
    updateButtons();
}

void RunDashboard::prepareCharts(bool withTarget, const QStringList& roles, double plannedSeconds,
                                 bool clear)
{
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

void RunDashboard::runStarting(const app::Scenario& scenario)
{
    m_scenario = scenario;
    m_runScenario = scenario;
    m_running = true;
    m_phase = app::RunPhase::Starting;
    m_shownRun.reset();
    m_data.clear();
    prepareCharts(scenario.load.model != app::LoadModelKind::Max, expectedRoles(scenario),
                  seconds(scenario.totalDuration()));
    for (charts::ChartWidget* c : {m_throughputChart, m_latencyChart, m_cpuChart})
        c->setPlaceholderText(QStringLiteral("Starting…"));
    m_title->setText(scenario.name);
    m_phaseLabel->setText(QStringLiteral("Starting servers"));
    m_progress->setRange(0, 0); // busy until the load starts
    m_progressText->setText(QStringLiteral("starting"));
    m_report->setPlainText(QStringLiteral("The load generator's report appears here when the run "
                                          "ends."));
    m_errors->clear();
    m_message->hide();
    for (MetricTile* t :
         {m_throughputTile, m_p50Tile, m_p90Tile, m_p99Tile, m_maxTile, m_errorsTile, m_cpuTile}) {
        t->setValue(QStringLiteral("–"));
        t->setDetail(QString());
        t->setAlert(false);
    }
    m_repaint->start();
    updateButtons();
}

void RunDashboard::setPhase(app::RunPhase phase, const QString& description)
{
    m_phase = phase;
    if (!m_running)
        return;
    if (!description.isEmpty())
        m_phaseLabel->setText(description);
    if (phase == app::RunPhase::Running) {
        m_sinceLoadStarted.start();
        showProgress(0, QString());
        for (charts::ChartWidget* c : {m_throughputChart, m_latencyChart, m_cpuChart})
            c->setPlaceholderText(QStringLiteral("Waiting for the first second…"));
    } else if (phase == app::RunPhase::Stopping) {
        m_progress->setRange(0, 0);
        m_progressText->setText(QStringLiteral("stopping servers"));
    }
    updateButtons();
}

void RunDashboard::addSnapshot(const engine::Snapshot& snapshot)
{
    m_data.addSnapshot(snapshot);
    m_tilesDirty = true;
    m_dirtyCharts = kAllCharts;
}

void RunDashboard::addHostSample(const app::HostSample& sample)
{
    m_data.addHostSample(sample);
    m_tilesDirty = true;
    m_dirtyCharts = kAllCharts;
}

void RunDashboard::runFinished(const app::RunRecord& run)
{
    m_running = false;
    m_smooth = true; // the window is busy with a run's end already: redraw over a few ticks
    showResult(run);
    m_smooth = false;
    showMessage(QStringLiteral("Run %1 %2 and stored.").arg(run.id, statusWord(run.status)), false);
    updateButtons();
}

void RunDashboard::runFailed(const QString& message, const app::RunRecord& run)
{
    m_running = false;
    if (!run.series.empty() && !run.filePath.isEmpty()) {
        m_smooth = true;
        showResult(run);
        m_smooth = false;
    } else {
        showProgress(0, QStringLiteral("not run"));
        m_phaseLabel->setText(QStringLiteral("The run did not start."));
        m_report->setPlainText(message);
        refresh();
    }
    showMessage(message, true);
    updateButtons();
}

void RunDashboard::showRun(const app::RunRecord& run)
{
    if (m_running)
        return;
    m_message->hide();
    showResult(run);
    updateButtons();
}

QString RunDashboard::statusWord(app::RunStatus status)
{
    switch (status) {
    case app::RunStatus::Completed:
        return QStringLiteral("completed");
    case app::RunStatus::Stopped:
        return QStringLiteral("was stopped");
    case app::RunStatus::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

void RunDashboard::showResult(const app::RunRecord& run)
{
    m_shownRun = run;
    m_runScenario = run.scenario;
    // The run that just ended is already here, second by second: no need to read it again.
    const bool sameData = m_smooth && m_data.snapshots().size() == run.series.size() &&
                          m_data.hostSamples().size() == run.hostSamples.size();
    if (!sameData)
        m_data.setRun(run);
    const double planned = std::max(seconds(run.scenario.totalDuration()), m_data.elapsedS());
    QStringList roles = processRoles(run.hostSamples);
    if (roles.isEmpty())
        roles = expectedRoles(run.scenario);
    prepareCharts(!targetRpsPoints(run.series, run.scenario).isEmpty(), roles, planned, !sameData);
    for (charts::ChartWidget* c : {m_throughputChart, m_latencyChart, m_cpuChart})
        c->setPlaceholderText(QStringLiteral("Nothing was measured"));
    m_title->setText(run.name.isEmpty() ? run.id : run.name);
    m_phaseLabel->setText(
        QStringLiteral("%1 · started %2 · %3%4")
            .arg(run.id, formatDateTime(run.startedAt), statusWord(run.status),
                 run.error.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(run.error)));
    showProgress(1,
                 QStringLiteral("%1 measured").arg(formatClock(std::round(run.summary.durationS))));
    m_report->setPlainText(run.report.isEmpty() ? QStringLiteral("No report: the load did not run.")
                                                : run.report.trimmed());
    m_tilesDirty = true;
    m_dirtyCharts = kAllCharts;
    if (m_smooth) {
        m_repaint->start();
        refresh();
    } else {
        while (!m_dirtyCharts.isEmpty())
            refresh();
    }
}

QString RunDashboard::errorsText() const
{
    QString text = QStringLiteral("Status codes (measured window)\n");
    if (m_data.statusCodes().isEmpty())
        text += QStringLiteral("  none yet\n");
    for (auto it = m_data.statusCodes().begin(); it != m_data.statusCodes().end(); ++it)
        text += QStringLiteral("  %1  %2\n").arg(it.key()).arg(formatCount(it.value()), 12);
    text += QStringLiteral("\nErrors by class (measured window)\n");
    if (m_data.errorsByClass().isEmpty())
        text += QStringLiteral("  none\n");
    for (auto it = m_data.errorsByClass().begin(); it != m_data.errorsByClass().end(); ++it)
        text += QStringLiteral("  %1  %2\n").arg(it.key(), -10).arg(formatCount(it.value()), 12);
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
        m_cpuChart->setAllSeriesPoints(lines);
        break;
    }
    case Chart::Distribution:
        m_distributionChart->setSeriesPoints(0, percentileCurve(m_data.measuredLatency()));
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
    const engine::Histogram& measured = m_data.measuredLatency();
    auto windowMs = [&](double percentile) {
        return double(measured.valueAtPercentile(percentile)) / 1e6;
    };
    const std::uint64_t attempts = m_data.measuredRequests() + m_data.measuredErrors();
    const QString errorShare =
        attempts > 0 ? formatPercent(100.0 * double(m_data.measuredErrors()) / double(attempts), 2)
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
        if (m_data.measuredSeconds() > 0)
            detail.append(QStringLiteral("run %1").arg(
                formatRps(double(m_data.measuredRequests()) / m_data.measuredSeconds())));
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
                measured.empty()
                    ? (inWarmup ? QStringLiteral("warm-up: not counted") : QString())
                    : QStringLiteral("run: %1 ms").arg(formatMsShort(windowMs(percentile))));
        }
        m_errorsTile->setValue(formatCount(last.errors), QStringLiteral("/s"));
        m_errorsTile->setDetail(attempts > 0
                                    ? QStringLiteral("run: %1 (%2)")
                                          .arg(formatCount(m_data.measuredErrors()), errorShare)
                                    : QString());
        m_errorsTile->setAlert(last.errors > 0 || m_data.measuredErrors() > 0);
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

void RunDashboard::updateButtons()
{
    m_start->setEnabled(!m_running && m_availabilityProblem.isEmpty());
    m_start->setToolTip(m_availabilityProblem.isEmpty() ? QStringLiteral("Start the scenario (F5)")
                                                        : m_availabilityProblem);
    m_stop->setEnabled(m_running && m_phase != app::RunPhase::Stopping);
    m_exportPdf->setVisible(!m_running && m_shownRun.has_value());
}

void RunDashboard::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(
        error ? QStringLiteral("QLabel { background: #fdecea; color: #b71c1c; border: 1px solid "
                               "#f5c6c2; border-radius: 3px; padding: 6px; }")
              : QStringLiteral("QLabel { background: #e8f5e9; color: #1b5e20; border: 1px solid "
                               "#c8e6c9; border-radius: 3px; padding: 6px; }"));
    m_message->show();
}

QByteArray RunDashboard::saveState() const
{
    return m_splitter->saveState();
}

void RunDashboard::restoreState(const QByteArray& state)
{
    m_splitter->restoreState(state);
}

} // namespace gb::ui
