#include "ui/models/header_table_model.h"

namespace gb::ui {

HeaderTableModel::HeaderTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void HeaderTableModel::setHeaders(const QList<app::HttpHeader>& headers)
{
    if (headers == m_headers)
        return;
    beginResetModel();
    m_headers = headers;
    endResetModel();
}

int HeaderTableModel::appendRow()
{
    const int row = int(m_headers.size());
    beginInsertRows({}, row, row);
    m_headers.append(app::HttpHeader{});
    endInsertRows();
    return row;
}

int HeaderTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_headers.size());
}

int HeaderTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HeaderTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    const app::HttpHeader& h = m_headers[index.row()];
    return index.column() == NameColumn ? h.name : h.value;
}

QVariant HeaderTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? QStringLiteral("Header") : QStringLiteral("Value");
}

Qt::ItemFlags HeaderTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
}

bool HeaderTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    app::HttpHeader& h = m_headers[index.row()];
    // Names never carry meaningful surrounding spaces; values keep what was typed.
    QString& field = index.column() == NameColumn ? h.name : h.value;
    const QString text =
        index.column() == NameColumn ? value.toString().trimmed() : value.toString();
    if (field == text)
        return true;
    field = text;
    Q_EMIT dataChanged(index, index);
    return true;
}

bool HeaderTableModel::removeRows(int row, int count, const QModelIndex& parent)
{
    if (parent.isValid() || row < 0 || count <= 0 || row + count > m_headers.size())
        return false;
    beginRemoveRows(parent, row, row + count - 1);
    m_headers.remove(row, count);
    endRemoveRows();
    return true;
}

} // namespace gb::ui
