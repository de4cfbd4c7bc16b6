#pragma once

#include "app/result.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace gb::app {

/// What a host does in a scenario. A host may play several roles.
enum class HostRole
{
    Upstream,
    Gateway,
    Redis,
    LoadGen,
};
QString toKeyword(HostRole role);
std::optional<HostRole> hostRoleFromKeyword(const QString& text);

/// One machine reached over SSH. "address" is where this machine reaches it (its public
/// address); "private_address" is where the other hosts reach it (traffic between hosts goes
/// there), the address itself when not given.
struct HostSpec
{
    QString name;
    QString address;
    int port = 22;
    QString user;
    QString identityFile; ///< as written ("~/.ssh/bench.pem"); empty: ssh-agent only
    QString privateAddress;
    QList<HostRole> roles;
    QString workdir; ///< where GateBench keeps its files on the host; "~/gatebench" by default
    /// Ports the host's servers listen on, by role (defaults: upstream 8000, gateway 8080,
    /// redis 6379); the host check says whether they are free.
    QMap<HostRole, int> ports;

    QString reachedAt() const { return privateAddress.isEmpty() ? address : privateAddress; }
    bool plays(HostRole role) const { return roles.contains(role); }
    int portFor(HostRole role) const;
    /// identityFile with "~" expanded against this user's home ($HOME).
    QString identityPath() const;
    /// "gw (ec2-user@203.0.113.7:22)", for messages.
    QString label() const;

    friend bool operator==(const HostSpec&, const HostSpec&) = default;
};

/// The hosts file: the machines a scenario may run on. JSON, as scripts and tests write it:
/// {"hosts": [{"name": "gw", "address": "203.0.113.7", "port": 22, "user": "ec2-user",
///   "identity_file": "~/.ssh/bench.pem", "private_address": "10.0.1.12",
///   "roles": ["gateway"], "workdir": "/home/ec2-user/gatebench"}]}
/// The window's Hosts panel edits the same file.
struct HostsFile
{
    QList<HostSpec> hosts;

    /// The first host playing role, or nullptr.
    const HostSpec* hostFor(HostRole role) const;
    /// Every problem, one sentence each, naming the host ("hosts[1] (gw): ..."); empty when valid.
    QStringList problems() const;

    friend bool operator==(const HostsFile&, const HostsFile&) = default;
};

QJsonObject hostsFileToJson(const HostsFile& file);
/// Parses and validates; the error names the member ("hosts[0].port must be ...").
Result<HostsFile> hostsFileFromJson(const QJsonObject& object);
Result<HostsFile> loadHostsFile(const QString& path);
/// Writes atomically; returns the error sentence, empty on success.
[[nodiscard]] QString saveHostsFile(const HostsFile& file, const QString& path);

} // namespace gb::app
