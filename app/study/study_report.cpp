#include "app/study/study_report.h"

#include "app/study/study_charts.h"
#include "app/study/study_format.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>

namespace gb::app {

namespace {

namespace fmt = studyformat;

QString gatewayText(const Scenario& s)
{
    const GatewaySettings& g = s.gateway;
    switch (g.kind) {
    case GatewayKind::None:
        return QStringLiteral("none (straight to the upstream)");
    case GatewayKind::BundledKeyless:
        return QStringLiteral("gatebench-gateway, keyless, %1").arg(g.listenPath);
    case GatewayKind::BundledFull:
        return QStringLiteral("gatebench-gateway, %1: auth token, key rate limit %2 per %3, "
                              "analytics to %4")
            .arg(g.listenPath, fmt::count(g.rateLimit.rate), fmt::humanDuration(g.rateLimit.per),
                 g.redis.mode == RedisMode::Memory ? QStringLiteral("memory")
                 : g.redis.mode == RedisMode::Local
                     ? QStringLiteral("a local Redis")
                     : QStringLiteral("Redis at %1").arg(g.redis.address));
    case GatewayKind::External:
        return QStringLiteral("external: %1").arg(g.url);
    case GatewayKind::Container:
        return QStringLiteral("%1 (container %2), %3, %4")
            .arg(productName(g.container.product), imageOf(g.container), g.listenPath,
                 g.container.features
                     ? QStringLiteral("auth token, key rate limit %1 per %2")
                           .arg(fmt::count(g.rateLimit.rate), fmt::humanDuration(g.rateLimit.per))
                     : QStringLiteral("keyless"));
    }
    return {};
}

QString upstreamText(const Scenario& s)
{
    if (s.gateway.kind == GatewayKind::External)
        return QStringLiteral("behind the external gateway");
    if (s.upstream.kind == UpstreamKind::Url)
        return s.upstream.url;
    QString text = QStringLiteral("gatebench-upstream %1").arg(s.upstream.route);
    if (s.upstream.xDelay)
        text += QStringLiteral(", X-Delay %1").arg(formatDuration(*s.upstream.xDelay));
    return text;
}

QString loadText(const Scenario& s)
{
    const LoadSettings& l = s.load;
    QString model;
    switch (l.model) {
    case LoadModelKind::Max:
        model = QStringLiteral("%1 workers at full speed").arg(l.connections);
        break;
    case LoadModelKind::PerWorkerRate:
        model = QStringLiteral("%1 workers \u00d7 %2 requests/s = %3 rps")
                    .arg(l.connections)
                    .arg(fmt::count(l.perWorkerRate), fmt::rps(l.connections * l.perWorkerRate));
        break;
    case LoadModelKind::TotalRate:
        model = QStringLiteral("open loop, %1 rps over %2 connections")
                    .arg(fmt::rps(l.totalRate))
                    .arg(l.connections);
        break;
    }
    QString text = QStringLiteral("%1, %2").arg(model, fmt::humanDuration(l.duration));
    if (l.warmup > Duration(0))
        text += QStringLiteral(" after a %1 warm-up").arg(fmt::humanDuration(l.warmup));
    return text;
}

QString thresholdsText(const StageThresholds& t, const QList<ThresholdCheck>& checks)
{
    if (t.isEmpty())
        return QStringLiteral("none");
    QStringList parts;
    for (const ThresholdCheck& c : checks)
        parts.append(c.condition());
    return parts.join(QStringLiteral("; "));
}

QString memoryText(qint64 bytes)
{
    return QStringLiteral("%1 GiB").arg(double(bytes) / (1024.0 * 1024.0 * 1024.0), 0, 'f', 1);
}

QString statusText(const StageResult& s)
{
    if (s.failed())
        return s.measured() ? QStringLiteral("failed after %1 of %2 runs")
                                  .arg(s.runs.size())
                                  .arg(s.plannedRuns)
                            : QStringLiteral("failed");
    if (s.runs.size() < s.plannedRuns)
        return QStringLiteral("%1 of %2 runs").arg(s.runs.size()).arg(s.plannedRuns);
    if (s.group.statistics.unstable)
        return QStringLiteral("unstable (CV %1)")
            .arg(fmt::percent(100 * std::max(s.group.statistics.cvP99, s.group.statistics.cvRps)));
    return QStringLiteral("complete");
}

class Builder
{
public:
    explicit Builder(const StudyResult& r)
        : m_r(r)
    {}

    StudyReport build()
    {
        m_report.title = QStringLiteral("GateBench study: %1").arg(m_r.study.name);
        heading(0, m_report.title);
        summary();
        environment();
        settings();
        overview();
        thresholds();
        percentiles();
        for (qsizetype i = 0; i < m_r.stages.size(); ++i)
            stage(int(i));
        differences();
        return std::move(m_report);
    }

private:
    void heading(int level, const QString& text)
    {
        m_report.blocks.append(ReportHeading{level, text});
    }
    void paragraph(const QString& text, bool warning = false)
    {
        m_report.blocks.append(ReportParagraph{text, warning});
    }
    void table(ReportTable t) { m_report.blocks.append(std::move(t)); }
    void chart(ReportChart c)
    {
        if (!c.isEmpty())
            m_report.blocks.append(std::move(c));
    }

    void summary()
    {
        if (!m_r.study.description.isEmpty())
            paragraph(m_r.study.description);
        static const QLocale english(QLocale::English, QLocale::UnitedStates);
        int done = 0, planned = 0;
        for (const StageResult& s : m_r.stages) {
            done += int(s.runs.size());
            planned += s.plannedRuns;
        }
        paragraph(QStringLiteral("Study %1, started %2 UTC, last updated %3 UTC: %4, %5 of %6 "
                                 "runs measured.")
                      .arg(m_r.id, m_r.createdAt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                           m_r.updatedAt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                           toKeyword(m_r.status))
                      .arg(done)
                      .arg(planned));
        if (m_r.scaling)
            paragraph(m_r.scaling->note);
        const QStringList problems = m_r.problems();
        if (problems.isEmpty())
            paragraph(QStringLiteral("Every stage ran all its runs and every threshold holds."));
        for (const QString& p : problems)
            paragraph(p, true);
    }

    void environment()
    {
        heading(1, QStringLiteral("Environment"));
        // One column per host: a machine's description reads down, hosts compare across.
        ReportTable t;
        t.header = {QStringLiteral("Host")};
        t.labelColumns = int(m_r.hosts.size()) + 1;
        const QStringList labels = {QStringLiteral("Roles"),     QStringLiteral("CPU"),
                                    QStringLiteral("Cores"),     QStringLiteral("Memory"),
                                    QStringLiteral("OS"),        QStringLiteral("Kernel"),
                                    QStringLiteral("GateBench"), QStringLiteral("Qt")};
        for (const QString& label : labels)
            t.rows.append({label});
        for (const EnvironmentInfo& h : m_r.hosts) {
            t.header.append(h.hostName);
            const QStringList values = {
                rolesOn(h.hostName),       h.cpuModel, QString::number(h.cores),
                memoryText(h.memoryBytes), h.os,       h.kernel,
                h.gatebenchVersion,        h.qtVersion};
            for (qsizetype i = 0; i < values.size(); ++i)
                t.rows[i].append(values[i]);
        }
        if (m_r.hosts.isEmpty())
            paragraph(QStringLiteral("No run was measured, so no host is known."), true);
        else
            table(t);
        // The shared-cores warning holds for a study on this machine only: one on hosts (its
        // definition's topology says local, the hosts come from the hosts file) lists them.
        if (!hostsChecked() && m_r.study.topology.kind == TopologyKind::Local)
            paragraph(QStringLiteral("Local topology: the load generator, the upstream, the "
                                     "gateway and Redis share this one machine's cores, so "
                                     "compare the stages with each other, not with figures "
                                     "from dedicated hosts."));
    }

    /// The process roles sampled on a host over the whole study.
    /// A study on hosts: each host as its check found it before the study's first run on it
    /// (the run's environment keeps the check), one row per host.
    bool hostsChecked()
    {
        ReportTable t;
        t.caption = QStringLiteral("The hosts, as checked before the runs");
        t.header = {QStringLiteral("Host"),         QStringLiteral("Roles"),
                    QStringLiteral("Machine"),      QStringLiteral("System"),
                    QStringLiteral("Clock offset"), QStringLiteral("Problems")};
        t.labelColumns = int(t.header.size()); // text, left-aligned
        QStringList seen;
        for (const StageResult& s : m_r.stages)
            for (const RunRecord& run : s.runs)
                for (const QJsonValue& v : run.environment.hosts) {
                    const QJsonObject h = v.toObject();
                    const QString name = h.value(QStringLiteral("name")).toString();
                    if (seen.contains(name))
                        continue;
                    seen.append(name);
                    QStringList roles, problems;
                    for (const QJsonValue& r : h.value(QStringLiteral("roles")).toArray())
                        roles.append(r.toString());
                    for (const QJsonValue& p : h.value(QStringLiteral("problems")).toArray())
                        problems.append(p.toString());
                    const QString memory =
                        memoryText(qint64(h.value(QStringLiteral("memoryBytes")).toDouble()));
                    t.rows.append(
                        {name, roles.join(QStringLiteral(", ")),
                         QStringLiteral("%1 × %2, %3")
                             .arg(h.value(QStringLiteral("cpus")).toInt())
                             .arg(h.value(QStringLiteral("cpuModel")).toString(), memory),
                         QStringLiteral("%1, %2").arg(h.value(QStringLiteral("os")).toString(),
                                                      h.value(QStringLiteral("kernel")).toString()),
                         QStringLiteral("%1 ms").arg(
                             h.value(QStringLiteral("clockOffsetMs")).toDouble(), 0, 'f', 1),
                         problems.isEmpty() ? QStringLiteral("none")
                                            : problems.join(QStringLiteral("; "))});
                }
        if (t.rows.isEmpty())
            return false;
        table(t);
        return true;
    }

    QString rolesOn(const QString& host) const
    {
        QStringList roles;
        for (const StageResult& s : m_r.stages)
            for (const RunRecord& run : s.runs)
                if (run.environment.hostName == host && !run.hostSamples.isEmpty())
                    for (const ProcessSample& p : run.hostSamples.first().processes)
                        if (!roles.contains(p.role))
                            roles.append(p.role);
        return roles.join(QStringLiteral(", "));
    }

    void settings()
    {
        heading(1, QStringLiteral("Stages"));
        // One column per stage, so long settings wrap within a wide column.
        ReportTable t;
        t.header = {QStringLiteral("Setting")};
        t.labelColumns = int(m_r.stages.size()) + 1;
        t.rows = {{QStringLiteral("Gateway")},
                  {QStringLiteral("Upstream")},
                  {QStringLiteral("Load")},
                  {QStringLiteral("Runs")},
                  {QStringLiteral("Thresholds")}};
        for (qsizetype i = 0; i < m_r.stages.size(); ++i) {
            const StageResult& s = m_r.stages[i];
            t.header.append(s.name);
            t.rows[0].append(gatewayText(s.scenario));
            t.rows[1].append(upstreamText(s.scenario));
            t.rows[2].append(loadText(s.scenario));
            t.rows[3].append(QString::number(s.plannedRuns));
            t.rows[4].append(thresholdsText(m_r.study.stages[i].thresholds, s.thresholds));
        }
        table(t);
    }

    void overview()
    {
        heading(1, QStringLiteral("Overview"));
        ReportTable t;
        t.caption = m_r.baselineMeasured
                        ? QStringLiteral("Averages per stage and their delta to %1")
                              .arg(m_r.stages.first().name)
                        : QStringLiteral("Averages per stage (no delta: the baseline stage has "
                                         "no runs)");
        t.header = {QStringLiteral("Stage"),
                    QStringLiteral("Status"),
                    QStringLiteral("Runs"),
                    QStringLiteral("99% latency (ms)"),
                    QStringLiteral("Throughput (rps)"),
                    QStringLiteral("p99 added"),
                    QStringLiteral("Throughput lost")};
        t.labelColumns = 2;
        for (qsizetype i = 0; i < m_r.stages.size(); ++i) {
            const StageResult& s = m_r.stages[i];
            const GroupStatistics& st = s.group.statistics;
            const auto& d = s.group.delta;
            const QString none = i == 0 ? QStringLiteral("baseline") : QStringLiteral("n/a");
            t.rows.append({s.name, statusText(s), QString::number(s.runs.size()),
                           s.measured() ? fmt::ms(st.meanP99Ms) : QStringLiteral("n/a"),
                           s.measured() ? fmt::rps(st.meanRps) : QStringLiteral("n/a"),
                           d ? fmt::signedMs(d->p99AddedMs) : none,
                           d ? fmt::percent(-d->throughputChangePercent) : none});
            if (s.failed() || st.unstable)
                t.flaggedRows.append(int(i));
        }
        table(t);
    }

    void thresholds()
    {
        ReportTable t;
        t.header = {QStringLiteral("Stage"), QStringLiteral("Threshold"),
                    QStringLiteral("Measured"), QStringLiteral("Result")};
        t.labelColumns = 2;
        for (const StageResult& s : m_r.stages)
            for (const ThresholdCheck& c : s.thresholds) {
                if (!c.passed)
                    t.flaggedRows.append(int(t.rows.size()));
                t.rows.append({s.name, c.condition(), c.measuredText(),
                               c.passed ? QStringLiteral("pass") : QStringLiteral("FAIL")});
            }
        if (t.rows.isEmpty())
            return;
        heading(1, QStringLiteral("Thresholds"));
        table(t);
    }

    void percentiles()
    {
        QList<StageResult> measured;
        for (const StageResult& s : m_r.stages)
            if (s.measured())
                measured.append(s);
        chart(latencyPercentiles(measured));
    }

    void stage(int index)
    {
        const StageResult& s = m_r.stages[index];
        m_report.blocks.append(ReportPageBreak{});
        heading(1, QStringLiteral("Stage %1: %2").arg(index + 1).arg(s.name));
        paragraph(
            QStringLiteral("%1. Gateway: %2. Upstream: %3.")
                .arg(loadText(s.scenario), gatewayText(s.scenario), upstreamText(s.scenario)));
        if (s.failed())
            paragraph(QStringLiteral("This stage failed%1: %2")
                          .arg(s.measured() ? QStringLiteral(" after %1 of %2 runs")
                                                  .arg(s.runs.size())
                                                  .arg(s.plannedRuns)
                                            : QStringLiteral(", no run was measured"),
                               s.failure),
                      true);
        if (!s.measured())
            return;

        const GroupStatistics& st = s.group.statistics;
        ReportTable t;
        t.caption = s.name;
        t.header = {QStringLiteral("RUN #"), QStringLiteral("99% latency (ms)"),
                    QStringLiteral("Throughput (rps)")};
        for (qsizetype r = 0; r < s.group.runs.size(); ++r)
            t.rows.append({QString::number(r + 1), fmt::ms(s.group.runs[r].p99Ms),
                           fmt::rps(s.group.runs[r].rps)});
        t.emphasizedRows.append(int(t.rows.size()));
        t.rows.append({QStringLiteral("Average of %1 run%2")
                           .arg(st.runs)
                           .arg(st.runs == 1 ? QString() : QStringLiteral("s")),
                       fmt::ms(st.meanP99Ms), fmt::rps(st.meanRps)});
        if (st.runs > 1) {
            if (st.unstable)
                t.flaggedRows.append(int(t.rows.size()));
            t.rows.append({QStringLiteral("Min\u2013max"),
                           fmt::ms(st.minP99Ms) + QStringLiteral("\u2013") + fmt::ms(st.maxP99Ms),
                           fmt::rps(st.minRps) + QStringLiteral("\u2013") + fmt::rps(st.maxRps)});
            t.rows.append({QStringLiteral("Coefficient of variation"), fmt::percent(st.cvP99 * 100),
                           fmt::percent(st.cvRps * 100)});
        }
        table(t);
        if (s.group.delta)
            paragraph(QStringLiteral("Delta to %1: %2.")
                          .arg(m_r.stages.first().name,
                               fmt::deltaSentence(s.group.delta->p99AddedMs,
                                                  s.group.delta->throughputChangePercent)));
        if (st.unstable)
            paragraph(QStringLiteral("These runs disagree by more than %1 (coefficient of "
                                     "variation): min\u2013max shown; treat the average with "
                                     "care.")
                          .arg(fmt::percent(kUnstableCv * 100)),
                      true);
        if (!s.group.inconsistentSettings.isEmpty())
            paragraph(QStringLiteral("Its runs used different settings: %1")
                          .arg(s.group.inconsistentSettings.join(QStringLiteral(", "))),
                      true);
        for (const ThresholdCheck& c : s.thresholds)
            paragraph(QStringLiteral("Threshold %1: %2 (%3).")
                          .arg(c.condition(),
                               c.passed ? QStringLiteral("pass") : QStringLiteral("FAIL"),
                               c.measuredText()),
                      !c.passed);
        chart(throughputOverTime(s));
        chart(p99OverTime(s));
        for (const EnvironmentInfo& h : m_r.hosts)
            chart(cpuOnHost(s, h.hostName));
    }

    void differences()
    {
        if (m_r.comparison.differences.isEmpty())
            return;
        heading(1, QStringLiteral("Settings that differ between stages"));
        ReportTable t;
        t.header = {QStringLiteral("Setting")};
        for (const ComparisonGroup& g : m_r.comparison.groups)
            t.header.append(g.name);
        t.labelColumns = int(t.header.size());
        for (const SettingDifference& d : m_r.comparison.differences)
            t.rows.append(QStringList{d.setting} + d.values);
        table(t);
    }

    const StudyResult& m_r;
    StudyReport m_report;
};

} // namespace

QList<ReportTable> StudyReport::tables() const
{
    QList<ReportTable> out;
    for (const ReportBlock& b : blocks)
        if (const auto* t = std::get_if<ReportTable>(&b))
            out.append(*t);
    return out;
}

StudyReport buildStudyReport(const StudyResult& result)
{
    return Builder(result).build();
}

} // namespace gb::app
