#pragma once

#include "app/result.h"
#include "app/scenario.h"

#include <QJsonObject>
#include <QString>

namespace gb::app {

/// The scenario file format, version 1: human-readable JSON with a stable member order,
/// durations as Go-style text ("10s"), headers as "Name: value" lines. Every setting is
/// written, so a file round-trips exactly; a reader fills what is missing with the defaults.
inline constexpr int kScenarioFormatVersion = 1;

QJsonObject scenarioToJson(const Scenario& scenario);
/// Fails with "<path> must be ..." naming the offending member (e.g. "load.connections must be
/// a whole number"), or on a missing or unknown "version".
Result<Scenario> scenarioFromJson(const QJsonObject& object);

/// The file's bytes (ordered, indented, newline-terminated).
QByteArray scenarioToText(const Scenario& scenario);
/// Parses file text; errors give the position ("line 3, column 5: ...") or the member path.
Result<Scenario> scenarioFromText(const QByteArray& text);

/// Reads a scenario file. The error is one sentence naming the file and the position or
/// member: "/home/me/x.json: line 3, column 5: unterminated string".
Result<Scenario> loadScenarioFile(const QString& path);
/// Writes atomically (QSaveFile): a crash or a full disk leaves the old file intact.
/// Returns an empty string on success, else the error sentence.
QString saveScenarioFile(const Scenario& scenario, const QString& path);

/// The member order of scenario (and run) files.
const QStringList& scenarioKeyOrder();

} // namespace gb::app
