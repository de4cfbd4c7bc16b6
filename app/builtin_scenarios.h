#pragma once

#include "app/result.h"
#include "app/scenario.h"

#include <QStringList>

namespace gb::app {

/// The three stages of the classic gateway study on this machine, compiled into the program
/// from resources/scenarios/*.json: "baseline", "keyless", "full".
QStringList builtinScenarioNames();
/// Fails with a sentence listing the names when name is not one of them.
Result<Scenario> builtinScenario(const QString& name);

} // namespace gb::app
