#pragma once

// Real OpenSSH servers for tests, started by the test itself (docs/ARCHITECTURE.md, convention
// 12): each on its own loopback address (127.0.0.2, 127.0.0.3, ...) and a free port, with a host
// key and a client key made for it, logging in the user that runs the test. Stopped when the
// fixture goes away. Never any address outside 127.0.0.0/8.

#include "app/hosts/hosts_file.h"

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace gb::test {

/// One sshd. Owned by one test; use from the thread that made it.
class SshServer
{
public:
    /// address: a loopback address of its own, e.g. "127.0.0.2".
    explicit SshServer(QString address);
    ~SshServer();
    SshServer(const SshServer&) = delete;
    SshServer& operator=(const SshServer&) = delete;

    /// Makes the keys, starts sshd on a free port and waits until it accepts connections. False
    /// with error() set if it cannot (e.g. no sshd installed).
    bool start();
    /// Commands run over this server's sessions find programs in dir first (sshd's SetEnv
    /// PATH): a stand-in for a tool the host would have, such as docker. Before start().
    void putFirstOnPath(const QString& dir) { m_pathFirst = dir; }
    void stop();
    /// A new host key and a restart on the same port: what a rebuilt host (or an attacker in the
    /// middle) looks like to a client that knew the old key.
    bool changeHostKey();
    /// The link lost: SIGKILL to sshd and every connection it serves (the servers a test
    /// started there detached themselves and keep running, as on a real host).
    void cutConnections();
    /// sshd again on the same address, port and keys.
    bool restart();

    /// A host entry that logs in with this fixture's client key.
    app::HostSpec host(const QString& name, QList<app::HostRole> roles) const;
    const QString& address() const { return m_address; }
    int port() const { return m_port; }
    /// "SHA256:..." of the current host key, as ssh-keygen -l prints it.
    QString hostKeyFingerprint() const;
    /// The host key's public line, for writing known_hosts entries by hand.
    QString hostKeyLine() const;
    QString clientKey() const;
    /// Makes a second client key, encrypted with passphrase, that this server lets in too; its
    /// path, or empty with error() set.
    QString addEncryptedClientKey(const QString& passphrase);
    QString directory() const { return m_dir.path(); }
    QString error() const { return m_error; }

private:
    bool makeKey(const QString& path, const QString& passphrase = {});
    bool launch();

    QString m_address;
    QTemporaryDir m_dir;
    QProcess m_process;
    int m_port = 0;
    QString m_pathFirst;
    QString m_error;
};

/// The login name of the user running the test.
QString currentUser();
/// A port below the ephemeral range that was free a moment ago on address and on every other
/// (0 if none could be bound).
int freePortOn(const QString& address);
/// This machine's processes whose command line contains text (the test's hosts are all this
/// machine, each with a workdir of its own).
QStringList processesMentioning(const QString& text);
/// Builds the server bundle (packaging/make-bundles.sh) from binDirectory into directory and
/// returns the tarball's path; empty with error set if it cannot.
QString makeBundle(const QString& binDirectory, const QString& directory, QString* error);

} // namespace gb::test
