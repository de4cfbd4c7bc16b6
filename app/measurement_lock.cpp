#include "app/measurement_lock.h"

#include "app/logging.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gb::app {

namespace {

/// Opens the lock file for reading and writing, creating it writable for every user of the
/// machine (the lock is per machine, not per user). An existing file of another user that this
/// one may not write still serves for the lock itself: flock needs only an open descriptor.
int openLockFile(const QByteArray& path)
{
    int fd = ::open(path.constData(), O_RDWR | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        fd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd >= 0)
            ::fchmod(fd, 0666); // the umask must not keep other users out
    }
    if (fd < 0 && errno == EACCES)
        fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    return fd;
}

/// "gatebench study", from the process's first two arguments; the pid's program otherwise.
QString programDescription()
{
    const QStringList args =
        QCoreApplication::instance() ? QCoreApplication::arguments() : QStringList();
    if (args.isEmpty())
        return QStringLiteral("a process");
    QString program = QFileInfo(args.first()).fileName();
    if (args.size() > 1 && !args.at(1).startsWith(QLatin1Char('-')))
        program += QLatin1Char(' ') + args.at(1);
    return program;
}

/// The holder's line as the file stores it: "PID\tPROGRAM\tSTARTED_ISO\tACTIVITY".
QByteArray holderLine(const QString& activity)
{
    return QStringLiteral("%1\t%2\t%3\t%4\n")
        .arg(::getpid())
        .arg(programDescription(), QDateTime::currentDateTime().toString(Qt::ISODate), activity)
        .toUtf8();
}

/// Says who holds the lock, for the next caller's message. A failure only makes that message
/// say less: a read-only descriptor (another user's file we may not write) still holds the lock.
void writeHolderLine(int fd, const QString& activity)
{
    const QByteArray line = holderLine(activity);
    if (::ftruncate(fd, 0) == 0 && ::pwrite(fd, line.constData(), size_t(line.size()), 0) < 0)
        qCDebug(lcRun) << "the measurement lock's holder line was not written:" << strerror(errno);
}

QString describeHolder(int fd)
{
    char buffer[1024];
    const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    const QStringList fields =
        QString::fromUtf8(buffer, n > 0 ? int(n) : 0).trimmed().split(QLatin1Char('\t'));
    if (fields.size() < 4)
        return QStringLiteral("another measurement (it is starting)");
    const qint64 pid = fields[0].toLongLong();
    // The holder writes its line just after taking the lock: a line of a process that is gone
    // is a crashed holder's, read before the new one wrote its own.
    if (pid <= 0 || (::kill(pid_t(pid), 0) != 0 && errno == ESRCH))
        return QStringLiteral("another measurement (it is starting)");
    const QString since =
        QDateTime::fromString(fields[2], Qt::ISODate).toString(QStringLiteral("HH:mm:ss"));
    const QString where = pid == ::getpid() ? QStringLiteral("this gatebench")
                                            : QStringLiteral("%1, pid %2").arg(fields[1]).arg(pid);
    return QStringLiteral("%1 (%2, since %3)").arg(fields[3], where, since);
}

} // namespace

QString MeasurementLock::path()
{
    const QString custom = qEnvironmentVariable("GATEBENCH_MEASUREMENT_LOCK");
    return custom.isEmpty() ? QStringLiteral("/tmp/gatebench-measurement.lock") : custom;
}

Result<MeasurementLease> MeasurementLock::acquire(const QString& activity)
{
    const QString file = path();
    const int fd = openLockFile(QFile::encodeName(file));
    if (fd < 0)
        return Result<MeasurementLease>::failure(
            QStringLiteral("The measurement lock %1 cannot be opened (%2), so GateBench cannot "
                           "make sure that nothing else measures on this machine meanwhile.")
                .arg(file, QString::fromLocal8Bit(std::strerror(errno))));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        const QString holder = describeHolder(fd);
        ::close(fd);
        if (error != EWOULDBLOCK)
            return Result<MeasurementLease>::failure(
                QStringLiteral("The measurement lock %1 cannot be taken: %2")
                    .arg(file, QString::fromLocal8Bit(std::strerror(error))));
        return Result<MeasurementLease>::failure(
            QStringLiteral("Another measurement is in progress on this machine: %1. Two at "
                           "once would share the cores and spoil both; wait for it to end or "
                           "stop it first.")
                .arg(holder));
    }
    writeHolderLine(fd, activity);
    return MeasurementLease(new MeasurementLock(fd, activity));
}

MeasurementLock::MeasurementLock(int fd, QString activity)
    : m_fd(fd)
    , m_activity(std::move(activity))
{}

MeasurementLock::~MeasurementLock()
{
    // Emptied before the lock goes, so the file never names a measurement that has ended
    // (a crashed holder's line stays, but nobody reads it unless the lock is held).
    [[maybe_unused]] const int truncated = ::ftruncate(m_fd, 0);
    ::close(m_fd);
}

} // namespace gb::app
