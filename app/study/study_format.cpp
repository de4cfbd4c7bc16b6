#include "app/study/study_format.h"

#include <QLocale>

#include <cmath>

namespace gb::app::studyformat {

namespace {

const QLocale& english()
{
    // Thousands separators as the manual prints them, whatever the user's locale.
    static const QLocale locale(QLocale::English, QLocale::UnitedStates);
    return locale;
}

const QString kNotAvailable = QStringLiteral("n/a");

} // namespace

QString ms(double value)
{
    return std::isnan(value) ? kNotAvailable : QString::number(value, 'f', 2);
}

QString rps(double value)
{
    return std::isnan(value) ? kNotAvailable : english().toString(value, 'f', 0);
}

QString signedMs(double value)
{
    if (std::isnan(value))
        return kNotAvailable;
    return (value >= 0 ? QStringLiteral("+") : QString()) + QString::number(value, 'f', 2) +
           QStringLiteral(" ms");
}

QString percent(double value)
{
    return std::isnan(value) ? kNotAvailable
                             : QString::number(value, 'f', 1) + QStringLiteral(" %");
}

QString signedPercent(double value)
{
    if (std::isnan(value))
        return kNotAvailable;
    return (value >= 0 ? QStringLiteral("+") : QString()) + QString::number(value, 'f', 1) +
           QStringLiteral(" %");
}

QString count(double value)
{
    if (std::isnan(value))
        return kNotAvailable;
    if (value == std::floor(value))
        return english().toString(value, 'f', 0);
    return english().toString(value, 'f', 1);
}

QString humanDuration(Duration d)
{
    using namespace std::chrono;
    const double seconds = duration<double>(d).count();
    if (d >= minutes(1) && d % minutes(1) == Duration(0))
        return QStringLiteral("%1 min").arg(duration_cast<minutes>(d).count());
    if (d % std::chrono::seconds(1) == Duration(0))
        return QStringLiteral("%1 s").arg(qint64(seconds));
    return QStringLiteral("%1 s").arg(seconds, 0, 'g', 3);
}

QString deltaSentence(double p99AddedMs, double throughputChangePercent)
{
    const QString throughput =
        std::isnan(throughputChangePercent) ? QStringLiteral("throughput change n/a")
        : throughputChangePercent <= 0
            ? QStringLiteral("%1 loss in throughput").arg(percent(-throughputChangePercent))
            : QStringLiteral("%1 gain in throughput").arg(percent(throughputChangePercent));
    return QStringLiteral("%1 p99, %2").arg(signedMs(p99AddedMs), throughput);
}

} // namespace gb::app::studyformat
