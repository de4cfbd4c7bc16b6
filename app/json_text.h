#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace gb::app {

/// Writes JSON with object members in a chosen order instead of QJsonDocument's alphabetical
/// one, so files people read and diff (scenarios, runs) show "version" and "name" first and
/// related settings together. Members named in keyOrder come first, in that order; any other
/// member follows alphabetically. Indented with two spaces, ends with a newline.
QByteArray writeOrderedJson(const QJsonValue& value, const QStringList& keyOrder);

/// "line L, column C" (1-based) of a byte offset into text, for parse error messages.
QString textPosition(const QByteArray& text, qsizetype offset);

/// Parses a JSON document into value; on failure returns false and sets error to
/// "line L, column C: reason". Unlike QJsonDocument it accepts any value at the top level.
bool parseJsonValue(const QByteArray& text, QJsonValue& value, QString& error);

} // namespace gb::app
