#include "app/study/local_scaling.h"

#include "app/study/study_format.h"

#include <algorithm>
#include <cmath>

namespace gb::app {

namespace {

using namespace std::chrono_literals;
namespace fmt = studyformat;

/// "20,800 rps for 30 s"
QString rateAndDuration(const LoadProfile& p)
{
    return QStringLiteral("%1 rps for %2")
        .arg(fmt::rps(p.totalRps()), fmt::humanDuration(p.duration));
}

/// "50 workers × 416 requests/s"
QString workers(const LoadProfile& p)
{
    return QStringLiteral("%1 workers \u00d7 %2 requests/s")
        .arg(p.connections)
        .arg(fmt::count(p.perWorkerRate));
}

QString scaledSentence(const Study& study, const LoadProfile& profile)
{
    if (!study.reference)
        return QStringLiteral("Every stage offers %1 (%2)")
            .arg(rateAndDuration(profile), workers(profile));
    return QStringLiteral("Scaled for one machine: %1 instead of %2 (%3 instead of %4)")
        .arg(rateAndDuration(profile), rateAndDuration(*study.reference), workers(profile),
             workers(*study.reference));
}

} // namespace

bool needsCalibration(const Study& study)
{
    return study.localScaling.mode == ScalingMode::Calibrate;
}

Scenario calibrationScenario(const Study& study)
{
    Scenario s = study.stageScenario(0, std::nullopt);
    s.name = s.name + QStringLiteral(" (calibration)");
    s.load.model = LoadModelKind::Max;
    s.load.connections = study.reference ? study.reference->connections : s.load.connections;
    s.load.perWorkerRate = 0;
    s.load.totalRate = 0;
    s.load.stages.clear();
    s.load.warmup = 1s;
    s.load.duration = study.localScaling.calibrationDuration;
    return s;
}

ScalingOutcome calibratedScaling(const Study& study, double peakRps)
{
    const LocalScaling& ls = study.localScaling;
    ScalingOutcome o;
    o.calibrationRps = peakRps;
    o.profile.connections = study.reference ? study.reference->connections : 50;
    double total = ls.fraction * peakRps;
    if (study.reference)
        total = std::min(total, study.reference->totalRps());
    // Whole requests per second per worker: what hey's -q takes, and what reads well.
    o.profile.perWorkerRate = std::max(1.0, std::floor(total / o.profile.connections));
    o.profile.duration = ls.duration;
    const bool capped = study.reference && ls.fraction * peakRps >= study.reference->totalRps();
    o.note =
        scaledSentence(study, o.profile) +
        (capped ? QStringLiteral("; this machine reached %1 rps in a %2 calibration run of "
                                 "%3 at full speed, so the published rate fits as is.")
                      .arg(fmt::rps(peakRps), fmt::humanDuration(ls.calibrationDuration),
                           study.stages.value(0).name)
                : QStringLiteral("; %1 % of the %2 rps this machine reached in a %3 "
                                 "calibration run of %4 at full speed, so that the gateway "
                                 "stages, which share its cores, stay below saturation.")
                      .arg(fmt::count(ls.fraction * 100), fmt::rps(peakRps),
                           fmt::humanDuration(ls.calibrationDuration), study.stages.value(0).name));
    return o;
}

std::optional<ScalingOutcome> hostsScaling(const Study& study)
{
    if (!study.reference || study.localScaling.mode == ScalingMode::None)
        return std::nullopt;
    ScalingOutcome o;
    o.profile = *study.reference;
    o.note = QStringLiteral("On hosts, unscaled: every stage offers %1 (%2), as the study was "
                            "designed.")
                 .arg(rateAndDuration(o.profile), workers(o.profile));
    return o;
}

std::optional<ScalingOutcome> fixedScaling(const Study& study)
{
    if (study.localScaling.mode != ScalingMode::Fixed)
        return std::nullopt;
    ScalingOutcome o;
    o.profile = study.localScaling.fixed;
    o.note = scaledSentence(study, o.profile) +
             QStringLiteral("; a fixed local profile chosen in the study file.");
    return o;
}

} // namespace gb::app
