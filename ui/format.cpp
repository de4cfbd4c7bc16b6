#include "ui/format.h"

#include <QLocale>

#include <cmath>

namespace gb::ui {

namespace {

const QLocale& english()
{
    static const QLocale locale(QLocale::English, QLocale::UnitedStates);
    return locale;
}

} // namespace

QString formatRps(double rps)
{
    return std::isfinite(rps) ? english().toString(rps, 'f', 0) : QStringLiteral("n/a");
}

QString formatCount(std::uint64_t count)
{
    return english().toString(qulonglong(count));
}

QString formatMs(double ms)
{
    return std::isfinite(ms) ? QString::number(ms, 'f', 2) : QStringLiteral("n/a");
}

QString formatMsShort(double ms)
{
    if (!std::isfinite(ms))
        return QStringLiteral("n/a");
    const double a = std::fabs(ms);
    const int decimals = a < 1 ? 3 : a < 10 ? 2 : a < 100 ? 1 : 0;
    return QString::number(ms, 'f', decimals);
}

QString formatPercent(double percent, int decimals)
{
    return std::isfinite(percent) ? QString::number(percent, 'f', decimals) + QStringLiteral(" %")
                                  : QStringLiteral("n/a");
}

namespace {

/// "+1.5", "-0.3", and "0.0" for what rounds to zero either way (no "-0.0").
QString signedNumber(double value, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    const double rounded = std::round(value * scale) / scale;
    if (rounded == 0)
        return QString::number(0.0, 'f', decimals);
    return (rounded > 0 ? QStringLiteral("+") : QString()) +
           QString::number(rounded, 'f', decimals);
}

} // namespace

QString formatSignedMs(double ms)
{
    if (!std::isfinite(ms))
        return QStringLiteral("n/a");
    return signedNumber(ms, 2) + QStringLiteral(" ms");
}

QString formatSignedPercent(double percent)
{
    if (!std::isfinite(percent))
        return QStringLiteral("n/a");
    return signedNumber(percent, 1) + QStringLiteral(" %");
}

QString formatBytes(qint64 bytes)
{
    return english().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

QString formatDateTime(const QDateTime& time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                          : QString();
}

QString formatClock(double seconds)
{
    const qint64 s = std::max<qint64>(0, qint64(std::ceil(seconds)));
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace gb::ui
