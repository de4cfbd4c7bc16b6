#pragma once

#include "app/study/study_report.h"
#include "ui/charts/chart_spec.h"

namespace gb::ui::report {

/// A report's chart as the chart widgets draw it, on screen and in the PDF alike: its series in
/// the palette's order, its limits (a threshold, an offered rate) as dashed lines across the
/// data's x range, tenths on a time axis of a few seconds.
charts::ChartSpec reportChartSpec(const app::ReportChart& chart);

} // namespace gb::ui::report
