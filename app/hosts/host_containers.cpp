#include "app/hosts/host_containers.h"

namespace gb::app {

namespace {

using namespace std::chrono_literals;

QString quoted(const QStringList& words)
{
    QStringList out;
    for (const QString& w : words)
        out.append(shellQuote(w));
    return out.join(QLatin1Char(' '));
}

QString outputOf(const ExecResult& r)
{
    return QString::fromUtf8(r.err.isEmpty() ? r.out : r.err).trimmed().left(400);
}

} // namespace

HostContainers::HostContainers(HostServers& servers)
    : m_servers(servers)
{}

Result<ExecResult> HostContainers::docker(const QString& arguments,
                                          std::chrono::milliseconds timeout)
{
    return m_servers.session()->exec(QStringLiteral("docker ") + arguments, timeout);
}

Result<QString> HostContainers::dockerVersion()
{
    using R = Result<QString>;
    auto r = docker(QStringLiteral("version --format '{{.Server.Version}}'"), 60s);
    if (!r)
        return R::failure(r.error());
    if (r->exitStatus == 127)
        return R::failure(QStringLiteral("%1 has no docker command: install Docker Engine there "
                                         "to run a container gateway")
                              .arg(m_servers.host().label()));
    const QString said = outputOf(r.value());
    if (r->exitStatus != 0 && said.contains(QLatin1String("Cannot connect to the Docker daemon")))
        return R::failure(QStringLiteral("%1: Docker's daemon does not run there (%2): start it, "
                                         "e.g. systemctl start docker")
                              .arg(m_servers.host().label(), said));
    if (r->exitStatus != 0)
        return R::failure(QStringLiteral("%1: docker cannot be used by %2 (%3); add the user to "
                                         "the docker group")
                              .arg(m_servers.host().label(), m_servers.host().user, said));
    return QString::fromUtf8(r->out).trimmed();
}

Result<QString> HostContainers::pull(const QString& image)
{
    using R = Result<QString>;
    auto pulled = docker(QStringLiteral("pull --quiet ") + shellQuote(image), 15min);
    if (!pulled)
        return R::failure(pulled.error());
    if (pulled->exitStatus != 0)
        return R::failure(QStringLiteral("%1: docker pull %2 failed: %3")
                              .arg(m_servers.host().label(), image, outputOf(pulled.value())));
    auto inspected =
        docker(QStringLiteral("image inspect --format '{{if .RepoDigests}}{{index .RepoDigests "
                              "0}}{{else}}{{.Id}}{{end}}' ") +
                   shellQuote(image),
               60s);
    if (!inspected || inspected->exitStatus != 0)
        return image; // pulled; only its digest is unknown
    return QString::fromUtf8(inspected->out).trimmed();
}

Result<QString> HostContainers::start(const ContainerProgram& p)
{
    using R = Result<QString>;
    if (QString e = m_servers.writeFiles(p.files); !e.isEmpty())
        return R::failure(e);
    const QString workdir = m_servers.workdir();
    QStringList args{QStringLiteral("run"),       QStringLiteral("-d"),
                     QStringLiteral("--name"),    p.name,
                     QStringLiteral("--network"), QStringLiteral("host")};
    for (const QString& label : p.labels)
        args << QStringLiteral("--label") << label;
    for (const QString& variable : p.environment)
        args << QStringLiteral("-e") << variable;
    for (const auto& [from, to] : p.mounts)
        args << QStringLiteral("-v") << QStringLiteral("%1/run/%2:%3:ro").arg(workdir, from, to);
    args << p.image;
    // Recorded before it starts, so that stop() removes it even if this session is cut now.
    const QString record = QStringLiteral("%1/containers/%2").arg(workdir, p.name);
    auto started = m_servers.session()->exec(
        QStringLiteral("mkdir -p %1 && : > %2 && docker rm -f %3 >/dev/null 2>&1; docker %4")
            .arg(shellQuote(workdir + QStringLiteral("/containers")), shellQuote(record),
                 shellQuote(p.name), quoted(args)),
        120s);
    if (!started)
        return R::failure(started.error());
    if (started->exitStatus != 0)
        return R::failure(QStringLiteral("%1: docker run %2 failed: %3")
                              .arg(m_servers.host().label(), p.image, outputOf(started.value())));
    return QString::fromUtf8(started->out).trimmed();
}

bool HostContainers::running(const QString& name)
{
    auto r =
        docker(QStringLiteral("inspect --format '{{.State.Running}}' ") + shellQuote(name), 30s);
    return r && r->exitStatus == 0 && r->out.trimmed() == "true";
}

QString HostContainers::logTail(const QString& name, int lines)
{
    auto r = docker(QStringLiteral("logs --tail %1 %2 2>&1").arg(lines).arg(shellQuote(name)), 30s);
    return r ? QString::fromUtf8(r->out).trimmed() : r.error();
}

} // namespace gb::app
