#include "app/study/study_state.h"

#include "app/json_text.h"
#include "app/run_record.h"
#include "app/study/study_json.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>

namespace gb::app {

QString toKeyword(StudyStatus status)
{
    switch (status) {
    case StudyStatus::Running:
        return QStringLiteral("running");
    case StudyStatus::Cancelled:
        return QStringLiteral("cancelled");
    case StudyStatus::Finished:
        return QStringLiteral("finished");
    }
    return {};
}

namespace {

std::optional<StudyStatus> statusFromKeyword(const QString& text)
{
    for (StudyStatus s : {StudyStatus::Running, StudyStatus::Cancelled, StudyStatus::Finished})
        if (toKeyword(s) == text)
            return s;
    return std::nullopt;
}

QJsonObject scalingToJson(const ScalingOutcome& s)
{
    QJsonObject o{{QStringLiteral("profile"), loadProfileToJson(s.profile)},
                  {QStringLiteral("note"), s.note}};
    if (!s.calibrationRunId.isEmpty()) {
        o.insert(QStringLiteral("calibrationRps"), s.calibrationRps);
        o.insert(QStringLiteral("calibrationRunId"), s.calibrationRunId);
        o.insert(QStringLiteral("calibrationRunFile"), s.calibrationRunFile);
    }
    return o;
}

} // namespace

StudyState StudyState::create(const Study& study, const QString& studiesDirectory,
                              const QString& runsDirectory)
{
    StudyState s;
    s.createdAt = QDateTime::currentDateTimeUtc();
    s.updatedAt = s.createdAt;
    // Same form as run ids: sortable by time, unique enough for one user's studies.
    s.id = RunRecord::makeId(s.createdAt);
    // Absolute, so the path printed for --resume works from any directory.
    s.directory = QDir(studiesDirectory).absoluteFilePath(s.id);
    s.runsDirectory = QDir(runsDirectory).absolutePath();
    s.study = study;
    s.scaling = fixedScaling(study);
    s.stages.resize(study.stages.size());
    return s;
}

int StudyState::doneRuns() const
{
    int done = 0;
    for (qsizetype i = 0; i < stages.size() && i < study.stages.size(); ++i)
        done += stages[i].failure.isEmpty()
                    ? std::min(int(stages[i].runs.size()), study.stages[i].repeats)
                    : study.stages[i].repeats;
    return done;
}

std::optional<std::pair<int, int>> StudyState::nextRun() const
{
    for (qsizetype i = 0; i < study.stages.size(); ++i) {
        const StageProgress& p = stages.value(i);
        if (p.failure.isEmpty() && p.runs.size() < study.stages[i].repeats)
            return std::pair{int(i), int(p.runs.size())};
    }
    return std::nullopt;
}

std::optional<LoadProfile> StudyState::scalingProfile() const
{
    return scaling ? std::optional(scaling->profile) : std::nullopt;
}

QString StudyState::runName(int stage, int run) const
{
    return QStringLiteral("%1 / %2 #%3")
        .arg(study.name, study.stages.value(stage).name)
        .arg(run + 1);
}

QString StudyState::tag() const
{
    return QStringLiteral("study:") + id;
}

QString defaultStudiesDirectory()
{
    const QString fromEnv = qEnvironmentVariable("GATEBENCH_STUDIES_DIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/studies");
}

QString studyStatePath(const QString& directory)
{
    return QDir(directory).filePath(QStringLiteral("state.json"));
}

QJsonObject studyStateToJson(const StudyState& state)
{
    QJsonArray stages;
    for (qsizetype i = 0; i < state.stages.size(); ++i) {
        QJsonArray runs;
        for (const StudyRunRef& r : state.stages[i].runs)
            runs.append(
                QJsonObject{{QStringLiteral("id"), r.id}, {QStringLiteral("file"), r.filePath}});
        QJsonObject stage{{QStringLiteral("name"), state.study.stages.value(i).name},
                          {QStringLiteral("runs"), runs}};
        if (!state.stages[i].failure.isEmpty())
            stage.insert(QStringLiteral("failure"), state.stages[i].failure);
        stages.append(stage);
    }
    QJsonObject o{
        {QStringLiteral("version"), kStudyStateFormatVersion},
        {QStringLiteral("id"), state.id},
        {QStringLiteral("status"), toKeyword(state.status)},
        {QStringLiteral("createdAt"), state.createdAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("updatedAt"), state.updatedAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("runsDirectory"), state.runsDirectory},
        {QStringLiteral("study"), studyToJson(state.study)},
        {QStringLiteral("progress"), stages},
    };
    if (state.scaling)
        o.insert(QStringLiteral("scaling"), scalingToJson(*state.scaling));
    return o;
}

Result<StudyState> studyStateFromJson(const QJsonObject& o)
{
    using R = Result<StudyState>;
    if (o.value(QStringLiteral("version")).toInt() != kStudyStateFormatVersion)
        return R::failure(QStringLiteral("this is not a GateBench study state (version %1)")
                              .arg(kStudyStateFormatVersion));
    StudyState s;
    s.id = o.value(QStringLiteral("id")).toString();
    const auto status = statusFromKeyword(o.value(QStringLiteral("status")).toString());
    if (s.id.isEmpty() || !status)
        return R::failure(QStringLiteral("the study state has no id or status"));
    s.status = *status;
    s.createdAt =
        QDateTime::fromString(o.value(QStringLiteral("createdAt")).toString(), Qt::ISODateWithMs);
    s.updatedAt =
        QDateTime::fromString(o.value(QStringLiteral("updatedAt")).toString(), Qt::ISODateWithMs);
    s.runsDirectory = o.value(QStringLiteral("runsDirectory")).toString();
    auto study = studyFromJson(o.value(QStringLiteral("study")).toObject());
    if (!study)
        return R::failure(QStringLiteral("study: ") + study.error());
    s.study = std::move(study).value();

    if (o.contains(QStringLiteral("scaling"))) {
        const QJsonObject sc = o.value(QStringLiteral("scaling")).toObject();
        ScalingOutcome outcome;
        QString error;
        if (!loadProfileFromJson(sc.value(QStringLiteral("profile")).toObject(),
                                 QStringLiteral("scaling.profile"), outcome.profile, error))
            return R::failure(error);
        outcome.note = sc.value(QStringLiteral("note")).toString();
        outcome.calibrationRps = sc.value(QStringLiteral("calibrationRps")).toDouble();
        outcome.calibrationRunId = sc.value(QStringLiteral("calibrationRunId")).toString();
        outcome.calibrationRunFile = sc.value(QStringLiteral("calibrationRunFile")).toString();
        s.scaling = outcome;
    }

    const QJsonArray progress = o.value(QStringLiteral("progress")).toArray();
    if (progress.size() != s.study.stages.size())
        return R::failure(QStringLiteral("the study state lists %1 stages, its study has %2")
                              .arg(progress.size())
                              .arg(s.study.stages.size()));
    for (const QJsonValue& v : progress) {
        StageProgress p;
        p.failure = v.toObject().value(QStringLiteral("failure")).toString();
        for (const QJsonValue& r : v.toObject().value(QStringLiteral("runs")).toArray())
            p.runs.append({r.toObject().value(QStringLiteral("id")).toString(),
                           r.toObject().value(QStringLiteral("file")).toString()});
        s.stages.append(p);
    }
    return s;
}

Result<StudyState> loadStudyState(const QString& directory)
{
    const QString path = studyStatePath(directory);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<StudyState>::failure(
            QStringLiteral("%1: cannot be read: %2").arg(path, file.errorString()));
    QJsonValue value;
    QString error;
    if (!parseJsonValue(file.readAll(), value, error))
        return Result<StudyState>::failure(path + QStringLiteral(": ") + error);
    auto state = studyStateFromJson(value.toObject());
    if (!state)
        return Result<StudyState>::failure(path + QStringLiteral(": ") + state.error());
    state->directory = directory;
    return state;
}

QList<StudyState> listStudyStates(const QString& studiesDirectory)
{
    QList<StudyState> states;
    const QDir dir(studiesDirectory);
    for (const QString& name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        if (Result<StudyState> state = loadStudyState(dir.filePath(name)))
            states.append(std::move(state.value()));
    std::stable_sort(states.begin(), states.end(), [](const StudyState& a, const StudyState& b) {
        return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
    });
    return states;
}

QString saveStudyState(StudyState& state)
{
    if (!QDir().mkpath(state.directory))
        return QStringLiteral("%1: the study's directory cannot be created").arg(state.directory);
    state.updatedAt = QDateTime::currentDateTimeUtc();
    const QString path = studyStatePath(state.directory);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(writeOrderedJson(
            studyStateToJson(state),
            studyKeyOrder() + QStringList{QStringLiteral("runsDirectory"),
                                          QStringLiteral("scaling"), QStringLiteral("study"),
                                          QStringLiteral("progress")})) < 0 ||
        !file.commit())
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    return {};
}

} // namespace gb::app
