#pragma once

#include "app/run_store.h"

#include <QAbstractItemModel>
#include <QSet>

namespace gb::ui {

/// The runs to compare, as a checkable tree: one group per scenario name ("the 3 runs of
/// baseline"), its runs below, newest group first. Checking a group checks all its runs; a
/// group shows partly checked when some are. Checks survive setEntries() for runs that remain.
/// GUI thread only.
class RunPickerModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        StartedColumn,
        ThroughputColumn,
        P99Column,
        ColumnCount
    };
    enum Role
    {
        RunIdRole = Qt::UserRole, ///< empty on group rows
        IsGroupRole,
        GroupNameRole,
    };

    explicit RunPickerModel(QObject* parent = nullptr);

    void setEntries(const QList<app::RunListEntry>& entries);
    /// Checked runs in tree order (groups in order, runs oldest first within a group).
    QStringList checkedRunIds() const;
    void setCheckedRunIds(const QStringList& ids);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

Q_SIGNALS:
    void checkedRunsChanged();

private:
    struct Group
    {
        QString name;
        QList<app::RunListEntry> runs;
    };
    Qt::CheckState groupState(const Group& group) const;
    void emitGroupChanged(int group);

    QList<Group> m_groups;
    QSet<QString> m_checked;
};

} // namespace gb::ui
