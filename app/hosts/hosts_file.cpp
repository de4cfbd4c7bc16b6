#include "app/hosts/hosts_file.h"

#include "app/json_members.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSet>

namespace gb::app {

namespace {

constexpr HostRole kRoles[] = {HostRole::Upstream, HostRole::Gateway, HostRole::Redis,
                               HostRole::LoadGen};
const QString kRoleList = QStringLiteral("upstream, gateway, redis, loadgen");

int defaultPort(HostRole role)
{
    switch (role) {
    case HostRole::Upstream:
        return 8000;
    case HostRole::Gateway:
        return 8080;
    case HostRole::Redis:
        return 6379;
    case HostRole::LoadGen:
        return 0;
    }
    return 0;
}

/// Host names, IPv4 and IPv6 addresses: what can follow "ssh user@". Nothing that a shell or
/// ssh would read as an option or a second word.
bool plausibleAddress(const QString& a)
{
    if (a.isEmpty() || a.startsWith(QLatin1Char('-')))
        return false;
    for (const QChar c : a)
        if (!(c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('-') ||
              c == QLatin1Char(':') || c == QLatin1Char('_')) ||
            c.unicode() > 0x7e)
            return false;
    return true;
}

HostSpec hostFromJson(JsonMembers m)
{
    HostSpec h;
    m.string(QStringLiteral("name"), h.name);
    m.string(QStringLiteral("address"), h.address);
    m.integer(QStringLiteral("port"), h.port);
    m.string(QStringLiteral("user"), h.user);
    m.string(QStringLiteral("identity_file"), h.identityFile);
    m.string(QStringLiteral("private_address"), h.privateAddress);
    m.string(QStringLiteral("workdir"), h.workdir);
    const QJsonValue roles = m.value(QStringLiteral("roles"));
    if (!roles.isUndefined() && !roles.isArray())
        m.fail(QStringLiteral("roles"), QStringLiteral("must be a list of %1").arg(kRoleList));
    for (const QJsonValue& r : roles.toArray()) {
        const auto role = hostRoleFromKeyword(r.toString());
        if (!role) {
            m.fail(QStringLiteral("roles"),
                   QStringLiteral("has \"%1\"; a role is one of %2").arg(r.toString(), kRoleList));
            break;
        }
        if (!h.roles.contains(*role))
            h.roles.append(*role);
    }
    const QJsonValue ports = m.value(QStringLiteral("ports"));
    if (!ports.isUndefined() && !ports.isObject())
        m.fail(QStringLiteral("ports"), QStringLiteral("must be an object of role: port"));
    const QJsonObject portObject = ports.toObject();
    for (auto it = portObject.begin(); it != portObject.end(); ++it) {
        const auto role = hostRoleFromKeyword(it.key());
        const int port = it.value().toInt(-1);
        if (!role || !it.value().isDouble() || port < 1 || port > 65535) {
            m.fail(QStringLiteral("ports"),
                   QStringLiteral("has \"%1\"; it maps a role (%2) to a port from 1 to 65535")
                       .arg(it.key(), kRoleList));
            break;
        }
        h.ports.insert(*role, port);
    }
    return h;
}

} // namespace

QString toKeyword(HostRole role)
{
    switch (role) {
    case HostRole::Upstream:
        return QStringLiteral("upstream");
    case HostRole::Gateway:
        return QStringLiteral("gateway");
    case HostRole::Redis:
        return QStringLiteral("redis");
    case HostRole::LoadGen:
        return QStringLiteral("loadgen");
    }
    return {};
}

std::optional<HostRole> hostRoleFromKeyword(const QString& text)
{
    for (HostRole role : kRoles)
        if (toKeyword(role) == text)
            return role;
    return std::nullopt;
}

int HostSpec::portFor(HostRole role) const
{
    return ports.value(role, defaultPort(role));
}

QString HostSpec::identityPath() const
{
    if (identityFile == QLatin1String("~") || identityFile.startsWith(QStringLiteral("~/")))
        return QDir::homePath() + identityFile.mid(1);
    return identityFile;
}

QString HostSpec::label() const
{
    return QStringLiteral("%1 (%2@%3:%4)").arg(name, user, address).arg(port);
}

const HostSpec* HostsFile::hostFor(HostRole role) const
{
    for (const HostSpec& h : hosts)
        if (h.plays(role))
            return &h;
    return nullptr;
}

QStringList HostsFile::problems() const
{
    QStringList out;
    QSet<QString> names;
    for (int i = 0; i < hosts.size(); ++i) {
        const HostSpec& h = hosts[i];
        const QString where =
            QStringLiteral("hosts[%1]%2")
                .arg(i)
                .arg(h.name.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(h.name));
        auto problem = [&](const QString& text) {
            out.append(where + QStringLiteral(": ") + text);
        };
        if (h.name.isEmpty())
            problem(QStringLiteral("has no name"));
        else if (names.contains(h.name))
            problem(QStringLiteral("the name is used by another host"));
        names.insert(h.name);
        if (!plausibleAddress(h.address))
            problem(QStringLiteral("address \"%1\" is not a host name or an IP address")
                        .arg(h.address));
        if (!h.privateAddress.isEmpty() && !plausibleAddress(h.privateAddress))
            problem(QStringLiteral("private_address \"%1\" is not a host name or an IP address")
                        .arg(h.privateAddress));
        if (h.port < 1 || h.port > 65535)
            problem(QStringLiteral("port %1 is not from 1 to 65535").arg(h.port));
        if (h.user.isEmpty() || h.user.startsWith(QLatin1Char('-')) ||
            h.user.contains(QLatin1Char('@')) || h.user.contains(QLatin1Char(' ')))
            problem(QStringLiteral("user \"%1\" is not a login name").arg(h.user));
        if (h.roles.isEmpty())
            problem(QStringLiteral("has no roles (%1)").arg(kRoleList));
        if (!h.workdir.isEmpty() && !h.workdir.startsWith(QLatin1Char('/')) &&
            !h.workdir.startsWith(QStringLiteral("~/")))
            problem(
                QStringLiteral("workdir \"%1\" is neither absolute nor under ~/").arg(h.workdir));
    }
    return out;
}

QJsonObject hostsFileToJson(const HostsFile& file)
{
    QJsonArray hosts;
    for (const HostSpec& h : file.hosts) {
        QJsonArray roles;
        for (HostRole r : h.roles)
            roles.append(toKeyword(r));
        QJsonObject o{{QStringLiteral("name"), h.name},
                      {QStringLiteral("address"), h.address},
                      {QStringLiteral("port"), h.port},
                      {QStringLiteral("user"), h.user},
                      {QStringLiteral("roles"), roles}};
        if (!h.identityFile.isEmpty())
            o.insert(QStringLiteral("identity_file"), h.identityFile);
        if (!h.privateAddress.isEmpty())
            o.insert(QStringLiteral("private_address"), h.privateAddress);
        if (!h.workdir.isEmpty())
            o.insert(QStringLiteral("workdir"), h.workdir);
        if (!h.ports.isEmpty()) {
            QJsonObject ports;
            for (auto it = h.ports.begin(); it != h.ports.end(); ++it)
                ports.insert(toKeyword(it.key()), it.value());
            o.insert(QStringLiteral("ports"), ports);
        }
        hosts.append(o);
    }
    return {{QStringLiteral("hosts"), hosts}};
}

Result<HostsFile> hostsFileFromJson(const QJsonObject& object)
{
    using R = Result<HostsFile>;
    const QJsonValue list = object.value(QStringLiteral("hosts"));
    if (!list.isArray())
        return R::failure(QStringLiteral("a hosts file is an object with a \"hosts\" list"));
    HostsFile file;
    QString error;
    const QJsonArray array = list.toArray();
    for (int i = 0; i < array.size() && error.isEmpty(); ++i) {
        if (!array[i].isObject())
            return R::failure(QStringLiteral("hosts[%1] must be an object").arg(i));
        file.hosts.append(hostFromJson(
            JsonMembers(array[i].toObject(), QStringLiteral("hosts[%1]").arg(i), error)));
    }
    if (!error.isEmpty())
        return R::failure(error);
    if (const QStringList problems = file.problems(); !problems.isEmpty())
        return R::failure(problems.join(QStringLiteral("; ")));
    return file;
}

Result<HostsFile> loadHostsFile(const QString& path)
{
    using R = Result<HostsFile>;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return R::failure(QStringLiteral("%1: cannot be read: %2").arg(path, f.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return R::failure(QStringLiteral("%1: not JSON: %2 at byte %3")
                              .arg(path, parseError.errorString())
                              .arg(parseError.offset));
    auto file = hostsFileFromJson(doc.object());
    if (!file)
        return R::failure(QStringLiteral("%1: %2").arg(path, file.error()));
    return file;
}

QString saveHostsFile(const HostsFile& file, const QString& path)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) ||
        f.write(QJsonDocument(hostsFileToJson(file)).toJson()) < 0 || !f.commit())
        return QStringLiteral("%1: cannot be written: %2").arg(path, f.errorString());
    return {};
}

} // namespace gb::app
