#include "ui/study/study_results_view.h"

#include "ui/report/study_pdf.h"
#include "ui/study/study_report_view.h"

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace gb::ui {

StudyResultsView::StudyResultsView(QWidget* parent)
    : QWidget(parent)
    , m_page(new StudyReportView(this))
    , m_exportButton(new QPushButton(QStringLiteral("Export PDF…"), this))
    , m_exportStatus(new QLabel(this))
{
    m_exportButton->setObjectName(QStringLiteral("studyExportPdf"));
    m_exportButton->setEnabled(false);
    m_exportStatus->setObjectName(QStringLiteral("studyExportStatus"));
    m_exportStatus->setWordWrap(true);
    m_exportStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_exportStatus, 1);
    buttons->addWidget(m_exportButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_page, 1);
    layout->addLayout(buttons);

    connect(m_exportButton, &QPushButton::clicked, this, &StudyResultsView::exportPdfRequested);
}

void StudyResultsView::setReport(const app::StudyReport& report)
{
    m_report = report;
    m_page->setReport(report);
    m_exportButton->setEnabled(true);
    m_exportStatus->clear();
}

void StudyResultsView::clear()
{
    m_report.reset();
    m_page->clear();
    m_exportButton->setEnabled(false);
    m_exportStatus->clear();
}

QString StudyResultsView::text() const
{
    return m_report ? app::studyReportText(*m_report) : QString();
}

QString StudyResultsView::exportPdf(const QString& path)
{
    if (!m_report)
        return QStringLiteral("There is no study report to export yet.");
    const QString error = report::writeStudyPdf(*m_report, path);
    m_exportStatus->setText(
        error.isEmpty() ? QStringLiteral("PDF written to %1").arg(QDir::toNativeSeparators(path))
                        : error);
    return error;
}

} // namespace gb::ui
