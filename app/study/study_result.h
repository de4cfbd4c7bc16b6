#pragma once

#include "app/comparison.h"
#include "app/environment_info.h"
#include "app/result.h"
#include "app/run_record.h"
#include "app/study/study_state.h"

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace gb::app {

enum class ThresholdKind
{
    MaxP99,            ///< average p99 <= limit ms
    MinRps,            ///< average throughput >= limit requests/s
    MaxDeltaP99,       ///< p99 added to the baseline's <= limit ms
    MaxThroughputLoss, ///< throughput lost vs the baseline <= limit %
};
QString toKeyword(ThresholdKind kind); ///< the study file's member: "maxP99Ms", ...

/// One threshold of one stage, checked. A threshold that could not be measured (the stage or
/// the baseline has no runs) does not hold.
struct ThresholdCheck
{
    ThresholdKind kind = ThresholdKind::MaxP99;
    double limit = 0;
    std::optional<double> measured; ///< in the limit's unit (loss in %, positive = lost)
    bool passed = false;

    QString condition() const;    ///< "p99 ≤ 2.00 ms", "throughput loss ≤ 5.0 %"
    QString measuredText() const; ///< "1.73 ms", or "not measured"
};

/// One stage's outcome, recomputed from its stored runs.
struct StageResult
{
    QString name;
    Scenario scenario; ///< as its runs ran (profile applied)
    int plannedRuns = 0;
    QList<RunRecord> runs; ///< completed runs, in order, as stored
    QString failure;       ///< why the stage did not run all its runs; empty otherwise
    /// Figures (RUN #, p99, throughput), average, min-max, CV and delta, from app/comparison.
    /// Meaningful when measured(); delta unset for the baseline and when it has no runs.
    ComparisonGroup group;
    QList<ThresholdCheck> thresholds;

    bool measured() const { return !runs.isEmpty(); }
    bool failed() const { return !failure.isEmpty(); }
    bool thresholdsHold() const;
};

/// A study's tables and verdict, computed from its state and its stored runs only, never from
/// figures kept aside: what the report says is what the run files say. A plain value.
struct StudyResult
{
    QString id;
    QString directory;
    Study study; ///< the definition as run (overrides applied)
    StudyStatus status = StudyStatus::Running;
    QDateTime createdAt;
    QDateTime updatedAt;
    std::optional<ScalingOutcome> scaling;
    QList<StageResult> stages;
    /// The measured stages side by side (baseline = the first stage, when it was measured):
    /// statistics, deltas and the settings that differ between stages.
    Comparison comparison;
    bool baselineMeasured = false;
    QList<EnvironmentInfo> hosts; ///< every machine a run was measured on, in order of use

    bool stagesSucceeded() const; ///< every stage ran all its runs
    bool thresholdsHold() const;
    /// Finished, every stage complete, every threshold held: exit status 0.
    bool passed() const;
    /// One sentence per reason it did not pass (failed stages, thresholds, unfinished).
    QStringList problems() const;
};

/// Pure arithmetic: the result of a state whose stages' runs are given (runs[i] for stage i).
StudyResult studyResultFrom(const StudyState& state, const QList<QList<RunRecord>>& runs);
/// Loads every run the state lists from its file and computes the result; fails with the
/// sentence naming a run file that cannot be read. Blocking file I/O: call it off the GUI
/// thread for long studies.
Result<StudyResult> computeStudyResult(const StudyState& state);
/// The result of the study kept in directory: its state file, then computeStudyResult. Blocking
/// file I/O, as that.
Result<StudyResult> loadStudyResult(const QString& directory);

} // namespace gb::app

Q_DECLARE_METATYPE(gb::app::StudyResult)
