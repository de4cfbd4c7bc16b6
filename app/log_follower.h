#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace gb::app {

/// Follows log files as they grow, as tail -F does, for the window's server log: each call to
/// takeNewLines() returns the complete lines written since the previous call, each prefixed
/// with its file's label ("gateway: listening on ..."). A partial last line waits for its end.
/// A file that grows faster than kMaxBytesPerTake between calls has the excess skipped, with a
/// line saying how much, so a chatty server cannot flood the window.
///
/// Not thread-safe; used by the run's worker thread.
class LogFollower
{
public:
    static constexpr qint64 kMaxBytesPerTake = 64 * 1024;

    /// Follows path from its beginning (a server's first lines say how it started).
    void follow(const QString& label, const QString& path);
    QStringList takeNewLines();

private:
    struct Followed
    {
        QString label;
        QString path;
        qint64 offset = 0;
        QByteArray partial;
    };
    QList<Followed> m_files;
};

/// Splits text into the complete lines it ends, prefixed "label: ", keeping an unfinished last
/// line in partial for the next chunk. Shared by the local files and the hosts' streamed logs.
QStringList splitLogLines(const QString& label, QByteArray& partial, const QByteArray& chunk);

} // namespace gb::app
