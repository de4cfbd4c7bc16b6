#pragma once

#include "app/study/study_report.h"

namespace gb::app {

// The report's charts, each from stored runs only (their per-second snapshots, host samples
// and merged histograms): study_report.cpp decides where they go.

/// Throughput per second of the measured window, one series per run ("#1", "#2", ...).
ReportChart throughputOverTime(const StageResult& stage);
/// p99 per second of the measured window, one series per run, the stage's p99 threshold as a
/// limit line when it has one.
ReportChart p99OverTime(const StageResult& stage);
/// CPU of each process role (load, upstream, gateway, redis) and of the whole machine on host,
/// in % of one core, averaged over the stage's runs second by second.
ReportChart cpuOnHost(const StageResult& stage, const QString& host);
/// Latency against percentile (50 % ... 99.99 %) of every measured stage, from the merged
/// histograms of its runs, overlaid. Points stop where a stage has too few samples to say.
ReportChart latencyPercentiles(const QList<StageResult>& stages);

} // namespace gb::app
