#include "ui/models/rate_stage_model.h"

#include "ui/format.h"

namespace gb::ui {

RateStageModel::RateStageModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void RateStageModel::setStages(const QList<app::RateStage>& stages)
{
    QList<Row> rows;
    for (const app::RateStage& s : stages)
        rows.append({app::formatDuration(s.duration), s.rps});
    if (rows == m_rows)
        return;
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

QList<app::RateStage> RateStageModel::stages(const QList<app::RateStage>& fallback,
                                             QList<int>* badRows) const
{
    QList<app::RateStage> out;
    for (int i = 0; i < m_rows.size(); ++i) {
        app::RateStage stage;
        stage.rps = m_rows[i].rps;
        if (const auto d = app::parseDuration(m_rows[i].duration)) {
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
    const int row = int(m_rows.size());
    // A new stage continues at the last target, over a readable default length.
    const double rps = m_rows.isEmpty() ? 1000 : m_rows.last().rps;
    beginInsertRows({}, row, row);
    m_rows.append({QStringLiteral("30s"), rps});
    endInsertRows();
    return row;
}

int RateStageModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RateStageModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RateStageModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == DurationColumn ? r.duration : formatRps(r.rps);
    case Qt::EditRole:
        return index.column() == DurationColumn ? QVariant(r.duration) : QVariant(r.rps);
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

Qt::ItemFlags RateStageModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
}

bool RateStageModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    Row& r = m_rows[index.row()];
    if (index.column() == DurationColumn) {
        const QString text = value.toString().trimmed();
        if (text == r.duration)
            return true;
        r.duration = text;
    } else {
        bool ok = false;
        const double rps = value.toDouble(&ok);
        if (!ok)
            return false;
        if (rps == r.rps)
            return true;
        r.rps = rps;
    }
    Q_EMIT dataChanged(index, index);
    return true;
}

bool RateStageModel::removeRows(int row, int count, const QModelIndex& parent)
{
    if (parent.isValid() || row < 0 || count <= 0 || row + count > m_rows.size())
        return false;
    beginRemoveRows(parent, row, row + count - 1);
    m_rows.remove(row, count);
    endRemoveRows();
    return true;
}

} // namespace gb::ui
