#include "app/logging.h"

// Debug output is off unless asked for; warnings (e.g. a skipped run file) always show.
Q_LOGGING_CATEGORY(lcRunStore, "gatebench.app.runstore", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRun, "gatebench.app.run", QtInfoMsg)
