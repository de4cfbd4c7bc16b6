#include "app/study/study_runner.h"

#include "app/run_controller.h"
#include "app/run_store.h"
#include "app/study/local_scaling.h"
#include "app/study/study_format.h"

#include <QFile>
#include <QLoggingCategory>
#include <QThread>
#include <QTimer>

namespace gb::app {

namespace {
// Debug output is off unless asked for (QT_LOGGING_RULES="gatebench.*.debug=true").
Q_LOGGING_CATEGORY(lcStudy, "gatebench.app.study", QtInfoMsg)
} // namespace

StudyRunner::StudyRunner(QObject* parent)
    : QObject(parent)
    , m_controller(new RunController(this))
{
    qRegisterMetaType<gb::app::StudyResult>();
    connect(m_controller, &RunController::runFinished, this, &StudyRunner::onRunFinished);
    connect(m_controller, &RunController::runFailed, this, &StudyRunner::onRunFailed);
}

StudyRunner::~StudyRunner()
{
    // The result thread posts to this object as its last act; the event dies with us.
    if (m_resultThread) {
        m_resultThread->wait();
        delete m_resultThread;
    }
}

void StudyRunner::setBinDirectory(const QString& directory)
{
    m_controller->setBinDirectory(directory);
}

void StudyRunner::setRunsDirectory(const QString& directory)
{
    m_runsDirectory = directory;
}

void StudyRunner::setHosts(HostsFile hosts, SshOptions ssh)
{
    m_hosts = hosts;
    m_controller->setHosts(std::move(hosts), std::move(ssh));
    m_onHosts = true;
}

void StudyRunner::setBundle(const QString& tarball)
{
    m_controller->setBundle(tarball);
}

void StudyRunner::setStudiesDirectory(const QString& directory)
{
    m_studiesDirectory = directory;
}

void StudyRunner::later(std::function<void()> step)
{
    // Every outcome is emitted from the event loop, never from inside start()/resume() or a
    // controller signal, so receivers may call back into the runner.
    QMetaObject::invokeMethod(this, std::move(step), Qt::QueuedConnection);
}

void StudyRunner::nextAfterPause()
{
    // The finished run's sockets close and its processes' exit settles before the next run's
    // servers start; and a window following the study draws the finished run in a turn of its
    // event loop of its own, not in the one that also starts the next run.
    QTimer::singleShot(kPauseBetweenRuns, this, [this] { next(); });
}

QString StudyRunner::runningHere() const
{
    return QStringLiteral("Study \"%1\" is running here: cancel it first.").arg(m_state.study.name);
}

QString StudyRunner::claim(MeasurementLease lease, const QString& studyName)
{
    if (!lease) {
        auto acquired = MeasurementLock::acquire(QStringLiteral("study \"%1\"").arg(studyName));
        if (!acquired)
            return acquired.error();
        lease = std::move(acquired).value();
    }
    m_lease = std::move(lease);
    return {};
}

QString StudyRunner::start(const Study& study, MeasurementLease lease)
{
    if (m_active)
        return runningHere();
    if (const QList<ValidationIssue> issues = study.validate(); !issues.isEmpty()) {
        QStringList lines;
        for (const ValidationIssue& i : issues)
            lines.append(QStringLiteral("%1: %2").arg(i.field, i.message));
        const QString message = QStringLiteral("Study \"%1\" is not valid: %2")
                                    .arg(study.name, lines.join(QStringLiteral("; ")));
        later([this, message] { Q_EMIT studyFailed(message); });
        return {};
    }
    if (const QString refusal = claim(std::move(lease), study.name); !refusal.isEmpty())
        return refusal;
    m_state = StudyState::create(
        study, m_studiesDirectory.isEmpty() ? defaultStudiesDirectory() : m_studiesDirectory,
        m_runsDirectory.isEmpty() ? RunStore::defaultDirectory() : m_runsDirectory);
    begin();
    return {};
}

QString StudyRunner::resume(const QString& directory, MeasurementLease lease)
{
    if (m_active)
        return runningHere();
    auto loaded = loadStudyState(directory);
    if (!loaded) {
        const QString message =
            QStringLiteral("The study cannot be resumed: %1").arg(loaded.error());
        later([this, message] { Q_EMIT studyFailed(message); });
        return {};
    }
    if (const QString refusal = claim(std::move(lease), loaded->study.name); !refusal.isEmpty())
        return refusal;
    m_state = std::move(loaded).value();
    if (m_state.runsDirectory.isEmpty())
        m_state.runsDirectory =
            m_runsDirectory.isEmpty() ? RunStore::defaultDirectory() : m_runsDirectory;
    for (StageProgress& stage : m_state.stages) {
        // A failed stage is tried again: what made it fail (a missing gateway feature, a busy
        // port) may be fixed by now. A run whose file is gone is run again.
        stage.failure.clear();
        stage.runs.removeIf([](const StudyRunRef& r) { return !QFile::exists(r.filePath); });
    }
    begin();
    return {};
}

void StudyRunner::begin()
{
    // On hosts the study runs as designed: no calibration against this machine.
    if (m_onHosts && !m_state.scaling)
        m_state.scaling = hostsScaling(m_state.study);
    m_active = true;
    m_cancelRequested = false;
    m_announcedStage = -1;
    m_step = Step::Idle;
    m_state.status = StudyStatus::Running;
    m_controller->setRunsDirectory(m_state.runsDirectory);
    if (!save())
        return;
    qCDebug(lcStudy).noquote() << "study" << m_state.id << "in" << m_state.directory;
    later([this] {
        Q_EMIT studyStarted(m_state.id, m_state.directory);
        emitProgress();
        next();
    });
}

void StudyRunner::cancel()
{
    if (!m_active || m_cancelRequested)
        return;
    m_cancelRequested = true;
    if (m_controller->isRunning())
        m_controller->stop(); // the run's outcome signal then concludes the study
}

bool StudyRunner::save()
{
    if (const QString e = saveStudyState(m_state); !e.isEmpty()) {
        fail(QStringLiteral("The study's state cannot be saved, so it could not be resumed: %1")
                 .arg(e));
        return false;
    }
    return true;
}

void StudyRunner::fail(const QString& message)
{
    qCDebug(lcStudy).noquote() << "study" << m_state.id << "failed:" << message;
    m_lease.reset();
    m_active = false;
    m_step = Step::Idle;
    later([this, message] { Q_EMIT studyFailed(message); });
}

void StudyRunner::emitProgress()
{
    Q_EMIT progress(m_state.doneRuns(), m_state.totalRuns());
}

void StudyRunner::next()
{
    if (!m_active || m_step == Step::Concluding)
        return;
    if (m_cancelRequested)
        return conclude(StudyStatus::Cancelled);

    if (needsCalibration(m_state.study) && !m_state.scaling) {
        m_step = Step::Calibrating;
        const Scenario scenario = calibrationScenario(m_state.study);
        Q_EMIT calibrationStarted(
            QStringLiteral("Calibrating: %1 at full speed with %2 workers for %3")
                .arg(m_state.study.stages.first().name)
                .arg(scenario.load.connections)
                .arg(studyformat::humanDuration(scenario.load.duration)));
        startRun(scenario, label(QStringLiteral("%1 / calibration").arg(m_state.study.name),
                                 {QStringLiteral("calibration")}));
        return;
    }

    const auto todo = m_state.nextRun();
    if (!todo)
        return conclude(StudyStatus::Finished);
    std::tie(m_stage, m_run) = *todo;
    if (m_stage != m_announcedStage) {
        m_announcedStage = m_stage;
        Q_EMIT stageStarted(m_stage, m_state.study.stages[m_stage].name);
    }
    m_step = Step::Running;
    Q_EMIT runStarted(m_stage, m_run, m_state.runName(m_stage, m_run));
    startRun(m_state.stageScenario(m_stage), label(m_state.runName(m_stage, m_run)));
}

void StudyRunner::startRun(Scenario scenario, RunLabel label)
{
    if (m_onHosts) {
        scenario.topology.kind = TopologyKind::Hosts;
        // The classic layout's load generator: every loadgen host of the file, unless the
        // study names its own.
        if (scenario.topology.loadHosts.isEmpty())
            for (const HostSpec& h : m_hosts.hosts)
                if (h.plays(HostRole::LoadGen))
                    scenario.topology.loadHosts.append(h.name);
    }
    // Under the study's lease, so no other measurement slips in between two runs.
    if (const QString refusal = m_controller->start(scenario, m_lease, std::move(label));
        !refusal.isEmpty())
        fail(refusal);
    else
        Q_EMIT runStarting(scenario);
}

RunLabel StudyRunner::label(const QString& name, const QStringList& extraTags) const
{
    return {name, QStringList{m_state.tag()} + extraTags};
}

void StudyRunner::relabel(RunRecord& run, const QString& name, const QStringList& extraTags) const
{
    if (run.id.isEmpty() || run.filePath.isEmpty())
        return; // nothing was stored
    const RunStore store(m_state.runsDirectory);
    run.name = name;
    run.tags = QStringList{m_state.tag()} + extraTags;
    QString error = store.rename(run.id, run.name);
    if (error.isEmpty())
        error = store.setTags(run.id, run.tags);
    if (!error.isEmpty())
        qCWarning(lcStudy).noquote() << "run" << run.id << "cannot be labelled:" << error;
}

void StudyRunner::onRunFinished(const RunRecord& finished)
{
    if (!m_active)
        return;
    if (m_step == Step::Calibrating) {
        if (finished.status != RunStatus::Completed) {
            RunRecord run = finished;
            relabel(run, QStringLiteral("%1 / calibration (cancelled)").arg(m_state.study.name),
                    {QStringLiteral("calibration")});
            return conclude(StudyStatus::Cancelled);
        }
        return calibrated(finished);
    }
    if (finished.status != RunStatus::Completed) {
        // Only cancel() stops a run: a run cut short measured less than the others and is not
        // counted; it stays in the history, marked.
        RunRecord run = finished;
        relabel(run, m_state.runName(m_stage, m_run) + QStringLiteral(" (cancelled)"));
        return conclude(StudyStatus::Cancelled);
    }
    // Stored under the run's label already (startRun).
    m_state.stages[m_stage].runs.append({finished.id, finished.filePath});
    if (!save())
        return;
    Q_EMIT runFinished(finished);
    emitProgress();
    nextAfterPause();
}

void StudyRunner::calibrated(const RunRecord& run)
{
    if (!(run.summary.rps > 0))
        return fail(QStringLiteral("The calibration run of %1 measured no throughput, so the "
                                   "study cannot scale its load to this machine.")
                        .arg(m_state.study.stages.first().name));
    ScalingOutcome scaling = calibratedScaling(m_state.study, run.summary.rps);
    scaling.calibrationRunId = run.id;
    scaling.calibrationRunFile = run.filePath;
    m_state.scaling = scaling;
    if (!save())
        return;
    Q_EMIT calibrationFinished(scaling.note);
    nextAfterPause();
}

void StudyRunner::onRunFailed(const QString& message, const RunRecord& failed)
{
    if (!m_active)
        return;
    RunRecord run = failed;
    if (m_cancelRequested) {
        relabel(run, (m_step == Step::Calibrating
                          ? QStringLiteral("%1 / calibration").arg(m_state.study.name)
                          : m_state.runName(m_stage, m_run)) +
                         QStringLiteral(" (cancelled)"));
        return conclude(StudyStatus::Cancelled);
    }
    if (m_step == Step::Calibrating) {
        relabel(run, QStringLiteral("%1 / calibration (failed)").arg(m_state.study.name),
                {QStringLiteral("calibration")});
        return fail(QStringLiteral("The calibration run of %1 failed, so the study cannot "
                                   "scale its load to this machine: %2")
                        .arg(m_state.study.stages.first().name, message));
    }
    // The stage's next runs would meet the same cause: skip them and go on with the next
    // stage. A partial run is kept in the history but never counted.
    relabel(run, m_state.runName(m_stage, m_run) + QStringLiteral(" (failed)"));
    m_state.stages[m_stage].failure = message;
    if (!save())
        return;
    Q_EMIT stageFailed(m_stage, message);
    emitProgress();
    nextAfterPause();
}

void StudyRunner::conclude(StudyStatus status)
{
    m_step = Step::Concluding;
    m_lease.reset(); // the measuring is over; the result is computed from the stored runs
    m_state.status = status;
    if (!save())
        return;
    // Loading every run file takes a while for long runs: keep it off this thread.
    const StudyState state = m_state;
    m_resultThread = QThread::create([this, state] {
        Result<StudyResult> result = computeStudyResult(state);
        QMetaObject::invokeMethod(
            this, [this, result] { concluded(result); }, Qt::QueuedConnection);
    });
    m_resultThread->setObjectName(QStringLiteral("gatebench-study-result"));
    m_resultThread->start();
}

void StudyRunner::concluded(const Result<StudyResult>& result)
{
    m_resultThread->wait();
    delete m_resultThread;
    m_resultThread = nullptr;
    m_active = false;
    m_step = Step::Idle;
    if (!result)
        return fail(result.error());
    qCDebug(lcStudy).noquote() << "study" << m_state.id << toKeyword(m_state.status);
    if (m_state.status == StudyStatus::Cancelled)
        Q_EMIT studyCancelled(result.value());
    else
        Q_EMIT studyFinished(result.value());
}

} // namespace gb::app
