#include "app/cli/hosts_options.h"

#include "app/cli/terminal_passphrase.h"

#include <QCommandLineParser>

namespace gb::app::cli {

QList<QCommandLineOption> HostsOptions::sshFlags()
{
    return {QCommandLineOption(QStringLiteral("accept-new-host-keys")),
            QCommandLineOption(QStringLiteral("known-hosts"), QString(), QStringLiteral("FILE"))};
}

SshOptions HostsOptions::readSsh(const QCommandLineParser& parser)
{
    SshOptions ssh;
    ssh.unknownHostKeys = parser.isSet(QStringLiteral("accept-new-host-keys"))
                              ? UnknownHostKeys::AcceptNew
                              : UnknownHostKeys::Refuse;
    ssh.knownHostsFile = parser.value(QStringLiteral("known-hosts"));
    ssh.passphrase = terminalPassphrase();
    return ssh;
}

QList<QCommandLineOption> HostsOptions::flags()
{
    return QList<QCommandLineOption>{
               QCommandLineOption(QStringLiteral("hosts"), QString(), QStringLiteral("FILE")),
               QCommandLineOption(QStringLiteral("bundle"), QString(), QStringLiteral("FILE"))} +
           sshFlags();
}

Result<HostsOptions> HostsOptions::read(const QCommandLineParser& parser)
{
    HostsOptions options;
    options.ssh = readSsh(parser);
    options.bundle = parser.value(QStringLiteral("bundle"));
    if (parser.isSet(QStringLiteral("hosts"))) {
        auto file = loadHostsFile(parser.value(QStringLiteral("hosts")));
        if (!file)
            return Result<HostsOptions>::failure(file.error());
        options.hosts = std::move(file).value();
    }
    return options;
}

} // namespace gb::app::cli
