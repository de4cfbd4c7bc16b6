#include "ui/report/report_chart.h"

#include <algorithm>
#include <limits>

namespace gb::ui::report {

charts::ChartSpec reportChartSpec(const app::ReportChart& c)
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
        s.markers = c.stageAxis;
        for (const QPointF& p : s.points) {
            xMin = std::min(xMin, p.x());
            xMax = std::max(xMax, p.x());
        }
        spec.series.append(s);
    }
    // Runs of a few seconds need tenths on the time axis, or its ticks repeat.
    if (c.xScale == app::ChartScale::Linear && xMin <= xMax && xMax - xMin < 10)
        spec.x.decimals = 1;
    if (c.stageAxis && xMin <= xMax) {
        spec.x.min = 0; // room on both sides of the first and last stage's marks
        spec.x.max = xMax + 1;
        spec.x.decimals = 0;
    }
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

} // namespace gb::ui::report
