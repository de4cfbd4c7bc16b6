#include "ui/models/run_history_model.h"

#include "ui/async.h"
#include "ui/format.h"

#include <QFont>

#include <algorithm>

namespace gb::ui {

app::RunListEntry listEntryOf(const app::RunRecord& run)
{
    return {run.id,        run.name,   run.tags,        run.scenario.name,
            run.startedAt, run.status, run.summary.rps, run.summary.latency.p99,
            run.filePath};
}

QString statusText(app::RunStatus status)
{
    switch (status) {
    case app::RunStatus::Completed:
        return QStringLiteral("completed");
    case app::RunStatus::Stopped:
        return QStringLiteral("stopped");
    case app::RunStatus::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

RunHistoryModel::RunHistoryModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void RunHistoryModel::setRunsDirectory(const QString& directory)
{
    m_directory = directory;
}

void RunHistoryModel::reload()
{
    const quint64 generation = ++m_generation;
    runInBackground(
        this, [directory = m_directory] { return app::RunStore(directory).list(); },
        [this, generation](QList<app::RunListEntry> entries) {
            if (generation != m_generation)
                return;
            setEntries(std::move(entries));
            Q_EMIT reloaded();
        });
}

void RunHistoryModel::setEntries(QList<app::RunListEntry> entries)
{
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

int RunHistoryModel::rowOfId(const QString& id) const
{
    for (int i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].id == id)
            return i;
    return -1;
}

void RunHistoryModel::addOrUpdate(const app::RunListEntry& entry)
{
    if (const int row = rowOfId(entry.id); row >= 0) {
        m_entries[row] = entry;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    // Newest first, as RunStore::list() orders them.
    const auto at =
        std::find_if(m_entries.begin(), m_entries.end(),
                     [&](const app::RunListEntry& e) { return e.startedAt < entry.startedAt; });
    const int row = int(at - m_entries.begin());
    beginInsertRows({}, row, row);
    m_entries.insert(row, entry);
    endInsertRows();
}

QString RunHistoryModel::removeRun(const QString& id)
{
    const int row = rowOfId(id);
    if (row < 0)
        return QStringLiteral("Run %1 is not in the history").arg(id);
    if (const QString error = app::RunStore(m_directory).remove(id); !error.isEmpty())
        return error;
    beginRemoveRows({}, row, row);
    m_entries.removeAt(row);
    endRemoveRows();
    return {};
}

int RunHistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int RunHistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunHistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const app::RunListEntry& e = m_entries[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return e.name.isEmpty() ? e.id : e.name;
        case ScenarioColumn:
            return e.scenarioName;
        case StartedColumn:
            return e.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        case StatusColumn:
            return statusText(e.status);
        case ThroughputColumn:
            return formatRps(e.rps);
        case P99Column:
            return formatMs(e.p99Ms);
        case TagsColumn:
            return e.tags.join(QStringLiteral(", "));
        }
        return {};
    case Qt::EditRole:
        if (index.column() == NameColumn)
            return e.name;
        if (index.column() == TagsColumn)
            return e.tags.join(QStringLiteral(", "));
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        return QStringLiteral("%1, started %2\n%3")
            .arg(e.id, formatDateTime(e.startedAt), e.filePath);
    case Qt::TextAlignmentRole:
        if (index.column() == ThroughputColumn || index.column() == P99Column)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    case IdRole:
        return e.id;
    case NameRole:
        return e.name;
    case ScenarioNameRole:
        return e.scenarioName;
    case StartedAtRole:
        return e.startedAt;
    case StatusRole:
        return int(e.status);
    case RpsRole:
        return e.rps;
    case P99Role:
        return e.p99Ms;
    case TagsRole:
        return e.tags;
    case FilePathRole:
        return e.filePath;
    case SortRole:
        switch (index.column()) {
        case StartedColumn:
            return e.startedAt;
        case ThroughputColumn:
            return e.rps;
        case P99Column:
            return e.p99Ms;
        default:
            return data(index, Qt::DisplayRole).toString().toLower();
        }
    }
    return {};
}

QVariant RunHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return QStringLiteral("Run");
    case ScenarioColumn:
        return QStringLiteral("Scenario");
    case StartedColumn:
        return QStringLiteral("Started");
    case StatusColumn:
        return QStringLiteral("Status");
    case ThroughputColumn:
        return QStringLiteral("req/s");
    case P99Column:
        return QStringLiteral("p99 ms");
    case TagsColumn:
        return QStringLiteral("Tags");
    }
    return {};
}

Qt::ItemFlags RunHistoryModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.column() == NameColumn || index.column() == TagsColumn)
        f |= Qt::ItemIsEditable;
    return f;
}

QStringList RunHistoryModel::parseTags(const QString& text)
{
    QStringList tags;
    for (const QString& part : text.split(QLatin1Char(','))) {
        const QString tag = part.trimmed();
        if (!tag.isEmpty() && !tags.contains(tag))
            tags.append(tag);
    }
    return tags;
}

bool RunHistoryModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    app::RunListEntry& e = m_entries[index.row()];
    const app::RunStore store(m_directory);
    if (index.column() == NameColumn) {
        const QString name = value.toString().trimmed();
        if (name == e.name)
            return true;
        if (const QString error = store.rename(e.id, name); !error.isEmpty()) {
            Q_EMIT storeFailed(error);
            return false;
        }
        e.name = name;
    } else if (index.column() == TagsColumn) {
        const QStringList tags = value.typeId() == QMetaType::QStringList
                                     ? value.toStringList()
                                     : parseTags(value.toString());
        if (tags == e.tags)
            return true;
        if (const QString error = store.setTags(e.id, tags); !error.isEmpty()) {
            Q_EMIT storeFailed(error);
            return false;
        }
        e.tags = tags;
    } else {
        return false;
    }
    Q_EMIT dataChanged(this->index(index.row(), 0), this->index(index.row(), ColumnCount - 1));
    return true;
}

} // namespace gb::ui
