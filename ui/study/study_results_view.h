#pragma once

#include "app/study/study_report.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;

namespace gb::ui {

class StudyReportView;

/// The Study page's lower half: a finished (or cut short) study's report as a page of tables and
/// charts (StudyReportView, built from the same report model as the PDF and the terminal's
/// text), and "Export PDF…" through the same writer as `gatebench study --pdf`. Holds the report
/// as a value; GUI thread only.
class StudyResultsView final : public QWidget
{
    Q_OBJECT

public:
    explicit StudyResultsView(QWidget* parent = nullptr);

    void setReport(const app::StudyReport& report);
    void clear();
    const std::optional<app::StudyReport>& report() const { return m_report; }
    /// The report's text form (what `gatebench study` prints), or empty.
    QString text() const;
    StudyReportView* page() const { return m_page; }

    /// Writes the shown report as a PDF at path (on the GUI thread: it draws charts). Empty on
    /// success, else the sentence, which is also shown under the report.
    [[nodiscard]] QString exportPdf(const QString& path);

Q_SIGNALS:
    /// "Export PDF…" was pressed: the owner asks where (a dialog) and calls exportPdf.
    void exportPdfRequested();

private:
    StudyReportView* m_page;
    QPushButton* m_exportButton;
    QLabel* m_exportStatus;
    std::optional<app::StudyReport> m_report;
};

} // namespace gb::ui
