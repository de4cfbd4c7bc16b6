#include "ui/study/study_results_view.h"

#include "ui/report/study_pdf.h"

#include <QDir>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTextBlock>
#include <QVBoxLayout>

namespace gb::ui {

StudyResultsView::StudyResultsView(QWidget* parent)
    : QWidget(parent)
    , m_text(new QPlainTextEdit(this))
    , m_exportButton(new QPushButton(QStringLiteral("Export PDF…"), this))
    , m_exportStatus(new QLabel(this))
{
    m_text->setObjectName(QStringLiteral("studyReportText"));
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlaceholderText(
        QStringLiteral("The study's tables appear here when it finishes: per stage every run's "
                       "p99 and throughput, their average and the delta to the baseline."));
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
    layout->addWidget(m_text, 1);
    layout->addLayout(buttons);

    connect(m_exportButton, &QPushButton::clicked, this, &StudyResultsView::exportPdfRequested);
}

void StudyResultsView::setReport(const app::StudyReport& report)
{
    m_report = report;
    m_text->setPlainText(app::studyReportText(report));
    // The overview table is what a finished study is read for: show it first, with the
    // description and the environment above it one scroll away. No wrapping, so a block is a
    // line and the scroll bar counts blocks.
    for (QTextBlock block = m_text->document()->begin(); block.isValid(); block = block.next())
        if (block.text() == QLatin1String("Overview")) {
            m_text->verticalScrollBar()->setValue(block.blockNumber());
            break;
        }
    m_exportButton->setEnabled(true);
    m_exportStatus->clear();
}

void StudyResultsView::clear()
{
    m_report.reset();
    m_text->clear();
    m_exportButton->setEnabled(false);
    m_exportStatus->clear();
}

QString StudyResultsView::text() const
{
    return m_text->toPlainText();
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
