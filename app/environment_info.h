#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace gb::app {

/// The machine a run was measured on, stored with every run so results are read in context.
/// A plain value.
struct EnvironmentInfo
{
    QString hostName;
    QString cpuModel;
    int cores = 0; ///< online logical CPUs
    qint64 memoryBytes = 0;
    QString kernel; ///< "Linux 6.1.0-18-amd64"
    QString os;     ///< "Debian GNU/Linux 12 (bookworm)"
    QString gatebenchVersion;
    QString qtVersion; ///< the Qt the program runs with
    /// A run on hosts: each host's check as it was just before the run (hostCheckToJson:
    /// system, CPU, memory, open-file limit, clock offset, host key, problems).
    QJsonArray hosts;
    /// The gateway product measured and its version ("gatebench-gateway 0.1.0", "Tyk
    /// tykio/tyk-gateway:v5.3.0 (sha256:...)"); empty in runs stored before it was kept.
    QString gateway;

    /// This machine, now. Reads /proc; cheap enough for once per run.
    static EnvironmentInfo current();

    QJsonObject toJson() const;
    static EnvironmentInfo fromJson(const QJsonObject& object);
    friend bool operator==(const EnvironmentInfo&, const EnvironmentInfo&) = default;
};

} // namespace gb::app
