#pragma once

#include "app/http_probe.h"
#include "app/result.h"
#include "app/scenario.h"

#include <QByteArray>
#include <QString>

namespace gb::app {

/// Tyk's own files for the bundled gateway with auth, rate limit and analytics ("bundled-full"):
/// tyk.conf and one API definition, as a Tyk user would write them, so what GateBench runs is
/// what a Tyk user would configure. Where it runs (this machine or a host) is the caller's.
struct FullGatewayFiles
{
    QByteArray tykConf; ///< app_path "apps/": the definition goes to apps/gatebench.json
    QByteArray apiDefinition;
};

/// 128 random bits, hex: a run's admin API secret (x-tyk-authorization), or an API key written
/// into a product's config (Kong's consumer).
QString newSecret();

/// upstreamOrigin: "http://host:port" as the gateway reaches the upstream; redisAddress:
/// "host:port", or empty for in-memory storage; secret: the admin API's x-tyk-authorization.
FullGatewayFiles fullGatewayFiles(const Scenario& scenario, const QString& upstreamOrigin,
                                  const QString& redisAddress, const QString& secret);

/// Creates the API key the full scenario's requests carry, through the gateway's admin API
/// (POST /tyk/keys/create with the session object Tyk's documentation shows, the scenario's rate
/// limit in it). Blocking: the worker thread's. The key, or the sentence why not.
Result<QString> createGatewayKey(const Scenario& scenario, const QString& host, quint16 port,
                                 const QString& secret);

} // namespace gb::app
