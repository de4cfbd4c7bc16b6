#pragma once

#include "app/scenario.h"

#include <QString>

namespace gb::ui {

/// One line on the load: "50 connections at 100 req/s each (5,000 req/s), 10s after a 2s
/// warm-up".
QString describeLoad(const app::Scenario& scenario);
/// One line on the path requests take: "gatebench-load → gatebench-gateway (keyless) →
/// gatebench-upstream /json/valid".
QString describePath(const app::Scenario& scenario);
/// The processes a local run of scenario starts besides the load generator, by HostSample role.
QStringList expectedRoles(const app::Scenario& scenario);

} // namespace gb::ui
