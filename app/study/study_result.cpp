#include "app/study/study_result.h"

#include "app/run_store.h"
#include "app/scenario_json.h"
#include "app/study/study_format.h"

#include <algorithm>
#include <cmath>

namespace gb::app {

namespace {

namespace fmt = studyformat;

/// The stage's runs as one comparison group named after the stage. groupByScenario does the
/// per-run consistency check; a stage's runs share one scenario, so it yields one group.
ComparisonGroup stageGroup(const QString& stageName, const QList<RunRecord>& runs)
{
    QList<ComparisonGroup> groups = groupByScenario(runs);
    ComparisonGroup g = groups.takeFirst();
    for (const ComparisonGroup& other : groups) {
        g.runs += other.runs;
        if (!g.inconsistentSettings.contains(QStringLiteral("name")))
            g.inconsistentSettings.append(QStringLiteral("name"));
    }
    g.name = stageName;
    return g;
}

ThresholdCheck check(ThresholdKind kind, double limit, std::optional<double> measured)
{
    ThresholdCheck c;
    c.kind = kind;
    c.limit = limit;
    if (measured && std::isnan(*measured))
        measured.reset();
    c.measured = measured;
    if (measured)
        c.passed = kind == ThresholdKind::MinRps ? *measured >= limit : *measured <= limit;
    return c;
}

QList<ThresholdCheck> checkThresholds(const StageThresholds& t, const StageResult& stage)
{
    const bool measured = stage.measured();
    const GroupStatistics& s = stage.group.statistics;
    const std::optional<GroupDelta>& d = stage.group.delta;
    QList<ThresholdCheck> checks;
    if (t.maxP99Ms)
        checks.append(check(ThresholdKind::MaxP99, *t.maxP99Ms,
                            measured ? std::optional(s.meanP99Ms) : std::nullopt));
    if (t.minRps)
        checks.append(check(ThresholdKind::MinRps, *t.minRps,
                            measured ? std::optional(s.meanRps) : std::nullopt));
    if (t.maxDeltaP99Ms)
        checks.append(check(ThresholdKind::MaxDeltaP99, *t.maxDeltaP99Ms,
                            d ? std::optional(d->p99AddedMs) : std::nullopt));
    if (t.maxThroughputLossPercent)
        checks.append(check(ThresholdKind::MaxThroughputLoss, *t.maxThroughputLossPercent,
                            d ? std::optional(-d->throughputChangePercent) : std::nullopt));
    return checks;
}

} // namespace

QString toKeyword(ThresholdKind kind)
{
    switch (kind) {
    case ThresholdKind::MaxP99:
        return QStringLiteral("maxP99Ms");
    case ThresholdKind::MinRps:
        return QStringLiteral("minRps");
    case ThresholdKind::MaxDeltaP99:
        return QStringLiteral("maxDeltaP99Ms");
    case ThresholdKind::MaxThroughputLoss:
        return QStringLiteral("maxThroughputLossPercent");
    }
    return {};
}

QString ThresholdCheck::condition() const
{
    switch (kind) {
    case ThresholdKind::MaxP99:
        return QStringLiteral("p99 \u2264 %1 ms").arg(fmt::ms(limit));
    case ThresholdKind::MinRps:
        return QStringLiteral("throughput \u2265 %1 rps").arg(fmt::rps(limit));
    case ThresholdKind::MaxDeltaP99:
        return QStringLiteral("p99 added \u2264 %1 ms").arg(fmt::ms(limit));
    case ThresholdKind::MaxThroughputLoss:
        return QStringLiteral("throughput loss \u2264 %1").arg(fmt::percent(limit));
    }
    return {};
}

QString ThresholdCheck::measuredText() const
{
    if (!measured)
        return QStringLiteral("not measured");
    switch (kind) {
    case ThresholdKind::MaxP99:
        return fmt::ms(*measured) + QStringLiteral(" ms");
    case ThresholdKind::MinRps:
        return fmt::rps(*measured) + QStringLiteral(" rps");
    case ThresholdKind::MaxDeltaP99:
        return fmt::signedMs(*measured);
    case ThresholdKind::MaxThroughputLoss:
        return fmt::percent(*measured);
    }
    return {};
}

bool StageResult::thresholdsHold() const
{
    for (const ThresholdCheck& c : thresholds)
        if (!c.passed)
            return false;
    return true;
}

bool StudyResult::stagesSucceeded() const
{
    for (const StageResult& s : stages)
        if (s.failed() || s.runs.size() < s.plannedRuns)
            return false;
    return true;
}

bool StudyResult::thresholdsHold() const
{
    for (const StageResult& s : stages)
        if (!s.thresholdsHold())
            return false;
    return true;
}

bool StudyResult::passed() const
{
    return status == StudyStatus::Finished && stagesSucceeded() && thresholdsHold();
}

QStringList StudyResult::problems() const
{
    QStringList out;
    if (status != StudyStatus::Finished)
        out.append(QStringLiteral("The study was cut short (%1); resume it to run the rest.")
                       .arg(toKeyword(status)));
    for (const StageResult& s : stages) {
        if (s.failed())
            out.append(QStringLiteral("Stage \"%1\" failed: %2").arg(s.name, s.failure));
        for (const ThresholdCheck& c : s.thresholds)
            if (!c.passed)
                out.append(QStringLiteral("Stage \"%1\": threshold %2 does not hold (%3).")
                               .arg(s.name, c.condition(), c.measuredText()));
    }
    return out;
}

StudyResult studyResultFrom(const StudyState& state, const QList<QList<RunRecord>>& runs)
{
    StudyResult r;
    r.id = state.id;
    r.directory = state.directory;
    r.study = state.study;
    r.status = state.status;
    r.createdAt = state.createdAt;
    r.updatedAt = state.updatedAt;
    r.scaling = state.scaling;

    QList<ComparisonGroup> groups;
    QList<int> groupOfStage;
    for (qsizetype i = 0; i < state.study.stages.size(); ++i) {
        StageResult stage;
        stage.name = state.study.stages[i].name;
        stage.scenario = state.stageScenario(int(i));
        stage.plannedRuns = state.study.stages[i].repeats;
        stage.runs = runs.value(i);
        stage.failure = state.stages.value(i).failure;
        groupOfStage.append(stage.measured() ? int(groups.size()) : -1);
        if (stage.measured())
            groups.append(stageGroup(stage.name, stage.runs));
        for (const RunRecord& run : stage.runs) {
            const bool known = std::any_of(r.hosts.begin(), r.hosts.end(), [&](const auto& h) {
                return h.hostName == run.environment.hostName;
            });
            if (!known)
                r.hosts.append(run.environment);
        }
        r.stages.append(stage);
    }

    // The first stage is the baseline; without its runs there is nothing to take deltas from.
    r.baselineMeasured = !r.stages.isEmpty() && r.stages.first().measured();
    r.comparison = compare(std::move(groups), 0);
    if (!r.baselineMeasured)
        for (ComparisonGroup& g : r.comparison.groups)
            g.delta.reset();
    for (qsizetype i = 0; i < r.stages.size(); ++i) {
        StageResult& stage = r.stages[i];
        if (groupOfStage[i] >= 0)
            stage.group = r.comparison.groups[groupOfStage[i]];
        else
            stage.group.name = stage.name;
        stage.thresholds = checkThresholds(state.study.stages[i].thresholds, stage);
    }
    return r;
}

Result<StudyResult> computeStudyResult(const StudyState& state)
{
    QList<QList<RunRecord>> runs;
    for (const StageProgress& stage : state.stages) {
        QList<RunRecord> stageRuns;
        for (const StudyRunRef& ref : stage.runs) {
            auto run = loadRunFile(ref.filePath);
            if (!run)
                return Result<StudyResult>::failure(
                    QStringLiteral("Run %1 of the study cannot be read: %2")
                        .arg(ref.id, run.error()));
            stageRuns.append(std::move(run).value());
        }
        runs.append(stageRuns);
    }
    return studyResultFrom(state, runs);
}

Result<StudyResult> loadStudyResult(const QString& directory)
{
    const Result<StudyState> state = loadStudyState(directory);
    if (!state)
        return Result<StudyResult>::failure(state.error());
    return computeStudyResult(state.value());
}

} // namespace gb::app
