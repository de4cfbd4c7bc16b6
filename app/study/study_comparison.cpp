#include "app/study/study_comparison.h"

#include "app/study/study_format.h"

#include <QSet>

namespace gb::app {

namespace fmt = studyformat;

namespace {

const StageResult* stageNamed(const StudyResult& study, const QString& name)
{
    for (const StageResult& s : study.stages)
        if (s.name == name)
            return &s;
    return nullptr;
}

std::optional<GroupStatistics> statisticsOf(const StageResult* stage)
{
    if (!stage || !stage->measured())
        return std::nullopt;
    return stage->group.statistics;
}

bool overlap(double minA, double maxA, double minB, double maxB)
{
    return minA <= maxB && minB <= maxA;
}

QList<SettingDifference> settingDifferences(const StageResult& a, const StageResult& b)
{
    const QMap<QString, QString> first = flattenSettings(a.group.settings);
    const QMap<QString, QString> second = flattenSettings(b.group.settings);
    QStringList keys = first.keys();
    for (const QString& k : second.keys())
        if (!first.contains(k))
            keys.append(k);
    QList<SettingDifference> out;
    for (const QString& k : keys)
        if (first.value(k) != second.value(k))
            out.append(
                {k, {first.value(k, QStringLiteral("–")), second.value(k, QStringLiteral("–"))}});
    return out;
}

StageComparison compareStage(const QString& name, const StudyResult& first,
                             const StudyResult& second)
{
    StageComparison c;
    c.stage = name;
    const StageResult* a = stageNamed(first, name);
    const StageResult* b = stageNamed(second, name);
    c.first = statisticsOf(a);
    c.second = statisticsOf(b);
    if (a && a->measured())
        c.firstCost = a->group.delta;
    if (b && b->measured())
        c.secondCost = b->group.delta;
    if (c.first && c.second) {
        c.change = GroupDelta::between(*c.second, *c.first);
        c.spreadKnown = c.first->runs >= 2 && c.second->runs >= 2;
        c.p99Overlaps =
            overlap(c.first->minP99Ms, c.first->maxP99Ms, c.second->minP99Ms, c.second->maxP99Ms);
        c.rpsOverlaps =
            overlap(c.first->minRps, c.first->maxRps, c.second->minRps, c.second->maxRps);
        c.differences = settingDifferences(*a, *b);
    }
    return c;
}

QStringList cpuModels(const StudyResult& r)
{
    QStringList out;
    for (const EnvironmentInfo& h : r.hosts)
        if (!h.cpuModel.isEmpty() && !out.contains(h.cpuModel))
            out.append(h.cpuModel);
    return out;
}

} // namespace

StudyComparison compareStudies(const StudyResult& first, const StudyResult& second)
{
    StudyComparison out;
    out.first = first;
    out.second = second;
    out.firstCpus = cpuModels(first);
    out.secondCpus = cpuModels(second);
    QSet<QString> seen;
    for (const StudyResult* r : {&first, &second})
        for (const StageResult& s : r->stages)
            if (!seen.contains(s.name)) {
                seen.insert(s.name);
                out.stages.append(compareStage(s.name, first, second));
            }
    return out;
}

namespace {

QString studyLine(const StudyResult& r)
{
    int done = 0, planned = 0;
    for (const StageResult& s : r.stages) {
        done += int(s.runs.size());
        planned += s.plannedRuns;
    }
    return QStringLiteral("%1 (%2, %3 UTC), %4, %5 of %6 runs")
        .arg(r.study.name, r.id, r.createdAt.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
             toKeyword(r.status))
        .arg(done)
        .arg(planned);
}

QString orDash(const std::optional<GroupStatistics>& s, double GroupStatistics::*member,
               QString (*format)(double))
{
    return s ? format((*s).*member) : QStringLiteral("–");
}

/// What the reader should take from a stage's row.
QString verdict(const StageComparison& c, bool& flagged)
{
    flagged = false;
    if (!c.first || !c.second) {
        flagged = true;
        if (!c.first && !c.second)
            return QStringLiteral("measured in neither");
        return c.first ? QStringLiteral("not measured in B") : QStringLiteral("not measured in A");
    }
    QStringList says;
    if (!c.differences.isEmpty()) {
        flagged = true;
        says.append(QStringLiteral("settings differ"));
    }
    if (c.first->unstable || c.second->unstable) {
        flagged = true;
        says.append(QStringLiteral("unstable runs"));
    }
    if (!c.spreadKnown) {
        says.append(QStringLiteral("one run: no spread to tell a change from noise"));
    } else if (c.p99Overlaps && c.rpsOverlaps) {
        says.append(QStringLiteral("within the runs' spread"));
    } else {
        flagged = true;
        QStringList beyond;
        if (!c.p99Overlaps)
            beyond.append(QStringLiteral("p99"));
        if (!c.rpsOverlaps)
            beyond.append(QStringLiteral("throughput"));
        says.append(QStringLiteral("%1 changed beyond the runs' spread")
                        .arg(beyond.join(QStringLiteral(" and "))));
    }
    return says.join(QStringLiteral("; "));
}

class ComparisonBuilder
{
public:
    explicit ComparisonBuilder(const StudyComparison& c)
        : m_c(c)
    {}

    StudyReport build()
    {
        m_report.title = QStringLiteral("GateBench study comparison: %1 and %2")
                             .arg(m_c.first.study.name, m_c.second.study.name);
        add(ReportHeading{0, m_report.title});
        studies();
        stageByStage();
        costs();
        charts();
        differences();
        return std::move(m_report);
    }

private:
    void add(ReportBlock block) { m_report.blocks.append(std::move(block)); }

    void studies()
    {
        add(ReportParagraph{QStringLiteral("A: %1.").arg(studyLine(m_c.first))});
        add(ReportParagraph{QStringLiteral("B: %1.").arg(studyLine(m_c.second))});
        const QString cpusA = m_c.firstCpus.join(QStringLiteral(", "));
        const QString cpusB = m_c.secondCpus.join(QStringLiteral(", "));
        if (cpusA == cpusB)
            add(ReportParagraph{
                QStringLiteral("Both ran on %1.")
                    .arg(cpusA.isEmpty() ? QStringLiteral("unknown CPUs") : cpusA)});
        else
            add(ReportParagraph{QStringLiteral("A ran on %1, B on %2: figures and ratios move "
                                               "with the CPU, so a difference may be the "
                                               "machine's, not the gateway's.")
                                    .arg(cpusA.isEmpty() ? QStringLiteral("unknown CPUs") : cpusA,
                                         cpusB.isEmpty() ? QStringLiteral("unknown CPUs") : cpusB),
                                true});
    }

    void stageByStage()
    {
        add(ReportHeading{1, QStringLiteral("Stage by stage")});
        ReportTable t;
        t.caption = QStringLiteral("Averages of each stage's runs in A and B, and B's change "
                                   "from A. A change inside the runs' own min-max spread is "
                                   "noise.");
        t.header = {QStringLiteral("Stage"),        QStringLiteral("Verdict"),
                    QStringLiteral("p99 A (ms)"),   QStringLiteral("p99 B (ms)"),
                    QStringLiteral("p99 change"),   QStringLiteral("Requests/s A"),
                    QStringLiteral("Requests/s B"), QStringLiteral("Throughput change")};
        t.labelColumns = 2;
        for (const StageComparison& c : m_c.stages) {
            bool flagged = false;
            const QString says = verdict(c, flagged);
            if (flagged)
                t.flaggedRows.append(int(t.rows.size()));
            t.rows.append({c.stage, says, orDash(c.first, &GroupStatistics::meanP99Ms, fmt::ms),
                           orDash(c.second, &GroupStatistics::meanP99Ms, fmt::ms),
                           c.change ? fmt::signedMs(c.change->p99AddedMs) : QStringLiteral("–"),
                           orDash(c.first, &GroupStatistics::meanRps, fmt::rps),
                           orDash(c.second, &GroupStatistics::meanRps, fmt::rps),
                           c.change ? fmt::signedPercent(c.change->throughputChangePercent)
                                    : QStringLiteral("–")});
        }
        add(std::move(t));
    }

    void costs()
    {
        add(ReportHeading{1, QStringLiteral("What each stage costs over its own baseline")});
        ReportTable t;
        t.caption = QStringLiteral("Each study's stage against that study's first stage: the "
                                   "question a study answers, asked of both.");
        t.header = {QStringLiteral("Stage"), QStringLiteral("p99 added in A"),
                    QStringLiteral("p99 added in B"), QStringLiteral("Throughput change in A"),
                    QStringLiteral("Throughput change in B")};
        const auto p99 = [](const std::optional<GroupDelta>& d) {
            return d ? fmt::signedMs(d->p99AddedMs) : QStringLiteral("–");
        };
        const auto rps = [](const std::optional<GroupDelta>& d) {
            return d ? fmt::signedPercent(d->throughputChangePercent) : QStringLiteral("–");
        };
        for (const StageComparison& c : m_c.stages)
            if (c.firstCost || c.secondCost)
                t.rows.append({c.stage, p99(c.firstCost), p99(c.secondCost), rps(c.firstCost),
                               rps(c.secondCost)});
        if (t.rows.isEmpty())
            add(ReportParagraph{QStringLiteral("Neither study measured a stage besides its "
                                               "baseline.")});
        else
            add(std::move(t));
    }

    void charts()
    {
        // One point per stage (x = its row in the table above), a series per study.
        ReportChart p99, rps;
        p99.title = QStringLiteral("99 % latency by stage");
        p99.yLabel = QStringLiteral("ms");
        rps.title = QStringLiteral("Throughput by stage");
        rps.yLabel = QStringLiteral("requests/s");
        p99.xLabel = rps.xLabel = QStringLiteral("Stage (its row in the table above)");
        ChartSeries p99A{QStringLiteral("A"), {}}, p99B{QStringLiteral("B"), {}};
        ChartSeries rpsA{QStringLiteral("A"), {}}, rpsB{QStringLiteral("B"), {}};
        for (qsizetype i = 0; i < m_c.stages.size(); ++i) {
            const StageComparison& c = m_c.stages[i];
            const double x = double(i + 1);
            if (c.first) {
                p99A.points.append({x, c.first->meanP99Ms});
                rpsA.points.append({x, c.first->meanRps});
            }
            if (c.second) {
                p99B.points.append({x, c.second->meanP99Ms});
                rpsB.points.append({x, c.second->meanRps});
            }
        }
        p99.series = {p99A, p99B};
        rps.series = {rpsA, rpsB};
        p99.stageAxis = rps.stageAxis = true;
        if (p99.isEmpty())
            return;
        add(ReportHeading{1, QStringLiteral("By stage")});
        add(std::move(p99));
        add(std::move(rps));
    }

    void differences()
    {
        ReportTable t;
        t.caption = QStringLiteral("Settings of a stage that are not the same in A and B");
        t.header = {QStringLiteral("Stage"), QStringLiteral("Setting"), QStringLiteral("A"),
                    QStringLiteral("B")};
        t.labelColumns = 4;
        for (const StageComparison& c : m_c.stages)
            for (const SettingDifference& d : c.differences)
                t.rows.append({c.stage, d.setting, d.values.value(0), d.values.value(1)});
        add(ReportHeading{1, QStringLiteral("Settings")});
        if (t.rows.isEmpty())
            add(ReportParagraph{QStringLiteral("Every stage measured in both ran with the same "
                                               "settings in A and B.")});
        else
            add(std::move(t));
    }

    const StudyComparison& m_c;
    StudyReport m_report;
};

} // namespace

StudyReport buildStudyComparisonReport(const StudyComparison& comparison)
{
    return ComparisonBuilder(comparison).build();
}

} // namespace gb::app
