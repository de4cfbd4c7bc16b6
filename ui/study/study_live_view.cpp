#include "ui/study/study_live_view.h"

#include "app/run_controller.h"
#include "app/study/study_runner.h"
#include "ui/charts/chart_widget.h"
#include "ui/dashboard/run_dashboard.h"
#include "ui/scenario_text.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>

namespace gb::ui {

namespace {

/// Room for every run of the study from the start (whole-number ticks: at least 6 runs wide).
charts::ChartSpec stripSpec(const QString& title, const QString& yTitle, const QStringList& stages,
                            int totalRuns)
{
    charts::ChartSpec spec;
    spec.title = title;
    spec.x.title = QStringLiteral("run of the study");
    spec.x.min = 0;
    spec.x.max = std::max(6, totalRuns);
    spec.x.decimals = 0;
    spec.y.title = yTitle;
    for (int i = 0; i < stages.size(); ++i) {
        charts::SeriesSpec s;
        s.name = stages[i];
        s.color = charts::seriesColor(i);
        s.markers = true;
        spec.series.append(s);
    }
    return spec;
}

void append(charts::ChartWidget* chart, int series, QPointF point)
{
    if (series < 0 || series >= chart->spec().series.size())
        return;
    QList<QPointF> points = chart->spec().series[series].points;
    points.append(point);
    chart->setSeriesPoints(series, points);
}

} // namespace

StudyLiveView::StudyLiveView(app::StudyRunner* runner, QWidget* parent)
    : QWidget(parent)
    , m_runner(runner)
    , m_current(new QLabel(this))
    , m_p99(new charts::ChartWidget(this))
    , m_throughput(new charts::ChartWidget(this))
    , m_dashboard(new RunDashboard(this))
{
    m_current->setObjectName(QStringLiteral("studyCurrentRun"));
    QFont bold = m_current->font();
    bold.setBold(true);
    m_current->setFont(bold);
    m_p99->setObjectName(QStringLiteral("studyP99Strip"));
    m_throughput->setObjectName(QStringLiteral("studyThroughputStrip"));
    for (charts::ChartWidget* strip : {m_p99, m_throughput}) {
        strip->setFixedHeight(190);
        strip->setPlaceholderText(QStringLiteral("One mark per finished run"));
    }
    m_dashboard->setObjectName(QStringLiteral("studyDashboard"));
    m_dashboard->setControlsVisible(false);
    m_dashboard->keepLayoutSteady();
    // As tall as on the Run page: the tab scrolls rather than squeezing the dashboard's charts.
    m_dashboard->setMinimumHeight(680);

    auto* content = new QWidget;
    auto* strips = new QHBoxLayout;
    strips->addWidget(m_p99);
    strips->addWidget(m_throughput);
    auto* inner = new QVBoxLayout(content);
    inner->addWidget(m_current);
    inner->addLayout(strips);
    inner->addWidget(m_dashboard, 1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    // A scroll bar that came and went would resize every chart each time.
    scroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    scroll->setWidget(content);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    reset(app::Study{});

    // The current run, as the Run page shows its own.
    app::RunController* controller = runner->controller();
    connect(runner, &app::StudyRunner::runStarting, m_dashboard, &RunDashboard::runStarting);
    connect(controller, &app::RunController::phaseChanged, m_dashboard, &RunDashboard::setPhase);
    m_dashboard->followData(controller);
    connect(controller, &app::RunController::runFinished, m_dashboard, &RunDashboard::runFinished);
    connect(controller, &app::RunController::runFailed, m_dashboard, &RunDashboard::runFailed);

    // Which run it is, and the strip of those finished.
    connect(runner, &app::StudyRunner::calibrationStarted, this, [this](const QString& what) {
        m_current->setText(QStringLiteral("Calibrating: %1").arg(what));
    });
    connect(runner, &app::StudyRunner::runStarted, this,
            [this](int stage, int run, const QString& name) {
                m_stage = stage;
                m_current->setText(QStringLiteral("Stage %1 of %2, run %3: %4")
                                       .arg(stage + 1)
                                       .arg(m_p99->spec().series.size())
                                       .arg(run + 1)
                                       .arg(name));
            });
    connect(runner, &app::StudyRunner::runFinished, this, &StudyLiveView::addFinished);
}

void StudyLiveView::reset(const app::Study& study)
{
    QStringList stageNames, roles;
    for (const app::StudyStage& stage : study.stages) {
        stageNames.append(stage.name);
        for (const QString& role : expectedRoles(stage.scenario))
            if (!roles.contains(role))
                roles.append(role);
    }
    const int totalRuns = study.totalRuns();
    m_dashboard->reserveRoles(roles);
    m_stage = 0;
    m_runs = 0;
    m_current->setText(stageNames.isEmpty() ? QStringLiteral("No study is running.")
                                            : QStringLiteral("Starting…"));
    m_p99->setSpec(
        stripSpec(QStringLiteral("p99 of each run"), QStringLiteral("ms"), stageNames, totalRuns));
    m_throughput->setSpec(stripSpec(QStringLiteral("Throughput of each run"),
                                    QStringLiteral("req/s"), stageNames, totalRuns));
}

void StudyLiveView::addFinished(const app::RunRecord& run)
{
    ++m_runs;
    append(m_p99, m_stage, QPointF(m_runs, run.summary.latency.p99));
    append(m_throughput, m_stage, QPointF(m_runs, run.summary.rps));
}

} // namespace gb::ui
