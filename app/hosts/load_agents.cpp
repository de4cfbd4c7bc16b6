#include "app/hosts/load_agents.h"

#include "app/hosts/host_check.h"
#include "app/hosts/host_servers.h"
#include "app/hosts/remote_sampler.h"
#include "engine/load_plan.h"
#include "engine/snapshot_json.h"
#include "engine/snapshot_merge.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <deque>
#include <thread>

namespace gb::app {

using namespace std::chrono_literals;

namespace {

// The agents start this long after run() is called: time for every SSH channel to open and
// every plan to arrive before the first scheduled request.
constexpr std::int64_t kStartDelayMs = 1500;
// An agent told to stop that has not ended after this long (a hung link) is given up on.
constexpr auto kStopGrace = std::chrono::seconds(10);

} // namespace

struct LoadAgents::Agent
{
    HostSpec host;
    std::shared_ptr<SshSession> session;
    QString command;
    double clockOffsetMs = 0;
    // Guarded by LoadAgents::m_mutex from here on.
    std::deque<engine::Snapshot> queue; ///< received, not merged yet
    std::vector<engine::Snapshot> series;
    bool ended = false;    ///< its end line came, or its link or process ended
    bool excluded = false; ///< lost while running: stopped, no longer waited for
    bool interrupted = false;
    double elapsedS = 0;
    QString lost;
    std::thread reader;

    int lastIndex() const { return series.empty() ? -1 : series.back().index; }
};

LoadAgents::LoadAgents(QList<HostSpec> hosts, SshOptions ssh, QString bundleTarball)
    : m_hosts(std::move(hosts))
    , m_ssh(std::move(ssh))
    , m_bundle(std::move(bundleTarball))
{}

LoadAgents::~LoadAgents()
{
    stop();
    for (auto& a : m_agents)
        if (a->reader.joinable())
            a->reader.join();
}

QString LoadAgents::prepare(const std::function<void(const QString&)>& progress)
{
    for (const HostSpec& host : m_hosts) {
        if (progress)
            progress(QStringLiteral("Preparing the load agent on %1").arg(host.label()));
        auto session = SshSession::open(host, m_ssh);
        if (!session)
            return session.error();
        HostServers servers(session.value());
        if (auto installed = servers.install(m_bundle); !installed)
            return installed.error();
        const HostCheck check = checkHost(*session.value(), m_ssh.timeout);
        m_environment.append(hostCheckToJson(check));
        auto agent = std::make_unique<Agent>();
        agent->host = host;
        agent->session = session.value();
        agent->clockOffsetMs = check.facts.clockOffsetMs;
        // exec: the agent is the channel's process, so the channel's end is its stdin's end.
        agent->command =
            QStringLiteral("ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec ") +
            servers.commandLine(QStringLiteral("gatebench-load"), {QStringLiteral("--agent")});
        m_agents.push_back(std::move(agent));
        auto sampler = RemoteSampler::start(host, m_ssh, servers.workdir());
        if (!sampler)
            return sampler.error();
        m_samplers.push_back(std::move(sampler).value());
    }
    return {};
}

QList<MachineSample> LoadAgents::hostSamples() const
{
    QList<MachineSample> samples;
    for (const auto& sampler : m_samplers)
        if (auto s = sampler->latest())
            samples.append(*s);
    return samples;
}

void LoadAgents::stop()
{
    m_stop = true;
    m_changed.notify_all();
}

void LoadAgents::read(Agent& agent, const QByteArray& plan)
{
    const auto end = [&](const QString& lost) {
        std::lock_guard lock(m_mutex);
        agent.ended = true;
        if (agent.lost.isEmpty())
            agent.lost = lost;
        m_changed.notify_all();
    };
    auto started = agent.session->start(agent.command);
    if (!started)
        return end(started.error());
    SshCommand& command = *started.value();
    if (!command.write(plan))
        return end(QStringLiteral("load agent on %1: %2").arg(agent.host.label(), command.error()));
    bool stopSent = false;
    std::chrono::steady_clock::time_point stopSentAt;
    for (;;) {
        bool stopNow = m_stop;
        {
            std::lock_guard lock(m_mutex);
            stopNow = stopNow || agent.excluded;
        }
        if (stopNow && !stopSent) {
            stopSent = true;
            stopSentAt = std::chrono::steady_clock::now();
            command.write("stop\n");
        }
        if (stopSent && std::chrono::steady_clock::now() - stopSentAt > kStopGrace)
            return end(QStringLiteral("the load agent on %1 did not stop within %2 s and was "
                                      "given up on")
                           .arg(agent.host.label())
                           .arg(std::chrono::seconds(kStopGrace).count()));
        const std::optional<QByteArray> line = command.readLine(200ms);
        if (!line) {
            if (command.ended() || !command.error().isEmpty())
                return end(
                    QStringLiteral("the load agent on %1 ended before its run did%2")
                        .arg(agent.host.label(), command.error().isEmpty()
                                                     ? QString()
                                                     : QStringLiteral(": ") + command.error()));
            continue;
        }
        // The end line is {"end": {...}}; everything else is a snapshot (parsed once, below).
        if (line->startsWith("{\"end\":")) {
            const QJsonObject e =
                QJsonDocument::fromJson(*line).object().value(QStringLiteral("end")).toObject();
            std::lock_guard lock(m_mutex);
            agent.ended = true;
            agent.interrupted = e.value(QStringLiteral("interrupted")).toBool();
            agent.elapsedS = e.value(QStringLiteral("elapsed_s")).toDouble();
            if (const QString fatal = e.value(QStringLiteral("fatal_error")).toString();
                !fatal.isEmpty() && agent.lost.isEmpty())
                agent.lost = QStringLiteral("the load agent on %1 could not run: %2")
                                 .arg(agent.host.label(), fatal);
            m_changed.notify_all();
            return;
        }
        std::string error;
        auto snapshot = engine::snapshotFromJson(line->toStdString(), &error);
        if (!snapshot)
            continue; // not ours (a line from the login's shell start-up): ignore
        std::lock_guard lock(m_mutex);
        agent.series.push_back(*snapshot);
        if (!agent.excluded)
            agent.queue.push_back(std::move(*snapshot));
        m_changed.notify_all();
    }
}

LoadAgents::Outcome LoadAgents::run(const engine::LoadConfig& config,
                                    const SnapshotHandler& onSnapshot)
{
    Outcome outcome;
    const int count = static_cast<int>(m_agents.size());
    const std::int64_t startLocalMs = QDateTime::currentMSecsSinceEpoch() + kStartDelayMs;
    for (int i = 0; i < count; ++i) {
        Agent& a = *m_agents[static_cast<std::size_t>(i)];
        engine::LoadPlan plan;
        plan.config = engine::agentShare(config, i, count);
        // The same instant, read on the host's clock.
        plan.startUnixMs = startLocalMs + std::llround(a.clockOffsetMs);
        const QByteArray line = QByteArray::fromStdString(engine::loadPlanToJson(plan)) + '\n';
        a.reader = std::thread([this, &a, line] { read(a, line); });
    }

    int next = 0;
    std::unique_lock lock(m_mutex);
    for (;;) {
        // Merge every interval that every agent still counted on has sent.
        for (;;) {
            bool ready = true, any = false;
            int leader = -1;
            for (auto& a : m_agents) {
                while (!a->queue.empty() && a->queue.front().index < next)
                    a->queue.pop_front(); // of an interval merged without it (it was late)
                leader = std::max(leader, a->lastIndex());
                if (!a->queue.empty())
                    any = true;
                else if (!a->ended && !a->excluded)
                    ready = false;
            }
            if (!ready) {
                // An agent far behind the others would hold every merged interval back.
                for (auto& a : m_agents)
                    if (!a->ended && !a->excluded && a->lastIndex() < leader - kMaxLag) {
                        a->excluded = true;
                        a->lost = QStringLiteral("the load agent on %1 fell %2 intervals behind "
                                                 "the others and was stopped")
                                      .arg(a->host.label())
                                      .arg(leader - a->lastIndex());
                        a->queue.clear();
                    }
                break;
            }
            if (!any)
                break;
            std::vector<engine::Snapshot> parts;
            std::vector<AgentShare> shares;
            for (auto& a : m_agents) {
                if (a->queue.empty() || a->queue.front().index != next) {
                    shares.push_back({a->host.name, 0, 0,
                                      a->lost.isEmpty() ? QStringLiteral("ended") : a->lost});
                    continue;
                }
                const engine::Snapshot& s = a->queue.front();
                shares.push_back({a->host.name, s.rps, s.latency.p99, {}});
                parts.push_back(std::move(a->queue.front()));
                a->queue.pop_front();
            }
            ++next;
            if (parts.empty())
                continue;
            lock.unlock();
            const engine::Snapshot merged = engine::mergeSnapshots(parts);
            if (onSnapshot)
                onSnapshot(merged, shares);
            lock.lock();
        }
        const bool allEnded = std::all_of(m_agents.begin(), m_agents.end(), [](const auto& a) {
            return a->ended && a->queue.empty();
        });
        if (allEnded)
            break;
        m_changed.wait_for(lock, 100ms);
    }
    lock.unlock();
    for (auto& a : m_agents)
        if (a->reader.joinable())
            a->reader.join();

    bool anyData = false;
    for (auto& a : m_agents) {
        outcome.agents.push_back({a->host.name, a->series, a->lost});
        if (!a->lost.isEmpty())
            outcome.lost.append(a->lost);
        anyData = anyData || !a->series.empty();
        outcome.interrupted = outcome.interrupted || (a->interrupted && a->lost.isEmpty());
        outcome.elapsedS = std::max(outcome.elapsedS, a->elapsedS);
    }
    outcome.interrupted = outcome.interrupted || m_stop;
    if (!anyData && !outcome.lost.isEmpty())
        outcome.fatalError =
            QStringLiteral("No load agent ran: %1").arg(outcome.lost.join(QStringLiteral("; ")));
    return outcome;
}

} // namespace gb::app
