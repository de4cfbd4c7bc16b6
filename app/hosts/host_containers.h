#pragma once

#include "app/container_gateway.h"
#include "app/hosts/host_servers.h"
#include "app/result.h"

#include <QString>

namespace gb::app {

/// Containers GateBench runs on a host with the host's own Docker, over the SSH session its
/// HostServers holds: `docker pull`, `docker run -d --network host` with the program's labels,
/// environment and read-only mounts of files written under the workdir's run/, its name recorded
/// in containers/ so that HostServers::stop removes it (`docker rm -f`), also after a lost link.
/// The user GateBench logs in as must be allowed to run docker (the docker group).
///
/// Blocking, like the session: off the GUI thread, one thread at a time.
class HostContainers
{
public:
    explicit HostContainers(HostServers& servers);

    /// The Docker engine's version, or the sentence why docker cannot be used there.
    Result<QString> dockerVersion();
    /// Pulls the image (up to 15 min) and returns what identifies the version that runs: its
    /// repository digest ("tykio/tyk-gateway@sha256:..."), else its image id.
    Result<QString> pull(const QString& image);
    /// Writes the files, removes a container of the same name left from an earlier run, starts
    /// this one and returns its id.
    Result<QString> start(const ContainerProgram& program);
    bool running(const QString& name);
    QString logTail(const QString& name, int lines = 20);

private:
    Result<ExecResult> docker(const QString& arguments, std::chrono::milliseconds timeout);

    HostServers& m_servers;
};

} // namespace gb::app
