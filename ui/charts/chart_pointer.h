#pragma once

#include <QObject>
#include <QPoint>
#include <QRectF>
#include <QString>

class QChartView;
class QGraphicsLineItem;
class QLabel;
class QLineSeries;
class QRubberBand;

namespace gb::ui::charts {

struct ChartSpec;

/// What the pointer does over a chart (private to ui/charts): the values of every visible
/// series at the x under the cursor (a readout beside it and a vertical line through the plot),
/// a dragged rectangle to zoom into, a double click to zoom out again, and the right click's
/// menu. It filters the view's viewport events and owns nothing but its overlay items; the
/// ChartWidget decides what a zoom or a menu does. GUI thread.
class ChartPointer final : public QObject
{
    Q_OBJECT

public:
    /// `spec` and `lines` are the widget's own, read at each event (they change with setSpec).
    ChartPointer(QChartView* view, const ChartSpec& spec, const QList<QLineSeries*>& lines);
    ~ChartPointer() override;

    /// The readout shown now ("time (s) 12 · RPS 10,230 · p99 (ms) 1.24", one per line), or ""
    /// when the pointer is not over the plot.
    QString hoverText() const;
    /// Hides the readout and the line (before the chart is copied or saved).
    void clearHover();

Q_SIGNALS:
    /// A rectangle dragged over the plot, in the chart's value coordinates (x: as mapped, e.g.
    /// nines on a percentile axis).
    void zoomRequested(const QRectF& values);
    void resetZoomRequested();
    void menuRequested(const QPoint& globalPos);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void hover(const QPoint& viewportPos);
    QRectF plotInViewport() const;

    QChartView* m_view;
    QWidget* m_viewport; ///< the view's, whose events are filtered
    const ChartSpec& m_spec;
    const QList<QLineSeries*>& m_lines;
    QLabel* m_readout;
    QGraphicsLineItem* m_line = nullptr;
    QRubberBand* m_band;
    QPoint m_dragFrom;
    bool m_dragging = false;
};

} // namespace gb::ui::charts
