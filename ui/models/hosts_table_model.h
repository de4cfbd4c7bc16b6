#pragma once

#include "app/hosts/hosts_file.h"

#include <QAbstractTableModel>

namespace gb::ui {

/// The hosts file as an editable table for the Hosts page: one row per host, its connection in
/// text columns and its roles as check boxes. The ports by role are kept as the file gives them.
/// GUI thread only.
class HostsTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        AddressColumn,
        PortColumn,
        UserColumn,
        IdentityColumn,
        PrivateAddressColumn,
        WorkdirColumn,
        UpstreamColumn, ///< the role columns, in HostRole's order
        GatewayColumn,
        RedisColumn,
        LoadGenColumn,
        ColumnCount
    };

    explicit HostsTableModel(QObject* parent = nullptr);

    void setHosts(const app::HostsFile& hosts);
    const app::HostsFile& hosts() const { return m_hosts; }
    /// Appends a host named after its row ("host3", on port 22, with the user's login name) and
    /// returns its row.
    int appendHost();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    bool removeRows(int row, int count, const QModelIndex& parent = {}) override;

Q_SIGNALS:
    /// Any change made through the table (not setHosts).
    void edited();

private:
    app::HostsFile m_hosts;
};

} // namespace gb::ui
