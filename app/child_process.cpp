#include "app/child_process.h"

#include "app/http_probe.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <signal.h>
#include <sys/prctl.h>

namespace gb::app {

namespace {

using namespace std::chrono_literals;

constexpr auto kPollStep = 20ms;
constexpr auto kProbeTimeout = 500ms;

QString tailOf(const QString& path, int lines)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    // Only the end matters; a chatty child may have written megabytes.
    constexpr qint64 kTailBytes = 8192;
    if (file.size() > kTailBytes)
        file.seek(file.size() - kTailBytes);
    QStringList all =
        QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (all.size() > lines)
        all = all.mid(all.size() - lines);
    return all.join(QLatin1Char('\n')).trimmed();
}

int stepMs(const QDeadlineTimer& deadline)
{
    return int(std::clamp<qint64>(deadline.remainingTime(), 0, kPollStep.count()));
}

} // namespace

ChildProcess::ChildProcess(ChildSpec spec, QString logDir)
    : m_spec(std::move(spec))
{
    m_stdoutPath = QDir(logDir).filePath(m_spec.role + QStringLiteral(".out"));
    m_stderrPath = QDir(logDir).filePath(m_spec.role + QStringLiteral(".err"));
}

ChildProcess::~ChildProcess()
{
    stop();
}

QString ChildProcess::programName() const
{
    return QFileInfo(m_spec.program).fileName();
}

QString ChildProcess::baseUrl() const
{
    return QStringLiteral("http://%1:%2").arg(m_host).arg(m_port);
}

QString ChildProcess::outputTail(int lines) const
{
    const QString err = tailOf(m_stderrPath, lines);
    return err.isEmpty() ? tailOf(m_stdoutPath, lines) : err;
}

QString ChildProcess::failure(const QString& what) const
{
    const QString tail = outputTail();
    return tail.isEmpty() ? what : QStringLiteral("%1. Its last output:\n%2").arg(what, tail);
}

QString ChildProcess::exitDescription() const
{
    if (m_process.exitStatus() == QProcess::CrashExit)
        return QStringLiteral("was killed by a signal");
    return QStringLiteral("exited with status %1").arg(m_process.exitCode());
}

QString ChildProcess::start(const QDeadlineTimer& deadline, const std::atomic<bool>& cancel)
{
    m_process.setProgram(m_spec.program);
    m_process.setArguments(m_spec.arguments);
    m_process.setStandardInputFile(QProcess::nullDevice());
    m_process.setStandardOutputFile(m_stdoutPath, QIODevice::Truncate);
    m_process.setStandardErrorFile(m_stderrPath, QIODevice::Truncate);
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    m_process.start();
    if (!m_process.waitForStarted(int(std::max<qint64>(1000, deadline.remainingTime())))) {
        return QStringLiteral("%1 could not be started (%2): %3")
            .arg(programName(), m_spec.program, m_process.errorString());
    }
    m_pid = m_process.processId();

    const QString name = programName();
    auto waitStep = [&]() -> QString {
        // The wait for the child's exit doubles as the poll interval.
        if (m_process.state() == QProcess::NotRunning ||
            m_process.waitForFinished(stepMs(deadline)))
            return failure(
                QStringLiteral("%1 %2 before it was ready").arg(name, exitDescription()));
        if (cancel)
            return QStringLiteral("cancelled");
        return {};
    };

    if (m_spec.announcesAddress) {
        while (!readAnnouncedAddress()) {
            if (deadline.hasExpired())
                return failure(QStringLiteral("%1 did not report its address (a \"listening on "
                                              "HOST:PORT\" line) in time")
                                   .arg(name));
            if (QString e = waitStep(); !e.isEmpty())
                return e;
        }
    } else {
        m_host = m_spec.knownHost;
        m_port = m_spec.knownPort;
    }

    QString lastProblem;
    while (true) {
        if (m_spec.health.kind == HealthCheck::Kind::RedisPing) {
            if (redisPing(m_host, m_port, kProbeTimeout, &lastProblem))
                return {};
        } else {
            const HttpReply reply =
                httpRequest(m_host, m_port, "GET", m_spec.health.path, {}, {}, kProbeTimeout);
            if (reply.isSuccess())
                return {};
            lastProblem =
                reply.status != 0
                    ? QStringLiteral("GET %1 answered %2").arg(m_spec.health.path).arg(reply.status)
                    : reply.error;
        }
        if (deadline.hasExpired())
            return failure(
                QStringLiteral("%1 did not become healthy in time (%2)").arg(name, lastProblem));
        if (QString e = waitStep(); !e.isEmpty())
            return e;
    }
}

bool ChildProcess::readAnnouncedAddress()
{
    QFile file(m_stdoutPath);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    static const QRegularExpression line(QStringLiteral("listening on (\\S*):(\\d+)"));
    const QRegularExpressionMatch m = line.match(QString::fromUtf8(file.read(64 * 1024)));
    if (!m.hasMatch())
        return false;
    m_host = m.captured(1);
    if (m_host.startsWith(QLatin1Char('[')) && m_host.endsWith(QLatin1Char(']')))
        m_host = m_host.mid(1, m_host.size() - 2);
    // A server bound to every interface is reached on loopback.
    if (m_host.isEmpty() || m_host == QLatin1String("0.0.0.0"))
        m_host = QStringLiteral("127.0.0.1");
    else if (m_host == QLatin1String("::"))
        m_host = QStringLiteral("::1");
    m_port = quint16(m.captured(2).toUInt());
    return m_port != 0;
}

std::optional<QString> ChildProcess::checkExited()
{
    if (m_stopping)
        return std::nullopt;
    // A zero wait lets QProcess notice a death without an event loop on this thread.
    if (m_process.state() != QProcess::NotRunning && !m_process.waitForFinished(0))
        return std::nullopt;
    return failure(QStringLiteral("%1 %2 during the run").arg(programName(), exitDescription()));
}

void ChildProcess::stop(std::chrono::milliseconds grace)
{
    m_stopping = true;
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (m_process.waitForFinished(int(grace.count())))
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
}

} // namespace gb::app
