#include "app/study/study_result_json.h"

#include "app/json_text.h"
#include "app/scenario_json.h"
#include "app/snapshot_json.h"
#include "app/study/study_json.h"

#include <QJsonArray>
#include <QSaveFile>

#include <cmath>

namespace gb::app {

namespace {

QJsonValue number(double v)
{
    return std::isnan(v) ? QJsonValue() : QJsonValue(v);
}

QJsonObject runToSummaryJson(const RunRecord& run, int number_)
{
    const RunSummary& s = run.summary;
    QJsonObject codes;
    for (auto it = s.statusCodes.begin(); it != s.statusCodes.end(); ++it)
        codes.insert(QString::number(it.key()), double(it.value()));
    QJsonObject errors;
    for (auto it = s.errorsByClass.begin(); it != s.errorsByClass.end(); ++it)
        errors.insert(it.key(), double(it.value()));
    return {
        {QStringLiteral("number"), number_},
        {QStringLiteral("id"), run.id},
        {QStringLiteral("name"), run.name},
        {QStringLiteral("status"), toKeyword(run.status)},
        {QStringLiteral("startedAt"), run.startedAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("finishedAt"), run.finishedAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("file"), run.filePath},
        {QStringLiteral("host"), run.environment.hostName},
        {QStringLiteral("requests"), double(s.requests)},
        {QStringLiteral("durationS"), s.durationS},
        {QStringLiteral("rps"), s.rps},
        {QStringLiteral("targetRps"), s.targetRps},
        {QStringLiteral("latencyMs"), latencyToJson(s.latency)},
        {QStringLiteral("errors"), double(s.errors)},
        {QStringLiteral("errorsByClass"), errors},
        {QStringLiteral("statusCodes"), codes},
    };
}

QJsonObject stageToJson(const StageResult& s)
{
    QJsonArray runs;
    for (qsizetype i = 0; i < s.runs.size(); ++i)
        runs.append(runToSummaryJson(s.runs[i], int(i) + 1));
    QJsonArray thresholds;
    for (const ThresholdCheck& c : s.thresholds)
        thresholds.append(QJsonObject{
            {QStringLiteral("threshold"), toKeyword(c.kind)},
            {QStringLiteral("condition"), c.condition()},
            {QStringLiteral("limit"), c.limit},
            {QStringLiteral("measured"), c.measured ? number(*c.measured) : QJsonValue()},
            {QStringLiteral("passed"), c.passed},
        });
    QJsonObject o{
        {QStringLiteral("name"), s.name},
        {QStringLiteral("plannedRuns"), s.plannedRuns},
        {QStringLiteral("measuredRuns"), int(s.runs.size())},
        {QStringLiteral("failure"), s.failure.isEmpty() ? QJsonValue() : QJsonValue(s.failure)},
        {QStringLiteral("settings"), scenarioToJson(s.scenario)},
        {QStringLiteral("runs"), runs},
        {QStringLiteral("thresholds"), thresholds},
        {QStringLiteral("thresholdsHold"), s.thresholdsHold()},
    };
    if (s.measured()) {
        const GroupStatistics& st = s.group.statistics;
        o.insert(QStringLiteral("average"), QJsonObject{{QStringLiteral("p99Ms"), st.meanP99Ms},
                                                        {QStringLiteral("rps"), st.meanRps}});
        o.insert(QStringLiteral("min"), QJsonObject{{QStringLiteral("p99Ms"), st.minP99Ms},
                                                    {QStringLiteral("rps"), st.minRps}});
        o.insert(QStringLiteral("max"), QJsonObject{{QStringLiteral("p99Ms"), st.maxP99Ms},
                                                    {QStringLiteral("rps"), st.maxRps}});
        o.insert(QStringLiteral("cv"),
                 QJsonObject{{QStringLiteral("p99"), st.cvP99}, {QStringLiteral("rps"), st.cvRps}});
        o.insert(QStringLiteral("unstable"), st.unstable);
        o.insert(QStringLiteral("inconsistentSettings"),
                 QJsonArray::fromStringList(s.group.inconsistentSettings));
    }
    if (s.group.delta)
        o.insert(QStringLiteral("delta"),
                 QJsonObject{
                     {QStringLiteral("p99AddedMs"), number(s.group.delta->p99AddedMs)},
                     {QStringLiteral("throughputChangePercent"),
                      number(s.group.delta->throughputChangePercent)},
                     {QStringLiteral("throughputLossPercent"),
                      number(-s.group.delta->throughputChangePercent)},
                 });
    return o;
}

QJsonArray tablesToJson(const StudyReport& report)
{
    QJsonArray tables;
    for (const ReportTable& t : report.tables()) {
        QJsonArray rows;
        for (const QStringList& row : t.rows)
            rows.append(QJsonArray::fromStringList(row));
        tables.append(QJsonObject{{QStringLiteral("caption"), t.caption},
                                  {QStringLiteral("header"), QJsonArray::fromStringList(t.header)},
                                  {QStringLiteral("rows"), rows}});
    }
    return tables;
}

} // namespace

QJsonObject studyResultToJson(const StudyResult& r, const StudyReport& report)
{
    QJsonArray hosts;
    for (const EnvironmentInfo& h : r.hosts)
        hosts.append(h.toJson());
    QJsonArray stages;
    for (const StageResult& s : r.stages)
        stages.append(stageToJson(s));
    QJsonArray differences;
    for (const SettingDifference& d : r.comparison.differences)
        differences.append(
            QJsonObject{{QStringLiteral("setting"), d.setting},
                        {QStringLiteral("values"), QJsonArray::fromStringList(d.values)}});
    QJsonObject o{
        {QStringLiteral("version"), kStudyResultFormatVersion},
        {QStringLiteral("id"), r.id},
        {QStringLiteral("name"), r.study.name},
        {QStringLiteral("status"), toKeyword(r.status)},
        {QStringLiteral("passed"), r.passed()},
        {QStringLiteral("problems"), QJsonArray::fromStringList(r.problems())},
        {QStringLiteral("scalingNote"), r.scaling ? QJsonValue(r.scaling->note) : QJsonValue()},
        {QStringLiteral("createdAt"), r.createdAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("updatedAt"), r.updatedAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("directory"), r.directory},
        {QStringLiteral("study"), studyToJson(r.study)},
        {QStringLiteral("environment"), hosts},
        {QStringLiteral("stages"), stages},
        {QStringLiteral("baselineMeasured"), r.baselineMeasured},
        {QStringLiteral("differences"), differences},
        {QStringLiteral("tables"), tablesToJson(report)},
    };
    if (r.scaling) {
        QJsonObject scaling{{QStringLiteral("profile"), loadProfileToJson(r.scaling->profile)},
                            {QStringLiteral("note"), r.scaling->note}};
        if (!r.scaling->calibrationRunId.isEmpty()) {
            scaling.insert(QStringLiteral("calibrationRps"), r.scaling->calibrationRps);
            scaling.insert(QStringLiteral("calibrationRunId"), r.scaling->calibrationRunId);
        }
        o.insert(QStringLiteral("scaling"), scaling);
    }
    return o;
}

QString saveStudyResultJson(const StudyResult& result, const StudyReport& report,
                            const QString& path)
{
    QSaveFile file(path);
    const QStringList order = studyKeyOrder() + QStringList{QStringLiteral("problems"),
                                                            QStringLiteral("directory"),
                                                            QStringLiteral("scaling"),
                                                            QStringLiteral("environment"),
                                                            QStringLiteral("baselineMeasured"),
                                                            QStringLiteral("study"),
                                                            QStringLiteral("stages"),
                                                            QStringLiteral("differences"),
                                                            QStringLiteral("tables")};
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(writeOrderedJson(studyResultToJson(result, report), order)) < 0 ||
        !file.commit())
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    return {};
}

} // namespace gb::app
