#include "ui/models/hosts_table_model.h"

#include <QDir>

namespace gb::ui {

namespace {

constexpr app::HostRole kRoleColumns[] = {app::HostRole::Upstream, app::HostRole::Gateway,
                                          app::HostRole::Redis, app::HostRole::LoadGen};

std::optional<app::HostRole> roleOf(int column)
{
    if (column < HostsTableModel::UpstreamColumn || column > HostsTableModel::LoadGenColumn)
        return std::nullopt;
    return kRoleColumns[column - HostsTableModel::UpstreamColumn];
}

QString* textOf(app::HostSpec& h, int column)
{
    switch (column) {
    case HostsTableModel::NameColumn:
        return &h.name;
    case HostsTableModel::AddressColumn:
        return &h.address;
    case HostsTableModel::UserColumn:
        return &h.user;
    case HostsTableModel::IdentityColumn:
        return &h.identityFile;
    case HostsTableModel::PrivateAddressColumn:
        return &h.privateAddress;
    case HostsTableModel::WorkdirColumn:
        return &h.workdir;
    default:
        return nullptr;
    }
}

} // namespace

HostsTableModel::HostsTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void HostsTableModel::setHosts(const app::HostsFile& hosts)
{
    beginResetModel();
    m_hosts = hosts;
    endResetModel();
}

int HostsTableModel::appendHost()
{
    const int row = int(m_hosts.hosts.size());
    app::HostSpec h;
    h.name = QStringLiteral("host%1").arg(row + 1);
    h.user = qEnvironmentVariable("USER");
    beginInsertRows({}, row, row);
    m_hosts.hosts.append(h);
    endInsertRows();
    Q_EMIT edited();
    return row;
}

int HostsTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_hosts.hosts.size());
}

int HostsTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HostsTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_hosts.hosts.size())
        return {};
    app::HostSpec h = m_hosts.hosts[index.row()];
    if (const auto hostRole = roleOf(index.column())) {
        if (role == Qt::CheckStateRole)
            return h.plays(*hostRole) ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::ToolTipRole && h.plays(*hostRole) && *hostRole != app::HostRole::LoadGen)
            return QStringLiteral("Listens on port %1").arg(h.portFor(*hostRole));
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    if (index.column() == PortColumn)
        return h.port;
    const QString* text = textOf(h, index.column());
    if (!text)
        return {};
    if (role == Qt::DisplayRole && text->isEmpty()) {
        // Say what an empty cell means rather than showing nothing.
        if (index.column() == IdentityColumn)
            return QStringLiteral("(ssh-agent)");
        if (index.column() == PrivateAddressColumn)
            return QStringLiteral("(its address)");
        if (index.column() == WorkdirColumn)
            return QStringLiteral("(~/gatebench)");
    }
    return *text;
}

QVariant HostsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const char* const titles[ColumnCount] = {
        "Name",    "Address (SSH)", "Port",    "User",  "Identity file", "Private address",
        "Workdir", "Upstream",      "Gateway", "Redis", "Load gen"};
    static const char* const tips[ColumnCount] = {
        "The name scenarios use for this host",
        "Where this machine reaches it over SSH: its public address or name",
        "The SSH port",
        "The user GateBench logs in as",
        "The private key to log in with; empty: the keys of your ssh-agent",
        "Where the other hosts reach it (traffic between hosts goes there); empty: its address",
        "Where GateBench keeps its files on the host",
        "Runs the upstream (gatebench-upstream)",
        "Runs the gateway (gatebench-gateway)",
        "Runs Redis",
        "Generates load (load agents come with a later version)"};
    if (section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return QString::fromLatin1(titles[section]);
    if (role == Qt::ToolTipRole)
        return QString::fromLatin1(tips[section]);
    return {};
}

Qt::ItemFlags HostsTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    if (roleOf(index.column()))
        return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
}

bool HostsTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || index.row() >= m_hosts.hosts.size())
        return false;
    app::HostSpec& h = m_hosts.hosts[index.row()];
    if (const auto hostRole = roleOf(index.column())) {
        if (role != Qt::CheckStateRole)
            return false;
        const bool plays = value.value<Qt::CheckState>() == Qt::Checked;
        if (plays == h.plays(*hostRole))
            return true;
        if (plays)
            h.roles.append(*hostRole);
        else
            h.roles.removeAll(*hostRole);
    } else if (role != Qt::EditRole) {
        return false;
    } else if (index.column() == PortColumn) {
        bool ok = false;
        const int port = value.toString().trimmed().toInt(&ok);
        if (!ok || port < 1 || port > 65535 || port == h.port)
            return ok && port == h.port;
        h.port = port;
    } else if (QString* text = textOf(h, index.column())) {
        const QString trimmed = value.toString().trimmed();
        if (trimmed == *text)
            return true;
        *text = trimmed;
    } else {
        return false;
    }
    Q_EMIT dataChanged(index, index);
    Q_EMIT edited();
    return true;
}

bool HostsTableModel::removeRows(int row, int count, const QModelIndex& parent)
{
    if (parent.isValid() || row < 0 || count < 1 || row + count > m_hosts.hosts.size())
        return false;
    beginRemoveRows({}, row, row + count - 1);
    m_hosts.hosts.remove(row, count);
    endRemoveRows();
    Q_EMIT edited();
    return true;
}

} // namespace gb::ui
