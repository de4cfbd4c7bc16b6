#include "ui/models/scenario_list_model.h"

#include "app/builtin_scenarios.h"
#include "app/scenario_json.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace gb::ui {

namespace {

// A literal, not a QString: main_window.cpp builds a source from it during static initialization.
constexpr QLatin1String kBuiltinPrefix("builtin:");

QString homeRelative(const QString& path)
{
    const QString home = QDir::homePath();
    return path.startsWith(home + QLatin1Char('/')) ? QStringLiteral("~") + path.mid(home.size())
                                                    : path;
}

} // namespace

ScenarioListModel::ScenarioListModel(QObject* parent)
    : QAbstractListModel(parent)
{
    for (const QString& name : app::builtinScenarioNames()) {
        auto scenario = app::builtinScenario(name);
        m_entries.append({builtinSource(name), name, scenario ? scenario->description : QString(),
                          scenario ? QString() : scenario.error(), true});
    }
}

QString ScenarioListModel::builtinSource(const QString& name)
{
    return kBuiltinPrefix + name;
}

bool ScenarioListModel::isBuiltinSource(const QString& source)
{
    return source.startsWith(kBuiltinPrefix);
}

QString ScenarioListModel::builtinName(const QString& source)
{
    return isBuiltinSource(source) ? source.mid(kBuiltinPrefix.size()) : QString();
}

ScenarioListModel::Entry ScenarioListModel::readFile(const QString& path)
{
    Entry e;
    e.source = QFileInfo(path).absoluteFilePath();
    auto scenario = app::loadScenarioFile(e.source);
    if (scenario) {
        e.name = scenario->name;
        e.description = scenario->description;
    } else {
        e.name = QFileInfo(path).completeBaseName();
        e.error = scenario.error();
    }
    return e;
}

void ScenarioListModel::setUserFiles(const QStringList& paths)
{
    beginResetModel();
    m_entries.erase(std::remove_if(m_entries.begin(), m_entries.end(),
                                   [](const Entry& e) { return !e.builtin; }),
                    m_entries.end());
    for (const QString& path : paths) {
        if (!QFileInfo::exists(path) || rowOfSource(QFileInfo(path).absoluteFilePath()) >= 0)
            continue;
        m_entries.append(readFile(path));
    }
    endResetModel();
}

QStringList ScenarioListModel::userFiles() const
{
    QStringList paths;
    for (const Entry& e : m_entries)
        if (!e.builtin)
            paths.append(e.source);
    return paths;
}

int ScenarioListModel::addUserFile(const QString& path)
{
    Entry entry = readFile(path);
    if (const int row = rowOfSource(entry.source); row >= 0) {
        m_entries[row] = entry;
        Q_EMIT dataChanged(index(row), index(row));
        return row;
    }
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.append(entry);
    endInsertRows();
    return row;
}

void ScenarioListModel::removeUserFile(const QString& path)
{
    const int row = rowOfSource(QFileInfo(path).absoluteFilePath());
    if (row < 0 || m_entries[row].builtin)
        return;
    beginRemoveRows({}, row, row);
    m_entries.removeAt(row);
    endRemoveRows();
}

int ScenarioListModel::rowOfSource(const QString& source) const
{
    for (int i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].source == source)
            return i;
    return -1;
}

int ScenarioListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant ScenarioListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& e = m_entries[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return e.name;
    case Qt::ToolTipRole:
        return e.error.isEmpty() ? (e.description.isEmpty() ? e.source : e.description) : e.error;
    case SourceRole:
        return e.source;
    case DescriptionRole:
        return e.description;
    case IsBuiltinRole:
        return e.builtin;
    case SubtitleRole:
        if (!e.error.isEmpty())
            return QStringLiteral("cannot be read");
        return e.builtin ? QStringLiteral("built-in") : homeRelative(e.source);
    case ErrorRole:
        return e.error;
    }
    return {};
}

} // namespace gb::ui
