#pragma once

#include <QDeadlineTimer>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>

namespace gb::app {

/// How a child shows it is ready once it listens.
struct HealthCheck
{
    enum class Kind
    {
        HttpGet,   ///< GET path answers 2xx
        RedisPing, ///< PING answers +PONG
    };
    Kind kind = Kind::HttpGet;
    QString path = QStringLiteral("/health");
};

/// What to start and how to tell it is up.
struct ChildSpec
{
    QString role;    ///< "upstream", "gateway", "redis": names it in messages and host samples
    QString program; ///< absolute path
    QStringList arguments;
    /// The address is announced on stdout as "listening on HOST:PORT" (our servers, started
    /// on port 0); when false it is knownAddress, chosen by the caller (redis-server).
    bool announcesAddress = true;
    QString knownHost;
    quint16 knownPort = 0;
    HealthCheck health;
};

/// One server started as a child process: its stdout and stderr go to files in logDir (a pipe
/// nobody reads during a long run would fill up and stall the server), its address comes from
/// its "listening on" line, and it is ready once its health check passes.
///
/// Owned by, and used only on, the thread that created it; every call blocks, bounded by the
/// given deadline, and start() gives up early when cancel becomes true. The child gets SIGTERM
/// if that thread ends (PR_SET_PDEATHSIG), so a crash never leaves servers behind; stop it
/// before that thread ends.
class ChildProcess
{
public:
    ChildProcess(ChildSpec spec, QString logDir);
    ~ChildProcess(); ///< stops the child if it still runs
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    /// Starts, learns the address, waits for health. Returns an empty string when ready, else
    /// a sentence with the child's last stderr lines.
    QString start(const QDeadlineTimer& deadline, const std::atomic<bool>& cancel);

    /// A sentence if the child has exited since it was ready (with its last stderr lines).
    std::optional<QString> checkExited();

    /// SIGTERM, then SIGKILL after grace. Safe to call twice.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));

    const QString& role() const { return m_spec.role; }
    QString programName() const;
    qint64 pid() const { return m_pid; }
    const QString& host() const { return m_host; }
    quint16 port() const { return m_port; }
    /// "http://host:port"
    QString baseUrl() const;

    /// Where its standard output and error go.
    const QString& stdoutPath() const { return m_stdoutPath; }
    const QString& stderrPath() const { return m_stderrPath; }
    /// The last lines the child wrote to stderr (and stdout when stderr is empty).
    QString outputTail(int lines = 8) const;

private:
    QString failure(const QString& what) const;
    bool readAnnouncedAddress();
    QString exitDescription() const;

    ChildSpec m_spec;
    QString m_stdoutPath;
    QString m_stderrPath;
    QProcess m_process;
    qint64 m_pid = 0;
    QString m_host;
    quint16 m_port = 0;
    bool m_stopping = false;
};

} // namespace gb::app
