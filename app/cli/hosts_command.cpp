// `gatebench hosts check HOSTS.json`: every host's readiness, over SSH, as a table.
#include "app/cli/commands.h"
#include "app/cli/hosts_options.h"
#include "app/hosts/host_check.h"
#include "app/scenario.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>

namespace gb::app::cli {

int hostsCommand(const QStringList& args, QTextStream& out, QTextStream& err)
{
    QCommandLineParser parser;
    const QCommandLineOption timeout(QStringLiteral("timeout"), QString(), QStringLiteral("D"));
    const QCommandLineOption json(QStringLiteral("json"), QString(), QStringLiteral("OUT"));
    parser.addOptions({timeout, json});
    parser.addOptions(HostsOptions::sshFlags());
    auto usageError = [&](const QString& message) {
        err << QStringLiteral("gatebench hosts: %1\n").arg(message);
        return int(ExitUsage);
    };
    if (!parser.parse(QStringList{QStringLiteral("gatebench hosts")} + args))
        return usageError(parser.errorText());
    const QStringList words = parser.positionalArguments();
    if (words.size() != 2 || words.first() != QLatin1String("check"))
        return usageError(QStringLiteral("usage: gatebench hosts check HOSTS.json "
                                         "[--accept-new-host-keys] [--known-hosts FILE] "
                                         "[--timeout D] [--json OUT]"));
    SshOptions options = HostsOptions::readSsh(parser);
    if (parser.isSet(timeout)) {
        const auto d = parseDuration(parser.value(timeout));
        if (!d || d->count() <= 0)
            return usageError(QStringLiteral("--timeout \"%1\" is not a duration above 0, e.g. 10s")
                                  .arg(parser.value(timeout)));
        options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
    }

    const auto hosts = loadHostsFile(words.at(1));
    if (!hosts) {
        err << QStringLiteral("gatebench hosts: %1\n").arg(hosts.error());
        return ExitRuntimeError;
    }
    const QList<HostCheck> checks = checkHosts(hosts.value(), options);
    out << hostChecksText(checks) << Qt::flush;
    if (parser.isSet(json)) {
        QJsonArray array;
        for (const HostCheck& c : checks)
            array.append(hostCheckToJson(c));
        QSaveFile f(parser.value(json));
        if (!f.open(QIODevice::WriteOnly) ||
            f.write(QJsonDocument(QJsonObject{{QStringLiteral("hosts"), array}}).toJson()) < 0 ||
            !f.commit()) {
            err << QStringLiteral("gatebench hosts: %1: cannot be written: %2\n")
                       .arg(parser.value(json), f.errorString());
            return ExitRuntimeError;
        }
    }
    for (const HostCheck& c : checks)
        if (!c.ok())
            return ExitRuntimeError;
    return ExitOk;
}

} // namespace gb::app::cli
