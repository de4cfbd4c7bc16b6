#pragma once

#include "app/run_store.h"

#include <QAbstractTableModel>
#include <QList>

namespace gb::ui {

/// The run history of a RunStore directory as a table, newest first. Names and tags are
/// editable (written through RunStore at once); sorting and filtering live in RunHistoryProxy.
///
/// GUI thread only. reload() reads the directory on a pool thread (a history of long runs is
/// megabytes of JSON) and swaps the rows in when done; a run just finished is added without a
/// reload by addOrUpdate().
class RunHistoryModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        ScenarioColumn,
        StartedColumn,
        ThroughputColumn,
        P99Column,
        StatusColumn,
        TagsColumn,
        ColumnCount
    };
    enum Role
    {
        IdRole = Qt::UserRole,
        NameRole,
        ScenarioNameRole,
        StartedAtRole, ///< QDateTime
        StatusRole,    ///< app::RunStatus as int
        RpsRole,       ///< double
        P99Role,       ///< double, ms
        TagsRole,      ///< QStringList
        FilePathRole,
        SortRole, ///< the column's value as something that sorts right (numbers, times)
    };

    explicit RunHistoryModel(QObject* parent = nullptr);

    void setRunsDirectory(const QString& directory);
    const QString& runsDirectory() const { return m_directory; }

    void reload();
    void setEntries(QList<app::RunListEntry> entries);
    const QList<app::RunListEntry>& entries() const { return m_entries; }
    void addOrUpdate(const app::RunListEntry& entry);
    /// Deletes the run's file and its row. Empty on success, else the sentence.
    [[nodiscard]] QString removeRun(const QString& id);
    int rowOfId(const QString& id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    /// "a, b ,,c" -> {"a", "b", "c"}: how tags are typed.
    static QStringList parseTags(const QString& text);

Q_SIGNALS:
    /// A reload finished (the rows were replaced).
    void reloaded();
    /// A rename, tag or delete could not be written.
    void storeFailed(const QString& message);

private:
    QString m_directory;
    QList<app::RunListEntry> m_entries;
    quint64 m_generation = 0; ///< drops the result of a reload overtaken by a newer one
};

/// The history row of a run the controller just stored.
app::RunListEntry listEntryOf(const app::RunRecord& run);
QString statusText(app::RunStatus status);

} // namespace gb::ui
