#include "ui/models/comparison_table_model.h"

#include "ui/colors.h"

#include <QBrush>
#include <QFont>

#include <cmath>

namespace gb::ui {

namespace {

const QColor kWorse = QColor::fromString(kErrorColor);
const QColor kBetter(0x2e, 0x7d, 0x32);

} // namespace

ComparisonTableModel::ComparisonTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void ComparisonTableModel::setComparison(const app::Comparison& comparison,
                                         const QHash<QString, QString>& runLabels)
{
    beginResetModel();
    m_rows = comparisonRows(comparison, runLabels);
    m_cells.clear();
    for (const ComparisonRow& row : m_rows)
        m_cells.append(comparisonCells(row));
    endResetModel();
}

int ComparisonTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ComparisonTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(ComparisonColumn::Count);
}

QVariant ComparisonTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ComparisonRow& row = m_rows[index.row()];
    const auto column = ComparisonColumn(index.column());
    const bool average = row.kind == ComparisonRow::Kind::Average;
    switch (role) {
    case Qt::DisplayRole:
        return m_cells[index.row()].value(index.column());
    case Qt::FontRole:
        if (average) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (column >= ComparisonColumn::P99)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (column == ComparisonColumn::Run || column == ComparisonColumn::Cpu) // may be elided
            return m_cells[index.row()].value(index.column());
        if (average && row.unstable)
            return QStringLiteral("These runs disagree by more than 5 % (coefficient of "
                                  "variation): treat the average with care.");
        return {};
    case Qt::ForegroundRole:
        // More latency or less throughput than the baseline is the cost being measured: red.
        // A delta that rounds to zero as shown stays neutral.
        if (average && row.delta && column == ComparisonColumn::P99Delta &&
            std::isfinite(row.delta->p99AddedMs) && std::round(row.delta->p99AddedMs * 100) != 0)
            return QBrush(row.delta->p99AddedMs > 0 ? kWorse : kBetter);
        if (average && row.delta && column == ComparisonColumn::ThroughputDelta &&
            std::isfinite(row.delta->throughputChangePercent) &&
            std::round(row.delta->throughputChangePercent * 10) != 0)
            return QBrush(row.delta->throughputChangePercent < 0 ? kWorse : kBetter);
        if (average && row.unstable && column == ComparisonColumn::Run)
            return QBrush(kWorse);
        return {};
    case KindRole:
        return int(row.kind);
    case GroupRole:
        return row.group;
    case RunIdRole:
        return row.runId;
    case ValueRole:
        switch (column) {
        case ComparisonColumn::P99:
            return row.p99Ms;
        case ComparisonColumn::Throughput:
            return row.rps;
        case ComparisonColumn::P99Delta:
            return row.delta ? QVariant(row.delta->p99AddedMs) : QVariant();
        case ComparisonColumn::ThroughputDelta:
            return row.delta ? QVariant(row.delta->throughputChangePercent) : QVariant();
        default:
            return {};
        }
    }
    return {};
}

QVariant ComparisonTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    // Two lines on screen ("99% latency" over "(ms)"), so the seven columns fit beside the
    // run picker without scrolling.
    QString text = comparisonHeader().value(section);
    text.replace(QStringLiteral(" ("), QStringLiteral("\n("));
    text.replace(QStringLiteral(" vs "), QStringLiteral("\nvs "));
    return text;
}

SettingDifferencesModel::SettingDifferencesModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void SettingDifferencesModel::setComparison(const app::Comparison& comparison)
{
    beginResetModel();
    m_groups.clear();
    for (const app::ComparisonGroup& g : comparison.groups)
        m_groups.append(g.name);
    m_differences = comparison.differences;
    endResetModel();
}

int SettingDifferencesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_differences.size());
}

int SettingDifferencesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || m_groups.isEmpty() ? 0 : int(m_groups.size()) + 1;
}

QVariant SettingDifferencesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const app::SettingDifference& d = m_differences[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        return index.column() == 0 ? d.setting : d.values.value(index.column() - 1);
    case SettingRole:
        return d.setting;
    }
    return {};
}

QVariant SettingDifferencesModel::headerData(int section, Qt::Orientation orientation,
                                             int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == 0 ? QStringLiteral("Setting") : m_groups.value(section - 1);
}

} // namespace gb::ui
