#pragma once

#include "app/hosts/hosts_file.h"
#include "app/ssh/ssh_session.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace gb::app {

/// What a host check found out about one host, over SSH, before anything is deployed.
struct HostFacts
{
    QString fingerprint; ///< the host key, "SHA256:..."
    QString os;          ///< /etc/os-release's PRETTY_NAME
    QString kernel;      ///< uname -sr
    QString cpuModel;
    int cpus = 0;
    qint64 memoryBytes = 0;
    qint64 workdirFreeBytes = -1; ///< on the workdir's file system (its nearest existing parent)
    qint64 openFilesSoft = -1;    ///< ulimit -n; -1: unlimited
    qint64 openFilesHard = -1;
    double clockOffsetMs = 0;      ///< the host's clock minus this machine's
    double clockUncertaintyMs = 0; ///< half the round trip of the reading
    QMap<HostRole, bool> portFree; ///< for each role the host plays that listens on a port

    friend bool operator==(const HostFacts&, const HostFacts&) = default;
};

struct HostCheck
{
    HostSpec host;
    bool reached = false; ///< connected, host key verified and logged in
    HostFacts facts;
    QStringList problems; ///< one sentence each; empty: ready to deploy

    bool ok() const { return reached && problems.isEmpty(); }
};

/// Below these a host is reported as a problem.
inline constexpr qint64 kMinWorkdirFreeBytes = 256ll << 20; ///< the bundles and the logs
/// Hard limit. A proxy holds two descriptors per client (client and upstream side): 16,384
/// leaves room for about 8,000 clients, the least a gateway benchmark should be able to offer.
inline constexpr qint64 kMinOpenFiles = 16384;
inline constexpr double kMaxClockOffsetMs = 500; ///< beyond it, per-host series do not line up

/// Connects to host and reads its facts. Blocks (up to a few times options.timeout): call it off
/// the GUI thread. Never throws; a host that cannot be reached is a HostCheck with reached false
/// and the reason as its one problem.
HostCheck checkHost(const HostSpec& host, const SshOptions& options);
/// The same over a session that is open already (a deployment's).
HostCheck checkHost(SshSession& session, std::chrono::milliseconds timeout);
/// The same for every host at once, in the file's order.
QList<HostCheck> checkHosts(const HostsFile& hosts, const SshOptions& options);

/// The check table's columns, and one host's cells under them (fewer when it was not reached):
/// the text table and the window's Hosts page show the same.
QStringList hostCheckColumns();
QStringList hostCheckCells(const HostCheck& check);
/// A text table, one row per host, then the problems, one line each.
QString hostChecksText(const QList<HostCheck>& checks);
/// For the run's environment and the report.
QJsonObject hostCheckToJson(const HostCheck& check);

} // namespace gb::app
