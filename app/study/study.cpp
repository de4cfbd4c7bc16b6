#include "app/study/study.h"

#include <QSet>

#include <cmath>

namespace gb::app {

namespace {

using namespace std::chrono_literals;

constexpr int kMaxRepeats = 100;
constexpr int kMaxStages = 50;

void checkProfile(QList<ValidationIssue>& issues, const QString& field, const LoadProfile& p)
{
    if (p.connections < 1 || p.connections > 100'000)
        issues.append({field + QStringLiteral(".connections"),
                       QStringLiteral("Workers must be between 1 and 100000")});
    if (!(p.perWorkerRate > 0) || !std::isfinite(p.perWorkerRate))
        issues.append({field + QStringLiteral(".perWorkerRate"),
                       QStringLiteral("The rate per worker must be above 0 requests/s")});
    if (p.duration <= Duration(0) || p.duration > 24h)
        issues.append({field + QStringLiteral(".duration"),
                       QStringLiteral("The duration must be above 0s and at most 24h")});
}

void checkLimit(QList<ValidationIssue>& issues, const QString& field,
                const std::optional<double>& limit)
{
    if (limit && (!std::isfinite(*limit) || *limit < 0))
        issues.append({field, QStringLiteral("A threshold must be a number of 0 or more")});
}

} // namespace

QString toKeyword(ScalingMode mode)
{
    switch (mode) {
    case ScalingMode::None:
        return QStringLiteral("none");
    case ScalingMode::Fixed:
        return QStringLiteral("fixed");
    case ScalingMode::Calibrate:
        return QStringLiteral("calibrate");
    }
    return {};
}

std::optional<ScalingMode> scalingModeFromKeyword(const QString& text)
{
    for (ScalingMode m : {ScalingMode::None, ScalingMode::Fixed, ScalingMode::Calibrate})
        if (toKeyword(m) == text)
            return m;
    return std::nullopt;
}

QList<ValidationIssue> Study::validate() const
{
    QList<ValidationIssue> issues;
    if (name.trimmed().isEmpty())
        issues.append({QStringLiteral("name"), QStringLiteral("The study needs a name")});
    if (stages.isEmpty())
        issues.append({QStringLiteral("stages"), QStringLiteral("The study needs a stage")});
    if (stages.size() > kMaxStages)
        issues.append({QStringLiteral("stages"),
                       QStringLiteral("A study has at most %1 stages").arg(kMaxStages)});
    if (reference)
        checkProfile(issues, QStringLiteral("reference"), *reference);
    switch (localScaling.mode) {
    case ScalingMode::None:
        break;
    case ScalingMode::Fixed:
        checkProfile(issues, QStringLiteral("localScaling.fixed"), localScaling.fixed);
        break;
    case ScalingMode::Calibrate:
        if (!reference)
            issues.append(
                {QStringLiteral("reference"),
                 QStringLiteral("Calibrating needs the reference profile (its workers)")});
        if (!(localScaling.fraction > 0 && localScaling.fraction <= 1))
            issues.append({QStringLiteral("localScaling.fraction"),
                           QStringLiteral("The share of the peak must be above 0 and at most 1")});
        if (localScaling.calibrationDuration < 1s || localScaling.calibrationDuration > 10min)
            issues.append({QStringLiteral("localScaling.calibrationDuration"),
                           QStringLiteral("The calibration must last between 1s and 10m")});
        if (localScaling.duration <= Duration(0) || localScaling.duration > 24h)
            issues.append({QStringLiteral("localScaling.duration"),
                           QStringLiteral("The duration must be above 0s and at most 24h")});
        break;
    }

    QSet<QString> names;
    const std::optional<LoadProfile> fixed =
        localScaling.mode == ScalingMode::Fixed ? std::optional(localScaling.fixed) : std::nullopt;
    for (qsizetype i = 0; i < stages.size(); ++i) {
        const StudyStage& s = stages[i];
        const QString at = QStringLiteral("stages[%1]").arg(i);
        if (s.name.trimmed().isEmpty())
            issues.append({at + QStringLiteral(".name"), QStringLiteral("A stage needs a name")});
        else if (names.contains(s.name))
            issues.append({at + QStringLiteral(".name"),
                           QStringLiteral("Two stages are named \"%1\"").arg(s.name)});
        names.insert(s.name);
        if (s.repeats < 1 || s.repeats > kMaxRepeats)
            issues.append({at + QStringLiteral(".repeats"),
                           QStringLiteral("Repeats must be between 1 and %1").arg(kMaxRepeats)});
        // The scenario as it will run; with calibration the rate is only known later, and the
        // profile's own checks above cover it.
        for (const ValidationIssue& issue : stageScenario(int(i), fixed).validate())
            issues.append({at + QStringLiteral(".scenario.") + issue.field, issue.message});
        const QString t = at + QStringLiteral(".thresholds.");
        checkLimit(issues, t + QStringLiteral("maxP99Ms"), s.thresholds.maxP99Ms);
        checkLimit(issues, t + QStringLiteral("minRps"), s.thresholds.minRps);
        checkLimit(issues, t + QStringLiteral("maxDeltaP99Ms"), s.thresholds.maxDeltaP99Ms);
        checkLimit(issues, t + QStringLiteral("maxThroughputLossPercent"),
                   s.thresholds.maxThroughputLossPercent);
        if (i == 0 && (s.thresholds.maxDeltaP99Ms || s.thresholds.maxThroughputLossPercent))
            issues.append(
                {t.chopped(1), QStringLiteral("The first stage is the baseline: it has no delta to "
                                              "limit")});
    }
    return issues;
}

int Study::totalRuns() const
{
    int total = 0;
    for (const StudyStage& s : stages)
        total += s.repeats;
    return total;
}

void Study::setRepeats(int n)
{
    for (StudyStage& s : stages)
        s.repeats = n;
}

void Study::setRunDuration(Duration d)
{
    for (StudyStage& s : stages)
        s.scenario.load.duration = d;
    localScaling.fixed.duration = d;
    localScaling.duration = d;
}

Scenario Study::stageScenario(int index, const std::optional<LoadProfile>& profile) const
{
    Scenario s = stages.value(index).scenario;
    s.topology = topology;
    if (profile && localScaling.mode != ScalingMode::None)
        applyLoadProfile(s, *profile);
    return s;
}

void applyLoadProfile(Scenario& scenario, const LoadProfile& profile)
{
    LoadSettings& load = scenario.load;
    load.connections = profile.connections;
    load.model = LoadModelKind::PerWorkerRate;
    load.perWorkerRate = profile.perWorkerRate;
    load.duration = profile.duration;
    load.totalRate = 0;
    load.stages.clear();
}

} // namespace gb::app
