#include "app/cli/hosts_options.h"

#include "app/cli/terminal_passphrase.h"

#include <QCommandLineParser>

namespace gb::app::cli {

QList<QCommandLineOption> HostsOptions::flags()
{
    return {QCommandLineOption(QStringLiteral("hosts"), QString(), QStringLiteral("FILE")),
            QCommandLineOption(QStringLiteral("accept-new-host-keys")),
            QCommandLineOption(QStringLiteral("known-hosts"), QString(), QStringLiteral("FILE"))};
}

Result<HostsOptions> HostsOptions::read(const QCommandLineParser& parser)
{
    HostsOptions options;
    options.ssh.unknownHostKeys = parser.isSet(QStringLiteral("accept-new-host-keys"))
                                      ? UnknownHostKeys::AcceptNew
                                      : UnknownHostKeys::Refuse;
    options.ssh.knownHostsFile = parser.value(QStringLiteral("known-hosts"));
    options.ssh.passphrase = terminalPassphrase();
    if (parser.isSet(QStringLiteral("hosts"))) {
        auto file = loadHostsFile(parser.value(QStringLiteral("hosts")));
        if (!file)
            return Result<HostsOptions>::failure(file.error());
        options.hosts = std::move(file).value();
    }
    return options;
}

} // namespace gb::app::cli
