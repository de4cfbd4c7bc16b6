#include "ui/report/reports.h"

#include "app/scenario_json.h"
#include "common/version.h"
#include "ui/compare/comparison_rows.h"
#include "ui/format.h"
#include "ui/run_charts.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace gb::ui::report {

namespace {

QHash<QString, const app::RunRecord*> byId(const QList<app::RunRecord>& runs)
{
    QHash<QString, const app::RunRecord*> map;
    for (const app::RunRecord& run : runs)
        map.insert(run.id, &run);
    return map;
}

QString generatedLine()
{
    return QStringLiteral("Generated %1 by GateBench %2")
        .arg(formatDateTime(QDateTime::currentDateTime()), QLatin1String(gb::kVersion));
}

} // namespace

Table comparisonTable(const app::Comparison& comparison, const QHash<QString, QString>& runLabels)
{
    Table table;
    table.header = comparisonHeader();
    table.numericColumns = {int(ComparisonColumn::P99), int(ComparisonColumn::Throughput),
                            int(ComparisonColumn::P99Delta),
                            int(ComparisonColumn::ThroughputDelta)};
    const QList<ComparisonRow> rows = comparisonRows(comparison, runLabels);
    for (int i = 0; i < rows.size(); ++i) {
        if (rows[i].kind == ComparisonRow::Kind::Average)
            table.emphasizedRows.append(i);
        if (i > 0 && rows[i].group != rows[i - 1].group)
            table.ruleAboveRows.append(i);
        table.rows.append(comparisonCells(rows[i]));
    }
    // CPU has a table of its own on paper (cpuTable): an A4 page has no room for it here.
    table.header.removeAt(int(ComparisonColumn::Cpu));
    for (QStringList& row : table.rows)
        row.removeAt(int(ComparisonColumn::Cpu));
    return table;
}

Table cpuTable(const app::Comparison& comparison)
{
    QStringList machines;
    for (const app::ComparisonGroup& g : comparison.groups)
        for (const app::MachineCpu& m : g.statistics.meanCpu)
            if (!machines.contains(m.machine))
                machines.append(m.machine);
    Table table;
    table.header = QStringList{QStringLiteral("Group")} + machines;
    for (int c = 1; c <= machines.size(); ++c)
        table.numericColumns.append(c);
    for (const app::ComparisonGroup& g : comparison.groups) {
        QStringList row{g.name};
        for (const QString& machine : machines) {
            const auto it =
                std::find_if(g.statistics.meanCpu.begin(), g.statistics.meanCpu.end(),
                             [&](const app::MachineCpu& m) { return m.machine == machine; });
            row.append(it == g.statistics.meanCpu.end() ? QStringLiteral("–")
                                                        : formatPercent(it->busyPercent, 0));
        }
        table.rows.append(row);
    }
    return table;
}

Table differencesTable(const app::Comparison& comparison)
{
    Table table;
    table.header.append(QStringLiteral("Setting"));
    for (const app::ComparisonGroup& g : comparison.groups)
        table.header.append(g.name);
    for (const app::SettingDifference& d : comparison.differences)
        table.rows.append(QStringList{d.setting} + d.values);
    return table;
}

Table settingsTable(const app::Scenario& scenario)
{
    Table table;
    table.header = {QStringLiteral("Setting"), QStringLiteral("Value")};
    const QMap<QString, QString> flat = app::flattenSettings(app::scenarioToJson(scenario));
    for (auto it = flat.begin(); it != flat.end(); ++it)
        table.rows.append({it.key(), it.value()});
    return table;
}

Table environmentTable(const app::EnvironmentInfo& e)
{
    Table table;
    table.header = {QStringLiteral("Machine"), QString()};
    table.rows = {
        {QStringLiteral("Host"), e.hostName},
        {QStringLiteral("CPU"),
         QStringLiteral("%1 (%2 logical cores)").arg(e.cpuModel).arg(e.cores)},
        {QStringLiteral("Memory"), formatBytes(e.memoryBytes)},
        {QStringLiteral("Operating system"), e.os},
        {QStringLiteral("Kernel"), e.kernel},
        {QStringLiteral("GateBench"), e.gatebenchVersion},
        {QStringLiteral("Gateway measured"), e.gateway},
        {QStringLiteral("Qt"), e.qtVersion},
    };
    // A run on hosts: every host as its check found it just before the run.
    for (const QJsonValue& v : e.hosts) {
        const QJsonObject h = v.toObject();
        QStringList roles;
        for (const QJsonValue& r : h.value(QStringLiteral("roles")).toArray())
            roles.append(r.toString());
        QString text =
            QStringLiteral("%1, %2; %3 x %4; %5; open files %6; clock %7 ms; key %8")
                .arg(h.value(QStringLiteral("os")).toString(),
                     h.value(QStringLiteral("kernel")).toString())
                .arg(h.value(QStringLiteral("cpus")).toInt())
                .arg(h.value(QStringLiteral("cpuModel")).toString(),
                     formatBytes(qint64(h.value(QStringLiteral("memoryBytes")).toDouble())))
                .arg(qint64(h.value(QStringLiteral("openFilesHard")).toDouble()))
                .arg(h.value(QStringLiteral("clockOffsetMs")).toDouble(), 0, 'f', 1)
                .arg(h.value(QStringLiteral("hostKey")).toString());
        for (const QJsonValue& p : h.value(QStringLiteral("problems")).toArray())
            text += QStringLiteral("; ") + p.toString();
        table.rows.append(
            {QStringLiteral("Host %1 (%2, %3)")
                 .arg(h.value(QStringLiteral("name")).toString(), roles.join(QStringLiteral(", ")),
                      h.value(QStringLiteral("privateAddress")).toString()),
             text});
    }
    return table;
}

QStringList deltaSentences(const app::Comparison& comparison)
{
    QStringList sentences;
    if (comparison.groups.isEmpty())
        return sentences;
    const QString baseline = comparison.groups[comparison.baseline].name;
    for (const app::ComparisonGroup& g : comparison.groups)
        if (g.delta)
            sentences.append(QStringLiteral("%1: %2 p99, %3 throughput against %4.")
                                 .arg(g.name, formatSignedMs(g.delta->p99AddedMs),
                                      formatSignedPercent(g.delta->throughputChangePercent),
                                      baseline));
    return sentences;
}

PdfDocument comparisonDocument(const app::Comparison& comparison, const QList<app::RunRecord>& runs)
{
    QStringList names;
    for (const app::ComparisonGroup& g : comparison.groups)
        names.append(g.name);
    const QString title = QStringLiteral("Comparison: %1").arg(names.join(QStringLiteral(" vs ")));
    PdfDocument doc(title);
    const QString baselineName =
        comparison.groups.isEmpty() ? QString() : comparison.groups[comparison.baseline].name;
    doc.addTitle(title, QStringLiteral("%1 · %2 run%3 in %4 group%5 · baseline: %6")
                            .arg(generatedLine())
                            .arg(runs.size())
                            .arg(runs.size() == 1 ? QString() : QStringLiteral("s"))
                            .arg(comparison.groups.size())
                            .arg(comparison.groups.size() == 1 ? QString() : QStringLiteral("s"))
                            .arg(baselineName));

    const auto runsById = byId(runs);
    QHash<QString, QString> labels;
    for (const app::RunRecord& run : runs)
        labels.insert(run.id, comparisonRunLabel(run));

    doc.addHeading(QStringLiteral("Summary"));
    const QStringList deltas = deltaSentences(comparison);
    if (!deltas.isEmpty())
        doc.addParagraph(deltas.join(QLatin1Char('\n')));
    doc.addTable(comparisonTable(comparison, labels));
    for (const app::ComparisonGroup& g : comparison.groups) {
        if (g.statistics.unstable)
            doc.addParagraph(
                QStringLiteral("The runs of %1 disagree by more than 5 % (coefficient of variation "
                               "%2 for p99, %3 for throughput): treat its average with care.")
                    .arg(g.name, formatPercent(g.statistics.cvP99 * 100),
                         formatPercent(g.statistics.cvRps * 100)));
        if (!g.inconsistentSettings.isEmpty())
            doc.addParagraph(QStringLiteral("The runs of %1 used different settings: %2.")
                                 .arg(g.name, g.inconsistentSettings.join(QStringLiteral(", "))));
    }

    if (const Table cpu = cpuTable(comparison); cpu.header.size() > 1) {
        doc.addHeading(QStringLiteral("CPU by machine"));
        doc.addParagraph(QStringLiteral(
            "Each machine's mean busy share of all its cores over the measured seconds: this "
            "machine from the run's processes (/proc/PID/stat), hosts from /proc/stat over SSH."));
        doc.addTable(cpu);
    }

    // Charts: every run's throughput, coloured by group, and each group's merged distribution.
    QList<const app::RunRecord*> ordered;
    QList<int> groupOf;
    QStringList runLabels;
    QList<QList<const app::RunRecord*>> groups;
    for (int g = 0; g < comparison.groups.size(); ++g) {
        groups.append(QList<const app::RunRecord*>());
        for (int r = 0; r < comparison.groups[g].runs.size(); ++r)
            if (const app::RunRecord* run = runsById.value(comparison.groups[g].runs[r].runId)) {
                ordered.append(run);
                groupOf.append(g);
                runLabels.append(comparison.groups[g].name); // the legend lists groups
                groups[g].append(run);
            }
    }
    doc.addHeading(QStringLiteral("Charts"));
    doc.addChart(overlaidThroughputChart(ordered, groupOf, runLabels), 85);
    doc.addChart(groupDistributionChart(groups, names), 85);

    doc.addHeading(QStringLiteral("Settings that differ"));
    if (comparison.differences.isEmpty())
        doc.addParagraph(QStringLiteral("All groups ran the same settings."));
    else
        doc.addTable(differencesTable(comparison));

    if (!groups.isEmpty() && !groups[comparison.baseline].isEmpty()) {
        const app::RunRecord& first = *groups[comparison.baseline].first();
        doc.addHeading(QStringLiteral("Scenario settings of %1").arg(baselineName));
        if (!first.scenario.description.isEmpty())
            doc.addParagraph(first.scenario.description);
        doc.addTable(settingsTable(first.scenario));
    }

    doc.addHeading(QStringLiteral("Environment"));
    QList<app::EnvironmentInfo> environments;
    for (const app::RunRecord& run : runs)
        if (!environments.contains(run.environment))
            environments.append(run.environment);
    if (environments.size() > 1)
        doc.addParagraph(QStringLiteral("These runs were measured in %1 different environments; "
                                        "compare them with care.")
                             .arg(environments.size()));
    for (const app::EnvironmentInfo& e : environments)
        doc.addTable(environmentTable(e));

    doc.addHeading(QStringLiteral("Runs"));
    Table list;
    list.header = {QStringLiteral("Run"),     QStringLiteral("Name"),   QStringLiteral("Group"),
                   QStringLiteral("Started"), QStringLiteral("Status"), QStringLiteral("Requests")};
    list.numericColumns = {5};
    for (int i = 0; i < ordered.size(); ++i)
        list.rows.append({ordered[i]->id, ordered[i]->name, names.value(groupOf[i]),
                          formatDateTime(ordered[i]->startedAt), app::toKeyword(ordered[i]->status),
                          formatCount(ordered[i]->summary.requests)});
    doc.addTable(list);
    return doc;
}

PdfDocument runDocument(const app::RunRecord& run)
{
    const QString title = QStringLiteral("Run: %1").arg(run.name);
    PdfDocument doc(title);
    doc.addTitle(title, QStringLiteral("%1 · started %2 · %3 · %4")
                            .arg(generatedLine(), formatDateTime(run.startedAt),
                                 app::toKeyword(run.status), run.id));
    if (!run.error.isEmpty())
        doc.addParagraph(run.error);

    const app::RunSummary& s = run.summary;
    doc.addHeading(QStringLiteral("Summary (measured window, warm-up excluded)"));
    Table figures;
    figures.header = {QStringLiteral("Figure"), QStringLiteral("Value")};
    figures.numericColumns = {1};
    figures.rows = {
        {QStringLiteral("Requests"), formatCount(s.requests)},
        {QStringLiteral("Duration"), QStringLiteral("%1 s").arg(s.durationS, 0, 'f', 1)},
        {QStringLiteral("Throughput"), formatRps(s.rps) + QStringLiteral(" req/s")},
    };
    if (s.targetRps > 0)
        figures.rows.append({QStringLiteral("Target throughput"),
                             formatRps(s.targetRps) + QStringLiteral(" req/s")});
    figures.rows += QList<QStringList>{
        {QStringLiteral("Latency p50"), formatMs(s.latency.p50) + QStringLiteral(" ms")},
        {QStringLiteral("Latency p90"), formatMs(s.latency.p90) + QStringLiteral(" ms")},
        {QStringLiteral("Latency p99"), formatMs(s.latency.p99) + QStringLiteral(" ms")},
        {QStringLiteral("Latency p99.9"), formatMs(s.latency.p999) + QStringLiteral(" ms")},
        {QStringLiteral("Latency max"), formatMs(s.latency.max) + QStringLiteral(" ms")},
        {QStringLiteral("Errors"), formatCount(s.errors)},
    };
    for (auto it = s.errorsByClass.begin(); it != s.errorsByClass.end(); ++it)
        figures.rows.append({QStringLiteral("  %1 errors").arg(it.key()), formatCount(it.value())});
    for (auto it = s.statusCodes.begin(); it != s.statusCodes.end(); ++it)
        figures.rows.append({QStringLiteral("Status %1").arg(it.key()), formatCount(it.value())});
    doc.addTable(figures);

    doc.addHeading(QStringLiteral("Charts"));
    for (const charts::ChartSpec& chart : runCharts(run))
        doc.addChart(chart, 72);
    doc.addParagraph(cpuSources(run.hostSamples));

    doc.addHeading(QStringLiteral("Scenario %1").arg(run.scenario.name));
    if (!run.scenario.description.isEmpty())
        doc.addParagraph(run.scenario.description);
    doc.addTable(settingsTable(run.scenario));
    doc.addHeading(QStringLiteral("Environment"));
    doc.addTable(environmentTable(run.environment));
    if (!run.report.isEmpty()) {
        doc.addHeading(QStringLiteral("Load generator report (hey's format)"));
        doc.addPreformatted(run.report.trimmed());
    }
    return doc;
}

QString exportComparisonPdf(const app::Comparison& comparison, const QList<app::RunRecord>& runs,
                            const QString& path)
{
    return comparisonDocument(comparison, runs).write(path);
}

QString exportRunPdf(const app::RunRecord& run, const QString& path)
{
    return runDocument(run).write(path);
}

} // namespace gb::ui::report
