#pragma once

#include <QDateTime>
#include <QString>

#include <cstdint>

namespace gb::ui {

/// How figures read everywhere in the UI and the reports, so a value in a table, a tile and a
/// PDF is written the same way. English digit grouping ("74,921"), as the published study.
QString formatRps(double rps);
QString formatCount(std::uint64_t count);
/// Milliseconds with 2 decimals, as the comparison tables print them ("0.40").
QString formatMs(double ms);
/// Milliseconds with about three significant digits for tiles ("0.412", "41.2", "412").
QString formatMsShort(double ms);
QString formatPercent(double percent, int decimals = 1); ///< "4.5 %"
QString formatSignedMs(double ms);                       ///< "+0.60 ms", "0.00 ms", "n/a" for NaN
QString formatSignedPercent(double percent);   ///< "-4.5 %", "0.0 %" (never "-0.0 %"), "n/a"
QString formatBytes(qint64 bytes);             ///< "15.6 GiB"
QString formatDateTime(const QDateTime& time); ///< local "2025-01-02 15:30:00"
QString formatClock(double seconds);           ///< "1:05", "1:02:03"

} // namespace gb::ui
