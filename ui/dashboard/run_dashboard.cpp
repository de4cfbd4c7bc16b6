#include "ui/dashboard/run_dashboard.h"

#include "ui/charts/chart_widget.h"
#include "ui/colors.h"
#include "ui/dashboard/metric_tile.h"

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

// The page's other jobs live beside this file: what it shows of a run in
// run_dashboard_run.cpp, the timer's redraw of charts and tiles in run_dashboard_refresh.cpp.

namespace gb::ui {

namespace {

// The one timer that redraws the dashboard. Each tick redraws the tiles and at most one chart:
// a chart's repaint is the costly part (tens of ms on a loaded machine), so the four are
// spread over the second the data needs to change, and no turn of the GUI's event loop paints
// them all at once.
constexpr int kRepaintMs = 250;

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
    , m_agents(new QLabel(this))
    , m_throughputTile(new MetricTile(QStringLiteral("Throughput"), this))
    , m_p50Tile(new MetricTile(QStringLiteral("Latency p50"), this))
    , m_p90Tile(new MetricTile(QStringLiteral("Latency p90"), this))
    , m_p99Tile(new MetricTile(QStringLiteral("Latency p99"), this))
    , m_maxTile(new MetricTile(QStringLiteral("Latency max"), this))
    , m_errorsTile(new MetricTile(QStringLiteral("Errors"), this))
    , m_cpuTile(new MetricTile(QStringLiteral("CPU (this machine)"), this))
    , m_throughputChart(new charts::ChartWidget(this))
    , m_latencyChart(new charts::ChartWidget(this))
    , m_cpuChart(new charts::ChartWidget(this))
    , m_distributionChart(new charts::ChartWidget(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_details(new QTabWidget(this))
    , m_report(new QPlainTextEdit(this))
    , m_errors(new QPlainTextEdit(this))
    , m_serverLog(new QPlainTextEdit(this))
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
    m_phaseLabel->setStyleSheet(secondaryTextStyle());
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
    m_agents->setObjectName(QStringLiteral("agentShares"));
    m_agents->setWordWrap(true);
    m_agents->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_agents->hide();

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
    for (QPlainTextEdit* text : {m_report, m_errors, m_serverLog}) {
        text->setReadOnly(true);
        text->setFont(fixed);
        text->setLineWrapMode(QPlainTextEdit::NoWrap);
    }
    m_report->setObjectName(QStringLiteral("reportText"));
    m_details->addTab(m_report, QStringLiteral("Summary (hey's report)"));
    m_details->addTab(m_errors, QStringLiteral("Status codes and errors"));
    m_serverLog->setObjectName(QStringLiteral("serverLog"));
    m_serverLog->setMaximumBlockCount(5000);
    m_serverLog->setPlaceholderText(
        QStringLiteral("What the servers write while they run: here on this machine, or "
                       "streamed from each host over SSH"));
    m_details->addTab(m_serverLog, QStringLiteral("Server logs"));
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
    layout->addWidget(m_agents);
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

void RunDashboard::updateButtons()
{
    m_start->setEnabled(!m_running && m_availabilityProblem.isEmpty());
    m_start->setToolTip(m_availabilityProblem.isEmpty() ? QStringLiteral("Start the scenario (F5)")
                                                        : m_availabilityProblem);
    m_stop->setEnabled(m_running && m_phase != app::RunPhase::Stopping);
    m_exportPdf->setVisible(m_controlsVisible && !m_running && m_shownRun.has_value());
}

void RunDashboard::followData(app::RunController* controller)
{
    connect(controller, &app::RunController::snapshotReady, this, &RunDashboard::addSnapshot);
    connect(controller, &app::RunController::hostSampleReady, this, &RunDashboard::addHostSample);
    connect(controller, &app::RunController::agentSharesReady, this, &RunDashboard::setAgentShares);
    connect(controller, &app::RunController::serverLog, this, &RunDashboard::appendServerLog);
}

void RunDashboard::keepLayoutSteady()
{
    for (QWidget* line : {static_cast<QWidget*>(m_message), static_cast<QWidget*>(m_agents)}) {
        QSizePolicy policy = line->sizePolicy();
        policy.setRetainSizeWhenHidden(true);
        line->setSizePolicy(policy);
    }
}

void RunDashboard::setControlsVisible(bool visible)
{
    m_controlsVisible = visible;
    m_start->setVisible(visible);
    m_stop->setVisible(visible);
    updateButtons();
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
