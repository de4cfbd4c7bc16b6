#pragma once

#include "app/result.h"
#include "app/study/study.h"

#include <QStringList>

namespace gb::app {

/// Studies compiled into the program from resources/studies/*.json. "manual" is the classic
/// gateway study: Baseline, Transparent proxy, Full load, 3 runs each, its published load
/// profile scaled to this machine by a calibration run.
QStringList builtinStudyNames();
/// Fails with a sentence listing the names when name is not one of them.
Result<Study> builtinStudy(const QString& name);

} // namespace gb::app
