#include "ui/models/rate_stage_model.h"

#include "ui/format.h"

namespace gb::ui {

RateStageModel::RateStageModel(QObject* parent)
    : EditableRowsModel(ColumnCount, parent)
{}

void RateStageModel::setStages(const QList<app::RateStage>& stages)
{
    QList<RateStageRow> rows;
    for (const app::RateStage& s : stages)
        rows.append({app::formatDuration(s.duration), s.rps});
    setRows(std::move(rows));
}

QList<app::RateStage> RateStageModel::stages(const QList<app::RateStage>& fallback,
                                             QList<int>* badRows) const
{
    QList<app::RateStage> out;
    for (int i = 0; i < rows().size(); ++i) {
        app::RateStage stage;
        stage.rps = rows()[i].rps;
        if (const auto d = app::parseDuration(rows()[i].duration)) {
            stage.duration = *d;
        } else {
            stage.duration = i < fallback.size() ? fallback[i].duration : app::Duration{0};
            if (badRows)
                badRows->append(i);
        }
        out.append(stage);
    }
    return out;
}

int RateStageModel::appendRow()
{
    // A new stage continues at the last target, over a readable default length.
    return EditableRowsModel::appendRow(
        {QStringLiteral("30s"), rows().isEmpty() ? 1000 : rows().last().rps});
}

QVariant RateStageModel::data(const QModelIndex& index, int role) const
{
    const RateStageRow* r = rowOf(index);
    if (!r)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == DurationColumn ? r->duration : formatRps(r->rps);
    case Qt::EditRole:
        return index.column() == DurationColumn ? QVariant(r->duration) : QVariant(r->rps);
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant RateStageModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return QStringLiteral("Stage %1").arg(section + 1);
    return section == DurationColumn ? QStringLiteral("Ramp over") : QStringLiteral("To req/s");
}

bool RateStageModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !rowOf(index))
        return false;
    if (index.column() == DurationColumn)
        return setField(index, &RateStageRow::duration, value.toString().trimmed());
    bool ok = false;
    const double rps = value.toDouble(&ok);
    return ok && setField(index, &RateStageRow::rps, rps);
}

} // namespace gb::ui
