#pragma once

#include "app/scenario.h"
#include "ui/models/editable_rows_model.h"

namespace gb::ui {

/// Editable "Name | Value" rows of HTTP headers for the scenario editor. GUI thread only.
class HeaderTableModel final : public EditableRowsModel<app::HttpHeader>
{
public:
    enum Column
    {
        NameColumn,
        ValueColumn,
        ColumnCount
    };

    explicit HeaderTableModel(QObject* parent = nullptr);

    void setHeaders(const QList<app::HttpHeader>& headers) { setRows(headers); }
    const QList<app::HttpHeader>& headers() const { return rows(); }
    /// Appends an empty row and returns its row number.
    int appendRow() { return EditableRowsModel::appendRow({}); }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
};

} // namespace gb::ui
