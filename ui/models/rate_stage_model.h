#pragma once

#include "app/scenario.h"

#include <QAbstractTableModel>

namespace gb::ui {

/// Editable ramp stages of the total-rate model: "Duration | Target rate". Durations are kept
/// as typed ("30s") so a half-typed value is not lost; stages() parses them and reports the
/// ones that are not durations. GUI thread only.
class RateStageModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        DurationColumn,
        RateColumn,
        ColumnCount
    };

    explicit RateStageModel(QObject* parent = nullptr);

    void setStages(const QList<app::RateStage>& stages);
    /// The stages; a row whose duration does not parse keeps fallback's duration for that row
    /// (or 0) and its 0-based index goes to badRows.
    QList<app::RateStage> stages(const QList<app::RateStage>& fallback,
                                 QList<int>* badRows = nullptr) const;
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
    struct Row
    {
        QString duration;
        double rps = 0;
        friend bool operator==(const Row&, const Row&) = default;
    };
    QList<Row> m_rows;
};

} // namespace gb::ui
