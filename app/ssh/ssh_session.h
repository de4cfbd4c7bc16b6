#pragma once

#include "app/hosts/hosts_file.h"
#include "app/result.h"
#include "app/ssh/passphrase_memory.h"

#include <QByteArray>
#include <QString>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

struct ssh_session_struct;
struct ssh_channel_struct;

namespace gb::app {

/// What to do with a host whose key known_hosts does not have.
enum class UnknownHostKeys
{
    Refuse,    ///< fail, showing the key's fingerprint to check
    Ask,       ///< SshOptions::confirmHostKey decides (the window shows the fingerprint)
    AcceptNew, ///< trust and record it, as OpenSSH's StrictHostKeyChecking=accept-new
};

struct SshOptions
{
    /// OpenSSH's known_hosts (hashed entries and "[host]:port" entries for non-22 ports are
    /// understood); new keys are appended here. Empty: $HOME/.ssh/known_hosts.
    QString knownHostsFile;
    UnknownHostKeys unknownHostKeys = UnknownHostKeys::Refuse;
    /// With Ask: the host and its key's "SHA256:..." fingerprint; true trusts and records it.
    std::function<bool(const HostSpec& host, const QString& fingerprint)> confirmHostKey;
    /// An encrypted identity file's passphrase, asked when needed (Retry: the last one did not
    /// open it; three tries in all); nullopt gives up. Made by rememberPassphrases(), which keeps
    /// it in memory only (never in a file or a log).
    std::function<std::optional<QString>(const QString& identityPath, PassphraseAsk why)>
        passphrase;
    /// Bounds connecting, the key exchange and authentication, and every blocking read.
    std::chrono::milliseconds timeout{10000};

    QString knownHostsPath() const;
};

/// What a remote command did.
struct ExecResult
{
    int exitStatus = -1; ///< -1: no status (killed by a signal, or the channel broke)
    QByteArray out;
    QByteArray err;
};

class SshSession;

/// A command running on a host that this machine talks to while it runs: lines out, lines in
/// (a sampler that prints a line a second, a clock read on request). Made by
/// SshSession::start(); keeps its session alive; same threading rule as the session.
class SshCommand final
{
public:
    ~SshCommand();
    SshCommand(const SshCommand&) = delete;
    SshCommand& operator=(const SshCommand&) = delete;

    /// False when the channel broke (error() says why).
    bool write(const QByteArray& bytes);
    /// The next line of its standard output, without the newline; nullopt after timeout, at the
    /// end of its output (ended() is then true) or when the channel broke.
    std::optional<QByteArray> readLine(std::chrono::milliseconds timeout);
    bool ended() const { return m_ended; }
    const QString& error() const { return m_error; }

private:
    friend class SshSession;
    SshCommand(std::shared_ptr<SshSession> session, ssh_channel_struct* channel);

    std::shared_ptr<SshSession> m_session;
    ssh_channel_struct* m_channel;
    QByteArray m_buffered;
    bool m_ended = false;
    QString m_error;
};

/// One authenticated SSH connection to one host (libssh). The host key is verified against
/// known_hosts before anything is sent that authenticates: a changed key ends the connection
/// with a warning naming both fingerprints. Authentication: ssh-agent ($SSH_AUTH_SOCK), then
/// the host's identity file. ~/.ssh/config is not read: the hosts file says everything.
///
/// libssh forbids using one session from two threads at once: one thread at a time, and not the
/// GUI thread (every call blocks up to its timeout). Every failure is one sentence naming the
/// host.
class SshSession final : public std::enable_shared_from_this<SshSession>
{
public:
    static Result<std::shared_ptr<SshSession>> open(const HostSpec& host,
                                                    const SshOptions& options);
    ~SshSession();
    SshSession(const SshSession&) = delete;
    SshSession& operator=(const SshSession&) = delete;

    /// Runs command with sh -c on the host (stdinData, when given, is its standard input) and
    /// waits for it to end, at most timeout. A command still running then is an error.
    Result<ExecResult> exec(const QString& command, std::chrono::milliseconds timeout,
                            const QByteArray& stdinData = {});

    /// Starts command and returns at once; talk to it through the SshCommand.
    Result<std::unique_ptr<SshCommand>> start(const QString& command);

    /// path with a leading "~/" made absolute with the login's $HOME on the host (read once).
    Result<QString> absolutePath(const QString& path);

    enum class Upload
    {
        Copied,
        AlreadyThere, ///< the host had a file with the same SHA-256: nothing was sent
    };
    /// Puts localFile at remotePath (its directory is made): unless a file with the same SHA-256
    /// is there already, it goes over SFTP to a temporary name beside it, its SHA-256 is checked
    /// on the host, then it is moved into place (mv -f: libssh 0.10's sftp_rename cannot
    /// replace a file). progress(sent, total) follows the bytes.
    Result<Upload> upload(const QString& localFile, const QString& remotePath,
                          const std::function<void(qint64 sent, qint64 total)>& progress = {});

    const HostSpec& host() const { return m_host; }
    /// The host key's "SHA256:..." fingerprint.
    const QString& fingerprint() const { return m_fingerprint; }

private:
    friend class SshCommand;
    SshSession(HostSpec host, ssh_session_struct* session);
    /// A new channel running command, or the sentence why not.
    Result<ssh_channel_struct*> openChannel(const QString& command);

    HostSpec m_host;
    ssh_session_struct* m_session;
    QString m_fingerprint;
    QString m_home; ///< the login's $HOME on the host, once read
};

/// Quotes text for a POSIX shell command line: 'text', with ' written as '\''.
QString shellQuote(const QString& text);

} // namespace gb::app
