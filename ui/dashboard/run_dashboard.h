#pragma once

#include "app/host_sample.h"
#include "app/run_controller.h"
#include "app/run_record.h"
#include "app/scenario.h"
#include "engine/snapshot.h"
#include "ui/dashboard/live_run_data.h"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTimer;

namespace gb::ui {

namespace charts {
class ChartWidget;
}
class MetricTile;

/// The run page: Start/Stop, the phase and a progress bar with the time left, figure tiles and
/// four charts (throughput achieved vs target, latency percentiles per second, CPU of every
/// process and of the machine, the latency distribution), then hey's report and the errors.
///
/// It shows what it is told and emits intents (startRequested, stopRequested); the main window
/// connects it to the RunController. Incoming data is only stored; charts and tiles are redrawn
/// by one timer, so a burst of samples never costs more than one repaint. GUI thread only.
class RunDashboard final : public QWidget
{
    Q_OBJECT

public:
    enum class Chart
    {
        Throughput,
        Latency,
        Cpu,
        Distribution,
    };

    explicit RunDashboard(QWidget* parent = nullptr);
    ~RunDashboard() override;

    /// The scenario Start will run (its name and planned length show before a run).
    void setScenario(const app::Scenario& scenario);
    /// Why this machine cannot run the scenario (e.g. a missing executable), or empty.
    void setAvailabilityProblem(const QString& problem);

    /// Start was refused (another measurement is in progress): reason shows on the page.
    void startRefused(const QString& reason);
    void runStarting(const app::Scenario& scenario);
    void setPhase(app::RunPhase phase, const QString& description);
    /// Takes the running run's data from controller as it comes: snapshots, host samples, load
    /// agents' shares, server logs (its phase and end stay the owner's to connect).
    void followData(app::RunController* controller);
    void addSnapshot(const engine::Snapshot& snapshot);
    void addHostSample(const app::HostSample& sample);
    /// Lines the run's servers wrote, shown under "Server logs" (the newest 5,000 are kept).
    void appendServerLog(const QStringList& lines);
    /// Load from loadgen hosts: each agent's part of the last interval, shown under the title.
    void setAgentShares(const QList<gb::app::AgentShare>& shares);
    QPlainTextEdit* serverLog() const { return m_serverLog; }
    void runFinished(const app::RunRecord& run);
    void runFailed(const QString& message, const app::RunRecord& run);
    /// Shows a stored run (from the history).
    void showRun(const app::RunRecord& run);
    /// Without Start, Stop and Export (a study's runs: the Study page has its own controls).
    void setControlsVisible(bool visible);
    /// Keeps the room of the message and load-agent lines while they are hidden, so the charts
    /// keep their size from one run to the next (a study's runs follow each other, and every
    /// resize lays a chart out anew on the GUI thread).
    void keepLayoutSteady();
    /// Processes whose CPU line the chart keeps through every run from now on, in this order,
    /// whether a run has them or not: a study whose later stages add a gateway and Redis then
    /// rebuilds no chart between its runs (a new line relayouts a chart, tens of ms of the GUI
    /// thread).
    void reserveRoles(const QStringList& roles) { m_reservedRoles = roles; }

    bool isRunning() const { return m_running; }
    /// The run shown once finished or opened, for its PDF export.
    const std::optional<app::RunRecord>& shownRun() const { return m_shownRun; }

    charts::ChartWidget* chart(Chart which) const;
    QPushButton* startButton() const { return m_start; }
    QPushButton* stopButton() const { return m_stop; }
    MetricTile* throughputTile() const { return m_throughputTile; }

    QByteArray saveState() const;
    void restoreState(const QByteArray& state);

Q_SIGNALS:
    void startRequested();
    void stopRequested();
    void exportPdfRequested();

private:
    // run_dashboard_refresh.cpp
    /// Sets the charts up for a run; clear empties them (a new run or another stored run).
    void prepareCharts(bool withTarget, const QStringList& roles, double plannedSeconds,
                       bool clear = true);
    void refresh();
    void refreshChart(Chart which);
    void refreshTiles();
    void showProgress(double fraction, const QString& text);
    QString errorsText() const;

    // run_dashboard.cpp
    void updateButtons();
    void showMessage(const QString& text, bool error);

    // run_dashboard_run.cpp
    void showResult(const app::RunRecord& run);
    /// The run in m_shownRun ended: shows it and message in a later turn of the event loop.
    void showEnd(const QString& message, bool error);
    static QString statusWord(app::RunStatus status);

    LiveRunData m_data;
    app::Scenario m_scenario;    ///< what Start runs (the editor's scenario)
    app::Scenario m_runScenario; ///< what the charts show: the running or shown run's scenario
    QString m_availabilityProblem;
    std::optional<app::RunRecord> m_shownRun;
    QStringList m_roles;
    QStringList m_reservedRoles;
    bool m_withTarget = false;
    bool m_chartsBuilt = false;
    bool m_running = false;
    bool m_controlsVisible = true;
    bool m_tilesDirty = false;
    QList<Chart> m_dirtyCharts;  ///< redrawn one per timer tick, in this order
    bool m_smooth = false;       ///< spread a finished run's redraw over the ticks too
    quint64 m_endGeneration = 0; ///< showEnd's pending drawing is current while it matches
    app::RunPhase m_phase = app::RunPhase::Idle;
    double m_plannedSeconds = 0;
    QElapsedTimer m_sinceLoadStarted;

    QPushButton* m_start;
    QPushButton* m_stop;
    QPushButton* m_exportPdf;
    QLabel* m_title;
    QLabel* m_phaseLabel;
    QProgressBar* m_progress;
    QLabel* m_progressText;
    QLabel* m_message;
    QLabel* m_agents;
    MetricTile* m_throughputTile;
    MetricTile* m_p50Tile;
    MetricTile* m_p90Tile;
    MetricTile* m_p99Tile;
    MetricTile* m_maxTile;
    MetricTile* m_errorsTile;
    MetricTile* m_cpuTile;
    charts::ChartWidget* m_throughputChart;
    charts::ChartWidget* m_latencyChart;
    charts::ChartWidget* m_cpuChart;
    charts::ChartWidget* m_distributionChart;
    QSplitter* m_splitter;
    QTabWidget* m_details;
    QPlainTextEdit* m_report;
    QPlainTextEdit* m_errors;
    QPlainTextEdit* m_serverLog;
    QTimer* m_repaint;
};

} // namespace gb::ui
