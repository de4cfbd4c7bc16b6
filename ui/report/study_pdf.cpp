#include "ui/report/study_pdf.h"

#include "ui/report/pdf_document.h"
#include "ui/report/report_chart.h"

#include <QApplication>

namespace gb::ui::report {

namespace {

Table toTable(const app::ReportTable& t)
{
    Table table;
    table.header = t.header;
    table.rows = t.rows;
    for (int c = t.labelColumns; c < t.header.size(); ++c)
        table.numericColumns.append(c);
    // The builder has one highlight: summaries and rows that need attention both get it; the
    // paragraphs around the table say why a row is flagged.
    table.emphasizedRows = t.emphasizedRows + t.flaggedRows;
    table.ruleAboveRows = t.emphasizedRows;
    return table;
}

} // namespace

QString writeStudyPdf(const app::StudyReport& report, const QString& path)
{
    if (!qobject_cast<QApplication*>(QCoreApplication::instance()))
        return QStringLiteral("PDF export needs the GUI application (its charts are drawn by "
                              "widgets); %1 was not written")
            .arg(path);
    PdfDocument document(report.title);
    QString lastHeading;
    for (const app::ReportBlock& block : report.blocks) {
        if (const auto* h = std::get_if<app::ReportHeading>(&block)) {
            if (h->level == 0)
                document.addTitle(h->text);
            else
                document.addHeading(h->text);
            lastHeading = h->text;
        } else if (const auto* p = std::get_if<app::ReportParagraph>(&block)) {
            document.addParagraph(p->warning ? QStringLiteral("! ") + p->text : p->text);
        } else if (const auto* t = std::get_if<app::ReportTable>(&block)) {
            // A caption that repeats the heading above it ("Stage 1: Baseline") is left out.
            if (!t->caption.isEmpty() && !lastHeading.endsWith(t->caption))
                document.addParagraph(t->caption);
            document.addTable(toTable(*t));
        } else if (const auto* c = std::get_if<app::ReportChart>(&block)) {
            document.addChart(reportChartSpec(*c));
        } else if (std::holds_alternative<app::ReportPageBreak>(block)) {
            document.addPageBreak();
        }
    }
    return document.write(path);
}

} // namespace gb::ui::report
