#pragma once

#include "app/study/study_report.h"
#include "app/study/study_result.h"

#include <QJsonObject>
#include <QString>

namespace gb::app {

inline constexpr int kStudyResultFormatVersion = 1;

/// The whole study as one JSON document, for scripts: the definition as run, the scaling note,
/// the environment of every host, per stage its settings, every run's summary (figures, not the
/// per-second series: those stay in the run files it names), statistics, delta and thresholds,
/// the verdict, and the report's tables as text cells.
QJsonObject studyResultToJson(const StudyResult& result, const StudyReport& report);

/// Writes it atomically; empty on success, else the sentence.
[[nodiscard]] QString saveStudyResultJson(const StudyResult& result, const StudyReport& report,
                                          const QString& path);

} // namespace gb::app
