#pragma once

#include "app/study/study_report.h"

#include <QAbstractTableModel>

namespace gb::ui {

/// One table of a study report for a view: its cells as the report wrote them (the same text the
/// PDF and the terminal show, nothing recomputed), labels left and figures right, summary rows
/// bold, rows that need attention marked with a warning icon and coloured. GUI thread only.
class ReportTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    explicit ReportTableModel(app::ReportTable table, QObject* parent = nullptr);

    const app::ReportTable& table() const { return m_table; }
    bool isFlagged(int row) const { return m_table.flaggedRows.contains(row); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    app::ReportTable m_table;
};

} // namespace gb::ui
