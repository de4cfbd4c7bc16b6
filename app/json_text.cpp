#include "app/json_text.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace gb::app {

namespace {

void appendString(QByteArray& out, const QString& s)
{
    out += '"';
    // Runs of ordinary characters are converted together so surrogate pairs stay whole.
    qsizetype runStart = 0;
    auto flush = [&](qsizetype end) {
        out += QStringView(s).mid(runStart, end - runStart).toUtf8();
    };
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t u = s[i].unicode();
        const char* escape = nullptr;
        switch (u) {
        case '"':
            escape = "\\\"";
            break;
        case '\\':
            escape = "\\\\";
            break;
        case '\n':
            escape = "\\n";
            break;
        case '\r':
            escape = "\\r";
            break;
        case '\t':
            escape = "\\t";
            break;
        case '\b':
            escape = "\\b";
            break;
        case '\f':
            escape = "\\f";
            break;
        default:
            if (u >= 0x20)
                continue;
        }
        flush(i);
        runStart = i + 1;
        if (escape)
            out += escape;
        else
            out += QStringLiteral("\\u%1").arg(int(u), 4, 16, QLatin1Char('0')).toLatin1();
    }
    flush(s.size());
    out += '"';
}

void appendNumber(QByteArray& out, double v)
{
    if (!std::isfinite(v)) {
        out += "null"; // JSON has no NaN or infinity
        return;
    }
    // Whole numbers print without an exponent so counts stay readable; others as the shortest
    // text that reads back to the same double.
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        out += QByteArray::number(qint64(v));
    else
        out += QString::number(v, 'g', QLocale::FloatingPointShortest).toLatin1();
}

void append(QByteArray& out, const QJsonValue& value, const QStringList& keyOrder, int depth)
{
    const QByteArray indent(2 * (depth + 1), ' ');
    const QByteArray closeIndent(2 * depth, ' ');
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out += "null";
        break;
    case QJsonValue::Bool:
        out += value.toBool() ? "true" : "false";
        break;
    case QJsonValue::Double:
        appendNumber(out, value.toDouble());
        break;
    case QJsonValue::String:
        appendString(out, value.toString());
        break;
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        if (array.isEmpty()) {
            out += "[]";
            break;
        }
        out += "[\n";
        for (qsizetype i = 0; i < array.size(); ++i) {
            out += indent;
            append(out, array.at(i), keyOrder, depth + 1);
            out += i + 1 < array.size() ? ",\n" : "\n";
        }
        out += closeIndent + ']';
        break;
    }
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        if (object.isEmpty()) {
            out += "{}";
            break;
        }
        QStringList keys = object.keys();
        std::stable_sort(keys.begin(), keys.end(), [&](const QString& a, const QString& b) {
            const auto rank = [&](const QString& k) {
                const qsizetype i = keyOrder.indexOf(k);
                return i < 0 ? keyOrder.size() : i;
            };
            const qsizetype ra = rank(a), rb = rank(b);
            return ra != rb ? ra < rb : a < b;
        });
        out += "{\n";
        for (qsizetype i = 0; i < keys.size(); ++i) {
            out += indent;
            appendString(out, keys[i]);
            out += ": ";
            append(out, object.value(keys[i]), keyOrder, depth + 1);
            out += i + 1 < keys.size() ? ",\n" : "\n";
        }
        out += closeIndent + '}';
        break;
    }
    }
}

} // namespace

QByteArray writeOrderedJson(const QJsonValue& value, const QStringList& keyOrder)
{
    QByteArray out;
    append(out, value, keyOrder, 0);
    out += '\n';
    return out;
}

QString textPosition(const QByteArray& text, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, text.size());
    int line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    // Columns count characters, not bytes, so a message about "é" points where an editor does.
    const int column = int(QString::fromUtf8(text.mid(lineStart, offset - lineStart)).size()) + 1;
    return QStringLiteral("line %1, column %2").arg(line).arg(column);
}

bool parseJsonValue(const QByteArray& text, QJsonValue& value, QString& error)
{
    // QJsonDocument only takes an object or an array at the top level. Those are parsed as
    // they are, so error offsets point into the user's text; any other value is wrapped in an
    // array, which shifts offsets by the added byte.
    const QByteArray trimmed = text.trimmed();
    const bool document = trimmed.startsWith('{') || trimmed.startsWith('[');
    const qsizetype shift = document ? 0 : 1;
    QJsonParseError parseError;
    const QJsonDocument doc =
        QJsonDocument::fromJson(document ? text : '[' + text + ']', &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Qt reports the offset just past the offending character.
        const qsizetype offset = std::max<qsizetype>(0, parseError.offset - 1 - shift);
        error = textPosition(text, std::min(offset, text.size())) + QStringLiteral(": ") +
                parseError.errorString();
        return false;
    }
    if (document) {
        value = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
        return true;
    }
    const QJsonArray array = doc.array();
    if (array.size() != 1) {
        error = array.isEmpty() ? QStringLiteral("line 1, column 1: the text is empty")
                                : QStringLiteral("more than one value");
        return false;
    }
    value = array.first();
    return true;
}

} // namespace gb::app
