#include "ui/models/header_table_model.h"

namespace gb::ui {

HeaderTableModel::HeaderTableModel(QObject* parent)
    : EditableRowsModel(ColumnCount, parent)
{}

QVariant HeaderTableModel::data(const QModelIndex& index, int role) const
{
    const app::HttpHeader* h = rowOf(index);
    if (!h || (role != Qt::DisplayRole && role != Qt::EditRole))
        return {};
    return index.column() == NameColumn ? h->name : h->value;
}

QVariant HeaderTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? QStringLiteral("Header") : QStringLiteral("Value");
}

bool HeaderTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !rowOf(index))
        return false;
    // Names never carry meaningful surrounding spaces; values keep what was typed.
    if (index.column() == NameColumn)
        return setField(index, &app::HttpHeader::name, value.toString().trimmed());
    return setField(index, &app::HttpHeader::value, value.toString());
}

} // namespace gb::ui
