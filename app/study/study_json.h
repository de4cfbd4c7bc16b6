#pragma once

#include "app/result.h"
#include "app/study/study.h"

#include <QJsonObject>
#include <QString>

namespace gb::app {

/// The study file format, version 1: human-readable JSON in a stable member order. A stage
/// holds its scenario inline ("scenario": {...}, the scenario file format) or names a built-in
/// one ("builtin": "keyless"); the writer always inlines, so a file says exactly what ran.
/// Thresholds and the reference profile are written only when set.
inline constexpr int kStudyFormatVersion = 1;

QJsonObject studyToJson(const Study& study);
/// Fails with "<member path> must be ..." ("stages[1].repeats must be a whole number"), or on
/// a missing or unknown "version". Does not validate(): a file may hold a study being edited.
Result<Study> studyFromJson(const QJsonObject& object);

QByteArray studyToText(const Study& study);
Result<Study> studyFromText(const QByteArray& text);

/// Reads a study file; the error names the file and the position or member.
Result<Study> loadStudyFile(const QString& path);
/// Writes atomically (QSaveFile). Empty on success, else the sentence.
[[nodiscard]] QString saveStudyFile(const Study& study, const QString& path);

/// The member order of study files (and of the study state and result files).
const QStringList& studyKeyOrder();

QJsonObject loadProfileToJson(const LoadProfile& profile);
/// path names the object in messages ("reference"); returns false and sets error on failure.
bool loadProfileFromJson(const QJsonObject& object, const QString& path, LoadProfile& profile,
                         QString& error);

} // namespace gb::app
