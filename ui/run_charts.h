#pragma once

#include "app/host_sample.h"
#include "app/run_record.h"
#include "engine/histogram.h"
#include "engine/snapshot.h"
#include "ui/charts/chart_spec.h"

#include <QList>
#include <QPointF>
#include <QStringList>

#include <vector>

namespace gb::ui {

/// The series a run is plotted from, taken from its per-second snapshots. Percentiles over a
/// window always come from merging the window's serialized histograms (docs/ARCHITECTURE.md,
/// convention 5), never from averaging per-second percentiles.

/// Merges the latency histograms of series (warm-up seconds only when includeWarmup).
engine::Histogram mergeLatency(const std::vector<engine::Snapshot>& series,
                               bool includeWarmup = false);
/// The latency distribution as (percentile 0..100, milliseconds) points for a
/// charts::AxisScale::Percentile axis, up to the nines the sample count supports.
QList<QPointF> percentileCurve(const engine::Histogram& histogram);

enum class LatencyLine
{
    P50,
    P90,
    P99,
    Max,
};

QList<QPointF> rpsPoints(const std::vector<engine::Snapshot>& series);
/// The target rate: the engine's open-loop schedule, or connections x rate for hey's -q model.
QList<QPointF> targetRpsPoints(const std::vector<engine::Snapshot>& series,
                               const app::Scenario& scenario);
QList<QPointF> latencyPoints(const std::vector<engine::Snapshot>& series, LatencyLine line);
/// The lines of the CPU chart: this machine's processes by role ("load", "gateway", "upstream",
/// "redis"), then each remote host as "host:NAME".
/// CPU of one line: a process in % of one core, a host in % of all its cores (busy: user,
/// system and steal).
QList<QPointF> processCpuPoints(const QList<app::HostSample>& samples, const QString& role);
/// This machine's CPU, % of all cores.
QList<QPointF> machineCpuPoints(const QList<app::HostSample>& samples);
/// The lines seen in samples: roles in the order load, gateway, upstream, redis, then others,
/// then the hosts ("host:NAME") in the order they first appear.
QStringList processRoles(const QList<app::HostSample>& samples);

/// Chart layouts shared by the live dashboard, the stored-run view and the PDF reports. The
/// series come empty (live views fill them on their timer) unless a run is given.
charts::ChartSpec throughputChart(bool withTarget);
charts::ChartSpec latencyChart();
/// One line per role (processes as top shows them, hosts as a share of their cores) and this
/// machine's; cpuSources() says how each was read.
charts::ChartSpec cpuChart(const QStringList& roles);
/// One sentence per kind of CPU line and where its figures come from, as samples say.
QString cpuSources(const QList<app::HostSample>& samples);
charts::ChartSpec distributionChart(const QStringList& curveNames);

/// The four charts of one run, filled from its stored series.
QList<charts::ChartSpec> runCharts(const app::RunRecord& run);

/// Overlaid throughput of several runs: one line per run, coloured by group, one legend entry
/// per group (its first run's label). groupOfRun[i] is the group index of runs[i].
charts::ChartSpec overlaidThroughputChart(const QList<const app::RunRecord*>& runs,
                                          const QList<int>& groupOfRun, const QStringList& labels);
/// One latency percentile curve per group, from the merged histograms of all its runs.
charts::ChartSpec groupDistributionChart(const QList<QList<const app::RunRecord*>>& groups,
                                         const QStringList& groupNames);

} // namespace gb::ui
