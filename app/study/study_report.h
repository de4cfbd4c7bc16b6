#pragma once

#include "app/study/study_result.h"

#include <QList>
#include <QMetaType>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <variant>

namespace gb::app {

// The study report as plain content, so every renderer (the terminal, the PDF document builder
// in ui/report/, the Study view) is a thin walk over the same blocks and says the same thing.

/// A title: level 0 is the document's, 1 a section, 2 a subsection.
struct ReportHeading
{
    int level = 1;
    QString text;
};

struct ReportParagraph
{
    QString text;
    bool warning = false; ///< a failure, an unstable group, a threshold that does not hold
};

/// Rows of text cells under a header. The first labelColumns columns are labels (left
/// aligned), the others figures (right aligned). Row indexes: emphasizedRows are summaries
/// ("Average of 3 runs"), flaggedRows need the reader's attention (an unstable min-max, a
/// failed stage, a threshold that does not hold).
struct ReportTable
{
    QString caption;
    QStringList header;
    QList<QStringList> rows;
    int labelColumns = 1;
    QList<int> emphasizedRows;
    QList<int> flaggedRows;
};

struct ChartSeries
{
    QString name;
    QList<QPointF> points;
};

/// A horizontal line across a chart, e.g. a stage's p99 threshold.
struct ChartLimit
{
    QString label;
    double value = 0;
};

enum class ChartScale
{
    Linear,
    /// Percentiles 0..100 spaced by their nines (90, 99, 99.9 % one step apart), as
    /// HdrHistogram plots them, so the tail gets most of the width.
    Percentile,
};

/// A line chart; points are in axis units (percentiles 0..100 on a Percentile axis).
struct ReportChart
{
    QString title;
    QString xLabel;
    QString yLabel;
    ChartScale xScale = ChartScale::Linear;
    QList<ChartSeries> series;
    QList<ChartLimit> limits;
    /// x is a stage's number in the table before the chart (1, 2, ...): whole ticks, a mark
    /// at each point (a stage is a point, not a span of time).
    bool stageAxis = false;

    bool isEmpty() const;
};

struct ReportPageBreak
{};

using ReportBlock =
    std::variant<ReportHeading, ReportParagraph, ReportTable, ReportChart, ReportPageBreak>;

/// The whole report, in reading order. A plain value.
struct StudyReport
{
    QString title;
    QList<ReportBlock> blocks;

    /// The tables only, in order (for the JSON output and tests).
    QList<ReportTable> tables() const;
};

/// The report the manual would publish, from a result: environment of every host, the stages'
/// settings, the overview, thresholds, then per stage RUN # / 99 % latency / throughput /
/// "Average of N runs" with its delta to the baseline and its charts (throughput and p99 over
/// time, CPU per host), the latency percentile curves of all stages overlaid, and the settings
/// that differ between stages. Pure: no I/O.
StudyReport buildStudyReport(const StudyResult& result);

/// The report as plain text for a terminal (charts left out): aligned tables, wrapped
/// paragraphs, warnings marked with "!".
QString studyReportText(const StudyReport& report);

} // namespace gb::app

Q_DECLARE_METATYPE(gb::app::StudyReport)
