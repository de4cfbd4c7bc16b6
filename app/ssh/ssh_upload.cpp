// SshSession's file transfer: SFTP to a temporary name, SHA-256 checked on the host, moved into
// place; skipped when the host already has the same bytes.
#include "app/ssh/ssh_session.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <fcntl.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>

namespace gb::app {

namespace {

using namespace std::chrono_literals;

QByteArray sha256Of(QFile& file)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    file.seek(0);
    return hash.result().toHex();
}

} // namespace

Result<QString> SshSession::absolutePath(const QString& path)
{
    if (!path.startsWith(QStringLiteral("~/")) && path != QLatin1String("~"))
        return path;
    if (m_home.isEmpty()) {
        auto home = exec(QStringLiteral("printf '%s' \"$HOME\""), 30s);
        if (!home)
            return Result<QString>::failure(home.error());
        m_home = QString::fromUtf8(home->out);
        if (!m_home.startsWith(QLatin1Char('/')))
            return Result<QString>::failure(
                QStringLiteral("%1: the login has no home directory ($HOME is \"%2\")")
                    .arg(m_host.label(), m_home));
    }
    return m_home + path.mid(1);
}

Result<SshSession::Upload> SshSession::upload(const QString& localFile, const QString& remotePath,
                                              const std::function<void(qint64, qint64)>& progress)
{
    using R = Result<Upload>;
    QFile file(localFile);
    if (!file.open(QIODevice::ReadOnly))
        return R::failure(
            QStringLiteral("%1 cannot be read: %2").arg(localFile, file.errorString()));
    const QByteArray sha = sha256Of(file);
    const QString directory = QFileInfo(remotePath).path();
    const QString part = QStringLiteral("%1.part-%2")
                             .arg(remotePath)
                             .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));

    // One round trip: make the directory, say what is there now.
    auto there = exec(QStringLiteral("mkdir -p %1 && { sha256sum %2 2>/dev/null || true; }")
                          .arg(shellQuote(directory), shellQuote(remotePath)),
                      30s);
    if (!there)
        return R::failure(there.error());
    if (there->exitStatus != 0)
        return R::failure(
            QStringLiteral("%1: the directory %2 cannot be made: %3")
                .arg(m_host.label(), directory, QString::fromUtf8(there->err).trimmed()));
    if (there->out.startsWith(sha + ' ')) {
        if (progress)
            progress(file.size(), file.size());
        return Upload::AlreadyThere;
    }

    sftp_session sftp = sftp_new(m_session);
    if (!sftp || sftp_init(sftp) != SSH_OK) {
        if (sftp)
            sftp_free(sftp);
        return R::failure(QStringLiteral("%1: SFTP is not available: %2")
                              .arg(m_host.label(), QString::fromUtf8(ssh_get_error(m_session))));
    }
    const std::unique_ptr<sftp_session_struct, void (*)(sftp_session)> sftpOwner(sftp, sftp_free);
    sftp_file remote =
        sftp_open(sftp, part.toUtf8().constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!remote)
        return R::failure(QStringLiteral("%1: %2 cannot be written (SFTP error %3): %4")
                              .arg(m_host.label(), part)
                              .arg(sftp_get_error(sftp))
                              .arg(QString::fromUtf8(ssh_get_error(m_session))));
    const qint64 total = file.size();
    qint64 sent = 0;
    bool failed = false;
    char buffer[64 * 1024];
    while (!failed) {
        const qint64 n = file.read(buffer, sizeof buffer);
        if (n <= 0)
            break;
        failed = sftp_write(remote, buffer, size_t(n)) != ssize_t(n);
        sent += n;
        if (progress && !failed)
            progress(sent, total);
    }
    const bool closed = sftp_close(remote) == SSH_NO_ERROR;
    if (failed || !closed || sent != total) {
        // A full disk shows here (SSH_FX_FAILURE); the partial file goes if it can (the
        // failure below is what the user needs to know).
        static_cast<void>(exec(QStringLiteral("rm -f %1").arg(shellQuote(part)), 30s));
        return R::failure(QStringLiteral("%1: writing %2 failed after %3 of %4 bytes (SFTP error "
                                         "%5: a full disk?): %6")
                              .arg(m_host.label(), part)
                              .arg(sent)
                              .arg(total)
                              .arg(sftp_get_error(sftp))
                              .arg(QString::fromUtf8(ssh_get_error(m_session))));
    }

    // The bytes on the host are the bytes we have, or the file does not go into place.
    auto placed =
        exec(QStringLiteral("sum=$(sha256sum %1) && [ \"${sum%% *}\" = %2 ] && mv -f %1 %3 "
                            "|| { rm -f %1; echo \"checksum: $sum\" >&2; exit 1; }")
                 .arg(shellQuote(part), QString::fromLatin1(sha), shellQuote(remotePath)),
             60s);
    if (!placed)
        return R::failure(placed.error());
    if (placed->exitStatus != 0)
        return R::failure(QStringLiteral("%1: %2 arrived damaged (%3; expected %4)")
                              .arg(m_host.label(), remotePath,
                                   QString::fromUtf8(placed->err).trimmed(),
                                   QString::fromLatin1(sha)));
    return Upload::Copied;
}

} // namespace gb::app
