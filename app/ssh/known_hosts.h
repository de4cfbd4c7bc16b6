#pragma once

#include <QString>
#include <QStringList>

namespace gb::app {

/// The "SHA256:..." fingerprints that an OpenSSH known_hosts file holds for host:port (the
/// entry name is "host" for port 22, else "[host]:port"), plain and hashed ("|1|salt|hmac")
/// entries alike. libssh says that a key changed but not which key it had: this names it.
QStringList knownHostFingerprints(const QString& knownHostsFile, const QString& host, int port);

} // namespace gb::app
