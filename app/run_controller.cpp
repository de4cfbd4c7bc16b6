#include "app/run_controller.h"

#include "app/binaries.h"
#include "app/host_sampler.h"
#include "app/hosts/ssh_deployment.h"
#include "app/local_deployment.h"
#include "app/logging.h"
#include "app/run_store.h"
#include "engine/load_engine.h"
#include "engine/report.h"

#include <QCoreApplication>
#include <QThread>

#include <mutex>

namespace gb::app {

/// What the controller's thread and the worker share: the request to stop, and the engine to
/// stop while it runs. Guarded by mutex so stop() never races the engine's construction.
struct RunController::Shared
{
    std::mutex mutex;
    std::atomic<bool> cancel{false};
    engine::LoadEngine* engine = nullptr;
};

struct RunController::Outcome
{
    RunRecord run;
    QString failure; ///< empty: runFinished
};

RunController::RunController(QObject* parent)
    : QObject(parent)
{
    // Receivers on other threads get these by queued connection.
    qRegisterMetaType<gb::engine::Snapshot>();
    qRegisterMetaType<gb::app::HostSample>();
    qRegisterMetaType<gb::app::RunRecord>();
    qRegisterMetaType<gb::app::RunPhase>();
}

RunController::~RunController()
{
    if (m_thread) {
        stop();
        m_thread->wait();
        delete m_thread;
    }
}

void RunController::setBinDirectory(const QString& directory)
{
    m_binDirectory = directory;
}
void RunController::setRunsDirectory(const QString& directory)
{
    m_runsDirectory = directory;
}

void RunController::setHosts(HostsFile hosts, SshOptions ssh)
{
    m_hosts = std::move(hosts);
    m_ssh = std::move(ssh);
}

QString RunController::start(const Scenario& scenario, MeasurementLease lease)
{
    if (m_thread)
        return QStringLiteral("A run is in progress here: stop it first.");
    if (!lease) {
        auto acquired = MeasurementLock::acquire(QStringLiteral("run \"%1\"").arg(scenario.name));
        if (!acquired)
            return acquired.error();
        lease = std::move(acquired).value();
    }
    m_lease = std::move(lease);
    // The worker gets copies: the setters may be called again while it runs.
    const QString binDirectory = m_binDirectory.isEmpty() ? defaultBinDirectory() : m_binDirectory;
    const Settings settings{
        binDirectory,
        m_runsDirectory.isEmpty() ? RunStore::defaultDirectory() : m_runsDirectory,
        m_startTimeout,
        m_hosts,
        m_ssh,
        m_bundle.isEmpty() ? binDirectory + QStringLiteral("/../bundles/gatebench-bundle.tar.gz")
                           : m_bundle};
    m_shared = std::make_shared<Shared>();
    m_thread = QThread::create(
        [this, scenario, settings, shared = m_shared] { work(scenario, settings, shared); });
    m_thread->setObjectName(QStringLiteral("gatebench-run"));
    m_thread->start();
    return {};
}

void RunController::stop()
{
    if (!m_shared)
        return;
    std::lock_guard lock(m_shared->mutex);
    m_shared->cancel = true;
    if (m_shared->engine)
        m_shared->engine->stop();
}

void RunController::post(std::function<void()> emitter)
{
    // Runs on the controller's thread; dropped if the controller is gone by then.
    QMetaObject::invokeMethod(this, std::move(emitter), Qt::QueuedConnection);
}

void RunController::finish(const std::shared_ptr<Outcome>& outcome)
{
    // The worker posted this as its last act, so the thread is ending: the wait is short.
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    m_shared.reset();
    m_lease.reset(); // before the signals: a receiver may start the next measurement
    Q_EMIT phaseChanged(RunPhase::Idle, QString());
    if (outcome->failure.isEmpty())
        Q_EMIT runFinished(outcome->run);
    else
        Q_EMIT runFailed(outcome->failure, outcome->run);
}

void RunController::work(Scenario scenario, Settings settings, std::shared_ptr<Shared> shared)
{
    auto outcome = std::make_shared<Outcome>();
    RunRecord& run = outcome->run;
    run.name = scenario.name;
    run.scenario = scenario;
    run.startedAt = QDateTime::currentDateTimeUtc();
    auto phase = [this](RunPhase p, const QString& text) {
        post([this, p, text] { Q_EMIT phaseChanged(p, text); });
    };
    auto fail = [&](const QString& message) {
        qCDebug(lcRun).noquote() << "run of" << scenario.name << "failed:" << message;
        outcome->failure = message;
        run.status = RunStatus::Failed;
        run.error = message;
        run.finishedAt = QDateTime::currentDateTimeUtc();
        post([this, outcome] { finish(outcome); });
    };

    if (const QList<ValidationIssue> issues = scenario.validate(); !issues.isEmpty()) {
        QStringList lines;
        for (const ValidationIssue& i : issues)
            lines.append(QStringLiteral("%1: %2").arg(i.field, i.message));
        return fail(QStringLiteral("Scenario \"%1\" is not valid: %2")
                        .arg(scenario.name, lines.join(QStringLiteral("; "))));
    }

    phase(RunPhase::Starting, QStringLiteral("Starting servers"));
    std::unique_ptr<Deployment> deployment;
    if (scenario.topology.kind == TopologyKind::Hosts) {
        if (!settings.hosts)
            return fail(QStringLiteral("Scenario \"%1\" runs on hosts: give it a hosts file "
                                       "(headless: --hosts HOSTS.json)")
                            .arg(scenario.name));
        deployment =
            std::make_unique<SshDeployment>(scenario, *settings.hosts, settings.ssh,
                                            settings.bundle, shared->cancel, settings.startTimeout);
    } else {
        deployment = std::make_unique<LocalDeployment>(scenario, settings.binDirectory,
                                                       shared->cancel, settings.startTimeout);
    }
    const QString startError =
        deployment->start([&](const QString& step) { phase(RunPhase::Starting, step); });
    if (shared->cancel) {
        deployment->stop();
        return fail(QStringLiteral("The run was stopped before the load started."));
    }
    if (!startError.isEmpty()) {
        deployment->stop();
        return fail(startError);
    }
    auto config = scenario.toLoadConfig(deployment->baseUrl(), deployment->extraHeaders());
    if (!config) {
        deployment->stop();
        return fail(config.error());
    }

    HostSampler sampler;
    QList<WatchedProcess> processes = {
        {QStringLiteral("load"), QCoreApplication::applicationPid()}};
    processes += deployment->processes();
    sampler.setProcesses(processes);
    sampler.sample(0);

    QString failure;
    engine::RunResult result;
    {
        engine::LoadEngine engine(config.value());
        {
            std::lock_guard lock(shared->mutex);
            if (shared->cancel) {
                deployment->stop();
                return fail(QStringLiteral("The run was stopped before the load started."));
            }
            shared->engine = &engine;
        }
        const auto postLog = [&] {
            if (QStringList lines = deployment->takeLogLines(); !lines.isEmpty())
                post([this, lines] { Q_EMIT serverLog(lines); });
        };
        postLog(); // how the servers started
        run.startedAt = QDateTime::currentDateTimeUtc();
        phase(RunPhase::Running, QStringLiteral("Running %1").arg(scenario.name));
        result = engine.run([&](const engine::Snapshot& s) {
            HostSample host = sampler.sample(s.elapsedS);
            host.hosts = deployment->hostSamples();
            run.series.push_back(s);
            run.hostSamples.append(host);
            post([this, s, host] {
                Q_EMIT snapshotReady(s);
                Q_EMIT hostSampleReady(host);
            });
            postLog();
            // A server that dies mid-run would turn the rest of the run into connection
            // errors: end it now and say which one died.
            if (failure.isEmpty()) {
                if (auto died = deployment->checkExited()) {
                    failure = *died;
                    engine.stop();
                }
            }
        });
        postLog();
        std::lock_guard lock(shared->mutex);
        shared->engine = nullptr;
    }
    run.finishedAt = QDateTime::currentDateTimeUtc();

    phase(RunPhase::Stopping, QStringLiteral("Stopping servers"));
    deployment->stop();

    if (!result.fatalError.empty() && failure.isEmpty())
        failure = QStringLiteral("The load could not start: %1")
                      .arg(QString::fromStdString(result.fatalError));
    if (run.series.empty() && failure.isEmpty())
        failure = QStringLiteral("The run was stopped before anything was measured.");
    run.status = !failure.isEmpty()                       ? RunStatus::Failed
                 : (result.interrupted || shared->cancel) ? RunStatus::Stopped
                                                          : RunStatus::Completed;
    run.error = failure;
    if (run.status == RunStatus::Stopped)
        run.error = QStringLiteral("Stopped after %1 s").arg(result.elapsedS, 0, 'f', 1);
    run.environment = EnvironmentInfo::current();
    run.environment.hosts = deployment->hostsEnvironment();
    run.summary = RunSummary::fromSeries(run.series);
    if (result.fatalError.empty())
        run.report = QString::fromStdString(engine::heyTextReport(result));

    if (!run.series.empty()) {
        const RunStore store(settings.runsDirectory);
        if (const QString e = store.save(run); !e.isEmpty())
            failure =
                failure.isEmpty()
                    ? QStringLiteral("The run could not be stored: %1").arg(e)
                    : failure + QStringLiteral(" (and the run could not be stored: %1)").arg(e);
    }
    outcome->failure = failure;
    qCDebug(lcRun).noquote() << "run" << run.id << toKeyword(run.status) << run.summary.requests
                             << "requests" << run.filePath;
    post([this, outcome] { finish(outcome); });
}

} // namespace gb::app
