#pragma once

#include "app/deployment.h"
#include "app/hosts/host_servers.h"
#include "app/hosts/hosts_file.h"
#include "app/hosts/remote_sampler.h"
#include "app/ssh/ssh_session.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

namespace gb::app {

/// A scenario on hosts (topology "hosts"): the bundle installed on each host that runs a server
/// (skipped when unchanged), Redis, the upstream and the gateway started there in that order,
/// each listening on all its interfaces at its role's port and health-checked from this machine
/// at the host's address; the gateway reaches the upstream and Redis at their private
/// addresses. A container gateway (GatewayKind::Container) runs with the gateway host's Docker
/// instead (HostContainers). The load goes to the gateway's public or private address, as the
/// scenario says. Stop stops exactly what was started, on every host, containers included.
///
/// Owned by and used on the run's worker thread: start() blocks, bounded by the SSH timeout and
/// startTimeout per server, and gives up once cancel is set.
class SshDeployment final : public Deployment
{
public:
    SshDeployment(Scenario scenario, HostsFile hosts, SshOptions ssh, QString bundleTarball,
                  const std::atomic<bool>& cancel, std::chrono::milliseconds startTimeout);
    ~SshDeployment() override;

    QString start(const std::function<void(const QString&)>& progress) override;
    const QString& baseUrl() const override { return m_baseUrl; }
    const QList<HttpHeader>& extraHeaders() const override { return m_extraHeaders; }
    /// None of this machine's: the hosts' CPU comes over SSH (hostSamples).
    QList<WatchedProcess> processes() const override { return {}; }
    QList<MachineSample> hostSamples() const override;
    QJsonArray hostsEnvironment() const override { return m_environment; }
    QString gatewayLabel() const override { return m_gatewayLabel; }
    /// A server that ended on its host (with its log's last lines), or a host whose samples
    /// stopped: the link to it is lost (its servers may be fine, but the run can no longer be
    /// watched or stopped there).
    QStringList takeLogLines() override;
    std::optional<QString> checkExited() override;
    void stop() override;

    /// The host that plays role in this scenario (its name in the topology, else the first host
    /// with the role), or the sentence why there is none.
    static Result<HostSpec> hostFor(const Scenario& scenario, const HostsFile& hosts,
                                    HostRole role);

private:
    /// The servers of host, connected, with the bundle installed and the host sampled, on
    /// first use.
    Result<HostServers*> serversOn(const HostSpec& host);
    QString startServer(const HostSpec& host, const RemoteProgram& program, HostRole role);
    /// GatewayKind::Container: Docker on the gateway host pulls and runs the product's image,
    /// configured from the scenario (containerGateway), health-checked from this machine.
    QString startContainerGateway(const HostSpec& host, const QString& upstreamOrigin,
                                  const QString& redisAddress);

    Scenario m_scenario;
    HostsFile m_hosts;
    SshOptions m_ssh;
    QString m_bundle;
    const std::atomic<bool>& m_cancel;
    std::chrono::milliseconds m_startTimeout;
    std::function<void(const QString&)> m_progress;
    /// By host name, in the order they were first used.
    std::vector<std::pair<QString, std::shared_ptr<HostServers>>> m_servers;
    std::vector<std::unique_ptr<RemoteSampler>> m_samplers; ///< one per host used
    QJsonArray m_environment;                               ///< hostCheckToJson per host used
    QString m_baseUrl;
    QList<HttpHeader> m_extraHeaders;
    QString m_gatewayLabel; ///< a container's product and pulled version, once it runs
};

} // namespace gb::app
