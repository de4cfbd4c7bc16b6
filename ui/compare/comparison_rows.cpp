#include "ui/compare/comparison_rows.h"

#include "ui/format.h"

namespace gb::ui {

namespace {

/// Labels that must not wrap inside a narrow table cell ("Average of 3 runs", a date).
QString unbreakable(QString text)
{
    return text.replace(QLatin1Char(' '), QChar::Nbsp);
}

} // namespace

QString comparisonRunLabel(const app::RunRecord& run)
{
    const QString started =
        unbreakable(run.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    QString label = run.name.isEmpty() || run.name == run.scenario.name
                        ? started
                        : QStringLiteral("%1 · %2").arg(run.name, started);
    // Which product (and version) was measured, when the run knows: beside a bundled run, a
    // container run of Tyk or Kong must not read the same.
    if (!run.environment.gateway.isEmpty())
        label += QStringLiteral(" · ") + run.environment.gateway;
    return label;
}

QList<ComparisonRow> comparisonRows(const app::Comparison& comparison,
                                    const QHash<QString, QString>& runLabels)
{
    QList<ComparisonRow> rows;
    for (int g = 0; g < comparison.groups.size(); ++g) {
        const app::ComparisonGroup& group = comparison.groups[g];
        const bool baseline = g == comparison.baseline;
        for (int r = 0; r < group.runs.size(); ++r) {
            const app::RunFigures& run = group.runs[r];
            ComparisonRow row;
            row.kind = ComparisonRow::Kind::Run;
            row.group = g;
            row.groupName = group.name;
            row.baselineGroup = baseline;
            row.runNumber = r + 1;
            row.runs = int(group.runs.size());
            row.runId = run.runId;
            row.runLabel = runLabels.value(run.runId, run.runId);
            row.p99Ms = run.p99Ms;
            row.rps = run.rps;
            row.cpu = run.cpu;
            rows.append(row);
        }
        ComparisonRow average;
        average.kind = ComparisonRow::Kind::Average;
        average.group = g;
        average.groupName = group.name;
        average.baselineGroup = baseline;
        average.runs = group.statistics.runs;
        average.p99Ms = group.statistics.meanP99Ms;
        average.rps = group.statistics.meanRps;
        average.cpu = group.statistics.meanCpu;
        average.delta = group.delta;
        average.unstable = group.statistics.unstable;
        rows.append(average);
    }
    return rows;
}

QStringList comparisonHeader()
{
    return {QStringLiteral("Group"),
            QStringLiteral("RUN #"),
            QStringLiteral("Run"),
            QStringLiteral("99% latency (ms)"),
            QStringLiteral("Throughput (req/s)"),
            QStringLiteral("p99 vs baseline"),
            QStringLiteral("Throughput vs baseline"),
            QStringLiteral("CPU, mean % of cores")};
}

QStringList comparisonCells(const ComparisonRow& row)
{
    QStringList cells;
    const bool average = row.kind == ComparisonRow::Kind::Average;
    // The baseline group is named in the delta columns ("baseline"), not here.
    cells << (row.runNumber == 1 || (average && row.runs == 0) ? row.groupName : QString());
    cells << (average ? unbreakable(QStringLiteral("Average of %1 run%2")
                                        .arg(row.runs)
                                        .arg(row.runs == 1 ? QString() : QStringLiteral("s")))
                      : QString::number(row.runNumber));
    cells << (average ? (row.unstable ? QStringLiteral("unstable") : QString()) : row.runLabel);
    cells << formatMs(row.p99Ms);
    cells << formatRps(row.rps);
    if (average && row.delta) {
        cells << formatSignedMs(row.delta->p99AddedMs)
              << formatSignedPercent(row.delta->throughputChangePercent);
    } else if (average && row.baselineGroup) {
        cells << QStringLiteral("baseline") << QStringLiteral("baseline");
    } else {
        cells << QString() << QString();
    }
    QStringList cpu;
    for (const app::MachineCpu& m : row.cpu)
        cpu.append(
            unbreakable(QStringLiteral("%1 %2").arg(m.machine).arg(m.busyPercent, 0, 'f', 0)));
    cells << cpu.join(QStringLiteral(", "));
    return cells;
}

} // namespace gb::ui
