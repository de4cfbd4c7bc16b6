#pragma once

#include "app/comparison.h"
#include "app/study/study_report.h"
#include "app/study/study_result.h"

#include <QList>
#include <QString>

#include <optional>

namespace gb::app {

/// One stage name in two studies: its figures in each (unset where that study has no such
/// stage, or did not measure it) and what changed from the first study to the second.
struct StageComparison
{
    QString stage;
    std::optional<GroupStatistics> first;
    std::optional<GroupStatistics> second;
    /// The second's figures against the first's: "+0.6 ms p99, -4.5 % throughput". Set when
    /// both measured the stage.
    std::optional<GroupDelta> change;
    /// Whether the two studies' runs overlap (min-max) for p99 and for throughput: a change
    /// inside the runs' own spread is noise, not a finding. False when either is unmeasured.
    /// Meaningless when either study ran the stage once (no spread): see spreadKnown.
    bool spreadKnown = false; ///< both measured the stage with two runs or more
    bool p99Overlaps = false;
    bool rpsOverlaps = false;
    /// What the stage added to its own study's baseline (first stage), in each study.
    std::optional<GroupDelta> firstCost;
    std::optional<GroupDelta> secondCost;
    /// Scenario settings of the stage that differ between the two studies' first runs:
    /// "load.connections" 50 vs 100. Such a stage measured different things in each.
    QList<SettingDifference> differences;
};

/// Two studies side by side, stage by stage: stages matched by name, in the first study's order,
/// then the second's own. Pure arithmetic on two results (as computeStudyResult gives them).
struct StudyComparison
{
    StudyResult first;
    StudyResult second;
    QList<StageComparison> stages;
    /// The CPU models each study ran on (its hosts, in order of use), to warn that ratios move
    /// with the CPU when they are not the same.
    QStringList firstCpus;
    QStringList secondCpus;
};

StudyComparison compareStudies(const StudyResult& first, const StudyResult& second);

/// The comparison as report blocks (the studies, the stage-by-stage table with its verdicts,
/// each stage's cost over its own baseline in both, p99 and throughput by stage as charts, the
/// settings that differ), so the Study page, the terminal and the PDF show it as they show a
/// study's own report. Pure.
StudyReport buildStudyComparisonReport(const StudyComparison& comparison);

} // namespace gb::app
