#pragma once

#include "app/host_sample.h"
#include "app/process_supervisor.h"
#include "app/scenario.h"

#include <QJsonArray>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace gb::app {

/// "scheme://host:port" of url: where the load goes for an upstream or a gateway given by URL
/// (the path, query, fragment and user info are the scenario's route, not the origin).
QString originOf(const QString& url);

/// Where a run's servers run and where its load goes: LocalDeployment (child processes on this
/// machine) or SshDeployment (the bundle on the scenario's hosts). RunController drives either
/// the same way and does not know which.
///
/// Owned by and used on the run's worker thread; every call may block, bounded by timeouts.
class Deployment
{
public:
    virtual ~Deployment() = default;

    /// Starts and health-checks what the scenario needs. Empty on success, else the sentence
    /// (naming the server and, for a host, the host). Progress lines go to progress.
    [[nodiscard]] virtual QString start(const std::function<void(const QString&)>& progress) = 0;
    /// Where the load goes ("http://host:port") and what every request adds.
    virtual const QString& baseUrl() const = 0;
    virtual const QList<HttpHeader>& extraHeaders() const = 0;
    /// This machine's processes of the run, for CPU sampling by PID.
    virtual QList<WatchedProcess> processes() const = 0;
    /// The hosts' latest CPU and memory samples (none for this machine alone). Never blocks.
    virtual QList<MachineSample> hostSamples() const { return {}; }
    /// What the hosts were when start() checked them, for the run's environment.
    virtual QJsonArray hostsEnvironment() const { return {}; }
    /// The gateway product and version measured, known once start() succeeded (a container's
    /// pulled digest); empty: what the scenario names, gatewayLabel(scenario).
    virtual QString gatewayLabel() const { return {}; }
    /// What the servers wrote to their logs since the last call, line by line, each prefixed
    /// with its server ("gateway: ...", on hosts "gw gateway: ..."). Never blocks.
    virtual QStringList takeLogLines() = 0;
    /// A sentence when a server has died since start().
    virtual std::optional<QString> checkExited() = 0;
    /// Stops everything start() started, and only that.
    virtual void stop() = 0;
};

} // namespace gb::app
