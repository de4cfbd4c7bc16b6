#include "ui/charts/chart_pointer.h"

#include "ui/charts/chart_spec.h"

#include <QChart>
#include <QChartView>
#include <QContextMenuEvent>
#include <QGraphicsLineItem>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QRubberBand>

#include <cmath>
#include <limits>

namespace gb::ui::charts {

namespace {

/// Smaller drags are clicks that slipped, not zooms.
constexpr int kMinDragPixels = 8;

/// Digits a reader needs at a glance: 10,230 · 12.4 · 1.24 · 0.124; counts without decimals.
QString number(double v)
{
    const double a = std::fabs(v);
    const int decimals = a >= 100 || std::floor(v) == v ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
    return QLocale().toString(v, 'f', decimals);
}

/// The x under the pointer as the axis labels it: a percentile axis is laid out in nines.
QString xLabel(const ChartSpec& spec, double x)
{
    if (spec.x.scale == AxisScale::Percentile) {
        const double percentile = 100.0 * (1.0 - std::pow(10.0, -x));
        return QLocale().toString(percentile, 'g', 6) + QStringLiteral(" %");
    }
    return spec.x.title.isEmpty() ? number(x) : spec.x.title + QLatin1Char(' ') + number(x);
}

/// The point of `line` nearest to x (in the chart's mapped coordinates), or nullptr.
const QPointF* nearest(const QList<QPointF>& points, double x)
{
    const QPointF* best = nullptr;
    double distance = std::numeric_limits<double>::infinity();
    for (const QPointF& p : points) {
        const double d = std::fabs(p.x() - x);
        if (d < distance) {
            distance = d;
            best = &p;
        }
    }
    return best;
}

} // namespace

ChartPointer::ChartPointer(QChartView* view, const ChartSpec& spec,
                           const QList<QLineSeries*>& lines)
    : QObject(view)
    , m_view(view)
    , m_viewport(view->viewport())
    , m_spec(spec)
    , m_lines(lines)
    , m_readout(new QLabel(m_viewport))
    , m_band(new QRubberBand(QRubberBand::Rectangle, m_viewport))
{
    m_readout->setStyleSheet(
        QStringLiteral("QLabel { background: rgba(255, 255, 255, 235); border: 1px solid #bdbdbd; "
                       "padding: 3px 6px; color: #212121; }"));
    m_readout->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_readout->hide();
    m_viewport->setMouseTracking(true);
    m_viewport->installEventFilter(this);
}

ChartPointer::~ChartPointer() = default;

QString ChartPointer::hoverText() const
{
    return m_readout->isVisible() ? m_readout->text() : QString();
}

void ChartPointer::clearHover()
{
    m_readout->hide();
    if (m_line)
        m_line->hide();
}

QRectF ChartPointer::plotInViewport() const
{
    QChart* chart = m_view->chart();
    const QPolygonF scene = chart->mapToScene(chart->plotArea());
    return m_view->mapFromScene(scene).boundingRect();
}

void ChartPointer::hover(const QPoint& pos)
{
    QChart* chart = m_view->chart();
    const QRectF plot = plotInViewport();
    if (m_lines.isEmpty() || !plot.contains(pos)) {
        clearHover();
        return;
    }
    const QPointF inChart = chart->mapFromScene(m_view->mapToScene(pos));
    const double x = chart->mapToValue(inChart, m_lines.first()).x();
    QStringList rows{xLabel(m_spec, x)};
    for (QLineSeries* line : m_lines) {
        if (!line->isVisible() || line->name().isEmpty())
            continue;
        const QList<QPointF> points = line->points();
        if (const QPointF* p = nearest(points, x))
            rows << line->name() + QStringLiteral(": ") + number(p->y());
    }
    m_readout->setText(rows.join(QLatin1Char('\n')));
    m_readout->adjustSize();
    // Beside the pointer, on the side with room.
    QPoint at = pos + QPoint(14, 14);
    const QSize viewport = m_viewport->size();
    if (at.x() + m_readout->width() > viewport.width())
        at.setX(pos.x() - 14 - m_readout->width());
    if (at.y() + m_readout->height() > viewport.height())
        at.setY(pos.y() - 14 - m_readout->height());
    m_readout->move(at);
    m_readout->show();
    m_readout->raise();

    const QRectF area = chart->plotArea();
    const QPointF top = chart->mapToScene(QPointF(inChart.x(), area.top()));
    const QPointF bottom = chart->mapToScene(QPointF(inChart.x(), area.bottom()));
    if (!m_line) {
        m_line = m_view->scene()->addLine(QLineF(top, bottom),
                                          QPen(QColor(0x75, 0x75, 0x75), 1, Qt::DashLine));
        m_line->setZValue(1000);
    }
    m_line->setLine(QLineF(top, bottom));
    m_line->show();
}

bool ChartPointer::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != m_viewport)
        return false;
    switch (event->type()) {
    case QEvent::MouseMove: {
        const QPoint pos = static_cast<QMouseEvent*>(event)->position().toPoint();
        if (m_dragging) {
            const QRect band =
                QRect(m_dragFrom, pos).normalized() & plotInViewport().toAlignedRect();
            m_band->setGeometry(band);
            m_band->show();
            clearHover();
        } else {
            hover(pos);
        }
        return false;
    }
    case QEvent::MouseButtonPress: {
        auto* e = static_cast<QMouseEvent*>(event);
        if (e->button() == Qt::LeftButton && plotInViewport().contains(e->position())) {
            m_dragFrom = e->position().toPoint();
            m_dragging = true;
            return true;
        }
        return false;
    }
    case QEvent::MouseButtonRelease: {
        auto* e = static_cast<QMouseEvent*>(event);
        if (e->button() != Qt::LeftButton || !m_dragging)
            return false;
        m_dragging = false;
        m_band->hide();
        const QRect band = QRect(m_dragFrom, e->position().toPoint()).normalized() &
                           plotInViewport().toAlignedRect();
        if (band.width() < kMinDragPixels || band.height() < kMinDragPixels || m_lines.isEmpty())
            return true;
        QChart* chart = m_view->chart();
        const auto value = [&](const QPoint& p) {
            return chart->mapToValue(chart->mapFromScene(m_view->mapToScene(p)), m_lines.first());
        };
        const QPointF a = value(band.topLeft());
        const QPointF b = value(band.bottomRight());
        Q_EMIT zoomRequested(QRectF(QPointF(std::min(a.x(), b.x()), std::min(a.y(), b.y())),
                                    QPointF(std::max(a.x(), b.x()), std::max(a.y(), b.y()))));
        return true;
    }
    case QEvent::MouseButtonDblClick:
        if (static_cast<QMouseEvent*>(event)->button() == Qt::LeftButton) {
            Q_EMIT resetZoomRequested();
            return true;
        }
        return false;
    case QEvent::Leave:
        clearHover();
        return false;
    case QEvent::ContextMenu:
        clearHover();
        Q_EMIT menuRequested(static_cast<QContextMenuEvent*>(event)->globalPos());
        return true;
    default:
        return false;
    }
}

} // namespace gb::ui::charts
