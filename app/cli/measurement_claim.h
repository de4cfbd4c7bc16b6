#pragma once

#include "app/measurement_lock.h"

class QTextStream;

namespace gb::app::cli {

class TerminationSignals;

/// The lease a headless command measures under: taken at once, or with wait as soon as the
/// measurement in progress ends (a line on err says what it waits for; SIGINT or SIGTERM gives
/// up). Null when refused or given up, with the sentence on err after "gatebench COMMAND: ".
MeasurementLease claimMeasurement(const QString& command, const QString& activity, bool wait,
                                  TerminationSignals& terminations, QTextStream& err);

} // namespace gb::app::cli
