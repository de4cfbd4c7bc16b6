#pragma once

#include "app/study/study_report.h"

#include <QList>
#include <QPointer>
#include <QScrollArea>

class QLabel;
class QTableView;
class QVBoxLayout;

namespace gb::ui {

namespace charts {
class ChartWidget;
}

/// A study report as a page of the window: each block of the report model the PDF is built from
/// becomes a widget of its kind — headings, paragraphs (a warning as a coloured badge), tables
/// (its cells as the report wrote them, summaries bold, rows that need attention marked) and
/// charts that can be asked (ChartWidget). Nothing is recomputed here: the window, the PDF and
/// the terminal say the same thing. GUI thread only.
class StudyReportView final : public QScrollArea
{
    Q_OBJECT

public:
    explicit StudyReportView(QWidget* parent = nullptr);

    /// Replaces the page, built a few blocks per turn of the event loop (isComplete() then);
    /// shows the overview table first (the description is a scroll up).
    void setReport(const app::StudyReport& report);
    /// Back to the placeholder.
    void clear();
    /// Every block of the last report is on the page.
    bool isComplete() const { return m_complete; }

    QList<QTableView*> tableViews() const { return m_tables; }
    QList<charts::ChartWidget*> chartWidgets() const { return m_charts; }
    /// The warning badges shown (unstable groups, failures, thresholds that do not hold).
    QList<QLabel*> badges() const { return m_badges; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    void newPage();
    void addSome();
    void addBlock(const app::ReportBlock& block);
    /// The overview table is what a finished study is read for: shown first, the description
    /// and the environment above it one scroll away.
    void scrollToOverview();
    void addTable(const app::ReportTable& table, const QString& lastHeading);

    QWidget* m_page = nullptr;
    QVBoxLayout* m_layout = nullptr;
    QList<QTableView*> m_tables;
    QList<charts::ChartWidget*> m_charts;
    QList<QLabel*> m_badges;
    QPointer<QLabel> m_scrollTo;      ///< the heading to show once the page is laid out
    QList<app::ReportBlock> m_blocks; ///< still to add
    qsizetype m_next = 0;
    QString m_lastHeading;
    bool m_complete = false;
};

} // namespace gb::ui
