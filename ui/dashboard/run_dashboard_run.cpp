// What the run page shows of a run: before it, its phases and data, its end, a stored run.
#include "ui/charts/chart_widget.h"
#include "ui/dashboard/metric_tile.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/format.h"
#include "ui/run_charts.h"
#include "ui/scenario_text.h"

#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace gb::ui {

namespace {

// New data dirties every chart; the timer redraws them one per tick, in this order.
const QList<RunDashboard::Chart> kAllCharts = {
    RunDashboard::Chart::Throughput, RunDashboard::Chart::Latency, RunDashboard::Chart::Cpu,
    RunDashboard::Chart::Distribution};

double seconds(app::Duration d)
{
    return std::chrono::duration<double>(d).count();
}

} // namespace

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

void RunDashboard::startRefused(const QString& reason)
{
    if (!m_running)
        showMessage(reason, true);
}

void RunDashboard::appendServerLog(const QStringList& lines)
{
    m_serverLog->appendPlainText(lines.join(QLatin1Char('\n')));
}

void RunDashboard::setAgentShares(const QList<app::AgentShare>& shares)
{
    QStringList parts;
    for (const app::AgentShare& a : shares)
        parts.append(a.lost.isEmpty()
                         ? QStringLiteral("%1: %2 req/s, p99 %3 ms")
                               .arg(a.host, formatRps(a.rps), formatMs(a.p99Ms))
                         : QStringLiteral("<span style=\"color:#c62828\">%1: %2</span>")
                               .arg(a.host, a.lost.toHtmlEscaped()));
    m_agents->setText(QStringLiteral("Load agents — ") + parts.join(QStringLiteral(" · ")));
    m_agents->setVisible(!shares.isEmpty());
}

void RunDashboard::runStarting(const app::Scenario& scenario)
{
    m_scenario = scenario;
    m_runScenario = scenario;
    m_running = true;
    m_phase = app::RunPhase::Starting;
    m_shownRun.reset();
    ++m_endGeneration; // the last run's end, if not drawn yet, is not wanted any more
    m_data.clear();
    m_serverLog->clear();
    m_agents->hide();
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
    m_shownRun = run;
    showEnd(QStringLiteral("Run %1 %2 and stored.").arg(run.id, statusWord(run.status)), false);
}

void RunDashboard::runFailed(const QString& message, const app::RunRecord& run)
{
    m_running = false;
    if (!run.series.empty() && !run.filePath.isEmpty()) {
        m_shownRun = run;
        showEnd(message, true);
        return;
    }
    showProgress(0, QStringLiteral("not run"));
    m_phaseLabel->setText(QStringLiteral("The run did not start."));
    m_report->setPlainText(message);
    refresh();
    showMessage(message, true);
    updateButtons();
}

void RunDashboard::showEnd(const QString& message, bool error)
{
    updateButtons();
    // Drawn in a turn of the event loop of its own: the turn that ends a run also files it in
    // the history and takes a study's next step.
    const quint64 generation = ++m_endGeneration;
    QTimer::singleShot(1, this, [this, generation, message, error] {
        if (generation != m_endGeneration || m_running || !m_shownRun)
            return;      // a run started since
        m_smooth = true; // its charts redrawn over the next ticks
        showResult(*m_shownRun);
        m_smooth = false;
        showMessage(message, error);
        updateButtons();
    });
}

void RunDashboard::showRun(const app::RunRecord& run)
{
    if (m_running)
        return;
    ++m_endGeneration; // a finished run not drawn yet gives way to the one asked for
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

} // namespace gb::ui
