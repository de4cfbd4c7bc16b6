#include "app/study/study_json.h"

#include "app/builtin_scenarios.h"
#include "app/json_members.h"
#include "app/json_text.h"
#include "app/scenario_json.h"

#include <QFile>
#include <QJsonArray>
#include <QSaveFile>

namespace gb::app {

namespace {

QJsonObject thresholdsToJson(const StageThresholds& t)
{
    QJsonObject o;
    auto put = [&](const char* key, const std::optional<double>& v) {
        if (v)
            o.insert(QLatin1String(key), *v);
    };
    put("maxP99Ms", t.maxP99Ms);
    put("minRps", t.minRps);
    put("maxDeltaP99Ms", t.maxDeltaP99Ms);
    put("maxThroughputLossPercent", t.maxThroughputLossPercent);
    return o;
}

void readStage(const QJsonValue& value, const QString& path, StudyStage& stage, QString& error)
{
    if (!value.isObject()) {
        error = path + QStringLiteral(" must be an object with \"name\" and \"scenario\"");
        return;
    }
    JsonMembers m(value.toObject(), path, error);
    m.string(QStringLiteral("name"), stage.name);
    m.integer(QStringLiteral("repeats"), stage.repeats);
    JsonMembers t = m.object(QStringLiteral("thresholds"));
    t.optionalNumber(QStringLiteral("maxP99Ms"), stage.thresholds.maxP99Ms);
    t.optionalNumber(QStringLiteral("minRps"), stage.thresholds.minRps);
    t.optionalNumber(QStringLiteral("maxDeltaP99Ms"), stage.thresholds.maxDeltaP99Ms);
    t.optionalNumber(QStringLiteral("maxThroughputLossPercent"),
                     stage.thresholds.maxThroughputLossPercent);
    if (!error.isEmpty())
        return;

    const bool builtin = m.has(QStringLiteral("builtin"));
    const bool inlined = m.has(QStringLiteral("scenario"));
    if (builtin == inlined) {
        error = path + QStringLiteral(" needs either \"scenario\": {...} or \"builtin\": \"%1\"")
                           .arg(builtinScenarioNames().join(QLatin1Char('|')));
        return;
    }
    Result<Scenario> scenario = Result<Scenario>::failure(QString());
    if (builtin) {
        QString name;
        m.string(QStringLiteral("builtin"), name);
        if (!error.isEmpty())
            return;
        scenario = builtinScenario(name);
        if (!scenario)
            error = m.pathOf(QStringLiteral("builtin")) + QStringLiteral(": ") + scenario.error();
    } else {
        const QJsonValue v = m.value(QStringLiteral("scenario"));
        if (!v.isObject()) {
            m.fail(QStringLiteral("scenario"), QStringLiteral("must be an object ({...})"));
            return;
        }
        scenario = scenarioFromJson(v.toObject());
        if (!scenario) {
            // The scenario reader names members from its own root; this puts them in the study.
            const QString e = scenario.error();
            const bool aboutMember =
                e.indexOf(QStringLiteral(" must ")) == e.section(QLatin1Char(' '), 0, 0).size();
            error = aboutMember ? m.pathOf(QStringLiteral("scenario.")) + e
                                : m.pathOf(QStringLiteral("scenario: ")) + e;
        }
    }
    if (scenario)
        stage.scenario = std::move(scenario).value();
}

} // namespace

const QStringList& studyKeyOrder()
{
    static const QStringList order = [] {
        QStringList o = {
            QStringLiteral("version"),
            QStringLiteral("id"),
            QStringLiteral("name"),
            QStringLiteral("description"),
            QStringLiteral("status"),
            QStringLiteral("passed"),
            QStringLiteral("scalingNote"),
            QStringLiteral("createdAt"),
            QStringLiteral("updatedAt"),
            QStringLiteral("finishedAt"),
            QStringLiteral("reference"),
            QStringLiteral("localScaling"),
            QStringLiteral("mode"),
            QStringLiteral("fraction"),
            QStringLiteral("calibrationDuration"),
            QStringLiteral("fixed"),
            QStringLiteral("repeats"),
            QStringLiteral("builtin"),
            QStringLiteral("failure"),
            QStringLiteral("thresholds"),
            QStringLiteral("maxP99Ms"),
            QStringLiteral("minRps"),
            QStringLiteral("maxDeltaP99Ms"),
            QStringLiteral("maxThroughputLossPercent"),
        };
        o += scenarioKeyOrder();
        return o;
    }();
    return order;
}

QJsonObject loadProfileToJson(const LoadProfile& p)
{
    return {{QStringLiteral("connections"), p.connections},
            {QStringLiteral("perWorkerRate"), p.perWorkerRate},
            {QStringLiteral("duration"), formatDuration(p.duration)}};
}

bool loadProfileFromJson(const QJsonObject& object, const QString& path, LoadProfile& profile,
                         QString& error)
{
    JsonMembers m(object, path, error);
    m.integer(QStringLiteral("connections"), profile.connections);
    m.number(QStringLiteral("perWorkerRate"), profile.perWorkerRate);
    m.duration(QStringLiteral("duration"), profile.duration);
    return error.isEmpty();
}

QJsonObject studyToJson(const Study& study)
{
    QJsonArray stages;
    for (const StudyStage& s : study.stages) {
        QJsonObject stage{{QStringLiteral("name"), s.name},
                          {QStringLiteral("repeats"), s.repeats},
                          {QStringLiteral("scenario"), scenarioToJson(s.scenario)}};
        if (!s.thresholds.isEmpty())
            stage.insert(QStringLiteral("thresholds"), thresholdsToJson(s.thresholds));
        stages.append(stage);
    }
    const LocalScaling& ls = study.localScaling;
    QJsonObject scaling{{QStringLiteral("mode"), toKeyword(ls.mode)}};
    if (ls.mode == ScalingMode::Fixed)
        scaling.insert(QStringLiteral("fixed"), loadProfileToJson(ls.fixed));
    if (ls.mode == ScalingMode::Calibrate) {
        scaling.insert(QStringLiteral("calibrationDuration"),
                       formatDuration(ls.calibrationDuration));
        scaling.insert(QStringLiteral("fraction"), ls.fraction);
        scaling.insert(QStringLiteral("duration"), formatDuration(ls.duration));
    }
    QJsonObject o{
        {QStringLiteral("version"), kStudyFormatVersion},
        {QStringLiteral("name"), study.name},
        {QStringLiteral("description"), study.description},
        {QStringLiteral("topology"),
         QJsonObject{{QStringLiteral("kind"), toKeyword(study.topology.kind)}}},
        {QStringLiteral("localScaling"), scaling},
        {QStringLiteral("stages"), stages},
    };
    if (study.reference)
        o.insert(QStringLiteral("reference"), loadProfileToJson(*study.reference));
    return o;
}

Result<Study> studyFromJson(const QJsonObject& object)
{
    const QJsonValue version = object.value(QStringLiteral("version"));
    if (version.isUndefined())
        return Result<Study>::failure(
            QStringLiteral("this is not a GateBench study (it has no \"version\")"));
    if (version.toDouble() != kStudyFormatVersion)
        return Result<Study>::failure(
            QStringLiteral("study format version %1 is not supported (this GateBench reads "
                           "version %2)")
                .arg(version.isDouble() ? QString::number(version.toDouble())
                                        : QStringLiteral("\"%1\"").arg(version.toString()))
                .arg(kStudyFormatVersion));

    QString error;
    Study study;
    JsonMembers root(object, QString(), error);
    root.string(QStringLiteral("name"), study.name);
    root.string(QStringLiteral("description"), study.description);
    JsonMembers topology = root.object(QStringLiteral("topology"));
    if (topology.has(QStringLiteral("kind"))) {
        QString kind;
        topology.string(QStringLiteral("kind"), kind);
        if (const auto k = topologyKindFromKeyword(kind))
            study.topology.kind = *k;
        else
            topology.fail(QStringLiteral("kind"), QStringLiteral("must be one of \"local\""));
    }
    if (root.has(QStringLiteral("reference"))) {
        const JsonMembers ref = root.object(QStringLiteral("reference"));
        LoadProfile profile;
        if (error.isEmpty() && loadProfileFromJson(ref.raw(), ref.path(), profile, error))
            study.reference = profile;
    }
    JsonMembers scaling = root.object(QStringLiteral("localScaling"));
    if (scaling.has(QStringLiteral("mode"))) {
        QString mode;
        scaling.string(QStringLiteral("mode"), mode);
        if (const auto m = scalingModeFromKeyword(mode))
            study.localScaling.mode = *m;
        else
            scaling.fail(QStringLiteral("mode"),
                         QStringLiteral("must be one of \"none\", \"fixed\", \"calibrate\""));
    }
    if (scaling.has(QStringLiteral("fixed"))) {
        const JsonMembers fixed = scaling.object(QStringLiteral("fixed"));
        if (error.isEmpty())
            loadProfileFromJson(fixed.raw(), fixed.path(), study.localScaling.fixed, error);
    }
    scaling.duration(QStringLiteral("calibrationDuration"), study.localScaling.calibrationDuration);
    scaling.number(QStringLiteral("fraction"), study.localScaling.fraction);
    scaling.duration(QStringLiteral("duration"), study.localScaling.duration);

    const QJsonValue stages = object.value(QStringLiteral("stages"));
    if (!stages.isUndefined() && !stages.isArray())
        root.fail(QStringLiteral("stages"), QStringLiteral("must be a list of stages ([...])"));
    const QJsonArray array = stages.toArray();
    for (qsizetype i = 0; i < array.size() && error.isEmpty(); ++i) {
        StudyStage stage;
        readStage(array[i], QStringLiteral("stages[%1]").arg(i), stage, error);
        study.stages.append(stage);
    }
    if (!error.isEmpty())
        return Result<Study>::failure(error);
    return study;
}

QByteArray studyToText(const Study& study)
{
    return writeOrderedJson(studyToJson(study), studyKeyOrder());
}

Result<Study> studyFromText(const QByteArray& text)
{
    QJsonValue value;
    QString error;
    if (!parseJsonValue(text, value, error))
        return Result<Study>::failure(error);
    if (!value.isObject())
        return Result<Study>::failure(QStringLiteral("a study must be a JSON object ({...})"));
    return studyFromJson(value.toObject());
}

Result<Study> loadStudyFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<Study>::failure(
            QStringLiteral("%1: cannot be read: %2").arg(path, file.errorString()));
    constexpr qint64 kMaxBytes = 16 * 1024 * 1024;
    if (file.size() > kMaxBytes)
        return Result<Study>::failure(
            QStringLiteral("%1: is too large to be a study (over 16 MB)").arg(path));
    auto result = studyFromText(file.readAll());
    if (!result)
        return Result<Study>::failure(path + QStringLiteral(": ") + result.error());
    return result;
}

QString saveStudyFile(const Study& study, const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    file.write(studyToText(study));
    if (!file.commit())
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    return {};
}

} // namespace gb::app
