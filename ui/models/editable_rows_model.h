#pragma once

#include <QAbstractTableModel>
#include <QList>

#include <utility>

namespace gb::ui {

/// An editable table over a list of rows, the part every such table of the editor shares: the
/// counts, flags, appending and removing rows, replacing them all. What a cell shows and takes
/// is the derived model's (data, headerData, setData). GUI thread only.
template <class Row>
class EditableRowsModel : public QAbstractTableModel
{
public:
    int rowCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }
    int columnCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() ? 0 : m_columns;
    }
    Qt::ItemFlags flags(const QModelIndex& index) const override
    {
        return index.isValid() ? Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable
                               : Qt::NoItemFlags;
    }
    bool removeRows(int row, int count, const QModelIndex& parent = {}) override
    {
        if (parent.isValid() || row < 0 || count <= 0 || row + count > m_rows.size())
            return false;
        beginRemoveRows(parent, row, row + count - 1);
        m_rows.remove(row, count);
        endRemoveRows();
        return true;
    }

protected:
    EditableRowsModel(int columns, QObject* parent)
        : QAbstractTableModel(parent)
        , m_columns(columns)
    {}

    const QList<Row>& rows() const { return m_rows; }
    /// Replaces every row; the views are reset only when they differ.
    void setRows(QList<Row> rows)
    {
        if (rows == m_rows)
            return;
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
    }
    /// Appends row and returns its row number.
    int appendRow(Row row)
    {
        const int at = int(m_rows.size());
        beginInsertRows({}, at, at);
        m_rows.append(std::move(row));
        endInsertRows();
        return at;
    }
    /// The row of a cell of this table, or null.
    const Row* rowOf(const QModelIndex& index) const
    {
        return checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
                   ? &m_rows[index.row()]
                   : nullptr;
    }
    /// Sets a cell's field to value and tells the views; true (the edit is taken) either way.
    template <class Field>
    bool setField(const QModelIndex& index, Field Row::*field, Field value)
    {
        Field& current = m_rows[index.row()].*field;
        if (current != value) {
            current = std::move(value);
            Q_EMIT dataChanged(index, index);
        }
        return true;
    }

private:
    QList<Row> m_rows;
    int m_columns;
};

} // namespace gb::ui
