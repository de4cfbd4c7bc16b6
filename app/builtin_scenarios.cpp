#include "app/builtin_scenarios.h"

#include "app/scenario_json.h"

#include <QFile>

namespace gb::app {

QStringList builtinScenarioNames()
{
    return {QStringLiteral("baseline"), QStringLiteral("keyless"), QStringLiteral("full")};
}

Result<Scenario> builtinScenario(const QString& name)
{
    if (!builtinScenarioNames().contains(name))
        return Result<Scenario>::failure(
            QStringLiteral("there is no built-in scenario \"%1\" (choose %2)")
                .arg(name, builtinScenarioNames().join(QStringLiteral(", "))));
    // The resource is linked from the static library's object files; the path is fixed by
    // qt_add_resources in app/CMakeLists.txt.
    return loadScenarioFile(QStringLiteral(":/gatebench/scenarios/%1.json").arg(name));
}

} // namespace gb::app
