#include "app/ssh/ssh_session.h"

#include "app/ssh/known_hosts.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <libssh/libssh.h>
#include <mutex>

namespace gb::app {

namespace {

QString libsshError(ssh_session s)
{
    return QString::fromUtf8(ssh_get_error(s));
}

/// "SHA256:..." as OpenSSH prints it.
QString fingerprintOf(ssh_key key)
{
    unsigned char* hash = nullptr;
    size_t length = 0;
    if (!key || ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != 0)
        return QStringLiteral("(unknown)");
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    const QString fingerprint = QString::fromUtf8(text);
    ssh_string_free_char(text);
    ssh_clean_pubkey_hash(&hash);
    return fingerprint;
}

/// The sentence for a host key known_hosts has another key for: what OpenSSH warns, with both
/// fingerprints and the command that forgets the old one if the host was rebuilt.
QString changedKeyMessage(const HostSpec& host, const QString& fingerprint,
                          const QString& knownHosts)
{
    const QStringList known = knownHostFingerprints(knownHosts, host.address, host.port);
    const QString entryName =
        host.port == 22 ? host.address : QStringLiteral("[%1]:%2").arg(host.address).arg(host.port);
    return QStringLiteral("%1: THE HOST KEY HAS CHANGED. %2 has %3 for %4; the host now shows "
                          "%5. Someone may be intercepting the connection, so nothing was sent. "
                          "If the host was rebuilt, forget the old key with: ssh-keygen -f %2 "
                          "-R '%4'")
        .arg(host.label(), knownHosts,
             known.isEmpty() ? QStringLiteral("another key") : known.join(QStringLiteral(" and ")),
             entryName, fingerprint);
}

QString verifyHostKey(ssh_session s, const HostSpec& host, const SshOptions& options,
                      QString& fingerprint)
{
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(s, &key) != SSH_OK)
        return QStringLiteral("%1: the host sent no key: %2").arg(host.label(), libsshError(s));
    fingerprint = fingerprintOf(key);
    ssh_key_free(key);
    const QString knownHosts = options.knownHostsPath();
    switch (ssh_session_is_known_server(s)) {
    case SSH_KNOWN_HOSTS_OK:
        return {};
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        return changedKeyMessage(host, fingerprint, knownHosts);
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
        break;
    case SSH_KNOWN_HOSTS_ERROR:
        return QStringLiteral("%1: %2 cannot be read: %3")
            .arg(host.label(), knownHosts, libsshError(s));
    }
    const bool trusted = options.unknownHostKeys == UnknownHostKeys::AcceptNew ||
                         (options.unknownHostKeys == UnknownHostKeys::Ask &&
                          options.confirmHostKey && options.confirmHostKey(host, fingerprint));
    if (!trusted)
        return QStringLiteral("%1: the host is not in %2; its key is %3. Check that fingerprint "
                              "on the host (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), "
                              "then confirm it (headless: --accept-new-host-keys).")
            .arg(host.label(), knownHosts, fingerprint);
    QDir().mkpath(QFileInfo(knownHosts).absolutePath());
    QFile::setPermissions(QFileInfo(knownHosts).absolutePath(),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (ssh_session_update_known_hosts(s) != SSH_OK)
        return QStringLiteral("%1: the key %2 cannot be recorded in %3: %4")
            .arg(host.label(), fingerprint, knownHosts, libsshError(s));
    return {};
}

QString authenticate(ssh_session s, const HostSpec& host, const SshOptions& options)
{
    QStringList tried;
    int rc = SSH_AUTH_DENIED;
    if (!qEnvironmentVariableIsEmpty("SSH_AUTH_SOCK")) {
        rc = ssh_userauth_agent(s, nullptr);
        tried.append(QStringLiteral("the ssh-agent's keys"));
    }
    if (rc != SSH_AUTH_SUCCESS && !host.identityFile.isEmpty()) {
        const QString path = host.identityPath();
        if (!QFileInfo::exists(path))
            return QStringLiteral("%1: the identity file %2 does not exist")
                .arg(host.label(), path);
        const QByteArray file = QFile::encodeName(path);
        ssh_key key = nullptr;
        int imported =
            ssh_pki_import_privkey_file(file.constData(), nullptr, nullptr, nullptr, &key);
        // Encrypted (or not a key at all): a passphrase decides which, three tries as ssh's.
        for (int attempt = 0; imported != SSH_OK && options.passphrase && attempt < 3; ++attempt) {
            const std::optional<QString> passphrase = options.passphrase(
                path, attempt == 0 ? PassphraseAsk::First : PassphraseAsk::Retry);
            if (!passphrase)
                break;
            QByteArray bytes = passphrase->toUtf8();
            imported = ssh_pki_import_privkey_file(file.constData(), bytes.constData(), nullptr,
                                                   nullptr, &key);
            bytes.fill('\0');
        }
        if (imported != SSH_OK)
            return QStringLiteral("%1: the identity file %2 cannot be used: not a private key, or "
                                  "encrypted and no right passphrase was given")
                .arg(host.label(), path);
        rc = ssh_userauth_publickey(s, nullptr, key);
        ssh_key_free(key);
        tried.append(QStringLiteral("the identity file %1").arg(path));
    }
    if (rc == SSH_AUTH_SUCCESS)
        return {};
    if (tried.isEmpty())
        return QStringLiteral("%1: no way to log in: give the host an identity_file or start an "
                              "ssh-agent")
            .arg(host.label());
    if (rc == SSH_AUTH_ERROR)
        return QStringLiteral("%1: logging in failed: %2").arg(host.label(), libsshError(s));
    return QStringLiteral("%1: user \"%2\" was not let in with %3. Check the user name and that "
                          "the key's public half is in the host's ~/.ssh/authorized_keys.")
        .arg(host.label(), host.user, tried.join(QStringLiteral(" or ")));
}

} // namespace

QString SshOptions::knownHostsPath() const
{
    return knownHostsFile.isEmpty() ? QDir::homePath() + QStringLiteral("/.ssh/known_hosts")
                                    : knownHostsFile;
}

Result<std::shared_ptr<SshSession>> SshSession::open(const HostSpec& host,
                                                     const SshOptions& options)
{
    using R = Result<std::shared_ptr<SshSession>>;
    static std::once_flag initialized;
    std::call_once(initialized, [] { ssh_init(); });

    ssh_session s = ssh_new();
    if (!s)
        return R::failure(QStringLiteral("%1: libssh could not make a session").arg(host.label()));
    std::shared_ptr<SshSession> session(new SshSession(host, s));
    const QByteArray address = host.address.toUtf8();
    const QByteArray user = host.user.toUtf8();
    const QByteArray knownHosts = QFile::encodeName(options.knownHostsPath());
    const unsigned port = unsigned(host.port);
    const long seconds = std::max<long>(1, long((options.timeout.count() + 999) / 1000));
    const int no = 0;
    if (ssh_options_set(s, SSH_OPTIONS_HOST, address.constData()) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_PORT, &port) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_USER, user.constData()) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, knownHosts.constData()) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &seconds) != SSH_OK ||
        ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) != SSH_OK)
        return R::failure(QStringLiteral("%1: %2").arg(host.label(), libsshError(s)));
    if (ssh_connect(s) != SSH_OK)
        return R::failure(
            QStringLiteral("%1: cannot connect: %2").arg(host.label(), libsshError(s)));
    if (QString e = verifyHostKey(s, host, options, session->m_fingerprint); !e.isEmpty())
        return R::failure(e);
    if (QString e = authenticate(s, host, options); !e.isEmpty())
        return R::failure(e);
    return session;
}

SshSession::SshSession(HostSpec host, ssh_session_struct* session)
    : m_host(std::move(host))
    , m_session(session)
{}

SshSession::~SshSession()
{
    if (ssh_is_connected(m_session))
        ssh_disconnect(m_session);
    ssh_free(m_session);
}

Result<ssh_channel_struct*> SshSession::openChannel(const QString& command)
{
    using R = Result<ssh_channel_struct*>;
    ssh_channel channel = ssh_channel_new(m_session);
    if (!channel)
        return R::failure(
            QStringLiteral("%1: no channel: %2").arg(m_host.label(), libsshError(m_session)));
    if (ssh_channel_open_session(channel) != SSH_OK ||
        ssh_channel_request_exec(channel, command.toUtf8().constData()) != SSH_OK) {
        const QString error = QStringLiteral("%1: cannot run a command (the connection may be "
                                             "lost): %2")
                                  .arg(m_host.label(), libsshError(m_session));
        ssh_channel_free(channel);
        return R::failure(error);
    }
    return channel;
}

Result<ExecResult> SshSession::exec(const QString& command, std::chrono::milliseconds timeout,
                                    const QByteArray& stdinData)
{
    using R = Result<ExecResult>;
    const QDeadlineTimer deadline(timeout);
    auto opened = openChannel(command);
    if (!opened)
        return R::failure(opened.error());
    ssh_channel channel = opened.value();
    const std::unique_ptr<ssh_channel_struct, void (*)(ssh_channel)> owner(channel,
                                                                           [](ssh_channel c) {
                                                                               ssh_channel_close(c);
                                                                               ssh_channel_free(c);
                                                                           });
    auto lost = [&] {
        return R::failure(QStringLiteral("%1: the connection was lost while \"%2\" ran: %3")
                              .arg(m_host.label(), command.left(60), libsshError(m_session)));
    };
    for (qsizetype sent = 0; sent < stdinData.size();) {
        const int n =
            ssh_channel_write(channel, stdinData.constData() + sent,
                              uint32_t(std::min<qsizetype>(stdinData.size() - sent, 1 << 16)));
        if (n == SSH_ERROR)
            return lost();
        sent += n;
    }
    ssh_channel_send_eof(channel);

    ExecResult result;
    char buffer[16384];
    for (;;) {
        const int out = ssh_channel_read_timeout(channel, buffer, sizeof buffer, 0, 50);
        if (out > 0)
            result.out.append(buffer, out);
        const int err = ssh_channel_read_nonblocking(channel, buffer, sizeof buffer, 1);
        if (err > 0)
            result.err.append(buffer, err);
        if (out == SSH_ERROR || err == SSH_ERROR)
            return lost();
        if (out <= 0 && err <= 0 && ssh_channel_is_eof(channel))
            break;
        if (deadline.hasExpired())
            return R::failure(QStringLiteral("%1: \"%2\" did not finish within %3 s")
                                  .arg(m_host.label(), command.left(60))
                                  .arg(double(timeout.count()) / 1000.0));
    }
    result.exitStatus = ssh_channel_get_exit_status(channel);
    return result;
}

Result<std::unique_ptr<SshCommand>> SshSession::start(const QString& command)
{
    using R = Result<std::unique_ptr<SshCommand>>;
    auto opened = openChannel(command);
    if (!opened)
        return R::failure(opened.error());
    return std::unique_ptr<SshCommand>(new SshCommand(shared_from_this(), opened.value()));
}

SshCommand::SshCommand(std::shared_ptr<SshSession> session, ssh_channel_struct* channel)
    : m_session(std::move(session))
    , m_channel(channel)
{}

SshCommand::~SshCommand()
{
    ssh_channel_close(m_channel);
    ssh_channel_free(m_channel);
}

bool SshCommand::write(const QByteArray& bytes)
{
    for (qsizetype sent = 0; sent < bytes.size();) {
        const int n =
            ssh_channel_write(m_channel, bytes.constData() + sent, uint32_t(bytes.size() - sent));
        if (n == SSH_ERROR) {
            m_error = QStringLiteral("%1: the connection was lost: %2")
                          .arg(m_session->host().label(), libsshError(m_session->m_session));
            return false;
        }
        sent += n;
    }
    return true;
}

std::optional<QByteArray> SshCommand::readLine(std::chrono::milliseconds timeout)
{
    const QDeadlineTimer deadline(timeout);
    char buffer[4096];
    for (;;) {
        if (const qsizetype newline = m_buffered.indexOf('\n'); newline >= 0) {
            QByteArray line = m_buffered.left(newline);
            m_buffered.remove(0, newline + 1);
            return line;
        }
        if (m_ended || !m_error.isEmpty())
            return std::nullopt;
        const int n = ssh_channel_read_timeout(
            m_channel, buffer, sizeof buffer, 0,
            int(std::max<qint64>(1, std::min<qint64>(deadline.remainingTime(), 100))));
        if (n > 0)
            m_buffered.append(buffer, n);
        else if (n == SSH_ERROR)
            m_error = QStringLiteral("%1: the connection was lost: %2")
                          .arg(m_session->host().label(), libsshError(m_session->m_session));
        else if (ssh_channel_is_eof(m_channel))
            m_ended = true;
        else if (deadline.hasExpired())
            return std::nullopt;
    }
}

QString shellQuote(const QString& text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace gb::app
