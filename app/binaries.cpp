#include "app/binaries.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace gb::app {

QString defaultBinDirectory()
{
    const QString fromEnv = qEnvironmentVariable("GATEBENCH_BIN_DIR");
    if (!fromEnv.isEmpty())
        return QDir(fromEnv).absolutePath();
    return QCoreApplication::applicationDirPath();
}

Result<QString> locateProgram(const QString& binDir, const QString& program)
{
    const QFileInfo info(QDir(binDir), program);
    if (info.isFile() && info.isExecutable())
        return info.absoluteFilePath();
    return Result<QString>::failure(
        QStringLiteral("%1 was not found in %2 (build it, or set GATEBENCH_BIN_DIR to the "
                       "directory holding the GateBench executables)")
            .arg(program, QDir::toNativeSeparators(binDir)));
}

Result<QString> locateRedisServer()
{
    const QString path = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    if (!path.isEmpty())
        return path;
    return Result<QString>::failure(
        QStringLiteral("redis-server is not installed (apt install redis-server), or choose "
                       "a Redis address or the in-memory store in the scenario"));
}

} // namespace gb::app
