#pragma once

#include "app/comparison.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace gb::ui {

/// One line of the summary table engineers publish: a run of a group, or the group's average
/// with its delta against the baseline group. The Compare view's table model and the PDF
/// export both read these, so the screen and the document always agree.
struct ComparisonRow
{
    enum class Kind
    {
        Run,
        Average,
    };
    Kind kind = Kind::Run;
    int group = 0;
    QString groupName;
    bool baselineGroup = false;
    int runNumber = 0; ///< 1-based RUN # within the group; 0 for the average
    int runs = 0;      ///< runs in the group
    QString runId;
    QString runLabel; ///< the run's name, else its id
    double p99Ms = 0;
    double rps = 0;
    QList<app::MachineCpu> cpu;           ///< a run's, or the group's mean
    std::optional<app::GroupDelta> delta; ///< average rows of non-baseline groups
    bool unstable = false;                ///< average rows: the runs disagree (CV above 5 %)
};

enum class ComparisonColumn
{
    Group,
    RunNumber,
    Run,
    P99,
    Throughput,
    P99Delta,
    ThroughputDelta,
    Cpu,
    Count,
};

/// How a run is named in comparison tables: its start time ("2025-01-02 15:30"), after its
/// name when it was renamed.
QString comparisonRunLabel(const app::RunRecord& run);

/// Rows in group order: each group's runs, then its average. runLabels maps run ids to what
/// the table shows for them (the run's name).
QList<ComparisonRow> comparisonRows(const app::Comparison& comparison,
                                    const QHash<QString, QString>& runLabels = {});
QStringList comparisonHeader();
/// The cell texts of row, one per ComparisonColumn.
QStringList comparisonCells(const ComparisonRow& row);

} // namespace gb::ui
