#pragma once

#include "app/hosts/hosts_file.h"
#include "app/ssh/ssh_session.h"

#include <QCommandLineOption>
#include <QList>

#include <optional>

class QCommandLineParser;

namespace gb::app::cli {

/// The flags that send a headless run or study to hosts: --hosts HOSTS.json,
/// --accept-new-host-keys, --known-hosts FILE, --bundle FILE.
struct HostsOptions
{
    std::optional<HostsFile> hosts; ///< set: the scenarios run on these hosts
    SshOptions ssh;
    QString bundle; ///< the server bundle to deploy; empty: the one `make bundles` builds

    static QList<QCommandLineOption> flags();
    /// Reads the flags from parser; the error sentence when the hosts file cannot be used.
    static Result<HostsOptions> read(const QCommandLineParser& parser);

    /// The SSH part alone (--accept-new-host-keys, --known-hosts), for `gatebench hosts check`,
    /// whose hosts file is its argument.
    static QList<QCommandLineOption> sshFlags();
    static SshOptions readSsh(const QCommandLineParser& parser);
};

} // namespace gb::app::cli
