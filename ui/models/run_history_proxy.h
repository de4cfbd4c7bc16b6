#pragma once

#include <QSortFilterProxyModel>
#include <QStringList>

namespace gb::ui {

/// Sorts the run history by value (times as times, figures as numbers) and filters it by
/// words: a run is shown when every word appears in its name, scenario, tags, status or id.
class RunHistoryProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit RunHistoryProxy(QObject* parent = nullptr);

    void setFilterWords(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    QStringList m_words;
};

} // namespace gb::ui
