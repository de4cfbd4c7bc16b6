#pragma once

#include "app/child_process.h"
#include "app/log_follower.h"

#include <QList>
#include <QTemporaryDir>

#include <memory>
#include <vector>

namespace gb::app {

/// A child process as host metrics and the UI name it.
struct WatchedProcess
{
    QString role; ///< "load" (this process: the in-process engine), "upstream", "gateway", "redis"
    qint64 pid = 0;
    friend bool operator==(const WatchedProcess&, const WatchedProcess&) = default;
};

/// Starts servers as child processes, one after the other, and stops them in reverse order
/// (so the gateway goes before its upstream and Redis). Keeps their output in a private
/// temporary directory for error messages.
///
/// Owned by and used on one thread (the run's worker thread); blocking calls, each bounded by
/// its timeout. The destructor stops whatever still runs.
class ProcessSupervisor
{
public:
    ProcessSupervisor();
    ~ProcessSupervisor();
    ProcessSupervisor(const ProcessSupervisor&) = delete;
    ProcessSupervisor& operator=(const ProcessSupervisor&) = delete;

    /// Starts the child and waits until it is healthy, at most timeout. Returns the child, or
    /// nullptr with error set (the child is then already stopped).
    [[nodiscard]] ChildProcess* start(const ChildSpec& spec, std::chrono::milliseconds timeout,
                                      const std::atomic<bool>& cancel, QString* error);

    /// The first child found to have exited, as a sentence with its last output.
    std::optional<QString> checkExited();

    void stopAll();

    QList<WatchedProcess> processes() const;
    /// What the children wrote since the last call, line by line, "role: line".
    QStringList takeLogLines() { return m_logs.takeNewLines(); }
    /// Scratch space for the children's logs and generated configuration.
    QString workDirectory() const { return m_workDir.path(); }

private:
    QTemporaryDir m_workDir;
    std::vector<std::unique_ptr<ChildProcess>> m_children;
    LogFollower m_logs;
};

} // namespace gb::app
