#pragma once

#include "app/host_sample.h"
#include "app/hosts/hosts_file.h"
#include "app/ssh/ssh_session.h"
#include "engine/load_config.h"
#include "engine/snapshot.h"

#include <QJsonArray>
#include <QString>
#include <QStringList>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace gb::app {

class HostServers;
class RemoteSampler;

/// One load generator's own series of a run on several.
struct AgentSeries
{
    QString host;
    std::vector<engine::Snapshot> series;
    QString lost; ///< why its share ended early (the link, the agent); empty when it did not
    friend bool operator==(const AgentSeries&, const AgentSeries&) = default;
};

/// One agent's share of a merged interval, to show beside the merged figures.
struct AgentShare
{
    QString host;
    double rps = 0;
    double p99Ms = 0;
    QString lost; ///< why it no longer counts (it ended early, or fell behind); empty: it runs
    friend bool operator==(const AgentShare&, const AgentShare&) = default;
};

/// The load from one or several loadgen hosts: `gatebench-load --agent` on each (from the
/// bundle, installed as for the servers), started over SSH and given its share of the load
/// (engine::agentShare) and one start instant, converted into each host's clock with the offset
/// the host check measured, so the shares' schedules add up to the plan's. Each agent streams
/// its snapshots over its SSH channel, the only transport: no port is opened anywhere. The
/// snapshots of one interval are merged exactly (engine::mergeSnapshots) once every agent still
/// running has sent it; an agent that falls more than kMaxLag intervals behind, or whose link
/// or process ends early, is stopped and reported as lost, and the run goes on with the others.
///
/// Used on the run's worker thread: prepare() and run() block (one reader thread per agent);
/// stop() may be called from any thread.
class LoadAgents
{
public:
    static constexpr int kMaxLag = 5;

    LoadAgents(QList<HostSpec> hosts, SshOptions ssh, QString bundleTarball);
    ~LoadAgents();
    LoadAgents(const LoadAgents&) = delete;
    LoadAgents& operator=(const LoadAgents&) = delete;

    /// Connects to every host, installs the bundle and measures its clock; the sentence why not.
    QString prepare(const std::function<void(const QString&)>& progress);
    /// The agents' hosts as the host check found them (for the run's environment).
    const QJsonArray& hostsEnvironment() const { return m_environment; }
    /// Each load host's CPU and memory of the last second (sampled over SSH from prepare() on).
    QList<MachineSample> hostSamples() const;

    struct Outcome
    {
        std::vector<AgentSeries> agents;
        QStringList lost;   ///< one sentence per agent lost, naming its host
        QString fatalError; ///< no agent could start
        bool interrupted = false;
        double elapsedS = 0;
    };
    using SnapshotHandler =
        std::function<void(const engine::Snapshot& merged, const std::vector<AgentShare>& shares)>;
    /// Starts the agents, each with its share of config, on one instant 1.5 s from now, and
    /// merges their snapshots until all have ended.
    Outcome run(const engine::LoadConfig& config, const SnapshotHandler& onSnapshot);
    /// Asks every agent to stop; run() returns with what was measured.
    void stop();

private:
    struct Agent;
    void read(Agent& agent, const QByteArray& plan);

    QList<HostSpec> m_hosts;
    SshOptions m_ssh;
    QString m_bundle;
    QJsonArray m_environment;
    std::vector<std::unique_ptr<Agent>> m_agents;
    std::vector<std::unique_ptr<RemoteSampler>> m_samplers;
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex; ///< guards every Agent's queue, ended and lost
    std::condition_variable m_changed;
};

} // namespace gb::app
