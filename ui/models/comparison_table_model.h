#pragma once

#include "app/comparison.h"
#include "ui/compare/comparison_rows.h"

#include <QAbstractTableModel>

namespace gb::ui {

/// The comparison's summary table (comparisonRows()): each group's runs, its average in bold,
/// the average's delta against the baseline coloured by whether it is better or worse.
/// Read-only; GUI thread only.
class ComparisonTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role
    {
        KindRole = Qt::UserRole, ///< ComparisonRow::Kind as int
        GroupRole,               ///< group index
        RunIdRole,               ///< empty on average rows
        ValueRole,               ///< the figure as a double (p99 ms, req/s, deltas)
    };

    explicit ComparisonTableModel(QObject* parent = nullptr);

    void setComparison(const app::Comparison& comparison,
                       const QHash<QString, QString>& runLabels = {});
    const QList<ComparisonRow>& rows() const { return m_rows; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<ComparisonRow> m_rows;
    QList<QStringList> m_cells;
};

/// "Setting | group 1 | group 2 ...": the scenario settings whose values differ between the
/// compared groups. Read-only; GUI thread only.
class SettingDifferencesModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Role
    {
        SettingRole = Qt::UserRole, ///< the setting's path, e.g. "load.connections"
    };

    explicit SettingDifferencesModel(QObject* parent = nullptr);

    void setComparison(const app::Comparison& comparison);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QStringList m_groups;
    QList<app::SettingDifference> m_differences;
};

} // namespace gb::ui
