#pragma once

#include "app/host_sample.h"
#include "app/hosts/hosts_file.h"
#include "app/ssh/ssh_session.h"

#include <QString>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

namespace gb::app {

/// A host's CPU (user, system, iowait, steal) and memory every second, read from /proc/stat and
/// /proc/meminfo by a small shell loop over an SSH connection of its own: no agent on the host.
/// The same loop says whether each server of the workdir's pid files still runs, and sends what
/// the servers' logs gained.
/// A thread of its own reads the stream, so latest() never waits for the network; a lost link
/// ends the samples (latest() keeps the last one, error() says why).
///
/// Made and destroyed on one thread (the run's worker); latest() and error() from any thread.
class RemoteSampler final
{
public:
    /// Connects and starts; the sentence why not. workdir: the host's absolute workdir.
    static Result<std::unique_ptr<RemoteSampler>> start(const HostSpec& host, const SshOptions& ssh,
                                                        const QString& workdir);
    ~RemoteSampler();
    RemoteSampler(const RemoteSampler&) = delete;
    RemoteSampler& operator=(const RemoteSampler&) = delete;

    /// The sample of the last full second, once two readings have arrived.
    std::optional<MachineSample> latest() const;
    QString error() const;
    /// Servers whose pid file names a process that is gone (they ended during the run).
    QStringList endedServers() const;
    /// The servers' new log lines since the last call, "HOST NAME: line".
    QStringList takeLogLines();

private:
    RemoteSampler(QString host, std::unique_ptr<SshCommand> stream);
    void read();

    const QString m_host;
    std::unique_ptr<SshCommand> m_stream;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::optional<MachineSample> m_latest;
    QString m_error;
    QStringList m_ended;
    static constexpr qsizetype kMaxKeptLogLines = 10000;
    QStringList m_logLines;
    std::thread m_thread;
};

} // namespace gb::app
