#include "ui/study/study_report_view.h"

#include "ui/charts/chart_widget.h"
#include "ui/colors.h"
#include "ui/models/report_table_model.h"
#include "ui/report/report_chart.h"

#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace gb::ui {

namespace {

// Between two turns that add blocks: a real timer, so that input and paint get their turns in
// between (posted events queued in a turn may all be delivered in the next pass at once).
constexpr int kBlockPauseMs = 1;

QLabel* heading(const QString& text, int level, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont font = label->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * (level == 0 ? 1.6 : level == 1 ? 1.3 : 1.1));
    label->setFont(font);
    label->setWordWrap(true);
    label->setContentsMargins(0, level == 0 ? 0 : 10, 0, 2);
    return label;
}

QLabel* paragraph(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

/// A column wider than this wraps its text (a CPU model, a kernel version) instead of widening
/// the page past the window.
constexpr int kMaxColumnWidth = 300;

/// As large as its cells: the page scrolls, not the table, and a figure sits next to its
/// label rather than across the page.
void fitToContents(QTableView* view)
{
    view->resizeColumnsToContents();
    QHeaderView* header = view->horizontalHeader();
    for (int c = 0; c < header->count(); ++c)
        header->resizeSection(c, std::min(header->sectionSize(c), kMaxColumnWidth));
    view->resizeRowsToContents();
    int height = view->horizontalHeader()->height() + 2 * view->frameWidth() + 2;
    for (int r = 0; r < view->model()->rowCount(); ++r)
        height += view->rowHeight(r);
    view->setFixedSize(view->horizontalHeader()->length() + 2 * view->frameWidth() + 2, height);
}

} // namespace

StudyReportView::StudyReportView(QWidget* parent)
    : QScrollArea(parent)
{
    setObjectName(QStringLiteral("studyReport"));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    clear();
}

void StudyReportView::newPage()
{
    m_blocks.clear();
    m_complete = false;
    m_scrollTo = nullptr;
    m_tables.clear();
    m_charts.clear();
    m_badges.clear();
    m_page = new QWidget;
    m_layout = new QVBoxLayout(m_page);
    m_layout->setContentsMargins(8, 8, 16, 8);
    setWidget(m_page); // deletes the page before
}

void StudyReportView::clear()
{
    newPage();
    auto* placeholder = paragraph(
        QStringLiteral("The study's tables and charts appear here when it finishes: per stage "
                       "every run's p99 and throughput, their average and the delta to the "
                       "baseline."),
        m_page);
    placeholder->setStyleSheet(placeholderTextStyle());
    m_layout->addWidget(placeholder);
    m_layout->addStretch(1);
}

void StudyReportView::setReport(const app::StudyReport& report)
{
    newPage();
    m_blocks = report.blocks;
    m_next = 0;
    m_lastHeading.clear();
    // The first blocks too come in a turn of their own: the page is often shown in the turn
    // that hands the report over (and that turn has its own work).
    QTimer::singleShot(kBlockPauseMs, m_page, [this] { addSome(); }); // dropped with the page
}

void StudyReportView::addSome()
{
    // A few blocks per turn of the event loop: a study's ten charts and their first layout in
    // one turn would hold the GUI thread for a tenth of a second.
    constexpr qint64 kBudgetMs = 5;
    QElapsedTimer clock;
    clock.start();
    while (m_next < m_blocks.size() && clock.elapsed() < kBudgetMs) {
        const bool chart = std::holds_alternative<app::ReportChart>(m_blocks[m_next]);
        addBlock(m_blocks[m_next++]);
        if (chart)
            break; // its layout and first paint come next turn
    }
    if (m_next < m_blocks.size()) {
        QTimer::singleShot(kBlockPauseMs, m_page, [this] { addSome(); }); // dropped with the page
        return;
    }
    m_blocks.clear();
    m_layout->addStretch(1);
    m_complete = true;
    if (isVisible())
        QTimer::singleShot(0, this, &StudyReportView::scrollToOverview);
}

void StudyReportView::addBlock(const app::ReportBlock& block)
{
    if (const auto* h = std::get_if<app::ReportHeading>(&block)) {
        QLabel* label = heading(h->text, h->level, m_page);
        m_layout->addWidget(label);
        m_lastHeading = h->text;
        if (h->text == QLatin1String("Overview"))
            m_scrollTo = label;
    } else if (const auto* p = std::get_if<app::ReportParagraph>(&block)) {
        QLabel* label =
            paragraph(p->warning ? QStringLiteral("\u26a0  ") + p->text : p->text, m_page);
        if (p->warning) {
            label->setObjectName(QStringLiteral("studyWarning"));
            label->setStyleSheet(attentionBadgeStyle());
            m_badges.append(label);
        }
        m_layout->addWidget(label);
    } else if (const auto* t = std::get_if<app::ReportTable>(&block)) {
        addTable(*t, m_lastHeading);
    } else if (const auto* c = std::get_if<app::ReportChart>(&block)) {
        auto* chart = new charts::ChartWidget(m_page);
        chart->setObjectName(QStringLiteral("studyChart"));
        chart->setSpec(report::reportChartSpec(*c));
        chart->setMinimumHeight(280);
        m_layout->addWidget(chart);
        m_charts.append(chart);
    }
    // A page break of the PDF is nothing on screen: the headings separate the stages.
}

void StudyReportView::scrollToOverview()
{
    if (!m_scrollTo || !m_complete || verticalScrollBar()->value() != 0)
        return;           // not there yet, or the reader has scrolled already
    m_layout->activate(); // the new page's geometry, before it is first painted
    verticalScrollBar()->setValue(m_scrollTo->y() - 8);
    m_scrollTo = nullptr;
}

void StudyReportView::showEvent(QShowEvent* event)
{
    QScrollArea::showEvent(event);
    if (m_scrollTo && m_complete)
        QTimer::singleShot(0, this, &StudyReportView::scrollToOverview);
}

void StudyReportView::addTable(const app::ReportTable& table, const QString& lastHeading)
{
    // A caption that repeats the heading above it ("Stage 1: Baseline") is left out, as in the
    // PDF.
    if (!table.caption.isEmpty() && !lastHeading.endsWith(table.caption))
        m_layout->addWidget(paragraph(table.caption, m_page));
    auto* view = new QTableView(m_page);
    view->setObjectName(QStringLiteral("studyTable"));
    view->setModel(new ReportTableModel(table, view));
    view->verticalHeader()->hide();
    view->setShowGrid(false);
    view->setAlternatingRowColors(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setWordWrap(true);
    view->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    fitToContents(view);
    m_layout->addWidget(view, 0, Qt::AlignLeft);
    m_tables.append(view);
}

} // namespace gb::ui
