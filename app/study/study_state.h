#pragma once

#include "app/result.h"
#include "app/study/local_scaling.h"
#include "app/study/study.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace gb::app {

enum class StudyStatus
{
    Running,   ///< started, or cut short without a chance to say so (a crash): resumable
    Cancelled, ///< cancelled by the user: resumable
    Finished,  ///< every stage either ran all its runs or failed
};
QString toKeyword(StudyStatus status);

/// A finished run of a study, as kept in its state: the run itself lives in the run store.
struct StudyRunRef
{
    QString id;
    QString filePath;
    friend bool operator==(const StudyRunRef&, const StudyRunRef&) = default;
};

struct StageProgress
{
    QList<StudyRunRef> runs; ///< completed runs, in order
    QString failure;         ///< why the stage stopped before its last run; empty otherwise
    friend bool operator==(const StageProgress&, const StageProgress&) = default;
};

/// Where one study run stands: its definition (overrides applied), the load scaling it decided,
/// and the runs each stage finished. Saved atomically to <directory>/state.json after every
/// step, so a study cut short (cancelled, crashed, machine rebooted) resumes where it was and
/// runs only what is missing. A plain value.
struct StudyState
{
    QString id;        ///< "20250102-153000-1a2b", also the directory's name
    QString directory; ///< where state.json is; not part of the file
    QDateTime createdAt;
    QDateTime updatedAt;
    StudyStatus status = StudyStatus::Running;
    QString runsDirectory; ///< the run store its runs went to
    Study study;
    std::optional<ScalingOutcome> scaling; ///< set once decided (at once when fixed)
    QList<StageProgress> stages;           ///< one per study stage

    /// A fresh state for study, in <studiesDirectory>/<new id>/ (not yet saved).
    static StudyState create(const Study& study, const QString& studiesDirectory,
                             const QString& runsDirectory);

    int totalRuns() const { return study.totalRuns(); }
    /// Runs done, counting a failed stage's runs that will not happen as done.
    int doneRuns() const;
    /// The next stage and 0-based run to do, or nullopt when nothing is left.
    std::optional<std::pair<int, int>> nextRun() const;

    /// The scenario the stage's runs use (the scaled profile applied).
    Scenario stageScenario(int stage) const { return study.stageScenario(stage, scalingProfile()); }
    std::optional<LoadProfile> scalingProfile() const;

    /// "manual / Baseline #2": the run's name in the run history.
    QString runName(int stage, int run) const;
    /// "study:<id>": the tag that groups the study's runs in the run history.
    QString tag() const;
};

inline constexpr int kStudyStateFormatVersion = 1;

/// GATEBENCH_STUDIES_DIR when set, else <AppDataLocation>/studies.
QString defaultStudiesDirectory();
/// <directory>/state.json
QString studyStatePath(const QString& directory);

QJsonObject studyStateToJson(const StudyState& state);
Result<StudyState> studyStateFromJson(const QJsonObject& object);
/// Reads <directory>/state.json; the error names the file.
Result<StudyState> loadStudyState(const QString& directory);
/// The studies kept in studiesDirectory (each a directory with a state.json), newest first; a
/// directory whose state cannot be read is left out.
QList<StudyState> listStudyStates(const QString& studiesDirectory);
/// Creates the directory if needed and writes state.json atomically (QSaveFile), stamping
/// updatedAt. Empty on success, else the sentence.
[[nodiscard]] QString saveStudyState(StudyState& state);

} // namespace gb::app
