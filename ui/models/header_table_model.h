#pragma once

#include "app/scenario.h"

#include <QAbstractTableModel>

namespace gb::ui {

/// Editable "Name | Value" rows of HTTP headers for the scenario editor. GUI thread only.
class HeaderTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        ValueColumn,
        ColumnCount
    };

    explicit HeaderTableModel(QObject* parent = nullptr);

    void setHeaders(const QList<app::HttpHeader>& headers);
    const QList<app::HttpHeader>& headers() const { return m_headers; }
    /// Appends an empty row and returns its row number.
    int appendRow();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    bool removeRows(int row, int count, const QModelIndex& parent = {}) override;

private:
    QList<app::HttpHeader> m_headers;
};

} // namespace gb::ui
