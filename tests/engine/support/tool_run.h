#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace gb::test {

/// What one run of a command-line tool (gatebench-load, hey) did.
struct ToolRun
{
    int exitCode = -1; ///< -1: crashed, killed or never started
    bool finished = false;
    QByteArray out;
    QByteArray err;

    /// Exit status, both streams (stdout cut at 2,000 bytes): for a failing check's message.
    QByteArray describe() const;
};

/// Runs `program` with `args` and waits at most timeoutMs for it to end; past that it is killed.
ToolRun runTool(const QString& program, const QStringList& args, int timeoutMs = 15000);

} // namespace gb::test
