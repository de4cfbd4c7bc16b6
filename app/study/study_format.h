#pragma once

#include "app/scenario.h"

#include <QString>

namespace gb::app::studyformat {

// How the study's figures read in tables, notes and the PDF, the way the published manual
// writes them: "0.40 ms", "74,921", "+0.60 ms", "4.5 %". NaN reads "n/a" everywhere.

QString ms(double value);            ///< "0.40"
QString rps(double value);           ///< "74,921"
QString signedMs(double value);      ///< "+0.60 ms"
QString percent(double value);       ///< "4.5 %" (value already in percent)
QString signedPercent(double value); ///< "-4.5 %"
QString count(double value);         ///< "1,500" (whole) or "12.5"
QString humanDuration(Duration d);   ///< "5 min", "30 s", "1.5 s"
/// "+0.60 ms p99, 4.5 % loss in throughput" (or "gain") from a delta.
QString deltaSentence(double p99AddedMs, double throughputChangePercent);

} // namespace gb::app::studyformat
