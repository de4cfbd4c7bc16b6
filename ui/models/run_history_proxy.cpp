#include "ui/models/run_history_proxy.h"

#include "ui/models/run_history_model.h"

#include <QDateTime>

namespace gb::ui {

RunHistoryProxy::RunHistoryProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(RunHistoryModel::SortRole);
    setDynamicSortFilter(true);
}

void RunHistoryProxy::setFilterWords(const QString& text)
{
    const QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words == m_words)
        return;
    // Qt 6.4 has no begin/endFilterChange(); invalidateFilter() is the way to re-filter.
    m_words = words;
    invalidateFilter();
}

bool RunHistoryProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_words.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QString haystack =
        QStringList{index.data(RunHistoryModel::NameRole).toString(),
                    index.data(RunHistoryModel::ScenarioNameRole).toString(),
                    index.data(RunHistoryModel::TagsRole).toStringList().join(QLatin1Char(' ')),
                    index.data(RunHistoryModel::IdRole).toString(),
                    sourceModel()
                        ->index(sourceRow, RunHistoryModel::StatusColumn, sourceParent)
                        .data()
                        .toString()}
            .join(QLatin1Char(' '));
    for (const QString& word : m_words)
        if (!haystack.contains(word, Qt::CaseInsensitive))
            return false;
    return true;
}

bool RunHistoryProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const QVariant a = left.data(sortRole());
    const QVariant b = right.data(sortRole());
    if (a.typeId() == QMetaType::QDateTime && b.typeId() == QMetaType::QDateTime)
        return a.toDateTime() < b.toDateTime();
    if (a.typeId() == QMetaType::Double && b.typeId() == QMetaType::Double)
        return a.toDouble() < b.toDouble();
    return QString::localeAwareCompare(a.toString(), b.toString()) < 0;
}

} // namespace gb::ui
