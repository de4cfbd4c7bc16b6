#pragma once

#include "app/scenario.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>

namespace gb::app {

/// A container Docker runs on a host: `docker run -d --name NAME --network host` with these
/// labels, environment and read-only mounts of files GateBench writes beside it.
struct ContainerProgram
{
    QString name;  ///< the container's name on the host
    QString image; ///< pulled before it runs
    QStringList labels;
    QStringList environment;               ///< NAME=value
    QList<QPair<QString, QString>> mounts; ///< run-dir relative path -> path in the container
    QMap<QString, QByteArray> files;       ///< run-dir relative path -> contents
};

/// A gateway product as a container, configured from a scenario (GatewayKind::Container): the
/// same listen path, upstream, auth and rate limit the bundled gateway would get, written in the
/// product's own format:
///   Tyk   tyk.conf and apps/gatebench.json (Tyk's API definition), Redis from redisAddress;
///   Kong  DB-less, kong.json in its declarative format 3.0 (a service, its route, key-auth and
///         rate-limiting plugins, a consumer holding the key);
///   nginx nginx.conf with proxy_pass to a keep-alive upstream (keyless only).
struct ContainerGateway
{
    ContainerProgram program;
    /// Healthy when GET healthPath on the gateway's port answers: 2xx when healthNeeds2xx
    /// (Tyk's /hello), any HTTP status otherwise (Kong's and nginx's 404 for an unknown path).
    QString healthPath;
    bool healthNeeds2xx = false;
    /// The key the load sends in Authorization, when it is written in the config (Kong); Tyk's
    /// is created through its API once it runs (createGatewayKey); empty without features.
    QString key;
};

/// port: the gateway host's gateway port; upstreamOrigin: "http://host:port" as the gateway
/// reaches it; redisAddress: "host:port" (Tyk); secret: Tyk's admin API secret.
ContainerGateway containerGateway(const Scenario& scenario, int port, const QString& upstreamOrigin,
                                  const QString& redisAddress, const QString& secret);

} // namespace gb::app
