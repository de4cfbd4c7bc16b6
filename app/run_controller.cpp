#include "app/run_controller.h"

#include "app/binaries.h"
#include "app/host_sampler.h"
#include "app/hosts/load_agents.h"
#include "app/hosts/ssh_deployment.h"
#include "app/local_deployment.h"
#include "app/logging.h"
#include "app/run_store.h"
#include "engine/load_engine.h"
#include "engine/report.h"

#include <QCoreApplication>
#include <QThread>

#include <mutex>
#include <optional>

namespace gb::app {

/// What the controller's thread and the worker share: the request to stop, and the engine to
/// stop while it runs. Guarded by mutex so stop() never races the engine's construction.
struct RunController::Shared
{
    std::mutex mutex;
    std::atomic<bool> cancel{false};
    engine::LoadEngine* engine = nullptr;
    LoadAgents* agents = nullptr;

    /// Under mutex.
    void stopLoad()
    {
        if (engine)
            engine->stop();
        if (agents)
            agents->stop();
    }
};

namespace {

/// The scenario's load hosts, found in the hosts file, as agents not yet prepared.
Result<std::unique_ptr<LoadAgents>> makeLoadAgents(const Scenario& scenario,
                                                   const std::optional<HostsFile>& hosts,
                                                   const SshOptions& ssh, const QString& bundle)
{
    using R = Result<std::unique_ptr<LoadAgents>>;
    if (!hosts)
        return R::failure(QStringLiteral("Scenario \"%1\" sends its load from hosts: give it a "
                                         "hosts file (headless: --hosts HOSTS.json)")
                              .arg(scenario.name));
    QList<HostSpec> loadHosts;
    for (const QString& name : scenario.topology.loadHosts) {
        const auto it = std::find_if(hosts->hosts.begin(), hosts->hosts.end(),
                                     [&](const HostSpec& h) { return h.name == name; });
        if (it == hosts->hosts.end())
            return R::failure(
                QStringLiteral("Load host \"%1\" is not in the hosts file").arg(name));
        if (!it->plays(HostRole::LoadGen))
            return R::failure(
                QStringLiteral("Host \"%1\" does not have the loadgen role").arg(name));
        loadHosts.append(*it);
    }
    return std::make_unique<LoadAgents>(loadHosts, ssh, bundle);
}

} // namespace

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
    qRegisterMetaType<QList<gb::app::AgentShare>>();
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

QString RunController::start(const Scenario& scenario, MeasurementLease lease, RunLabel label)
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
                           : m_bundle,
        std::move(label)};
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
    m_shared->stopLoad();
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
    run.name = settings.label.name.isEmpty() ? scenario.name : settings.label.name;
    run.tags = settings.label.tags;
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

    // Load agents first: installing the bundle on a host stops the servers of its workdir.
    std::unique_ptr<LoadAgents> agents;
    if (!scenario.topology.loadHosts.isEmpty()) {
        auto made = makeLoadAgents(scenario, settings.hosts, settings.ssh, settings.bundle);
        if (!made)
            return fail(made.error());
        agents = std::move(made).value();
        if (const QString e =
                agents->prepare([&](const QString& step) { phase(RunPhase::Starting, step); });
            !e.isEmpty())
            return fail(e);
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
    QStringList lost; // load agents that ended early
    engine::RunResult result;
    {
        std::optional<engine::LoadEngine> engine;
        if (!agents)
            engine.emplace(config.value());
        {
            std::lock_guard lock(shared->mutex);
            if (shared->cancel) {
                deployment->stop();
                return fail(QStringLiteral("The run was stopped before the load started."));
            }
            shared->engine = engine ? &*engine : nullptr;
            shared->agents = agents.get();
        }
        const auto postLog = [&] {
            if (QStringList lines = deployment->takeLogLines(); !lines.isEmpty())
                post([this, lines] { Q_EMIT serverLog(lines); });
        };
        postLog(); // how the servers started
        run.startedAt = QDateTime::currentDateTimeUtc();
        phase(RunPhase::Running, QStringLiteral("Running %1").arg(scenario.name));
        const auto onSnapshot = [&](const engine::Snapshot& s) {
            HostSample host = sampler.sample(s.elapsedS);
            host.hosts = deployment->hostSamples();
            if (agents)
                for (const MachineSample& m : agents->hostSamples())
                    if (std::none_of(host.hosts.begin(), host.hosts.end(),
                                     [&](const MachineSample& h) { return h.host == m.host; }))
                        host.hosts.append(m); // a load host that runs no server
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
                    std::lock_guard lock(shared->mutex);
                    shared->stopLoad();
                }
            }
        };
        if (engine) {
            result = engine->run(onSnapshot);
        } else {
            LoadAgents::Outcome out =
                agents->run(config.value(),
                            [&](const engine::Snapshot& s, const std::vector<AgentShare>& shares) {
                                onSnapshot(s);
                                const QList<AgentShare> list(shares.begin(), shares.end());
                                post([this, list] { Q_EMIT agentSharesReady(list); });
                            });
            result.fatalError = out.fatalError.toStdString();
            result.interrupted = out.interrupted;
            result.elapsedS = out.elapsedS;
            run.agents = std::move(out.agents);
            run.incomplete = !out.lost.isEmpty();
            lost = out.lost;
        }
        postLog();
        std::lock_guard lock(shared->mutex);
        shared->engine = nullptr;
        shared->agents = nullptr;
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
    if (run.incomplete)
        run.error += (run.error.isEmpty() ? QString() : QStringLiteral("; ")) +
                     QStringLiteral("Incomplete: %1").arg(lost.join(QStringLiteral("; ")));
    run.environment = EnvironmentInfo::current();
    run.environment.hosts = deployment->hostsEnvironment();
    run.environment.gateway = deployment->gatewayLabel().isEmpty() ? gatewayLabel(run.scenario)
                                                                   : deployment->gatewayLabel();
    run.summary = RunSummary::fromSeries(run.series);
    if (agents) {
        for (const QJsonValue& host : agents->hostsEnvironment())
            run.environment.hosts.append(host);
        QStringList names;
        for (const AgentSeries& a : run.agents)
            names.append(a.lost.isEmpty() ? a.host : a.host + QStringLiteral(" (lost)"));
        run.report = QStringLiteral("Load from %1 agents (%2). The series is their exact merge; "
                                    "each agent's own series is stored with the run.\n")
                         .arg(run.agents.size())
                         .arg(names.join(QStringLiteral(", ")));
    } else if (result.fatalError.empty()) {
        run.report =
            QString::fromStdString(engine::heyTextReport(result) + engine::runNotes(result));
    }

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
