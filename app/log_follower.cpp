#include "app/log_follower.h"

#include <QFile>

namespace gb::app {

QStringList splitLogLines(const QString& label, QByteArray& partial, const QByteArray& chunk)
{
    partial += chunk;
    QStringList lines;
    qsizetype start = 0;
    for (qsizetype end = partial.indexOf('\n'); end >= 0; end = partial.indexOf('\n', start)) {
        QByteArray line = partial.mid(start, end - start);
        if (line.endsWith('\r'))
            line.chop(1);
        lines.append(QStringLiteral("%1: %2").arg(label, QString::fromUtf8(line)));
        start = end + 1;
    }
    partial.remove(0, start);
    return lines;
}

void LogFollower::follow(const QString& label, const QString& path)
{
    m_files.append({label, path, 0, {}});
}

QStringList LogFollower::takeNewLines()
{
    QStringList lines;
    for (Followed& f : m_files) {
        QFile file(f.path);
        if (!file.open(QIODevice::ReadOnly))
            continue; // not written yet, or gone: nothing new
        const qint64 size = file.size();
        if (size < f.offset) { // truncated or replaced: start again from its beginning
            f.offset = 0;
            f.partial.clear();
        }
        if (size - f.offset > kMaxBytesPerTake) {
            lines.append(QStringLiteral("%1: (%2 bytes of log skipped: more than the window "
                                        "shows per second)")
                             .arg(f.label)
                             .arg(size - f.offset - kMaxBytesPerTake));
            f.offset = size - kMaxBytesPerTake;
            f.partial.clear();
        }
        if (size == f.offset || !file.seek(f.offset))
            continue;
        const QByteArray chunk = file.read(size - f.offset);
        f.offset += chunk.size();
        lines += splitLogLines(f.label, f.partial, chunk);
    }
    return lines;
}

} // namespace gb::app
