#include "ui/editor/rate_preview.h"

#include "engine/rate_schedule.h"
#include "ui/charts/chart_spec.h"
#include "ui/format.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <chrono>

namespace gb::ui {

namespace {

double seconds(app::Duration d)
{
    return std::chrono::duration<double>(d).count();
}

} // namespace

RatePreview::RatePreview(QWidget* parent)
    : QWidget(parent)
{
    setMinimumHeight(110);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(QStringLiteral("Target request rate over the run; the warm-up is shaded"));
}

QSize RatePreview::sizeHint() const
{
    return {320, 130};
}

void RatePreview::setScenario(const app::Scenario& scenario)
{
    m_scenario = scenario;
    update();
}

double RatePreview::targetAt(double t) const
{
    const app::LoadSettings& l = m_scenario.load;
    switch (l.model) {
    case app::LoadModelKind::Max:
        return 0;
    case app::LoadModelKind::PerWorkerRate:
        return l.perWorkerRate * l.connections;
    case app::LoadModelKind::TotalRate: {
        std::vector<engine::Stage> stages;
        for (const app::RateStage& s : l.stages)
            stages.push_back({s.duration, s.rps});
        const engine::RateSchedule schedule(l.totalRate, stages);
        return schedule.rateAt(std::chrono::duration_cast<engine::Nanos>(
            std::chrono::duration<double>(std::max(0.0, t))));
    }
    }
    return 0;
}

void RatePreview::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF frame = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    p.fillRect(frame, palette().color(QPalette::Base));
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(frame);

    const QFontMetrics fm(font());
    const double total = seconds(m_scenario.totalDuration());
    if (m_scenario.load.model == app::LoadModelKind::Max || !(total > 0)) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(frame.adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap,
                   m_scenario.load.model == app::LoadModelKind::Max
                       ? QStringLiteral("Max throughput: no target rate, each connection sends "
                                        "as soon as it is answered")
                       : QStringLiteral("Set a duration to see the target rate"));
        return;
    }

    constexpr int kSamples = 240;
    QList<QPointF> curve;
    double peak = 0;
    for (int i = 0; i <= kSamples; ++i) {
        const double t = total * i / kSamples;
        const double r = targetAt(t);
        peak = std::max(peak, r);
        curve.append({t, r});
    }
    if (!(peak > 0))
        peak = 1;

    const QString top = formatRps(peak) + QStringLiteral(" req/s");
    const double left = 8, right = 8, topMargin = fm.height() + 6, bottom = fm.height() + 6;
    const QRectF plot(frame.left() + left, frame.top() + topMargin, frame.width() - left - right,
                      frame.height() - topMargin - bottom);
    auto map = [&](const QPointF& v) {
        return QPointF(plot.left() + plot.width() * v.x() / total,
                       plot.bottom() - plot.height() * v.y() / (peak * 1.05));
    };

    const double warmup = seconds(m_scenario.load.warmup);
    if (warmup > 0) {
        const QRectF shade(plot.left(), plot.top(), plot.width() * std::min(1.0, warmup / total),
                           plot.height());
        p.fillRect(shade, QColor(0, 0, 0, 18));
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(shade.adjusted(3, 2, 0, 0), Qt::AlignLeft | Qt::AlignTop,
                   QStringLiteral("warm-up"));
    }

    QPainterPath line;
    QPainterPath area;
    area.moveTo(map({0, 0}));
    for (int i = 0; i < curve.size(); ++i) {
        const QPointF at = map(curve[i]);
        i == 0 ? line.moveTo(at) : line.lineTo(at);
        area.lineTo(at);
    }
    area.lineTo(map({total, 0}));
    area.closeSubpath();
    QColor fill = charts::seriesColor(0);
    fill.setAlpha(40);
    p.fillPath(area, fill);
    p.setPen(QPen(charts::seriesColor(0), 2));
    p.drawPath(line);

    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRectF(frame.left() + left, frame.top() + 2, plot.width(), fm.height() + 2),
               Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("peak %1").arg(top));
    p.setPen(palette().color(QPalette::PlaceholderText));
    const QRectF axis(plot.left(), plot.bottom() + 2, plot.width(), fm.height() + 2);
    p.drawText(axis, Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("0s"));
    p.drawText(axis, Qt::AlignRight | Qt::AlignVCenter,
               app::formatDuration(m_scenario.totalDuration()));
}

} // namespace gb::ui
