#pragma once

#include "app/scenario.h"
#include "ui/models/editable_rows_model.h"

namespace gb::ui {

/// A stage as typed: the duration as text, so a half-typed value is not lost.
struct RateStageRow
{
    QString duration;
    double rps = 0;
    friend bool operator==(const RateStageRow&, const RateStageRow&) = default;
};

/// Editable ramp stages of the total-rate model: "Duration | Target rate". Durations are kept
/// as typed ("30s"); stages() parses them and reports the ones that are not durations. GUI
/// thread only.
class RateStageModel final : public EditableRowsModel<RateStageRow>
{
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
    /// Appends a stage that continues at the last target, over 30 s; returns its row.
    int appendRow();

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
};

} // namespace gb::ui
