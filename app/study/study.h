#pragma once

#include "app/scenario.h"

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace gb::app {

/// Optional pass/fail limits of one stage, checked against the stage's averages. The delta
/// limits compare with the study's first stage (the baseline), so they are not allowed there.
struct StageThresholds
{
    std::optional<double> maxP99Ms;                 ///< average p99 <= X ms
    std::optional<double> minRps;                   ///< average throughput >= Y requests/s
    std::optional<double> maxDeltaP99Ms;            ///< p99 added to the baseline's <= Z ms
    std::optional<double> maxThroughputLossPercent; ///< throughput lost vs the baseline <= W %

    bool isEmpty() const
    {
        return !maxP99Ms && !minRps && !maxDeltaP99Ms && !maxThroughputLossPercent;
    }
    friend bool operator==(const StageThresholds&, const StageThresholds&) = default;
};

/// One step of a study: a scenario measured `repeats` times in a row.
struct StudyStage
{
    QString name; ///< unique in the study: "Baseline", "Transparent proxy"
    Scenario scenario;
    int repeats = 3;
    StageThresholds thresholds;
    friend bool operator==(const StudyStage&, const StudyStage&) = default;
};

/// The closed-loop profile the published study uses (hey -c workers -q rate -z duration): every
/// worker sends at most perWorkerRate requests/s.
struct LoadProfile
{
    int connections = 50;
    double perWorkerRate = 1500;
    Duration duration = std::chrono::minutes(5);

    double totalRps() const { return connections * perWorkerRate; }
    friend bool operator==(const LoadProfile&, const LoadProfile&) = default;
};

enum class ScalingMode
{
    None,      ///< every stage runs its scenario's own load settings
    Fixed,     ///< every stage runs LocalScaling::fixed
    Calibrate, ///< a calibration run of the first stage at full speed decides the rate
};
QString toKeyword(ScalingMode mode);
std::optional<ScalingMode> scalingModeFromKeyword(const QString& text);

/// How a study built for dedicated hosts (the reference profile) shrinks to one machine, where
/// the load generator, the gateway and the upstream share the same cores.
struct LocalScaling
{
    ScalingMode mode = ScalingMode::None;
    LoadProfile fixed; ///< Fixed
    /// Calibrate: the first stage's scenario runs this long (after a 1 s warm-up) closed loop
    /// with the reference's workers and no rate limit; its throughput is this machine's peak.
    Duration calibrationDuration = std::chrono::seconds(5);
    /// Calibrate: the share of that peak every stage offers. Below 1 because the gateway stages
    /// put a third (and fourth, Redis) busy process on the same cores: near the peak their p99
    /// would measure queueing for a core, not the gateway.
    double fraction = 0.25;
    Duration duration = std::chrono::seconds(30); ///< Calibrate: each run's measured window
    friend bool operator==(const LocalScaling&, const LocalScaling&) = default;
};

/// A study: ordered stages, each a scenario repeated N times, on one topology. The first stage
/// is the baseline every other stage is compared with. A plain value type (copy it, compare it,
/// send it across threads); its file form is in study_json.h.
struct Study
{
    QString name;
    QString description;
    TopologySettings topology; ///< where every stage runs; overrides the scenarios' own
    /// The load the study was designed with (the published study's 50 x 1500 requests/s for
    /// 5 min); the local topology scales it as localScaling says, and the report says so.
    std::optional<LoadProfile> reference;
    LocalScaling localScaling;
    QList<StudyStage> stages;

    friend bool operator==(const Study&, const Study&) = default;

    /// Every problem ("stages[1].repeats", "..."), in file order; empty when it can run.
    QList<ValidationIssue> validate() const;

    int totalRuns() const;

    /// --repeats: every stage runs n times.
    void setRepeats(int n);
    /// --duration: every run's measured window (and the scaled duration, when scaling).
    void setRunDuration(Duration d);

    /// The scenario stage `index` runs: its own, on the study's topology, with profile's load
    /// when the study scales its load (profile is then the outcome of the scaling).
    Scenario stageScenario(int index, const std::optional<LoadProfile>& profile) const;
};

/// The load profile applied to a scenario: closed loop, profile's workers, per-worker rate and
/// measured window. Warm-up, method and headers stay the scenario's.
void applyLoadProfile(Scenario& scenario, const LoadProfile& profile);

} // namespace gb::app

Q_DECLARE_METATYPE(gb::app::Study)
