#include "sshd_fixture.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <csignal>
#include <pwd.h>
#include <unistd.h>

namespace gb::test {

namespace {

bool accepts(const QString& address, int port)
{
    QTcpSocket socket;
    socket.connectToHost(address, quint16(port));
    return socket.waitForConnected(200);
}

QString run(const QString& program, const QStringList& args, QString* error)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(30000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = QStringLiteral("%1 failed: %2")
                     .arg(program, QString::fromLocal8Bit(p.readAllStandardError()));
        return {};
    }
    return QString::fromLocal8Bit(p.readAllStandardOutput());
}

} // namespace

int freePortOn(const QString& address)
{
    // Below the kernel's ephemeral range (32768 and up): a port that another test's server got
    // by binding port 0 is never one of these, so the port stays free until the run that uses
    // it (which refuses a role's port that anything listens on, whatever the address).
    for (int attempt = 0; attempt < 200; ++attempt) {
        const auto port = quint16(QRandomGenerator::global()->bounded(10000, 32768));
        QTcpServer onAny;
        if (!onAny.listen(QHostAddress::Any, port))
            continue; // something listens on it, on some address
        onAny.close();
        QTcpServer onAddress;
        if (onAddress.listen(QHostAddress(address), port))
            return port;
    }
    return 0;
}

QStringList processesMentioning(const QString& text)
{
    QStringList found;
    for (const QString& pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile f(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (pid.toInt() > 0 && f.open(QIODevice::ReadOnly) && f.readAll().contains(text.toUtf8()))
            found.append(pid);
    }
    return found;
}

QString makeBundle(const QString& binDirectory, const QString& directory, QString* error)
{
    QProcess make;
    make.setProcessChannelMode(QProcess::MergedChannels);
    make.start(QStringLiteral("bash"), {QStringLiteral(GB_SOURCE_DIR "/packaging/make-bundles.sh"),
                                        binDirectory, directory});
    if (!make.waitForFinished(120000) || make.exitCode() != 0) {
        *error = QString::fromLocal8Bit(make.readAll());
        return {};
    }
    return QDir(directory).filePath(QStringLiteral("gatebench-bundle.tar.gz"));
}

QString currentUser()
{
    const passwd* pw = ::getpwuid(::getuid());
    return pw ? QString::fromLocal8Bit(pw->pw_name) : qEnvironmentVariable("USER");
}

SshServer::SshServer(QString address)
    : m_address(std::move(address))
{}

SshServer::~SshServer()
{
    stop();
}

bool SshServer::makeKey(const QString& path, const QString& passphrase)
{
    QFile::remove(path);
    QFile::remove(path + QStringLiteral(".pub"));
    run(QStringLiteral("ssh-keygen"),
        {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
         QStringLiteral("-N"), passphrase, QStringLiteral("-C"), QStringLiteral("gatebench-test"),
         QStringLiteral("-f"), path},
        &m_error);
    return m_error.isEmpty();
}

QString SshServer::addEncryptedClientKey(const QString& passphrase)
{
    const QString path = m_dir.filePath(QStringLiteral("encrypted_client_key"));
    if (!makeKey(path, passphrase))
        return {};
    // sshd reads authorized_keys at each login: the key works at once.
    QFile pub(path + QStringLiteral(".pub"));
    QFile authorized(m_dir.filePath(QStringLiteral("authorized_keys")));
    if (!pub.open(QIODevice::ReadOnly) || !authorized.open(QIODevice::Append)) {
        m_error = QStringLiteral("cannot add the key to authorized_keys");
        return {};
    }
    authorized.write(pub.readAll());
    return path;
}

bool SshServer::start()
{
    const QString sshd = QStringLiteral("/usr/sbin/sshd");
    if (!QFile::exists(sshd) ||
        QStandardPaths::findExecutable(QStringLiteral("ssh-keygen")).isEmpty()) {
        m_error = QStringLiteral("OpenSSH's sshd and ssh-keygen are not installed");
        return false;
    }
    if (!m_dir.isValid() || !makeKey(m_dir.filePath(QStringLiteral("host_key"))) ||
        !makeKey(m_dir.filePath(QStringLiteral("client_key"))))
        return false;
    QFile::remove(m_dir.filePath(QStringLiteral("authorized_keys")));
    if (!QFile::copy(m_dir.filePath(QStringLiteral("client_key.pub")),
                     m_dir.filePath(QStringLiteral("authorized_keys")))) {
        m_error = QStringLiteral("cannot write authorized_keys");
        return false;
    }
    // As root sshd wants its privilege separation directory.
    if (::getuid() == 0)
        QDir().mkpath(QStringLiteral("/run/sshd"));
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_port = freePortOn(m_address);
        if (m_port > 0 && launch())
            return true;
    }
    return false;
}

bool SshServer::launch()
{
    QFile config(m_dir.filePath(QStringLiteral("sshd_config")));
    if (!config.open(QIODevice::WriteOnly)) {
        m_error = QStringLiteral("cannot write sshd_config");
        return false;
    }
    config.write(QStringLiteral("ListenAddress %1\n"
                                "Port %2\n"
                                "HostKey %3/host_key\n"
                                "PidFile %3/sshd.pid\n"
                                "AuthorizedKeysFile %3/authorized_keys\n"
                                "AllowUsers %4\n"
                                "StrictModes no\n"
                                "UsePAM no\n"
                                "PasswordAuthentication no\n"
                                "KbdInteractiveAuthentication no\n"
                                "PubkeyAuthentication yes\n"
                                "PermitRootLogin prohibit-password\n"
                                "AcceptEnv none\n"
                                "Subsystem sftp internal-sftp\n"
                                "LogLevel ERROR\n")
                     .arg(m_address)
                     .arg(m_port)
                     .arg(m_dir.path(), currentUser())
                     .toUtf8());
    if (!m_pathFirst.isEmpty())
        config.write(QStringLiteral("SetEnv PATH=%1:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin\n")
                         .arg(m_pathFirst)
                         .toUtf8());
    config.close();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(QStringLiteral("/usr/sbin/sshd"), {QStringLiteral("-D"), QStringLiteral("-e"),
                                                       QStringLiteral("-f"), config.fileName()});
    const QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired()) {
        if (m_process.state() == QProcess::NotRunning) {
            m_error = QStringLiteral("sshd on %1:%2 ended: %3")
                          .arg(m_address)
                          .arg(m_port)
                          .arg(QString::fromLocal8Bit(m_process.readAll()));
            return false;
        }
        if (accepts(m_address, m_port)) {
            m_error.clear();
            return true;
        }
        QThread::msleep(20);
    }
    m_error = QStringLiteral("sshd on %1:%2 did not accept connections").arg(m_address).arg(m_port);
    stop();
    return false;
}

void SshServer::stop()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished();
        }
    }
}

void SshServer::cutConnections()
{
    // sshd and its descendants: the connections' processes and their shells.
    QList<qint64> tree{m_process.processId()};
    for (bool grew = true; grew;) {
        grew = false;
        for (const QString& pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
            QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
            if (pid.toLongLong() <= 0 || tree.contains(pid.toLongLong()) ||
                !stat.open(QIODevice::ReadOnly))
                continue;
            // "pid (comm) state ppid ...": the fields after the last ')'.
            const QByteArray text = stat.readAll();
            const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
            if (tree.contains(fields.value(1).toLongLong())) {
                tree.append(pid.toLongLong());
                grew = true;
            }
        }
    }
    for (qint64 pid : tree)
        ::kill(pid_t(pid), SIGKILL);
    m_process.waitForFinished(5000);
}

bool SshServer::restart()
{
    stop();
    return launch();
}

bool SshServer::changeHostKey()
{
    stop();
    return makeKey(m_dir.filePath(QStringLiteral("host_key"))) && launch();
}

app::HostSpec SshServer::host(const QString& name, QList<app::HostRole> roles) const
{
    app::HostSpec h;
    h.name = name;
    h.address = m_address;
    h.port = m_port;
    h.user = currentUser();
    h.identityFile = m_dir.filePath(QStringLiteral("client_key"));
    h.roles = std::move(roles);
    h.workdir = m_dir.filePath(QStringLiteral("workdir"));
    return h;
}

QString SshServer::hostKeyFingerprint() const
{
    QString error;
    const QString line = run(QStringLiteral("ssh-keygen"),
                             {QStringLiteral("-l"), QStringLiteral("-E"), QStringLiteral("sha256"),
                              QStringLiteral("-f"), m_dir.filePath(QStringLiteral("host_key.pub"))},
                             &error);
    return line.section(QLatin1Char(' '), 1, 1);
}

QString SshServer::hostKeyLine() const
{
    QFile f(m_dir.filePath(QStringLiteral("host_key.pub")));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
}

QString SshServer::clientKey() const
{
    return m_dir.filePath(QStringLiteral("client_key"));
}

} // namespace gb::test
