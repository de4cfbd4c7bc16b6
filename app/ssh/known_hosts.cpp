#include "app/ssh/known_hosts.h"

#include <QCryptographicHash>
#include <QFile>
#include <QMessageAuthenticationCode>

namespace gb::app {

namespace {

bool matches(const QByteArray& pattern, const QByteArray& name)
{
    if (pattern.startsWith("|1|")) {
        // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
        const QList<QByteArray> parts = pattern.split('|');
        if (parts.size() != 4)
            return false;
        return QMessageAuthenticationCode::hash(name, QByteArray::fromBase64(parts[2]),
                                                QCryptographicHash::Sha1) ==
               QByteArray::fromBase64(parts[3]);
    }
    for (const QByteArray& one : pattern.split(','))
        if (one == name)
            return true;
    return false;
}

} // namespace

QStringList knownHostFingerprints(const QString& knownHostsFile, const QString& host, int port)
{
    const QByteArray name =
        (port == 22 ? host : QStringLiteral("[%1]:%2").arg(host).arg(port)).toUtf8();
    QStringList fingerprints;
    QFile file(knownHostsFile);
    if (!file.open(QIODevice::ReadOnly))
        return fingerprints;
    for (QByteArray line : file.readAll().split('\n')) {
        line = line.simplified();
        if (line.isEmpty() || line.startsWith('#') || line.startsWith('@'))
            continue;
        const QList<QByteArray> fields = line.split(' ');
        if (fields.size() < 3 || !matches(fields[0], name))
            continue;
        const QByteArray digest =
            QCryptographicHash::hash(QByteArray::fromBase64(fields[2]), QCryptographicHash::Sha256);
        fingerprints.append(QStringLiteral("SHA256:") +
                            QString::fromLatin1(digest.toBase64(QByteArray::OmitTrailingEquals)));
    }
    return fingerprints;
}

} // namespace gb::app
