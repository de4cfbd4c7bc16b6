#include "support/tool_run.h"

#include <QProcess>

namespace gb::test {

QByteArray ToolRun::describe() const
{
    return "exit " + QByteArray::number(exitCode) + (finished ? "" : " (killed)") +
           "\nstderr: " + err + "\nstdout: " + out.left(2000);
}

ToolRun runTool(const QString& program, const QStringList& args, int timeoutMs)
{
    QProcess p;
    p.start(program, args);
    ToolRun r;
    if (!p.waitForStarted(5000))
        return r;
    r.finished = p.waitForFinished(timeoutMs);
    if (!r.finished) {
        p.kill();
        p.waitForFinished(5000);
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace gb::test
