#pragma once

#include <QLoggingCategory>

// Details behind the sentences the user sees (docs/ARCHITECTURE.md, convention 8). Enable with
// QT_LOGGING_RULES="gatebench.*.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcRunStore)
Q_DECLARE_LOGGING_CATEGORY(lcRun)
