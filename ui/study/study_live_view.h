#pragma once

#include <QWidget>

class QLabel;

namespace gb::app {
class StudyRunner;
struct RunRecord;
struct Study;
} // namespace gb::app

namespace gb::ui {

namespace charts {
class ChartWidget;
}
class RunDashboard;

/// A study as it runs: which stage and run is on, a strip of the finished runs (p99 and
/// throughput, one mark per run, one colour per stage) that grows as the study goes, and the
/// current run's live dashboard — the Run page's own widgets, fed by the study runner's
/// controller. GUI thread only.
class StudyLiveView final : public QWidget
{
    Q_OBJECT

public:
    explicit StudyLiveView(app::StudyRunner* runner, QWidget* parent = nullptr);

    /// A new study: an empty strip with a series per stage, room for all its runs' marks, and
    /// the dashboard's CPU chart ready for the processes of every stage.
    void reset(const app::Study& study);

    RunDashboard* dashboard() const { return m_dashboard; }
    charts::ChartWidget* p99Strip() const { return m_p99; }
    charts::ChartWidget* throughputStrip() const { return m_throughput; }
    /// Marks in the strip so far (one per finished run).
    int finishedRuns() const { return m_runs; }

private:
    void addFinished(const app::RunRecord& run);

    app::StudyRunner* m_runner;
    QLabel* m_current;
    charts::ChartWidget* m_p99;
    charts::ChartWidget* m_throughput;
    RunDashboard* m_dashboard;
    int m_stage = 0; ///< the stage of the run on now
    int m_runs = 0;
};

} // namespace gb::ui
