#pragma once

#include "ui/charts/chart_spec.h"

#include <QWidget>

#include <memory>

class QPainter;

namespace gb::ui::charts {

/// A line chart on screen, drawn from a ChartSpec. Lives on the GUI thread. Cheap to update:
/// setSeriesPoints() replaces one line's points and rescales the axes, which is what a live
/// view does on its repaint timer (it never repaints per incoming sample).
///
/// It can be asked things: the pointer over the plot shows every visible series' value at that
/// x; a rectangle dragged over the plot zooms into it (live updates then keep the zoomed
/// ranges) and a double click zooms out; a legend entry clicked hides or shows its series; the
/// right click offers Copy image, Save as PNG or SVG, and Reset zoom.
class ChartWidget final : public QWidget
{
    Q_OBJECT

public:
    explicit ChartWidget(QWidget* parent = nullptr);
    ~ChartWidget() override;

    /// Replaces everything: title, axes, series.
    void setSpec(const ChartSpec& spec);
    const ChartSpec& spec() const;

    /// Replaces the points of series index (an index into spec().series) and rescales.
    void setSeriesPoints(int index, const QList<QPointF>& points);
    /// Replaces the points of every series (points[i] for series i) and rescales once.
    void setAllSeriesPoints(const QList<QList<QPointF>>& points);
    /// Fixes the x range (e.g. the run's planned length), overriding the spec's.
    void setXRange(double min, double max);

    int pointCount(int index) const;

    /// The values shown for the pointer's position ("time (s) 12", then "RPS: 10,230" per
    /// visible series, one per line), or "" when it is not over the plot.
    QString hoverText() const;
    /// Zoomed into a dragged rectangle: the axes keep that range until resetZoom().
    bool isZoomed() const;
    void resetZoom();
    /// Hides or shows series index (its legend entry, clicked, does the same; the entry stays,
    /// greyed). Kept across setSpec() for a series of the same name.
    void setSeriesVisible(int index, bool visible);
    bool isSeriesVisible(int index) const;
    /// The chart as shown, without the pointer's readout (what Copy image puts on the clipboard).
    QImage toImage() const;
    /// Writes the chart as shown: SVG (vector) when path ends in ".svg", else PNG. False when
    /// the file could not be written.
    [[nodiscard]] bool saveTo(const QString& path) const;
    /// Shown over the plot while no series has a point ("Waiting for the first second").
    void setPlaceholderText(const QString& text);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

/// Draws spec into rect of any painter (a QPdfWriter page, an image) as vector graphics. The
/// chart is laid out at 96 logical dots per inch with pixel-sized fonts and the painter scaled
/// to the device, so on a 300 or 1200 dpi writer it fills rect with readable text instead of
/// shrinking to a postage stamp. Needs a QApplication (Qt Charts draws through QGraphicsScene).
void renderChart(const ChartSpec& spec, QPainter& painter, const QRectF& rect);

} // namespace gb::ui::charts
