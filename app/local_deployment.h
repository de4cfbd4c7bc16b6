#pragma once

#include "app/deployment.h"
#include "app/process_supervisor.h"
#include "app/scenario.h"

#include <QList>
#include <QString>

#include <atomic>
#include <optional>

namespace gb::app {

/// Checks, without starting anything, whether this machine can run the scenario: the
/// executables it needs exist, the bundled gateway offers what the scenario uses, redis-server
/// is installed when the scenario starts one. Empty when it can, else the sentence to show
/// (the UI greys out Start with it). Runs `gatebench-gateway --help` for gateway scenarios, so
/// it may block for up to a few seconds: call it off the GUI thread.
[[nodiscard]] QString checkLocalAvailability(const Scenario& scenario, const QString& binDir);

/// What a scenario needs on this machine (topology "local"): Redis, the mock upstream and the
/// gateway, started in that order on free loopback ports, each health-checked, plus the API
/// key a "bundled-full" scenario's requests carry. Stopped in reverse order.
///
/// Owned by and used on the run's worker thread: start() blocks (bounded by its timeouts) and
/// returns early once cancel is set; the children live as long as this object.
class LocalDeployment final : public Deployment
{
public:
    /// startTimeout bounds each server's start-up and health check.
    LocalDeployment(Scenario scenario, QString binDir, const std::atomic<bool>& cancel,
                    std::chrono::milliseconds startTimeout = kDefaultStartTimeout);

    /// Generous for a loaded 2-core machine, still bounded.
    static constexpr std::chrono::milliseconds kDefaultStartTimeout{15'000};

    /// Empty on success, else the sentence saying what failed (with the child's last output).
    /// Progress lines ("Starting gatebench-upstream") go to progress, when set.
    [[nodiscard]] QString start(const std::function<void(const QString&)>& progress = {}) override;

    /// Where the load goes ("http://127.0.0.1:PORT") and what every request adds.
    const QString& baseUrl() const override { return m_baseUrl; }
    const QList<HttpHeader>& extraHeaders() const override { return m_extraHeaders; }

    QList<WatchedProcess> processes() const override { return m_supervisor.processes(); }
    /// A sentence when a child has died since start().
    QStringList takeLogLines() override { return m_supervisor.takeLogLines(); }
    std::optional<QString> checkExited() override { return m_supervisor.checkExited(); }
    void stop() override { m_supervisor.stopAll(); }

private:
    QString startRedis(QString* address);
    QString startUpstream(QString* origin);
    QString startGateway(const QString& upstreamOrigin, const QString& redisAddress);
    QString writeFullGatewayConfig(const QString& upstreamOrigin, const QString& redisAddress,
                                   const QString& secret, QString* confPath);
    QString createKey(const ChildProcess& gateway, const QString& secret);

    Scenario m_scenario;
    QString m_binDir;
    const std::atomic<bool>& m_cancel;
    std::chrono::milliseconds m_startTimeout;
    std::function<void(const QString&)> m_progress;
    ProcessSupervisor m_supervisor;
    QString m_baseUrl;
    QList<HttpHeader> m_extraHeaders;
};

} // namespace gb::app
