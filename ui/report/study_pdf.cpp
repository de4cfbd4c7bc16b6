#include "ui/report/study_pdf.h"

#include "ui/report/pdf_document.h"

#include <QApplication>

#include <algorithm>
#include <limits>

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

charts::ChartSpec toChart(const app::ReportChart& c)
{
    charts::ChartSpec spec;
    spec.title = c.title;
    spec.x.title = c.xLabel;
    spec.y.title = c.yLabel;
    spec.y.decimals = c.yLabel.contains(QStringLiteral("ms")) ? 2 : 0;
    if (c.xScale == app::ChartScale::Percentile) {
        spec.x.scale = charts::AxisScale::Percentile;
        spec.x.decimals = 2;
    }
    double xMin = std::numeric_limits<double>::max();
    double xMax = std::numeric_limits<double>::lowest();
    for (int i = 0; i < c.series.size(); ++i) {
        charts::SeriesSpec s;
        s.name = c.series[i].name;
        s.color = charts::seriesColor(i);
        s.points = c.series[i].points;
        for (const QPointF& p : s.points) {
            xMin = std::min(xMin, p.x());
            xMax = std::max(xMax, p.x());
        }
        spec.series.append(s);
    }
    // Runs of a few seconds need tenths on the time axis, or its ticks repeat.
    if (c.xScale == app::ChartScale::Linear && xMin <= xMax && xMax - xMin < 10)
        spec.x.decimals = 1;
    // A limit (threshold, offered rate) is a dashed line across the data's x range.
    for (int i = 0; i < c.limits.size() && xMin <= xMax; ++i) {
        charts::SeriesSpec s;
        s.name = c.limits[i].label;
        s.color = charts::seriesColor(int(c.series.size()) + i);
        s.dashed = true;
        s.width = 1;
        s.points = {{xMin, c.limits[i].value}, {xMax, c.limits[i].value}};
        spec.series.append(s);
    }
    return spec;
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
            document.addChart(toChart(*c));
        } else if (std::holds_alternative<app::ReportPageBreak>(block)) {
            document.addPageBreak();
        }
    }
    return document.write(path);
}

} // namespace gb::ui::report
