#include "app/hosts/host_servers.h"

#include <QFileInfo>
#include <QThread>

namespace gb::app {

namespace {

using namespace std::chrono_literals;

/// Where pid files name a process of ours: its command line runs our bundle's loader.
QString ownedTest(const QString& workdir)
{
    return QStringLiteral("owned() { [ -r /proc/$1/cmdline ] && tr '\\0' ' ' < /proc/$1/cmdline | "
                          "grep -qF %1; }\n")
        .arg(shellQuote(workdir + QStringLiteral("/bundle/lib/ld-linux-x86-64.so.2 ")));
}

} // namespace

HostServers::HostServers(std::shared_ptr<SshSession> session)
    : m_session(std::move(session))
{}

QString HostServers::resolveWorkdir()
{
    if (!m_workdir.isEmpty())
        return {};
    const QString dir = m_session->host().workdir.isEmpty() ? QStringLiteral("~/gatebench")
                                                            : m_session->host().workdir;
    auto absolute = m_session->absolutePath(dir);
    if (!absolute)
        return absolute.error();
    m_workdir = absolute.value();
    return {};
}

Result<SshSession::Upload> HostServers::install(const QString& bundleTarball,
                                                const std::function<void(qint64, qint64)>& progress)
{
    using R = Result<SshSession::Upload>;
    if (QString e = resolveWorkdir(); !e.isEmpty())
        return R::failure(e);
    if (auto stopped = stop(); !stopped)
        return R::failure(stopped.error());
    const QString tarball = m_workdir + QStringLiteral("/gatebench-bundle.tar.gz");
    auto uploaded = m_session->upload(bundleTarball, tarball, progress);
    if (!uploaded)
        return uploaded;
    // Unpacked anew when the tarball is new or the unpacked files are not what it holds.
    const QString w = shellQuote(m_workdir);
    auto unpacked = m_session->exec(
        QStringLiteral("cd %1 && if [ %2 = copied ] || ! (cd bundle 2>/dev/null && sha256sum -c "
                       "--quiet --strict SHA256SUMS >/dev/null 2>&1); then rm -rf bundle "
                       "gatebench-bundle && tar -xzf gatebench-bundle.tar.gz && mv "
                       "gatebench-bundle bundle && cd bundle && sha256sum -c --quiet --strict "
                       "SHA256SUMS; fi")
            .arg(w, uploaded.value() == SshSession::Upload::Copied ? QStringLiteral("copied")
                                                                   : QStringLiteral("kept")),
        120s);
    if (!unpacked)
        return R::failure(unpacked.error());
    if (unpacked->exitStatus != 0)
        return R::failure(
            QStringLiteral("%1: the bundle cannot be unpacked in %2: %3")
                .arg(m_session->host().label(), m_workdir,
                     QString::fromUtf8(unpacked->err + unpacked->out).trimmed().left(400)));
    return uploaded;
}

QString HostServers::commandLine(const QString& program, const QStringList& args) const
{
    QStringList words{m_workdir + QStringLiteral("/bundle/lib/ld-linux-x86-64.so.2"),
                      QStringLiteral("--library-path"), m_workdir + QStringLiteral("/bundle/lib"),
                      m_workdir + QStringLiteral("/bundle/bin/") + program};
    words += args;
    QStringList quoted;
    for (const QString& w : words)
        quoted.append(shellQuote(w));
    return quoted.join(QLatin1Char(' '));
}

Result<qint64> HostServers::start(const RemoteProgram& p)
{
    using R = Result<qint64>;
    if (QString e = resolveWorkdir(); !e.isEmpty())
        return R::failure(e);
    if (QString e = writeFiles(p.files); !e.isEmpty())
        return R::failure(e);
    const QString run = m_workdir + QStringLiteral("/run");
    const QString command = commandLine(p.program, p.args);
    const QString log = QStringLiteral("%1/logs/%2.log").arg(m_workdir, p.name);
    const QString pid = QStringLiteral("%1/pids/%2.pid").arg(m_workdir, p.name);
    // setsid: a session of its own, so the end of this SSH session (or of the link) does not
    // end it. $! is the server itself: setsid and nohup exec it.
    auto started =
        m_session->exec(QStringLiteral("mkdir -p %1 %2 %3 && cd %1 || exit 1\n"
                                       "ulimit -n \"$(ulimit -Hn)\" 2>/dev/null\n"
                                       "setsid nohup %4 > %5 2>&1 < /dev/null &\n"
                                       "echo $! > %6 && cat %6\n")
                            .arg(shellQuote(run), shellQuote(m_workdir + QStringLiteral("/logs")),
                                 shellQuote(m_workdir + QStringLiteral("/pids")), command,
                                 shellQuote(log), shellQuote(pid)),
                        30s);
    if (!started)
        return R::failure(started.error());
    bool ok = false;
    const qint64 pidValue = started->out.trimmed().toLongLong(&ok);
    if (started->exitStatus != 0 || !ok)
        return R::failure(QStringLiteral("%1: %2 did not start: %3")
                              .arg(m_session->host().label(), p.program,
                                   QString::fromUtf8(started->err).trimmed()));
    // A server that cannot start (a port in use, a bad flag) ends at once: say so, with why.
    QThread::msleep(200);
    if (!running(p.name))
        return R::failure(QStringLiteral("%1: %2 ended at once: %3")
                              .arg(m_session->host().label(), p.program, logTail(p.name, 5)));
    return pidValue;
}

QString HostServers::writeFiles(const QMap<QString, QByteArray>& files)
{
    if (QString e = resolveWorkdir(); !e.isEmpty())
        return e;
    for (auto it = files.begin(); it != files.end(); ++it) {
        const QString path = m_workdir + QStringLiteral("/run/") + it.key();
        auto written =
            m_session->exec(QStringLiteral("mkdir -p %1 && cat > %2")
                                .arg(shellQuote(QFileInfo(path).path()), shellQuote(path)),
                            60s, it.value());
        if (!written || written->exitStatus != 0)
            return written ? QStringLiteral("%1: %2 cannot be written: %3")
                                 .arg(m_session->host().label(), path,
                                      QString::fromUtf8(written->err).trimmed())
                           : written.error();
    }
    return {};
}

bool HostServers::running(const QString& name)
{
    if (!resolveWorkdir().isEmpty())
        return false;
    auto alive = m_session->exec(
        ownedTest(m_workdir) +
            QStringLiteral("p=$(cat %1 2>/dev/null) && owned \"$p\"")
                .arg(shellQuote(QStringLiteral("%1/pids/%2.pid").arg(m_workdir, name))),
        30s);
    return alive && alive->exitStatus == 0;
}

Result<QStringList> HostServers::stop(std::chrono::milliseconds grace)
{
    using R = Result<QStringList>;
    if (QString e = resolveWorkdir(); !e.isEmpty())
        return R::failure(e);
    const qint64 tenths = std::max<qint64>(1, grace.count() / 100);
    auto stopped = m_session->exec(
        ownedTest(m_workdir) +
            QStringLiteral(
                "if cd %1/containers 2>/dev/null; then for n in *; do [ -e \"$n\" ] || continue\n"
                "  docker rm -f \"$n\" >/dev/null 2>&1; echo \"$n\"; rm -f \"$n\"; done; fi\n"
                "cd %1/pids 2>/dev/null || exit 0\n"
                "for f in *.pid; do [ -e \"$f\" ] || continue; p=$(cat \"$f\")\n"
                "  if owned \"$p\"; then kill -TERM \"$p\"; echo \"${f%.pid}\"; fi; done\n"
                "i=0; while [ $i -lt %2 ]; do left=0\n"
                "  for f in *.pid; do [ -e \"$f\" ] && owned \"$(cat \"$f\")\" && left=1; done\n"
                "  [ $left = 0 ] && break; sleep 0.1; i=$((i+1)); done\n"
                "for f in *.pid; do [ -e \"$f\" ] || continue; p=$(cat \"$f\")\n"
                "  owned \"$p\" && kill -KILL \"$p\"; rm -f \"$f\"; done\n"
                "exit 0\n")
                .arg(shellQuote(m_workdir))
                .arg(tenths),
        grace + 30s);
    if (!stopped)
        return R::failure(stopped.error());
    return QString::fromUtf8(stopped->out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

QString HostServers::logTail(const QString& name, int lines)
{
    if (!resolveWorkdir().isEmpty())
        return {};
    auto tail =
        m_session->exec(QStringLiteral("tail -n %1 %2 2>/dev/null")
                            .arg(lines)
                            .arg(shellQuote(QStringLiteral("%1/logs/%2.log").arg(m_workdir, name))),
                        30s);
    return tail ? QString::fromUtf8(tail->out).trimmed() : tail.error();
}

} // namespace gb::app
