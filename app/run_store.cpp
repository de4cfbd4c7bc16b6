#include "app/run_store.h"

#include "app/logging.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>

namespace gb::app {

namespace {

bool isValidId(const QString& id)
{
    // Ids become file names: nothing that could climb out of the directory.
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
    return safe.match(id).hasMatch();
}

QString writeAtomically(const QString& path, const QByteArray& bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    if (file.write(bytes) != bytes.size() || !file.commit())
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    return {};
}

} // namespace

QString RunStore::defaultDirectory()
{
    const QString fromEnv = qEnvironmentVariable("GATEBENCH_RUNS_DIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/runs");
}

RunStore::RunStore(QString directory)
    : m_directory(std::move(directory))
{}

QString RunStore::filePathOf(const QString& id) const
{
    return QDir(m_directory).filePath(id + QStringLiteral(".json"));
}

QList<RunListEntry> RunStore::list() const
{
    QList<RunListEntry> entries;
    const QDir dir(m_directory);
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString& file : files) {
        const QString path = dir.filePath(file);
        auto run = loadRunFile(path);
        if (!run) {
            qCWarning(lcRunStore).noquote() << "skipping unreadable run:" << run.error();
            continue;
        }
        entries.append({run->id, run->name, run->tags, run->scenario.name, run->startedAt,
                        run->status, run->summary.rps, run->summary.latency.p99, path});
    }
    std::stable_sort(
        entries.begin(), entries.end(),
        [](const RunListEntry& a, const RunListEntry& b) { return a.startedAt > b.startedAt; });
    return entries;
}

Result<RunRecord> RunStore::load(const QString& id) const
{
    if (!isValidId(id))
        return Result<RunRecord>::failure(QStringLiteral("\"%1\" is not a run id").arg(id));
    return loadRunFile(filePathOf(id));
}

QString RunStore::save(RunRecord& run) const
{
    if (run.id.isEmpty())
        run.id = RunRecord::makeId(run.startedAt.isValid() ? run.startedAt
                                                           : QDateTime::currentDateTimeUtc());
    if (!isValidId(run.id))
        return QStringLiteral("\"%1\" cannot be used as a run id").arg(run.id);
    if (!QDir().mkpath(m_directory))
        return QStringLiteral("%1: the run directory cannot be created").arg(m_directory);
    const QString path = filePathOf(run.id);
    if (QString e = writeAtomically(path, runToText(run)); !e.isEmpty())
        return e;
    run.filePath = path;
    return {};
}

QString RunStore::rename(const QString& id, const QString& name) const
{
    auto run = load(id);
    if (!run)
        return run.error();
    run->name = name;
    return save(run.value());
}

QString RunStore::setTags(const QString& id, const QStringList& tags) const
{
    auto run = load(id);
    if (!run)
        return run.error();
    QStringList cleaned;
    for (const QString& t : tags)
        if (!t.trimmed().isEmpty() && !cleaned.contains(t.trimmed()))
            cleaned.append(t.trimmed());
    run->tags = cleaned;
    return save(run.value());
}

QString RunStore::remove(const QString& id) const
{
    if (!isValidId(id))
        return QStringLiteral("\"%1\" is not a run id").arg(id);
    QFile file(filePathOf(id));
    if (!file.exists())
        return QStringLiteral("there is no run %1 in %2").arg(id, m_directory);
    if (!file.remove())
        return QStringLiteral("%1: cannot be deleted: %2").arg(file.fileName(), file.errorString());
    return {};
}

Result<RunRecord> loadRunFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<RunRecord>::failure(
            QStringLiteral("%1: cannot be read: %2").arg(path, file.errorString()));
    auto run = runFromText(file.readAll());
    if (!run)
        return Result<RunRecord>::failure(path + QStringLiteral(": ") + run.error());
    run->filePath = path;
    return run;
}

QString exportRunJson(const RunRecord& run, const QString& path)
{
    return writeAtomically(path, runToText(run));
}

QString exportRunCsv(const RunRecord& run, const QString& path)
{
    return writeAtomically(path, runSeriesCsv(run));
}

} // namespace gb::app
