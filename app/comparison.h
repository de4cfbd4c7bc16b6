#pragma once

#include "app/run_record.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace gb::app {

/// Runs that disagree by more than this coefficient of variation are flagged.
inline constexpr double kUnstableCv = 0.05;

/// How busy one machine was over a run: its mean CPU, as a share of all its cores.
struct MachineCpu
{
    QString machine; ///< kThisMachine, or a host's name
    double busyPercent = 0;
    friend bool operator==(const MachineCpu&, const MachineCpu&) = default;
};
inline const QString kThisMachine = QStringLiteral("this machine");

/// One run's row in a comparison: RUN #, 99 % latency, throughput, and how busy each machine
/// was (a gateway that saturates its host explains its figures).
struct RunFigures
{
    QString runId;
    double p99Ms = 0;
    double rps = 0;
    QList<MachineCpu> cpu; ///< this machine first, then the hosts in the run's order
};

/// Mean, spread and coefficient of variation (sample standard deviation / mean) of a group.
struct GroupStatistics
{
    int runs = 0;
    double meanP99Ms = 0, minP99Ms = 0, maxP99Ms = 0, cvP99 = 0;
    double meanRps = 0, minRps = 0, maxRps = 0, cvRps = 0;
    bool unstable = false; ///< either CV above kUnstableCv
    /// Each machine's busy share averaged over the runs that sampled it, in first-seen order.
    QList<MachineCpu> meanCpu;

    static GroupStatistics of(const QList<RunFigures>& runs);
};

/// A group against the baseline group, in the form the study publishes:
/// "+0.6 ms p99, -4.5 % throughput". NaN when the baseline has no throughput.
struct GroupDelta
{
    double p99AddedMs = 0;
    double throughputChangePercent = 0; ///< negative: throughput lost

    static GroupDelta between(const GroupStatistics& group, const GroupStatistics& baseline);
};

/// A scenario setting ("load.connections") whose value is not the same in every group.
struct SettingDifference
{
    QString setting;
    QStringList values; ///< one per group, in group order
};

/// A group of runs to compare as one ("the 3 runs of scenario X").
struct ComparisonGroup
{
    QString name;
    QList<RunFigures> runs;
    QJsonObject settings; ///< the scenario (JSON form) of the group's first run
    /// Settings that are not the same in every run of this group: its runs measured different
    /// things, and the average hides it.
    QStringList inconsistentSettings;
    GroupStatistics statistics;
    std::optional<GroupDelta> delta; ///< unset for the baseline group
};

/// Side-by-side figures of groups of runs against a baseline group. Pure arithmetic on values:
/// build it anywhere, show it anywhere.
struct Comparison
{
    QList<ComparisonGroup> groups;
    int baseline = 0; ///< index into groups
    QList<SettingDifference> differences;
};

/// The figures of a stored run (its summary's p99 and throughput, and each machine's mean CPU
/// over the measured seconds).
RunFigures figuresOf(const RunRecord& run);

/// Groups runs by scenario name, groups in the order their first run appears.
QList<ComparisonGroup> groupByScenario(const QList<RunRecord>& runs);

/// Fills statistics, deltas and differences. baseline is clamped into range.
Comparison compare(QList<ComparisonGroup> groups, int baseline = 0);

/// Flattened settings ("load.connections" -> "50") of a scenario's JSON form, without its name
/// and description, for the differences.
QMap<QString, QString> flattenSettings(const QJsonObject& settings);

/// The comparison as the tables engineers publish, plain text with aligned columns.
QString comparisonText(const Comparison& comparison);
QJsonObject comparisonToJson(const Comparison& comparison);

} // namespace gb::app
