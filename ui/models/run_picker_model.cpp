#include "ui/models/run_picker_model.h"

#include "ui/format.h"

#include <algorithm>

namespace gb::ui {

namespace {

// internalId of a group row; a run row's internalId is its group's index + 1.
constexpr quintptr kGroupRow = 0;

} // namespace

RunPickerModel::RunPickerModel(QObject* parent)
    : QAbstractItemModel(parent)
{}

void RunPickerModel::setEntries(const QList<app::RunListEntry>& entries)
{
    beginResetModel();
    m_groups.clear();
    QSet<QString> present;
    // entries come newest first: groups in order of their newest run, runs oldest first so
    // RUN # 1 is the first one measured.
    for (const app::RunListEntry& e : entries) {
        present.insert(e.id);
        auto it = std::find_if(m_groups.begin(), m_groups.end(),
                               [&](const Group& g) { return g.name == e.scenarioName; });
        if (it == m_groups.end()) {
            m_groups.append({e.scenarioName, {}});
            it = m_groups.end() - 1;
        }
        it->runs.prepend(e);
    }
    m_checked.intersect(present);
    endResetModel();
}

QStringList RunPickerModel::checkedRunIds() const
{
    QStringList ids;
    for (const Group& g : m_groups)
        for (const app::RunListEntry& e : g.runs)
            if (m_checked.contains(e.id))
                ids.append(e.id);
    return ids;
}

void RunPickerModel::setCheckedRunIds(const QStringList& ids)
{
    const QSet<QString> wanted(ids.begin(), ids.end());
    if (wanted == m_checked)
        return;
    m_checked = wanted;
    for (int g = 0; g < m_groups.size(); ++g)
        emitGroupChanged(g);
    Q_EMIT checkedRunsChanged();
}

QModelIndex RunPickerModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row < m_groups.size() ? createIndex(row, column, kGroupRow) : QModelIndex();
    if (parent.internalId() != kGroupRow || parent.column() != 0)
        return {};
    const int group = parent.row();
    if (group >= m_groups.size() || row >= m_groups[group].runs.size())
        return {};
    return createIndex(row, column, quintptr(group) + 1);
}

QModelIndex RunPickerModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kGroupRow)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kGroupRow);
}

int RunPickerModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_groups.size());
    if (parent.internalId() == kGroupRow && parent.column() == 0 && parent.row() < m_groups.size())
        return int(m_groups[parent.row()].runs.size());
    return 0;
}

int RunPickerModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

Qt::CheckState RunPickerModel::groupState(const Group& group) const
{
    int checked = 0;
    for (const app::RunListEntry& e : group.runs)
        checked += m_checked.contains(e.id) ? 1 : 0;
    return checked == 0                   ? Qt::Unchecked
           : checked == group.runs.size() ? Qt::Checked
                                          : Qt::PartiallyChecked;
}

QVariant RunPickerModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kGroupRow) {
        const Group& g = m_groups[index.row()];
        switch (role) {
        case Qt::DisplayRole:
            if (index.column() == NameColumn)
                return QStringLiteral("%1 (%2 run%3)")
                    .arg(g.name)
                    .arg(g.runs.size())
                    .arg(g.runs.size() == 1 ? QString() : QStringLiteral("s"));
            return {};
        case Qt::CheckStateRole:
            return index.column() == NameColumn ? QVariant(int(groupState(g))) : QVariant();
        case IsGroupRole:
            return true;
        case GroupNameRole:
            return g.name;
        case RunIdRole:
            return QString();
        }
        return {};
    }
    const Group& g = m_groups[int(index.internalId() - 1)];
    const app::RunListEntry& e = g.runs[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            // A run is named after its scenario (its group) until renamed.
            return e.name.isEmpty() || e.name == g.name
                       ? QStringLiteral("#%1").arg(index.row() + 1)
                       : QStringLiteral("#%1 %2").arg(index.row() + 1).arg(e.name);
        case StartedColumn:
            return e.startedAt.toLocalTime().toString(QStringLiteral("MM-dd HH:mm"));
        case ThroughputColumn:
            return formatRps(e.rps);
        case P99Column:
            return formatMs(e.p99Ms);
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ThroughputColumn || index.column() == P99Column)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::CheckStateRole:
        return index.column() == NameColumn
                   ? QVariant(int(m_checked.contains(e.id) ? Qt::Checked : Qt::Unchecked))
                   : QVariant();
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("%1, started %2").arg(e.id, formatDateTime(e.startedAt));
        if (!e.tags.isEmpty())
            tip += QStringLiteral("\ntags: %1").arg(e.tags.join(QStringLiteral(", ")));
        return tip;
    }
    case RunIdRole:
        return e.id;
    case IsGroupRole:
        return false;
    case GroupNameRole:
        return g.name;
    }
    return {};
}

QVariant RunPickerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return QStringLiteral("Scenario / run");
    case StartedColumn:
        return QStringLiteral("Started");
    case ThroughputColumn:
        return QStringLiteral("req/s");
    case P99Column:
        return QStringLiteral("p99 ms");
    }
    return {};
}

Qt::ItemFlags RunPickerModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.column() == NameColumn)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

void RunPickerModel::emitGroupChanged(int group)
{
    const QModelIndex groupIndex = index(group, 0);
    Q_EMIT dataChanged(groupIndex, groupIndex, {Qt::CheckStateRole});
    const int runs = int(m_groups[group].runs.size());
    if (runs > 0)
        Q_EMIT dataChanged(index(0, 0, groupIndex), index(runs - 1, 0, groupIndex),
                           {Qt::CheckStateRole});
}

bool RunPickerModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::CheckStateRole || index.column() != NameColumn ||
        !checkIndex(index, CheckIndexOption::IndexIsValid))
        return false;
    const bool check = Qt::CheckState(value.toInt()) != Qt::Unchecked;
    int group = 0;
    if (index.internalId() == kGroupRow) {
        group = index.row();
        for (const app::RunListEntry& e : m_groups[group].runs)
            check ? void(m_checked.insert(e.id)) : void(m_checked.remove(e.id));
    } else {
        group = int(index.internalId() - 1);
        const QString& id = m_groups[group].runs[index.row()].id;
        check ? void(m_checked.insert(id)) : void(m_checked.remove(id));
    }
    emitGroupChanged(group);
    Q_EMIT checkedRunsChanged();
    return true;
}

} // namespace gb::ui
