#include "app/process_supervisor.h"

#include <QDir>

namespace gb::app {

ProcessSupervisor::ProcessSupervisor()
    : m_workDir(QDir::temp().filePath(QStringLiteral("gatebench-run-XXXXXX")))
{}

ProcessSupervisor::~ProcessSupervisor()
{
    stopAll();
}

ChildProcess* ProcessSupervisor::start(const ChildSpec& spec, std::chrono::milliseconds timeout,
                                       const std::atomic<bool>& cancel, QString* error)
{
    if (!m_workDir.isValid()) {
        *error = QStringLiteral("cannot create a temporary directory for %1's output: %2")
                     .arg(spec.role, m_workDir.errorString());
        return nullptr;
    }
    auto child = std::make_unique<ChildProcess>(spec, m_workDir.path());
    const QString problem = child->start(QDeadlineTimer(timeout), cancel);
    if (!problem.isEmpty()) {
        *error = problem;
        child->stop();
        return nullptr;
    }
    m_logs.follow(spec.role, child->stdoutPath());
    m_logs.follow(spec.role, child->stderrPath());
    m_children.push_back(std::move(child));
    return m_children.back().get();
}

std::optional<QString> ProcessSupervisor::checkExited()
{
    for (auto& child : m_children)
        if (auto why = child->checkExited())
            return why;
    return std::nullopt;
}

void ProcessSupervisor::stopAll()
{
    for (auto it = m_children.rbegin(); it != m_children.rend(); ++it)
        (*it)->stop();
}

QList<WatchedProcess> ProcessSupervisor::processes() const
{
    QList<WatchedProcess> list;
    for (const auto& child : m_children)
        list.append({child->role(), child->pid()});
    return list;
}

} // namespace gb::app
