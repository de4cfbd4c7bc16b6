#include "app/study/builtin_studies.h"

#include "app/study/study_json.h"

namespace gb::app {

QStringList builtinStudyNames()
{
    return {QStringLiteral("manual")};
}

Result<Study> builtinStudy(const QString& name)
{
    if (!builtinStudyNames().contains(name))
        return Result<Study>::failure(
            QStringLiteral("there is no built-in study \"%1\" (choose %2)")
                .arg(name, builtinStudyNames().join(QStringLiteral(", "))));
    // Fixed by qt_add_resources in app/study/CMakeLists.txt.
    return loadStudyFile(QStringLiteral(":/gatebench/studies/%1.json").arg(name));
}

} // namespace gb::app
