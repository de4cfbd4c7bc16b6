#pragma once

#include "app/hosts/hosts_file.h"
#include "app/measurement_lock.h"
#include "app/run_record.h"
#include "app/ssh/ssh_session.h"
#include "app/study/study.h"
#include "app/study/study_result.h"
#include "app/study/study_state.h"

#include <QObject>
#include <QString>

#include <chrono>

class QThread;

namespace gb::app {

class RunController;

/// Runs a study: an optional calibration run, then every stage's runs one after the other
/// through one RunController, keeping the study's state file current after every step so a
/// study cut short resumes where it was. Each run is stored in the run store like any other,
/// named "<study> / <stage> #n" and tagged "study:<id>", so the run history shows it grouped.
///
/// Lives on the thread that created it (the GUI thread, or the headless command's main
/// thread); call it there only. Nothing blocks that thread: runs go through the controller's
/// worker, and the result is computed from the stored runs on a short-lived worker thread.
/// Outcomes arrive as signals on the runner's thread, after start()/resume() returned:
/// studyStarted, then (calibrationStarted, calibrationFinished)?, then per stage stageStarted
/// and per run runStarted followed by runFinished or stageFailed, with progress after each;
/// finally exactly one of studyFinished, studyCancelled or studyFailed.
/// Owns its RunController; destroying the runner during a study stops the current run and
/// leaves the study resumable.
class StudyRunner final : public QObject
{
    Q_OBJECT

public:
    /// Between a run's end and the next run's start.
    static constexpr std::chrono::milliseconds kPauseBetweenRuns{100};

    explicit StudyRunner(QObject* parent = nullptr);
    ~StudyRunner() override;

    /// Where gatebench-upstream and gatebench-gateway are (RunController's default until set).
    void setBinDirectory(const QString& directory);
    /// The run store new studies' runs go to; RunStore::defaultDirectory() until set. A resumed
    /// study keeps the store it started with.
    void setRunsDirectory(const QString& directory);
    /// Runs every stage's scenario on these hosts (topology "hosts") instead of this machine.
    void setHosts(HostsFile hosts, SshOptions ssh);
    /// The next study runs on this machine again (after setHosts).
    void runLocally() { m_onHosts = false; }
    /// The server bundle for hosts (RunController::setBundle).
    void setBundle(const QString& tarball);
    /// Where each study gets its directory (<dir>/<id>/state.json); defaultStudiesDirectory().
    void setStudiesDirectory(const QString& directory);

    /// The controller that runs the current run: connect to its snapshotReady,
    /// hostSampleReady and phaseChanged for the live charts. Owned by the runner.
    RunController* controller() const { return m_controller; }

    bool isRunning() const { return m_active; }
    /// The state of the current (or last) study: id, directory, progress.
    const StudyState& state() const { return m_state; }

    /// Starts a new study in a new directory, under lease or under a lease of its own that it
    /// holds until its last run has ended. Returns an empty string when it started; else the
    /// sentence why not (a study is running here, or another measurement is in progress on this
    /// machine) and emits nothing. An invalid study is reported through studyFailed.
    [[nodiscard]] QString start(const Study& study, MeasurementLease lease = {});
    /// Continues the study in directory: finished runs are kept and skipped, stages that failed
    /// are tried again, the load profile decided the first time is kept. Returns and takes its
    /// lease as start() does; a directory without a readable state is reported through
    /// studyFailed.
    [[nodiscard]] QString resume(const QString& directory, MeasurementLease lease = {});
    /// Stops the current run (its partial data is not counted) and ends the study as
    /// cancelled; finished runs are kept. Returns at once; studyCancelled follows.
    void cancel();

Q_SIGNALS:
    void studyStarted(const QString& id, const QString& directory);
    void calibrationStarted(const QString& description);
    void calibrationFinished(const QString& scalingNote);
    void stageStarted(int stage, const QString& name);
    /// run is 0-based within the stage; name is the run's name in the history.
    void runStarted(int stage, int run, const QString& name);
    /// The controller took a run (the calibration's too): what it runs, for a live view.
    void runStarting(const gb::app::Scenario& scenario);
    /// A run of the study completed and is stored (named and tagged).
    void runFinished(const gb::app::RunRecord& run);
    /// The stage's remaining runs are skipped; the study goes on with the next stage.
    void stageFailed(int stage, const QString& message);
    void progress(int done, int total);
    void studyFinished(const gb::app::StudyResult& result);
    /// Cancelled by cancel(): partial holds the tables of the runs finished so far.
    void studyCancelled(const gb::app::StudyResult& partial);
    /// The study cannot go on (invalid, calibration failed, its state cannot be written).
    /// Whatever finished is kept; the study stays resumable when its state could be saved.
    void studyFailed(const QString& message);

private:
    enum class Step
    {
        Idle,
        Calibrating,
        Running,
        Concluding,
    };

    QString runningHere() const;
    /// Holds lease, or a new one for the study; else returns the sentence why not.
    QString claim(MeasurementLease lease, const QString& studyName);
    void begin();
    void startRun(Scenario scenario, RunLabel label);
    void next();
    /// next() once kPauseBetweenRuns has passed.
    void nextAfterPause();
    void onRunFinished(const RunRecord& run);
    void onRunFailed(const QString& message, const RunRecord& run);
    void calibrated(const RunRecord& run);
    void conclude(StudyStatus status);
    void concluded(const Result<StudyResult>& result);
    void fail(const QString& message);
    bool save();
    /// The label a run of the study is stored under: name, the study's tag and extraTags.
    RunLabel label(const QString& name, const QStringList& extraTags = {}) const;
    /// Files a stored run that ended otherwise than planned under name instead (a rewrite of its
    /// file); a failure to do so is logged, not fatal.
    void relabel(RunRecord& run, const QString& name, const QStringList& extraTags = {}) const;
    void emitProgress();
    void later(std::function<void()> step);

    RunController* m_controller = nullptr;
    MeasurementLease m_lease; ///< held while the study's runs go on
    bool m_onHosts = false;
    HostsFile m_hosts; ///< with m_onHosts
    QString m_runsDirectory;
    QString m_studiesDirectory;
    StudyState m_state;
    Step m_step = Step::Idle;
    bool m_active = false;
    bool m_cancelRequested = false;
    int m_stage = -1; ///< the stage of the current run
    int m_run = -1;
    int m_announcedStage = -1;
    QThread* m_resultThread = nullptr;
};

} // namespace gb::app
