#pragma once

#include "app/result.h"
#include "app/run_record.h"

#include <QList>
#include <QString>

namespace gb::app {

/// What the run history lists about a run without keeping its series in memory.
struct RunListEntry
{
    QString id;
    QString name;
    QStringList tags;
    QString scenarioName;
    QDateTime startedAt;
    RunStatus status = RunStatus::Completed;
    double rps = 0;
    double p99Ms = 0;
    QString filePath;
};

/// The run history: one JSON file per run (<id>.json) in a workspace directory, so runs
/// survive restarts, can be copied between machines and read by other tools. Every write is
/// atomic (QSaveFile). A file that cannot be read is skipped by list() with a warning on the
/// gatebench.app.runstore logging category; the others are still listed.
///
/// Holds no state but the directory, so separate instances on separate threads may work on
/// the same directory; one instance is not meant for concurrent use.
class RunStore
{
public:
    /// GATEBENCH_RUNS_DIR when set, else <AppDataLocation>/runs.
    static QString defaultDirectory();

    explicit RunStore(QString directory = defaultDirectory());
    const QString& directory() const { return m_directory; }

    /// Newest first.
    QList<RunListEntry> list() const;
    Result<RunRecord> load(const QString& id) const;
    /// Writes run (giving it an id when it has none) and sets its filePath.
    /// Empty string on success, else the sentence.
    [[nodiscard]] QString save(RunRecord& run) const;
    [[nodiscard]] QString rename(const QString& id, const QString& name) const;
    [[nodiscard]] QString setTags(const QString& id, const QStringList& tags) const;
    QString remove(const QString& id) const;

    QString filePathOf(const QString& id) const;

private:
    QString m_directory;
};

/// Reads a run file anywhere (for `gatebench compare` and imports).
Result<RunRecord> loadRunFile(const QString& path);
/// Export: the run file itself, or the per-second series as CSV. Atomic; empty on success.
[[nodiscard]] QString exportRunJson(const RunRecord& run, const QString& path);
[[nodiscard]] QString exportRunCsv(const RunRecord& run, const QString& path);

} // namespace gb::app
