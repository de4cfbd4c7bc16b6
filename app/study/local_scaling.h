#pragma once

#include "app/study/study.h"

#include <QString>

#include <optional>

namespace gb::app {

/// What the scaling decided for one study run: the profile every stage offers and the sentence
/// the report prints about it. Kept in the study's state so a resumed study offers exactly the
/// load its first runs did (it is never recalibrated half way).
struct ScalingOutcome
{
    LoadProfile profile;
    QString note;              ///< "Scaled for one machine: 20,800 rps for 30 s instead of ..."
    double calibrationRps = 0; ///< Calibrate: the peak the calibration run reached
    QString calibrationRunId;  ///< Calibrate: the stored calibration run
    QString calibrationRunFile;
    friend bool operator==(const ScalingOutcome&, const ScalingOutcome&) = default;
};

/// True when the study needs a calibration run before its first stage.
bool needsCalibration(const Study& study);

/// The calibration run: the first stage's scenario, closed loop at full speed with the
/// reference's workers, for localScaling.calibrationDuration after a 1 s warm-up.
Scenario calibrationScenario(const Study& study);

/// The profile and note once the calibration run reached peakRps: localScaling.fraction of the
/// peak, never above the reference's own rate, split evenly over the reference's workers (at
/// least 1 request/s each).
ScalingOutcome calibratedScaling(const Study& study, double peakRps);

/// ScalingMode::Fixed: the study's fixed profile and its note. nullopt for the other modes.
std::optional<ScalingOutcome> fixedScaling(const Study& study);

/// On hosts nothing shares the load generator's cores with the servers: the study offers its
/// reference profile unscaled. nullopt when the study has
/// no reference or does not scale (ScalingMode::None).
std::optional<ScalingOutcome> hostsScaling(const Study& study);

} // namespace gb::app
