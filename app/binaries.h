#pragma once

#include "app/result.h"

#include <QString>

namespace gb::app {

/// Where the GateBench executables (gatebench-upstream, gatebench-gateway) are: the directory
/// named by GATEBENCH_BIN_DIR, else the running executable's directory, since all of them are
/// built into (and installed to) one bin/ directory. Callable from any thread once a
/// QCoreApplication exists.
QString defaultBinDirectory();

/// The absolute path of program inside binDir, or a sentence saying it is missing and how to
/// point GateBench at it.
Result<QString> locateProgram(const QString& binDir, const QString& program);

/// redis-server from PATH (it is a system package, not ours), or a sentence on how to get it.
Result<QString> locateRedisServer();

} // namespace gb::app
