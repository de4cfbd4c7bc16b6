#pragma once

#include "app/host_sample.h"
#include "app/hosts/hosts_file.h"
#include "app/hosts/load_agents.h"
#include "app/local_deployment.h"
#include "app/measurement_lock.h"
#include "app/run_record.h"
#include "app/scenario.h"
#include "app/snapshot_json.h"
#include "app/ssh/ssh_session.h"

#include <QObject>
#include <QString>

#include <chrono>
#include <memory>

class QThread;

namespace gb::app {

enum class RunPhase
{
    Idle,
    Starting, ///< starting and health-checking the scenario's servers
    Running,  ///< the load engine runs
    Stopping, ///< the engine is done; servers are being stopped and the run stored
};

/// Runs one scenario at a time on this machine: starts the servers it needs, waits for their
/// health checks, drives the in-process load engine, samples CPU and memory, stops the servers
/// and stores the run.
///
/// Lives on the thread that created it (the GUI thread, or the headless command's main
/// thread); call its functions there only. None of them blocks: the work happens on a worker
/// thread, and every outcome arrives as a signal emitted on the controller's thread, in this
/// order: phaseChanged*, (snapshotReady, hostSampleReady, serverLog?)* once per interval, then
/// exactly one of runFinished or runFailed (serverLog may come at any point before it). Destroying
/// it during a run stops the run and waits for it.
class RunController final : public QObject
{
    Q_OBJECT

public:
    explicit RunController(QObject* parent = nullptr);
    ~RunController() override;

    /// Where gatebench-upstream and gatebench-gateway are; defaultBinDirectory() until set.
    void setBinDirectory(const QString& directory);
    /// Where runs are stored; RunStore::defaultDirectory() until set.
    void setRunsDirectory(const QString& directory);

    /// Bounds each server's start-up and health check (LocalDeployment::kDefaultStartTimeout).
    void setServerStartTimeout(std::chrono::milliseconds timeout) { m_startTimeout = timeout; }

    /// The hosts a scenario of topology "hosts" runs on, and how to reach them over SSH.
    void setHosts(HostsFile hosts, SshOptions ssh);
    /// The server bundle for hosts (make bundles); <bin>/../bundles/gatebench-bundle.tar.gz
    /// until set.
    void setBundle(const QString& tarball) { m_bundle = tarball; }

    bool isRunning() const { return m_thread != nullptr; }

    /// Starts a run under lease, or under a lease of its own when none is given (a study passes
    /// the one it holds for all its runs). Returns an empty string when the run started; else
    /// the sentence why not (another measurement is in progress on this machine, in this process
    /// or another) and emits nothing. An invalid scenario is reported through runFailed. The run
    /// is stored under label.
    [[nodiscard]] QString start(const Scenario& scenario, MeasurementLease lease = {},
                                RunLabel label = {});
    /// Asks the run to end: the servers' start-up is abandoned, or the engine stops and what it
    /// measured so far is kept and stored (status "stopped"). Returns at once; the outcome
    /// arrives as runFinished (or runFailed if the load had not started yet).
    void stop();

Q_SIGNALS:
    void phaseChanged(gb::app::RunPhase phase, const QString& description);
    void snapshotReady(const gb::engine::Snapshot& snapshot);
    void hostSampleReady(const gb::app::HostSample& sample);
    /// Load from loadgen hosts: each agent's part of the interval just merged (with
    /// snapshotReady).
    void agentSharesReady(const QList<gb::app::AgentShare>& shares);
    /// Lines the servers wrote to their logs, "gateway: ..." (on hosts "gw gateway: ..."): once
    /// they are up, then every second, then once the load has ended.
    void serverLog(const QStringList& lines);
    /// The run ended (completed or stopped) and is stored at run.filePath.
    void runFinished(const gb::app::RunRecord& run);
    /// The run could not start, or failed while running. run holds what was measured before
    /// (an empty series when the load never started) and is stored when it has data.
    void runFailed(const QString& message, const gb::app::RunRecord& run);

private:
    struct Shared;
    struct Outcome;
    struct Settings
    {
        QString binDirectory;
        QString runsDirectory;
        std::chrono::milliseconds startTimeout;
        std::optional<HostsFile> hosts;
        SshOptions ssh;
        QString bundle;
        RunLabel label;
    };
    void work(Scenario scenario, Settings settings, std::shared_ptr<Shared> shared);
    void post(std::function<void()> emitter);
    void finish(const std::shared_ptr<Outcome>& outcome);

    QString m_binDirectory;
    QString m_runsDirectory;
    std::chrono::milliseconds m_startTimeout = LocalDeployment::kDefaultStartTimeout;
    std::optional<HostsFile> m_hosts;
    SshOptions m_ssh;
    QString m_bundle;
    QThread* m_thread = nullptr;
    std::shared_ptr<Shared> m_shared;
    MeasurementLease m_lease; ///< held from start() until the outcome is emitted
};

} // namespace gb::app

Q_DECLARE_METATYPE(gb::app::RunPhase)
Q_DECLARE_METATYPE(gb::app::AgentShare)
