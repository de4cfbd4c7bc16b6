#include "app/cli/measurement_claim.h"

#include "app/cli/termination_signals.h"

#include <QEventLoop>
#include <QTextStream>
#include <QTimer>

namespace gb::app::cli {

MeasurementLease claimMeasurement(const QString& command, const QString& activity, bool wait,
                                  TerminationSignals& terminations, QTextStream& err)
{
    auto acquired = MeasurementLock::acquire(activity);
    if (acquired)
        return std::move(acquired).value();
    if (!wait) {
        err << QStringLiteral("gatebench %1: %2 (--wait waits for it)\n")
                   .arg(command, acquired.error());
        return {};
    }
    err << QStringLiteral("gatebench %1: waiting: %2\n").arg(command, acquired.error())
        << Qt::flush;

    // The kernel offers no wake-up when an flock is released without blocking in flock(2),
    // which would keep Ctrl-C from being handled: poll, four times a second.
    MeasurementLease lease;
    QEventLoop loop;
    QTimer poll;
    poll.setInterval(250);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (auto again = MeasurementLock::acquire(activity)) {
            lease = std::move(again).value();
            loop.quit();
        }
    });
    QObject::connect(&terminations, &TerminationSignals::received, &loop, [&] {
        err << QStringLiteral("gatebench %1: stopped while waiting; nothing was measured\n")
                   .arg(command);
        loop.quit();
    });
    poll.start();
    loop.exec();
    return lease;
}

} // namespace gb::app::cli
