#pragma once

#include "app/result.h"

#include <QString>

#include <memory>

namespace gb::app {

class MeasurementLock;
/// Held for as long as a measurement goes on; the lock is released with the last copy.
using MeasurementLease = std::shared_ptr<const MeasurementLock>;

/// The one measurement in progress on this machine. Two measurements at once share the cores
/// and spoil each other's figures, whether they are a study and a run in one window or two
/// gatebench processes, so everything that measures holds a lease while it does: RunController
/// for a run, StudyRunner for a whole study (its runs go under the study's lease), and a headless
/// command that was asked to wait takes one before it starts.
///
/// The lock is flock(2) on one file per machine. flock belongs to the open file, not to the
/// process, so two holders in one process exclude each other exactly as two processes do, and
/// the kernel drops it when its process dies: a crashed holder never blocks the next one. The
/// file also says who holds it, for the sentence a refused caller shows. Its descriptor is
/// close-on-exec, so the servers a run starts do not inherit the lock.
///
/// Any thread may call acquire(); a lease may be released on any thread.
class MeasurementLock final
{
public:
    /// Takes the lock for activity (e.g. `study "manual"`), or returns the sentence that names
    /// the measurement in progress ("... study "manual" (gatebench study, pid 4242, since
    /// 10:42:05)"). Never blocks.
    static Result<MeasurementLease> acquire(const QString& activity);

    /// $GATEBENCH_MEASUREMENT_LOCK when set (the tests give each test its own), else
    /// /tmp/gatebench-measurement.lock: one per machine, whoever runs gatebench.
    static QString path();

    ~MeasurementLock();
    MeasurementLock(const MeasurementLock&) = delete;
    MeasurementLock& operator=(const MeasurementLock&) = delete;

    const QString& activity() const { return m_activity; }

private:
    MeasurementLock(int fd, QString activity);

    int m_fd;
    QString m_activity;
};

} // namespace gb::app
