#pragma once

#include "app/ssh/ssh_session.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>
#include <memory>

namespace gb::app {

/// A server to run on a host from the bundle (packaging/make-bundles.sh).
struct RemoteProgram
{
    QString name;    ///< "upstream", "gateway", "redis": names its pid file and its log
    QString program; ///< in the bundle's bin/, e.g. "gatebench-upstream"
    QStringList args;
    /// Written in the run directory (its working directory) before it starts: relative path ->
    /// contents (tyk.conf, apps/gatebench.json).
    QMap<QString, QByteArray> files;
};

/// The servers GateBench runs on one host, under the host's workdir:
///   bundle/  the unpacked bundle (bin/, lib/, SHA256SUMS), every file's checksum verified
///   run/     the servers' working directory and their files
///   logs/    NAME.log, each server's output
///   pids/    NAME.pid, one per server started: stop() stops these and only these
///   containers/  NAME, one per container started (HostContainers): stop() removes these
/// Servers are started detached (setsid, nohup), with the open-file limit raised to the host's
/// hard limit, through the bundle's own dynamic loader, so they outlive the SSH connection; a
/// run cut short by a lost link is cleaned up by stop() on the next connection.
///
/// Blocking, like its SshSession: off the GUI thread, one thread at a time.
class HostServers
{
public:
    explicit HostServers(std::shared_ptr<SshSession> session);

    /// Uploads the bundle's tarball unless the host has it already, and unpacks it when it was
    /// uploaded or the unpacked files do not match their checksums. Stops this workdir's
    /// servers first: their programs may be replaced.
    Result<SshSession::Upload> install(const QString& bundleTarball,
                                       const std::function<void(qint64, qint64)>& progress = {});
    /// Starts program and returns its pid; the sentence why not, with the log's last lines
    /// when it ended at once.
    Result<qint64> start(const RemoteProgram& program);
    /// Writes files (relative path -> contents) under run/; the sentence why not, or empty.
    QString writeFiles(const QMap<QString, QByteArray>& files);
    /// The shell command line that runs program (in the bundle's bin/) with args through the
    /// bundle's own loader, quoted. install() must have resolved the workdir.
    QString commandLine(const QString& program, const QStringList& args) const;
    /// Whether the server of that name runs (its pid file names a live process of ours).
    bool running(const QString& name);
    /// Removes the containers this workdir started (`docker rm -f`), SIGTERM to every server of
    /// its pid files, SIGKILL to those still there after grace; the pid and container files go.
    /// A pid that is no longer one of ours (reused) is left alone.
    /// Returns the names stopped, or the sentence why it could not.
    Result<QStringList> stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
    /// The last lines of the server's log.
    QString logTail(const QString& name, int lines = 20);

    const HostSpec& host() const { return m_session->host(); }
    const std::shared_ptr<SshSession>& session() const { return m_session; }
    /// The host's absolute workdir (after install/start/stop resolved it).
    const QString& workdir() const { return m_workdir; }

private:
    QString resolveWorkdir();

    std::shared_ptr<SshSession> m_session;
    QString m_workdir;
};

} // namespace gb::app
