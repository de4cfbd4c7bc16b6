#include "app/comparison.h"

#include "app/scenario_json.h"
#include "app/text_table.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <limits>

namespace gb::app {

namespace {

double sampleCv(const QList<double>& values, double mean)
{
    if (values.size() < 2 || mean == 0)
        return 0;
    double sum = 0;
    for (double v : values)
        sum += (v - mean) * (v - mean);
    return std::sqrt(sum / double(values.size() - 1)) / std::fabs(mean);
}

void flattenInto(QMap<QString, QString>& out, const QString& prefix, const QJsonValue& value)
{
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            flattenInto(out, prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key(),
                        it.value());
    } else if (value.isArray()) {
        out.insert(prefix, QString::fromUtf8(
                               QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)));
    } else if (value.isString()) {
        out.insert(prefix, value.toString());
    } else if (value.isBool()) {
        out.insert(prefix, value.toBool() ? QStringLiteral("true") : QStringLiteral("false"));
    } else if (value.isDouble()) {
        out.insert(prefix, QString::number(value.toDouble(), 'g', 15));
    } else {
        out.insert(prefix, QString());
    }
}

QString ms(double v)
{
    return std::isnan(v) ? QStringLiteral("n/a") : QString::number(v, 'f', 2);
}

QString rps(double v)
{
    static const QLocale english(QLocale::English, QLocale::UnitedStates);
    return std::isnan(v) ? QStringLiteral("n/a") : english.toString(v, 'f', 0);
}

QString percent(double fraction)
{
    return QString::number(fraction * 100, 'f', 1) + QStringLiteral(" %");
}

QString signedMs(double v)
{
    return std::isnan(v) ? QStringLiteral("n/a")
                         : (v >= 0 ? QStringLiteral("+") : QString()) + QString::number(v, 'f', 2) +
                               QStringLiteral(" ms");
}

QString signedPercent(double v)
{
    return std::isnan(v) ? QStringLiteral("n/a")
                         : (v >= 0 ? QStringLiteral("+") : QString()) + QString::number(v, 'f', 1) +
                               QStringLiteral(" %");
}

/// The rows in aligned columns (alignedColumns), each line after `indent`.
QString table(const QList<QStringList>& rows, const QString& indent, int leftColumns = 1)
{
    QString out;
    for (const QString& line : alignedColumns(rows, leftColumns))
        out += (line.isEmpty() ? QString() : indent + line) + QLatin1Char('\n');
    return out;
}

} // namespace

GroupStatistics GroupStatistics::of(const QList<RunFigures>& runs)
{
    GroupStatistics s;
    s.runs = int(runs.size());
    if (runs.isEmpty())
        return s;
    QList<double> p99s, rpss;
    for (const RunFigures& r : runs) {
        p99s.append(r.p99Ms);
        rpss.append(r.rps);
    }
    auto mean = [](const QList<double>& v) {
        double sum = 0;
        for (double x : v)
            sum += x;
        return sum / double(v.size());
    };
    s.meanP99Ms = mean(p99s);
    s.meanRps = mean(rpss);
    s.minP99Ms = *std::min_element(p99s.begin(), p99s.end());
    s.maxP99Ms = *std::max_element(p99s.begin(), p99s.end());
    s.minRps = *std::min_element(rpss.begin(), rpss.end());
    s.maxRps = *std::max_element(rpss.begin(), rpss.end());
    s.cvP99 = sampleCv(p99s, s.meanP99Ms);
    s.cvRps = sampleCv(rpss, s.meanRps);
    s.unstable = s.cvP99 > kUnstableCv || s.cvRps > kUnstableCv;
    QList<int> sampledRuns;
    for (const RunFigures& r : runs)
        for (const MachineCpu& m : r.cpu) {
            auto it = std::find_if(s.meanCpu.begin(), s.meanCpu.end(), [&](const MachineCpu& seen) {
                return seen.machine == m.machine;
            });
            if (it == s.meanCpu.end()) {
                s.meanCpu.append({m.machine, 0});
                sampledRuns.append(0);
                it = s.meanCpu.end() - 1;
            }
            it->busyPercent += m.busyPercent;
            ++sampledRuns[it - s.meanCpu.begin()];
        }
    for (int i = 0; i < s.meanCpu.size(); ++i)
        s.meanCpu[i].busyPercent /= sampledRuns[i];
    return s;
}

GroupDelta GroupDelta::between(const GroupStatistics& group, const GroupStatistics& baseline)
{
    GroupDelta d;
    d.p99AddedMs = group.meanP99Ms - baseline.meanP99Ms;
    d.throughputChangePercent = baseline.meanRps > 0
                                    ? (group.meanRps / baseline.meanRps - 1.0) * 100.0
                                    : std::numeric_limits<double>::quiet_NaN();
    return d;
}

RunFigures figuresOf(const RunRecord& run)
{
    RunFigures figures{run.id, run.summary.latency.p99, run.summary.rps, {}};
    QList<int> samples;
    const auto add = [&](const QString& machine, double busy) {
        auto it = std::find_if(figures.cpu.begin(), figures.cpu.end(),
                               [&](const MachineCpu& m) { return m.machine == machine; });
        if (it == figures.cpu.end()) {
            figures.cpu.append({machine, 0});
            samples.append(0);
            it = figures.cpu.end() - 1;
        }
        it->busyPercent += busy;
        ++samples[it - figures.cpu.begin()];
    };
    for (const HostSample& h : run.hostSamples) {
        if (h.elapsedS <= 0)
            continue; // the baseline sample before the load has no period
        add(kThisMachine, h.machineCpuPercent);
        for (const MachineSample& m : h.hosts)
            add(m.host, m.busyPercent());
    }
    for (int i = 0; i < figures.cpu.size(); ++i)
        figures.cpu[i].busyPercent /= samples[i];
    return figures;
}

QList<ComparisonGroup> groupByScenario(const QList<RunRecord>& runs)
{
    QList<ComparisonGroup> groups;
    QList<QList<QMap<QString, QString>>> settingsPerGroup;
    for (const RunRecord& run : runs) {
        auto it = std::find_if(groups.begin(), groups.end(), [&](const ComparisonGroup& g) {
            return g.name == run.scenario.name;
        });
        const QJsonObject settings = scenarioToJson(run.scenario);
        if (it == groups.end()) {
            groups.append(ComparisonGroup{run.scenario.name, {}, settings, {}, {}, std::nullopt});
            settingsPerGroup.append(QList<QMap<QString, QString>>());
            it = groups.end() - 1;
        }
        it->runs.append(figuresOf(run));
        settingsPerGroup[it - groups.begin()].append(flattenSettings(settings));
    }
    for (qsizetype g = 0; g < groups.size(); ++g) {
        const auto& all = settingsPerGroup[g];
        for (auto it = all.first().begin(); it != all.first().end(); ++it)
            for (qsizetype r = 1; r < all.size(); ++r)
                if (all[r].value(it.key()) != it.value()) {
                    groups[g].inconsistentSettings.append(it.key());
                    break;
                }
    }
    return groups;
}

QMap<QString, QString> flattenSettings(const QJsonObject& settings)
{
    QMap<QString, QString> flat;
    flattenInto(flat, QString(), settings);
    flat.remove(QStringLiteral("name"));
    flat.remove(QStringLiteral("description"));
    flat.remove(QStringLiteral("version"));
    return flat;
}

Comparison compare(QList<ComparisonGroup> groups, int baseline)
{
    Comparison c;
    c.groups = std::move(groups);
    c.baseline = c.groups.isEmpty() ? 0 : std::clamp(baseline, 0, int(c.groups.size()) - 1);
    for (ComparisonGroup& g : c.groups)
        g.statistics = GroupStatistics::of(g.runs);
    for (qsizetype i = 0; i < c.groups.size(); ++i) {
        c.groups[i].delta.reset();
        if (i != c.baseline)
            c.groups[i].delta =
                GroupDelta::between(c.groups[i].statistics, c.groups[c.baseline].statistics);
    }

    QList<QMap<QString, QString>> flat;
    QStringList keys;
    for (const ComparisonGroup& g : c.groups) {
        flat.append(flattenSettings(g.settings));
        for (const QString& k : flat.last().keys())
            if (!keys.contains(k))
                keys.append(k);
    }
    // Sorted by path, so the settings of one section (gateway.*, load.*) stay together.
    std::sort(keys.begin(), keys.end());
    for (const QString& key : keys) {
        QStringList perGroup;
        for (const auto& f : flat)
            perGroup.append(f.value(key, QStringLiteral("(unset)")));
        QStringList distinct = perGroup;
        distinct.removeDuplicates();
        if (distinct.size() > 1)
            c.differences.append({key, perGroup});
    }
    return c;
}

QString comparisonText(const Comparison& c)
{
    QString out;
    for (qsizetype gi = 0; gi < c.groups.size(); ++gi) {
        const ComparisonGroup& g = c.groups[gi];
        const GroupStatistics& s = g.statistics;
        out += QStringLiteral("Group %1: %2%3, %4 run%5\n")
                   .arg(gi + 1)
                   .arg(g.name.isEmpty() ? QStringLiteral("(unnamed)") : g.name)
                   .arg(gi == c.baseline ? QStringLiteral(" (baseline)") : QString())
                   .arg(s.runs)
                   .arg(s.runs == 1 ? QString() : QStringLiteral("s"));
        QList<QStringList> rows = {{QStringLiteral("RUN #"), QStringLiteral("Run"),
                                    QStringLiteral("99% latency (ms)"),
                                    QStringLiteral("Throughput (rps)")}};
        for (qsizetype r = 0; r < g.runs.size(); ++r)
            rows.append(
                {QString::number(r + 1), g.runs[r].runId, ms(g.runs[r].p99Ms), rps(g.runs[r].rps)});
        rows.append({QStringLiteral("Average of %1 runs").arg(s.runs), QString(), ms(s.meanP99Ms),
                     rps(s.meanRps)});
        if (s.runs > 1) {
            rows.append({QStringLiteral("Min-max"), QString(),
                         ms(s.minP99Ms) + QStringLiteral("-") + ms(s.maxP99Ms),
                         rps(s.minRps) + QStringLiteral("-") + rps(s.maxRps)});
            rows.append({QStringLiteral("Coefficient of variation"), QString(), percent(s.cvP99),
                         percent(s.cvRps)});
        }
        out += table(rows, QStringLiteral("  "), 2);
        if (g.delta)
            out += QStringLiteral("  Delta vs %1: %2 p99, %3 throughput\n")
                       .arg(c.groups[c.baseline].name, signedMs(g.delta->p99AddedMs),
                            signedPercent(g.delta->throughputChangePercent));
        if (s.unstable)
            out += QStringLiteral(
                       "  ! These runs disagree by more than %1 (coefficient of variation): "
                       "treat the average with care.\n")
                       .arg(percent(kUnstableCv));
        if (!g.inconsistentSettings.isEmpty())
            out += QStringLiteral("  ! Its runs used different settings: %1\n")
                       .arg(g.inconsistentSettings.join(QStringLiteral(", ")));
        out += QLatin1Char('\n');
    }

    if (c.groups.size() > 1) {
        out += QStringLiteral("Overview\n");
        QList<QStringList> rows = {
            {QStringLiteral("Group"), QStringLiteral("Runs"), QStringLiteral("99% latency (ms)"),
             QStringLiteral("Throughput (rps)"), QStringLiteral("p99 vs baseline"),
             QStringLiteral("Throughput vs baseline")}};
        for (const ComparisonGroup& g : c.groups)
            rows.append({g.name, QString::number(g.statistics.runs), ms(g.statistics.meanP99Ms),
                         rps(g.statistics.meanRps),
                         g.delta ? signedMs(g.delta->p99AddedMs) : QStringLiteral("baseline"),
                         g.delta ? signedPercent(g.delta->throughputChangePercent)
                                 : QStringLiteral("baseline")});
        out += table(rows, QStringLiteral("  ")) + QLatin1Char('\n');
    }

    if (!c.differences.isEmpty()) {
        out += QStringLiteral("Settings that differ\n");
        QList<QStringList> rows;
        QStringList header = {QStringLiteral("Setting")};
        for (const ComparisonGroup& g : c.groups)
            header.append(g.name);
        rows.append(header);
        for (const SettingDifference& d : c.differences)
            rows.append(QStringList{d.setting} + d.values);
        out += table(rows, QStringLiteral("  "), int(header.size()));
    }
    return out;
}

QJsonObject comparisonToJson(const Comparison& c)
{
    auto number = [](double v) { return std::isnan(v) ? QJsonValue() : QJsonValue(v); };
    QJsonArray groups;
    for (const ComparisonGroup& g : c.groups) {
        const auto cpuJson = [](const QList<MachineCpu>& cpu) {
            QJsonObject o;
            for (const MachineCpu& m : cpu)
                o.insert(m.machine, m.busyPercent);
            return o;
        };
        QJsonArray runs;
        for (const RunFigures& r : g.runs)
            runs.append(QJsonObject{{QStringLiteral("id"), r.runId},
                                    {QStringLiteral("p99Ms"), r.p99Ms},
                                    {QStringLiteral("rps"), r.rps},
                                    {QStringLiteral("cpuPercent"), cpuJson(r.cpu)}});
        const GroupStatistics& s = g.statistics;
        QJsonObject group{
            {QStringLiteral("name"), g.name},
            {QStringLiteral("runs"), runs},
            {QStringLiteral("average"),
             QJsonObject{{QStringLiteral("p99Ms"), s.meanP99Ms},
                         {QStringLiteral("rps"), s.meanRps},
                         {QStringLiteral("cpuPercent"), cpuJson(s.meanCpu)}}},
            {QStringLiteral("min"),
             QJsonObject{{QStringLiteral("p99Ms"), s.minP99Ms}, {QStringLiteral("rps"), s.minRps}}},
            {QStringLiteral("max"),
             QJsonObject{{QStringLiteral("p99Ms"), s.maxP99Ms}, {QStringLiteral("rps"), s.maxRps}}},
            {QStringLiteral("cv"),
             QJsonObject{{QStringLiteral("p99"), s.cvP99}, {QStringLiteral("rps"), s.cvRps}}},
            {QStringLiteral("unstable"), s.unstable},
            {QStringLiteral("inconsistentSettings"),
             QJsonArray::fromStringList(g.inconsistentSettings)},
        };
        if (g.delta)
            group.insert(QStringLiteral("delta"),
                         QJsonObject{{QStringLiteral("p99AddedMs"), number(g.delta->p99AddedMs)},
                                     {QStringLiteral("throughputChangePercent"),
                                      number(g.delta->throughputChangePercent)}});
        groups.append(group);
    }
    QJsonArray differences;
    for (const SettingDifference& d : c.differences)
        differences.append(
            QJsonObject{{QStringLiteral("setting"), d.setting},
                        {QStringLiteral("values"), QJsonArray::fromStringList(d.values)}});
    return {{QStringLiteral("baseline"), c.baseline},
            {QStringLiteral("groups"), groups},
            {QStringLiteral("differences"), differences}};
}

} // namespace gb::app
