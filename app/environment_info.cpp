#include "app/environment_info.h"

#include "common/version.h"

#include <QFile>
#include <QSysInfo>
#include <QtGlobal>

#include <unistd.h>

namespace gb::app {

namespace {

QString firstValue(const QString& path, const QByteArray& key)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray& line : file.readAll().split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed() == key)
            return QString::fromUtf8(line.mid(colon + 1).trimmed());
    }
    return {};
}

} // namespace

EnvironmentInfo EnvironmentInfo::current()
{
    EnvironmentInfo e;
    e.hostName = QSysInfo::machineHostName();
    e.cpuModel = firstValue(QStringLiteral("/proc/cpuinfo"), "model name");
    if (e.cpuModel.isEmpty())
        e.cpuModel = QSysInfo::currentCpuArchitecture();
    e.cores = int(::sysconf(_SC_NPROCESSORS_ONLN));
    const QString memTotal = firstValue(QStringLiteral("/proc/meminfo"), "MemTotal");
    e.memoryBytes = memTotal.section(QLatin1Char(' '), 0, 0).toLongLong() * 1024;
    e.kernel = QSysInfo::kernelType() + QLatin1Char(' ') + QSysInfo::kernelVersion();
    e.os = QSysInfo::prettyProductName();
    e.gatebenchVersion = QString::fromLatin1(gb::kVersion);
    e.qtVersion = QString::fromLatin1(qVersion());
    return e;
}

QJsonObject EnvironmentInfo::toJson() const
{
    QJsonObject o{{QStringLiteral("hostName"), hostName},
                  {QStringLiteral("cpuModel"), cpuModel},
                  {QStringLiteral("cores"), cores},
                  {QStringLiteral("memoryBytes"), double(memoryBytes)},
                  {QStringLiteral("kernel"), kernel},
                  {QStringLiteral("os"), os},
                  {QStringLiteral("gatebenchVersion"), gatebenchVersion},
                  {QStringLiteral("gateway"), gateway},
                  {QStringLiteral("qtVersion"), qtVersion}};
    if (!hosts.isEmpty())
        o.insert(QStringLiteral("hosts"), hosts);
    return o;
}

EnvironmentInfo EnvironmentInfo::fromJson(const QJsonObject& o)
{
    EnvironmentInfo e;
    e.hostName = o.value(QStringLiteral("hostName")).toString();
    e.cpuModel = o.value(QStringLiteral("cpuModel")).toString();
    e.cores = o.value(QStringLiteral("cores")).toInt();
    e.memoryBytes = qint64(o.value(QStringLiteral("memoryBytes")).toDouble());
    e.kernel = o.value(QStringLiteral("kernel")).toString();
    e.os = o.value(QStringLiteral("os")).toString();
    e.gatebenchVersion = o.value(QStringLiteral("gatebenchVersion")).toString();
    e.gateway = o.value(QStringLiteral("gateway")).toString();
    e.qtVersion = o.value(QStringLiteral("qtVersion")).toString();
    e.hosts = o.value(QStringLiteral("hosts")).toArray();
    return e;
}

} // namespace gb::app
