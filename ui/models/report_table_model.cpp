#include "ui/models/report_table_model.h"

#include "ui/colors.h"

#include <QApplication>
#include <QBrush>
#include <QColor>
#include <QFont>
#include <QStyle>

namespace gb::ui {

ReportTableModel::ReportTableModel(app::ReportTable table, QObject* parent)
    : QAbstractTableModel(parent)
    , m_table(std::move(table))
{}

int ReportTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_table.rows.size());
}

int ReportTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_table.header.size());
}

QVariant ReportTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const int column = index.column();
    const bool flagged = isFlagged(row);
    switch (role) {
    case Qt::DisplayRole:
        return m_table.rows[row].value(column);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(column < m_table.labelColumns
                                       ? Qt::AlignLeft | Qt::AlignVCenter
                                       : Qt::AlignRight | Qt::AlignVCenter);
    case Qt::FontRole:
        if (m_table.emphasizedRows.contains(row)) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::DecorationRole:
        if (flagged && column == 0)
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
        return {};
    case Qt::BackgroundRole:
        return flagged ? QBrush(QColor::fromString(kAttentionBackground)) : QVariant();
    case Qt::ForegroundRole:
        return flagged ? QBrush(QColor::fromString(kAttentionText)) : QVariant();
    case Qt::ToolTipRole:
        if (flagged)
            return QStringLiteral("Needs attention: runs that disagree by more than 5 %, a "
                                  "stage that failed or a threshold that does not hold (the "
                                  "notes beside the table say which).");
        return {};
    }
    return {};
}

QVariant ReportTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole)
        return m_table.header.value(section);
    if (orientation == Qt::Horizontal && role == Qt::TextAlignmentRole)
        return QVariant::fromValue(section < m_table.labelColumns
                                       ? Qt::AlignLeft | Qt::AlignVCenter
                                       : Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace gb::ui
