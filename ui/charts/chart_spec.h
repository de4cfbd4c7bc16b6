#pragma once

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>

#include <optional>

namespace gb::ui::charts {

/// How an axis maps values to positions.
enum class AxisScale
{
    Linear,
    Log10,
    /// Percentiles (0..100) spaced by their nines, as HdrHistogram plots them: 90, 99, 99.9 and
    /// 99.99 % sit one step apart, so the tail a benchmark is about gets most of the width.
    Percentile,
};

struct AxisSpec
{
    QString title;
    AxisScale scale = AxisScale::Linear;
    std::optional<double> min; ///< unset: from the data (0 for linear axes)
    std::optional<double> max; ///< unset: from the data, rounded up to a readable value
    int decimals = -1;         ///< of the tick labels; -1: as the tick step needs
};

struct SeriesSpec
{
    QString name;
    QColor color;
    QList<QPointF> points; ///< (x, y) in axis units; Percentile axes take percentiles 0..100
    bool dashed = false;
    qreal width = 2;
    bool inLegend = true; ///< false: drawn but not listed (e.g. the 2nd run of a group)
    bool markers = false; ///< a mark at each point (e.g. one per run)
};

/// A line chart described as a plain value, so the same description is drawn on screen by
/// ChartWidget and into a PDF by renderChart(). Everything that knows the chart library lives
/// in ui/charts/*.cpp (Qt Charts is deprecated upstream from Qt 6.10; this keeps it swappable).
struct ChartSpec
{
    QString title;
    AxisSpec x;
    AxisSpec y;
    QList<SeriesSpec> series;
    bool legend = true;
};

/// A palette of distinguishable colours for series, in order (colour-blind friendly first).
QColor seriesColor(int index);

} // namespace gb::ui::charts
