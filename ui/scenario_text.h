#pragma once

#include "app/hosts/hosts_file.h"
#include "app/scenario.h"

#include <QString>

namespace gb::ui {

/// One line on the load: "50 connections at 100 req/s each (5,000 req/s), 10s after a 2s
/// warm-up".
QString describeLoad(const app::Scenario& scenario);
/// One line on the path requests take: "gatebench-load → gatebench-gateway (keyless) →
/// gatebench-upstream /json/valid".
QString describePath(const app::Scenario& scenario);
/// Where a scenario on hosts runs each server, as the hosts resolve its topology: "gatebench-
/// upstream on up (10.0.1.5:8000); gatebench-gateway on gw (10.0.1.12:8080); Redis on gw
/// (10.0.1.12:6379); load from this machine to 203.0.113.7:8080", or what is missing.
QString describeHosts(const app::Scenario& scenario, const app::HostsFile& hosts);
/// The processes of this machine a run of scenario samples: the load generator, and for a local
/// run the servers it starts, by HostSample role.
QStringList expectedRoles(const app::Scenario& scenario);

} // namespace gb::ui
