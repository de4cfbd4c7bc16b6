// The only place that knows Qt Charts: ChartSpec -> QChart for the screen and for documents.
#include "ui/charts/chart_widget.h"

#include "ui/charts/chart_pointer.h"
#include "ui/colors.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QClipboard>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QGuiApplication>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMenu>
#include <QMessageBox>
#include <QPaintDevice>
#include <QPainter>
#include <QRegularExpression>
#include <QSet>
#include <QSvgGenerator>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace gb::ui::charts {

namespace {

// 99.999 %: the last nine a run of a few seconds has samples for, and the labels of one more
// would crowd a chart half a window wide.
constexpr double kMaxNines = 5;

double toNines(double percentile)
{
    const double rest = 1.0 - std::clamp(percentile, 0.0, 100.0) / 100.0;
    return rest <= std::pow(10.0, -kMaxNines) ? kMaxNines : -std::log10(rest);
}

/// The spec's points in the chart's own coordinates, minus what the axes cannot show.
QList<QPointF> mapPoints(const SeriesSpec& series, const ChartSpec& spec)
{
    QList<QPointF> out;
    out.reserve(series.points.size());
    for (QPointF p : series.points) {
        if (!std::isfinite(p.x()) || !std::isfinite(p.y()))
            continue;
        if (spec.x.scale == AxisScale::Percentile)
            p.setX(toNines(p.x()));
        if ((spec.x.scale == AxisScale::Log10 && p.x() <= 0) ||
            (spec.y.scale == AxisScale::Log10 && p.y() <= 0))
            continue;
        out.append(p);
    }
    return out;
}

/// 1, 2 or 5 times a power of ten, at least raw: steps people read without effort (and whole
/// seconds on time axes).
double niceStep(double raw)
{
    if (!(raw > 0))
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    // A hair of tolerance: a 12.0015 s run over 6 ticks wants steps of 2, not 5.
    const double f = raw / magnitude * (1 - 1e-3);
    const double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nice * magnitude;
}

/// Digits after the point that the ticks of step need: 0 for 5, 1 for 0.5, 2 for 0.02.
int decimalsFor(double step)
{
    if (!(step > 0) || step >= 1)
        return 0;
    return std::min(4, int(std::ceil(-std::log10(step) - 1e-9)));
}

struct Fonts
{
    QFont title;
    QFont label;
    QFont axisTitle;
    QFont legend;
};

/// pixelSized: for documents, where the chart is laid out at 96 dpi and scaled to the device;
/// point sizes would be resolved a second time at the device's dpi.
Fonts makeFonts(bool pixelSized)
{
    auto sized = [pixelSized](double points, bool bold = false) {
        QFont f;
        if (pixelSized)
            f.setPixelSize(qRound(points * 96.0 / 72.0));
        else
            f.setPointSizeF(points);
        f.setBold(bold);
        return f;
    };
    return {sized(10, true), sized(8), sized(8.5), sized(8.5)};
}

struct Built
{
    QList<QLineSeries*> lines;
    QAbstractAxis* x = nullptr;
    QAbstractAxis* y = nullptr;
};

QAbstractAxis* makeAxis(const AxisSpec& spec, const Fonts& fonts)
{
    QAbstractAxis* axis = nullptr;
    switch (spec.scale) {
    case AxisScale::Linear: {
        auto* a = new QValueAxis;
        a->setRange(0, 1);
        a->setTickInterval(0.2); // before dynamic ticks: an interval of 0 means endless ticks
        a->setTickType(QValueAxis::TicksDynamic);
        a->setTickAnchor(0);
        a->setMinorTickCount(0);
        axis = a;
        break;
    }
    case AxisScale::Log10: {
        auto* a = new QLogValueAxis;
        a->setBase(10);
        a->setLabelFormat(QStringLiteral("%g"));
        a->setMinorTickCount(-1); // Qt's "as many as the base suggests": 2..9 between decades
        axis = a;
        break;
    }
    case AxisScale::Percentile: {
        auto* a = new QCategoryAxis;
        a->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        axis = a;
        break;
    }
    }
    axis->setTitleText(spec.title);
    axis->setTitleFont(fonts.axisTitle);
    axis->setLabelsFont(fonts.label);
    axis->setGridLineColor(QColor(0xe0, 0xe0, 0xe0));
    axis->setLinePenColor(QColor(0x9e, 0x9e, 0x9e));
    axis->setLabelsColor(QColor(0x42, 0x42, 0x42));
    axis->setTitleBrush(QColor(0x42, 0x42, 0x42));
    if (auto* log = qobject_cast<QLogValueAxis*>(axis))
        log->setMinorGridLineColor(QColor(0xf0, 0xf0, 0xf0));
    return axis;
}

/// Sets range and tick step without passing through a state with a huge number of ticks (the
/// old step over the new range, or the new step over the old range): every tick is a text item
/// Qt Charts lays out, and a 0..6000 axis at a 0.2 step froze the GUI for a minute.
void setValueAxis(QValueAxis* axis, double lo, double hi, double step, int decimals)
{
    const QString format = QStringLiteral("%.%1f").arg(decimals);
    if (axis->min() == lo && axis->max() == hi && axis->tickInterval() == step &&
        axis->labelFormat() == format)
        return; // unchanged: no relayout

    if (step >= axis->tickInterval()) {
        axis->setTickInterval(step);
        axis->setRange(lo, hi);
    } else {
        axis->setRange(lo, hi);
        axis->setTickInterval(step);
    }
    axis->setLabelFormat(format);
}

/// Ranges from the data (or the spec's fixed bounds), with round tick steps.
void applyRanges(const ChartSpec& spec, const Built& built, const QList<QList<QPointF>>& mapped,
                 std::optional<std::pair<double, double>> xOverride)
{
    double minX = INFINITY, maxX = -INFINITY, minY = INFINITY, maxY = -INFINITY;
    for (const QList<QPointF>& points : mapped)
        for (const QPointF& p : points) {
            minX = std::min(minX, p.x());
            maxX = std::max(maxX, p.x());
            minY = std::min(minY, p.y());
            maxY = std::max(maxY, p.y());
        }
    const bool empty = !std::isfinite(minX);

    // x
    if (auto* cat = qobject_cast<QCategoryAxis*>(built.x)) {
        const double top = std::clamp(empty ? 2.0 : std::ceil(maxX - 1e-9), 2.0, kMaxNines);
        // Rebuilt only when the depth changes: new labels relayout the whole chart.
        if (cat->count() != int(top) + 1) {
            for (const QString& label : cat->categoriesLabels())
                cat->remove(label);
            // A category ends where its label goes.
            cat->setStartValue(0);
            // Short labels (the axis title says "percentile (%)"): a category gets little room.
            cat->append(QStringLiteral("50"), std::log10(2.0));
            static const char* const kNines[] = {"90", "99", "99.9", "99.99", "99.999"};
            for (int n = 1; n <= int(top); ++n)
                cat->append(QString::fromLatin1(kNines[n - 1]), n);
            // A little room on the right, or the last label is clipped at the chart's edge.
            cat->setRange(0, top + 0.2);
        }
    } else if (auto* value = qobject_cast<QValueAxis*>(built.x)) {
        double lo = spec.x.min.value_or(empty ? 0 : std::min(0.0, minX));
        double hi = spec.x.max.value_or(empty ? 1 : maxX);
        if (xOverride) {
            lo = xOverride->first;
            hi = std::max(xOverride->second, empty ? xOverride->second : maxX);
        }
        if (hi <= lo)
            hi = lo + 1;
        const double step = niceStep((hi - lo) / 6);
        setValueAxis(value, lo, hi, step,
                     spec.x.decimals >= 0 ? spec.x.decimals : decimalsFor(step));
    } else if (auto* log = qobject_cast<QLogValueAxis*>(built.x)) {
        const double lo =
            spec.x.min.value_or(empty ? 1 : std::pow(10, std::floor(std::log10(minX))));
        double hi = spec.x.max.value_or(empty ? 10 : std::pow(10, std::ceil(std::log10(maxX))));
        log->setRange(lo, hi > lo ? hi : lo * 10);
    }

    // y
    if (auto* value = qobject_cast<QValueAxis*>(built.y)) {
        const double lo = spec.y.min.value_or(0);
        double dataMax = empty ? 0 : maxY;
        double hi = spec.y.max.value_or(0);
        double step = 0;
        if (!spec.y.max) {
            step = niceStep(std::max(dataMax - lo, 1e-9) * 1.05 / 5);
            if (dataMax <= lo)
                step = 0.2;
            hi = lo + std::ceil((std::max(dataMax, lo) * 1.05 - lo) / step) * step;
            if (hi <= lo)
                hi = lo + 5 * step;
        } else {
            step = niceStep((hi - lo) / 5);
        }
        setValueAxis(value, lo, hi, step,
                     spec.y.decimals >= 0 ? spec.y.decimals : decimalsFor(step));
    } else if (auto* log = qobject_cast<QLogValueAxis*>(built.y)) {
        double lo = spec.y.min.value_or(empty ? 0.1 : std::pow(10, std::floor(std::log10(minY))));
        double hi = spec.y.max.value_or(empty ? 10 : std::pow(10, std::ceil(std::log10(maxY))));
        if (hi <= lo)
            hi = lo * 10;
        if (log->min() != lo || log->max() != hi)
            log->setRange(lo, hi);
    }
}

Built build(QChart* chart, const ChartSpec& spec, const Fonts& fonts)
{
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->setDropShadowEnabled(false);
    chart->setBackgroundBrush(Qt::white);
    chart->setBackgroundPen(Qt::NoPen);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setTitle(spec.title);
    chart->setTitleFont(fonts.title);
    chart->setTitleBrush(QColor(0x21, 0x21, 0x21));
    chart->legend()->setVisible(spec.legend && !spec.series.isEmpty());
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->legend()->setFont(fonts.legend);
    chart->legend()->setLabelColor(QColor(0x42, 0x42, 0x42));

    Built built;
    built.x = makeAxis(spec.x, fonts);
    built.y = makeAxis(spec.y, fonts);
    chart->addAxis(built.x, Qt::AlignBottom);
    chart->addAxis(built.y, Qt::AlignLeft);
    for (int i = 0; i < spec.series.size(); ++i) {
        const SeriesSpec& s = spec.series[i];
        auto* line = new QLineSeries;
        line->setName(s.name);
        QPen pen(s.color.isValid() ? s.color : seriesColor(i), s.width);
        pen.setStyle(s.dashed ? Qt::DashLine : Qt::SolidLine);
        pen.setCapStyle(Qt::RoundCap);
        pen.setJoinStyle(Qt::RoundJoin);
        line->setPen(pen);
        line->setPointsVisible(s.markers);
        chart->addSeries(line);
        line->attachAxis(built.x);
        line->attachAxis(built.y);
        if (!s.inLegend)
            for (QLegendMarker* marker : chart->legend()->markers(line))
                marker->setVisible(false);
        built.lines.append(line);
    }
    return built;
}

} // namespace

QColor seriesColor(int index)
{
    // Okabe-Ito, the palette designed to stay distinguishable with colour-vision deficiency.
    static const QColor kColors[] = {QColor(0x00, 0x72, 0xb2), QColor(0xd5, 0x5e, 0x00),
                                     QColor(0x00, 0x9e, 0x73), QColor(0xcc, 0x79, 0xa7),
                                     QColor(0xe6, 0x9f, 0x00), QColor(0x56, 0xb4, 0xe9),
                                     QColor(0x59, 0x59, 0x59), QColor(0xf0, 0xe4, 0x42)};
    constexpr int n = int(std::size(kColors));
    return kColors[((index % n) + n) % n];
}

namespace {

/// Sets one axis to [lo, hi] (a zoom), with round ticks on value axes.
void zoomAxis(QAbstractAxis* axis, double lo, double hi)
{
    if (!(hi > lo))
        return;
    if (auto* cat = qobject_cast<QCategoryAxis*>(axis)) {
        cat->setRange(lo, hi);
    } else if (auto* value = qobject_cast<QValueAxis*>(axis)) {
        const double step = niceStep((hi - lo) / 6);
        setValueAxis(value, lo, hi, step, decimalsFor(step));
    } else if (auto* log = qobject_cast<QLogValueAxis*>(axis)) {
        log->setRange(lo, hi);
    }
}

/// A file name from the chart's title: "Throughput (req-s).png".
QString suggestedFileName(const QString& title, const char* suffix)
{
    QString name = title.isEmpty() ? QStringLiteral("chart") : title;
    name.replace(QRegularExpression(QStringLiteral("[/\\\\:*?\"<>|]")), QStringLiteral("-"));
    return name + QLatin1String(suffix);
}

} // namespace

struct ChartWidget::Impl
{
    ChartSpec spec;
    QChart* chart = nullptr;
    QChartView* view = nullptr;
    QLabel* placeholder = nullptr;
    Built built;
    std::optional<std::pair<double, double>> xRange;
    ChartPointer* pointer = nullptr;
    bool zoomed = false;
    QSet<QString> hidden; ///< names of the series hidden through the legend

    void rescale()
    {
        if (!zoomed) {
            QList<QList<QPointF>> mapped;
            for (QLineSeries* line : built.lines)
                mapped.append(line->points());
            applyRanges(spec, built, mapped, xRange);
        }
        updatePlaceholder();
    }

    void zoomTo(const QRectF& values)
    {
        zoomed = true;
        zoomAxis(built.x, values.left(), values.right());
        zoomAxis(built.y, values.top(), values.bottom());
    }

    void showMenu(ChartWidget* widget, const QPoint& globalPos);
    void save(ChartWidget* widget, const char* suffix, const QString& filter);

    void updatePlaceholder()
    {
        bool any = false;
        for (QLineSeries* line : built.lines)
            any = any || line->count() > 0;
        placeholder->setVisible(!any && !placeholder->text().isEmpty());
    }
};

void ChartWidget::Impl::showMenu(ChartWidget* widget, const QPoint& globalPos)
{
    QMenu menu(widget);
    menu.addAction(ChartWidget::tr("Copy image"), widget,
                   [widget] { QGuiApplication::clipboard()->setImage(widget->toImage()); });
    menu.addAction(ChartWidget::tr("Save as PNG…"), widget,
                   [this, widget] { save(widget, ".png", ChartWidget::tr("PNG image (*.png)")); });
    menu.addAction(ChartWidget::tr("Save as SVG…"), widget, [this, widget] {
        save(widget, ".svg", ChartWidget::tr("SVG vector image (*.svg)"));
    });
    menu.addSeparator();
    QAction* reset =
        menu.addAction(ChartWidget::tr("Reset zoom"), widget, [widget] { widget->resetZoom(); });
    reset->setEnabled(zoomed);
    menu.exec(globalPos);
}

void ChartWidget::Impl::save(ChartWidget* widget, const char* suffix, const QString& filter)
{
    QString path = QFileDialog::getSaveFileName(widget, ChartWidget::tr("Save chart"),
                                                suggestedFileName(spec.title, suffix), filter);
    if (path.isEmpty())
        return;
    if (!path.endsWith(QLatin1String(suffix), Qt::CaseInsensitive))
        path += QLatin1String(suffix);
    if (!widget->saveTo(path))
        QMessageBox::warning(widget, ChartWidget::tr("Save chart"),
                             ChartWidget::tr("Could not write %1.").arg(path));
}

ChartWidget::ChartWidget(QWidget* parent)
    : QWidget(parent)
    , d(std::make_unique<Impl>())
{
    d->chart = new QChart;
    d->view = new QChartView(d->chart, this); // the view owns the chart
    d->view->setRenderHint(QPainter::Antialiasing);
    d->view->setFrameShape(QFrame::NoFrame);
    d->pointer = new ChartPointer(d->view, d->spec, d->built.lines);
    connect(d->pointer, &ChartPointer::zoomRequested, this,
            [this](const QRectF& values) { d->zoomTo(values); });
    connect(d->pointer, &ChartPointer::resetZoomRequested, this, &ChartWidget::resetZoom);
    connect(d->pointer, &ChartPointer::menuRequested, this,
            [this](const QPoint& globalPos) { d->showMenu(this, globalPos); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d->view);
    d->placeholder = new QLabel(this);
    d->placeholder->setAlignment(Qt::AlignCenter);
    d->placeholder->setAttribute(Qt::WA_TransparentForMouseEvents);
    d->placeholder->setStyleSheet(placeholderTextStyle());
    d->placeholder->hide();
    setMinimumSize(240, 160);
    setSpec({});
}

ChartWidget::~ChartWidget()
{
    // The pointer reads the spec and lines d owns, and filters the view's viewport: it goes
    // first, before d and before the view's destruction could hand it an event.
    delete d->pointer;
}

void ChartWidget::setSpec(const ChartSpec& spec)
{
    d->chart->removeAllSeries();
    for (QAbstractAxis* axis : d->chart->axes()) {
        d->chart->removeAxis(axis);
        delete axis;
    }
    d->spec = spec;
    d->built = build(d->chart, spec, makeFonts(false));
    d->zoomed = false;
    for (int i = 0; i < spec.series.size(); ++i) {
        QLineSeries* line = d->built.lines[i];
        line->replace(mapPoints(spec.series[i], spec));
        for (QLegendMarker* marker : d->chart->legend()->markers(line))
            connect(marker, &QLegendMarker::clicked, this,
                    [this, i] { setSeriesVisible(i, !isSeriesVisible(i)); });
        if (d->hidden.contains(spec.series[i].name))
            setSeriesVisible(i, false);
    }
    d->rescale();
}

const ChartSpec& ChartWidget::spec() const
{
    return d->spec;
}

void ChartWidget::setSeriesPoints(int index, const QList<QPointF>& points)
{
    if (index < 0 || index >= d->built.lines.size())
        return;
    d->spec.series[index].points = points;
    d->built.lines[index]->replace(mapPoints(d->spec.series[index], d->spec));
    d->rescale();
}

void ChartWidget::setAllSeriesPoints(const QList<QList<QPointF>>& points)
{
    for (int i = 0; i < d->built.lines.size() && i < points.size(); ++i) {
        d->spec.series[i].points = points[i];
        d->built.lines[i]->replace(mapPoints(d->spec.series[i], d->spec));
    }
    d->rescale();
}

void ChartWidget::setXRange(double min, double max)
{
    d->xRange = std::make_pair(min, max);
    d->rescale();
}

int ChartWidget::pointCount(int index) const
{
    return index >= 0 && index < d->built.lines.size() ? d->built.lines[index]->count() : 0;
}

QString ChartWidget::hoverText() const
{
    return d->pointer->hoverText();
}

bool ChartWidget::isZoomed() const
{
    return d->zoomed;
}

void ChartWidget::resetZoom()
{
    d->zoomed = false;
    d->rescale();
}

void ChartWidget::setSeriesVisible(int index, bool visible)
{
    if (index < 0 || index >= d->built.lines.size())
        return;
    QLineSeries* line = d->built.lines[index];
    line->setVisible(visible);
    const QString& name = d->spec.series[index].name;
    if (visible)
        d->hidden.remove(name);
    else
        d->hidden.insert(name);
    // Qt hides a hidden series' legend entry too: keep it, greyed, so it can be clicked back.
    const QColor color = line->pen().color();
    for (QLegendMarker* marker : d->chart->legend()->markers(line)) {
        marker->setVisible(d->spec.series[index].inLegend);
        marker->setLabelBrush(visible ? QColor(0x42, 0x42, 0x42) : QColor(0xbd, 0xbd, 0xbd));
        marker->setBrush(visible ? color : QColor(0xe0, 0xe0, 0xe0));
    }
}

bool ChartWidget::isSeriesVisible(int index) const
{
    return index >= 0 && index < d->built.lines.size() && d->built.lines[index]->isVisible();
}

QImage ChartWidget::toImage() const
{
    d->pointer->clearHover();
    return d->view->grab().toImage();
}

bool ChartWidget::saveTo(const QString& path) const
{
    d->pointer->clearHover();
    if (!path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive))
        return toImage().save(path, "PNG");
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(d->view->size());
    svg.setViewBox(QRect(QPoint(0, 0), d->view->size()));
    svg.setTitle(d->spec.title);
    QPainter painter;
    if (!painter.begin(&svg))
        return false;
    d->view->render(&painter);
    return painter.end() && QFileInfo(path).size() > 0;
}

void ChartWidget::setPlaceholderText(const QString& text)
{
    d->placeholder->setText(text);
    d->updatePlaceholder();
}

void ChartWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    d->placeholder->setGeometry(rect());
}

void renderChart(const ChartSpec& spec, QPainter& painter, const QRectF& rect)
{
    const double dpi = painter.device() ? painter.device()->logicalDpiX() : 96.0;
    const QSizeF logical = rect.size() * (96.0 / dpi);
    QGraphicsScene scene;
    auto* chart = new QChart; // owned by the scene
    scene.addItem(chart);
    const Built built = build(chart, spec, makeFonts(true));
    QList<QList<QPointF>> mapped;
    for (int i = 0; i < spec.series.size(); ++i) {
        mapped.append(mapPoints(spec.series[i], spec));
        built.lines[i]->replace(mapped.last());
    }
    applyRanges(spec, built, mapped, std::nullopt);
    chart->setGeometry(QRectF(QPointF(0, 0), logical));
    if (chart->layout())
        chart->layout()->activate();
    scene.setSceneRect(QRectF(QPointF(0, 0), logical));
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    scene.render(&painter, rect, scene.sceneRect(), Qt::IgnoreAspectRatio);
    painter.restore();
}

} // namespace gb::ui::charts
