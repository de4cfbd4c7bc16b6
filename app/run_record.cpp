#include "app/run_record.h"

#include "app/json_text.h"
#include "app/scenario_json.h"
#include "app/snapshot_json.h"
#include "engine/snapshot_totals.h"

#include <QJsonArray>
#include <QRandomGenerator>

#include <cmath>

namespace gb::app {

namespace {

QStringList runKeyOrder()
{
    QStringList order = {
        QStringLiteral("version"),
        QStringLiteral("id"),
        QStringLiteral("name"),
        QStringLiteral("tags"),
        QStringLiteral("status"),
        QStringLiteral("error"),
        QStringLiteral("startedAt"),
        QStringLiteral("finishedAt"),
        QStringLiteral("summary"),
        QStringLiteral("scenario"),
        QStringLiteral("environment"),
        QStringLiteral("report"),
        QStringLiteral("series"),
        QStringLiteral("hostSamples"),
        QStringLiteral("incomplete"),
        QStringLiteral("agents"),
        QStringLiteral("host"),
        QStringLiteral("lost"),
        // summary and snapshots (engine::snapshotToJson's members)
        QStringLiteral("index"),
        QStringLiteral("elapsed_s"),
        QStringLiteral("interval_s"),
        QStringLiteral("warmup"),
        QStringLiteral("requests"),
        QStringLiteral("durationS"),
        QStringLiteral("rps"),
        QStringLiteral("target_rps"),
        QStringLiteral("targetRps"),
        QStringLiteral("total_requests"),
        QStringLiteral("latency_ms"),
        QStringLiteral("latencyMs"),
        QStringLiteral("min"),
        QStringLiteral("mean"),
        QStringLiteral("p50"),
        QStringLiteral("p90"),
        QStringLiteral("p95"),
        QStringLiteral("p99"),
        QStringLiteral("p999"),
        QStringLiteral("max"),
        QStringLiteral("errors"),
        QStringLiteral("total_errors"),
        QStringLiteral("errors_by_class"),
        QStringLiteral("errorsByClass"),
        QStringLiteral("status_codes"),
        QStringLiteral("statusCodes"),
        QStringLiteral("late_sends"),
        QStringLiteral("lateSends"),
        QStringLiteral("in_flight"),
        QStringLiteral("service_ms"),
        // host samples
        QStringLiteral("machineCpuPercent"),
        QStringLiteral("memoryTotalBytes"),
        QStringLiteral("memoryAvailableBytes"),
        QStringLiteral("processes"),
        QStringLiteral("role"),
        QStringLiteral("pid"),
        QStringLiteral("alive"),
        QStringLiteral("cpuPercent"),
        QStringLiteral("rssBytes"),
    };
    order += scenarioKeyOrder();
    // The long base64 strings last, so the figures are what a reader sees first.
    order += {QStringLiteral("histogram"), QStringLiteral("service_histogram")};
    return order;
}

QJsonObject summaryToJson(const RunSummary& s)
{
    QJsonObject errorsByClass, statusCodes;
    for (auto it = s.errorsByClass.begin(); it != s.errorsByClass.end(); ++it)
        errorsByClass.insert(it.key(), double(it.value()));
    for (auto it = s.statusCodes.begin(); it != s.statusCodes.end(); ++it)
        statusCodes.insert(QString::number(it.key()), double(it.value()));
    return {{QStringLiteral("requests"), double(s.requests)},
            {QStringLiteral("durationS"), s.durationS},
            {QStringLiteral("rps"), s.rps},
            {QStringLiteral("targetRps"), s.targetRps},
            {QStringLiteral("latencyMs"), latencyToJson(s.latency)},
            {QStringLiteral("errors"), double(s.errors)},
            {QStringLiteral("errorsByClass"), errorsByClass},
            {QStringLiteral("statusCodes"), statusCodes},
            {QStringLiteral("lateSends"), double(s.lateSends)},
            {QStringLiteral("histogram"), s.histogram}};
}

RunSummary summaryFromJson(const QJsonObject& o)
{
    RunSummary s;
    s.requests = std::uint64_t(o.value(QStringLiteral("requests")).toDouble());
    s.durationS = o.value(QStringLiteral("durationS")).toDouble();
    s.rps = o.value(QStringLiteral("rps")).toDouble();
    s.targetRps = o.value(QStringLiteral("targetRps")).toDouble();
    s.latency = latencyFromJson(o.value(QStringLiteral("latencyMs")).toObject());
    s.errors = std::uint64_t(o.value(QStringLiteral("errors")).toDouble());
    const QJsonObject errors = o.value(QStringLiteral("errorsByClass")).toObject();
    for (auto it = errors.begin(); it != errors.end(); ++it)
        s.errorsByClass.insert(it.key(), std::uint64_t(it.value().toDouble()));
    const QJsonObject codes = o.value(QStringLiteral("statusCodes")).toObject();
    for (auto it = codes.begin(); it != codes.end(); ++it)
        s.statusCodes.insert(it.key().toInt(), std::uint64_t(it.value().toDouble()));
    s.lateSends = std::uint64_t(o.value(QStringLiteral("lateSends")).toDouble());
    s.histogram = o.value(QStringLiteral("histogram")).toString();
    return s;
}

QJsonObject hostSampleToJson(const HostSample& h)
{
    QJsonArray processes;
    for (const ProcessSample& p : h.processes)
        processes.append(QJsonObject{{QStringLiteral("role"), p.role},
                                     {QStringLiteral("pid"), double(p.pid)},
                                     {QStringLiteral("alive"), p.alive},
                                     {QStringLiteral("cpuPercent"), p.cpuPercent},
                                     {QStringLiteral("rssBytes"), double(p.rssBytes)}});
    QJsonObject o{{QStringLiteral("elapsedS"), h.elapsedS},
                  {QStringLiteral("machineCpuPercent"), h.machineCpuPercent},
                  {QStringLiteral("machineCpuSource"), h.machineCpuSource},
                  {QStringLiteral("memoryTotalBytes"), double(h.memoryTotalBytes)},
                  {QStringLiteral("memoryAvailableBytes"), double(h.memoryAvailableBytes)},
                  {QStringLiteral("processes"), processes}};
    if (!h.hosts.isEmpty()) {
        QJsonArray hosts;
        for (const MachineSample& m : h.hosts)
            hosts.append(QJsonObject{
                {QStringLiteral("host"), m.host},
                {QStringLiteral("source"), m.source},
                {QStringLiteral("userPercent"), m.userPercent},
                {QStringLiteral("systemPercent"), m.systemPercent},
                {QStringLiteral("iowaitPercent"), m.iowaitPercent},
                {QStringLiteral("stealPercent"), m.stealPercent},
                {QStringLiteral("memoryTotalBytes"), double(m.memoryTotalBytes)},
                {QStringLiteral("memoryAvailableBytes"), double(m.memoryAvailableBytes)}});
        o.insert(QStringLiteral("hosts"), hosts);
    }
    return o;
}

HostSample hostSampleFromJson(const QJsonObject& o)
{
    HostSample h;
    h.elapsedS = o.value(QStringLiteral("elapsedS")).toDouble();
    h.machineCpuPercent = o.value(QStringLiteral("machineCpuPercent")).toDouble();
    h.machineCpuSource = o.value(QStringLiteral("machineCpuSource"))
                             .toString(QString::fromLatin1(HostSample::kMachineCpuFromProcStat));
    h.memoryTotalBytes = qint64(o.value(QStringLiteral("memoryTotalBytes")).toDouble());
    h.memoryAvailableBytes = qint64(o.value(QStringLiteral("memoryAvailableBytes")).toDouble());
    for (const QJsonValue& v : o.value(QStringLiteral("processes")).toArray()) {
        const QJsonObject p = v.toObject();
        h.processes.append({p.value(QStringLiteral("role")).toString(),
                            qint64(p.value(QStringLiteral("pid")).toDouble()),
                            p.value(QStringLiteral("alive")).toBool(true),
                            p.value(QStringLiteral("cpuPercent")).toDouble(),
                            qint64(p.value(QStringLiteral("rssBytes")).toDouble())});
    }
    for (const QJsonValue& v : o.value(QStringLiteral("hosts")).toArray()) {
        const QJsonObject m = v.toObject();
        h.hosts.append({m.value(QStringLiteral("host")).toString(),
                        m.value(QStringLiteral("source")).toString(),
                        m.value(QStringLiteral("userPercent")).toDouble(),
                        m.value(QStringLiteral("systemPercent")).toDouble(),
                        m.value(QStringLiteral("iowaitPercent")).toDouble(),
                        m.value(QStringLiteral("stealPercent")).toDouble(),
                        qint64(m.value(QStringLiteral("memoryTotalBytes")).toDouble()),
                        qint64(m.value(QStringLiteral("memoryAvailableBytes")).toDouble())});
    }
    return h;
}

QString formatTime(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QString csvNumber(double v)
{
    return QString::number(v, 'f', 3);
}

} // namespace

QString toKeyword(RunStatus status)
{
    switch (status) {
    case RunStatus::Completed:
        return QStringLiteral("completed");
    case RunStatus::Stopped:
        return QStringLiteral("stopped");
    case RunStatus::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

RunSummary RunSummary::fromSeries(const std::vector<engine::Snapshot>& series)
{
    engine::SnapshotTotals totals;
    for (const engine::Snapshot& snap : series)
        totals.add(snap);
    RunSummary s;
    s.requests = totals.requests();
    s.durationS = totals.seconds();
    s.rps = totals.rps();
    s.targetRps = totals.targetRps();
    s.errors = totals.errors();
    s.lateSends = totals.lateSends();
    for (const auto& [name, count] : totals.errorsByClass())
        s.errorsByClass[QString::fromStdString(name)] = count;
    for (const auto& [code, count] : totals.statusCodes())
        s.statusCodes[code] = count;
    s.latency = engine::LatencySummary::from(totals.latency());
    s.histogram = QString::fromStdString(totals.latency().serialize());
    return s;
}

QString RunRecord::makeId(const QDateTime& startedAt)
{
    return startedAt.toUTC().toString(QStringLiteral("yyyyMMdd-HHmmss")) + QLatin1Char('-') +
           QString::number(QRandomGenerator::global()->bounded(0x10000), 16)
               .rightJustified(4, QLatin1Char('0'));
}

QJsonObject runToJson(const RunRecord& run)
{
    QJsonArray series, hostSamples;
    for (const engine::Snapshot& s : run.series)
        series.append(snapshotToJson(s));
    for (const HostSample& h : run.hostSamples)
        hostSamples.append(hostSampleToJson(h));
    QJsonArray agents;
    for (const AgentSeries& a : run.agents) {
        QJsonArray own;
        for (const engine::Snapshot& s : a.series)
            own.append(snapshotToJson(s));
        agents.append(QJsonObject{{QStringLiteral("host"), a.host},
                                  {QStringLiteral("lost"), a.lost},
                                  {QStringLiteral("series"), own}});
    }
    return {{QStringLiteral("version"), kRunFormatVersion},
            {QStringLiteral("id"), run.id},
            {QStringLiteral("name"), run.name},
            {QStringLiteral("tags"), QJsonArray::fromStringList(run.tags)},
            {QStringLiteral("status"), toKeyword(run.status)},
            {QStringLiteral("error"), run.error},
            {QStringLiteral("startedAt"), formatTime(run.startedAt)},
            {QStringLiteral("finishedAt"), formatTime(run.finishedAt)},
            {QStringLiteral("summary"), summaryToJson(run.summary)},
            {QStringLiteral("scenario"), scenarioToJson(run.scenario)},
            {QStringLiteral("environment"), run.environment.toJson()},
            {QStringLiteral("report"), run.report},
            {QStringLiteral("series"), series},
            {QStringLiteral("hostSamples"), hostSamples},
            {QStringLiteral("incomplete"), run.incomplete},
            {QStringLiteral("agents"), agents}};
}

Result<RunRecord> runFromJson(const QJsonObject& o)
{
    using R = Result<RunRecord>;
    const QJsonValue version = o.value(QStringLiteral("version"));
    if (!o.contains(QStringLiteral("series")) || !o.contains(QStringLiteral("scenario")))
        return R::failure(
            QStringLiteral("this is not a GateBench run (no \"series\" or \"scenario\")"));
    if (version.toDouble() != kRunFormatVersion && version.toDouble() != 1)
        return R::failure(
            QStringLiteral(
                "run format version %1 is not supported (this GateBench reads versions 1 to %2)")
                .arg(version.toVariant().toString())
                .arg(kRunFormatVersion));
    RunRecord run;
    run.id = o.value(QStringLiteral("id")).toString();
    if (run.id.isEmpty())
        return R::failure(QStringLiteral("the run has no \"id\""));
    run.name = o.value(QStringLiteral("name")).toString();
    for (const QJsonValue& t : o.value(QStringLiteral("tags")).toArray())
        run.tags.append(t.toString());
    const QString status = o.value(QStringLiteral("status")).toString();
    if (status == QLatin1String("completed"))
        run.status = RunStatus::Completed;
    else if (status == QLatin1String("stopped"))
        run.status = RunStatus::Stopped;
    else if (status == QLatin1String("failed"))
        run.status = RunStatus::Failed;
    else
        return R::failure(
            QStringLiteral("status must be \"completed\", \"stopped\" or \"failed\", not \"%1\"")
                .arg(status));
    run.error = o.value(QStringLiteral("error")).toString();
    run.startedAt =
        QDateTime::fromString(o.value(QStringLiteral("startedAt")).toString(), Qt::ISODateWithMs);
    run.finishedAt =
        QDateTime::fromString(o.value(QStringLiteral("finishedAt")).toString(), Qt::ISODateWithMs);
    auto scenario = scenarioFromJson(o.value(QStringLiteral("scenario")).toObject());
    if (!scenario)
        return R::failure(QStringLiteral("scenario: ") + scenario.error());
    run.scenario = std::move(scenario).value();
    run.environment = EnvironmentInfo::fromJson(o.value(QStringLiteral("environment")).toObject());
    run.report = o.value(QStringLiteral("report")).toString();
    const bool version1 = version.toDouble() == 1;
    for (const QJsonValue& v : o.value(QStringLiteral("series")).toArray()) {
        auto snapshot =
            snapshotFromJson(version1 ? snapshotFromVersion1(v.toObject()) : v.toObject());
        if (!snapshot)
            return R::failure(
                QStringLiteral("series[%1]: %2").arg(run.series.size()).arg(snapshot.error()));
        run.series.push_back(std::move(snapshot).value());
    }
    for (const QJsonValue& v : o.value(QStringLiteral("hostSamples")).toArray())
        run.hostSamples.append(hostSampleFromJson(v.toObject()));
    run.incomplete = o.value(QStringLiteral("incomplete")).toBool();
    for (const QJsonValue& v : o.value(QStringLiteral("agents")).toArray()) {
        const QJsonObject a = v.toObject();
        AgentSeries agent{a.value(QStringLiteral("host")).toString(),
                          {},
                          a.value(QStringLiteral("lost")).toString()};
        for (const QJsonValue& s : a.value(QStringLiteral("series")).toArray()) {
            auto snapshot = snapshotFromJson(s.toObject());
            if (!snapshot)
                return R::failure(QStringLiteral("agents[%1].series: %2")
                                      .arg(run.agents.size())
                                      .arg(snapshot.error()));
            agent.series.push_back(std::move(snapshot).value());
        }
        run.agents.push_back(std::move(agent));
    }
    run.summary = summaryFromJson(o.value(QStringLiteral("summary")).toObject());
    return run;
}

QByteArray runToText(const RunRecord& run)
{
    static const QStringList order = runKeyOrder();
    return writeOrderedJson(runToJson(run), order);
}

Result<RunRecord> runFromText(const QByteArray& text)
{
    QJsonValue value;
    QString error;
    if (!parseJsonValue(text, value, error))
        return Result<RunRecord>::failure(error);
    if (!value.isObject())
        return Result<RunRecord>::failure(QStringLiteral("a run must be a JSON object ({...})"));
    return runFromJson(value.toObject());
}

QByteArray runSeriesCsv(const RunRecord& run)
{
    // One CPU column per role, in the order the roles first appear.
    QStringList roles;
    for (const HostSample& h : run.hostSamples)
        for (const ProcessSample& p : h.processes)
            if (!roles.contains(p.role))
                roles.append(p.role);

    QStringList header = {QStringLiteral("elapsed_s"),
                          QStringLiteral("interval_s"),
                          QStringLiteral("warmup"),
                          QStringLiteral("requests"),
                          QStringLiteral("rps"),
                          QStringLiteral("target_rps"),
                          QStringLiteral("errors"),
                          QStringLiteral("in_flight"),
                          QStringLiteral("late_sends"),
                          QStringLiteral("p50_ms"),
                          QStringLiteral("p90_ms"),
                          QStringLiteral("p99_ms"),
                          QStringLiteral("p999_ms"),
                          QStringLiteral("max_ms"),
                          QStringLiteral("cpu_machine_pct")};
    for (const QString& role : roles)
        header << QStringLiteral("cpu_%1_pct").arg(role)
               << QStringLiteral("rss_%1_bytes").arg(role);

    QByteArray out = header.join(QLatin1Char(',')).toUtf8() + '\n';
    for (const engine::Snapshot& s : run.series) {
        const HostSample* host = nullptr;
        for (const HostSample& h : run.hostSamples)
            if (std::fabs(h.elapsedS - s.elapsedS) < 0.5) {
                host = &h;
                break;
            }
        QStringList row = {csvNumber(s.elapsedS),
                           csvNumber(s.intervalS),
                           s.warmup ? QStringLiteral("1") : QStringLiteral("0"),
                           QString::number(s.requests),
                           csvNumber(s.rps),
                           csvNumber(s.targetRps),
                           QString::number(s.errors),
                           QString::number(s.inFlight),
                           QString::number(s.lateSends),
                           csvNumber(s.latency.p50),
                           csvNumber(s.latency.p90),
                           csvNumber(s.latency.p99),
                           csvNumber(s.latency.p999),
                           csvNumber(s.latency.max),
                           host ? csvNumber(host->machineCpuPercent) : QString()};
        for (const QString& role : roles) {
            const ProcessSample* p = nullptr;
            if (host)
                for (const ProcessSample& candidate : host->processes)
                    if (candidate.role == role)
                        p = &candidate;
            row << (p ? csvNumber(p->cpuPercent) : QString())
                << (p ? QString::number(p->rssBytes) : QString());
        }
        out += row.join(QLatin1Char(',')).toUtf8() + '\n';
    }
    return out;
}

} // namespace gb::app
