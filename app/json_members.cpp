#include "app/json_members.h"

#include <QJsonArray>

#include <cmath>

namespace gb::app {

QString JsonMembers::pathOf(const QString& key) const
{
    return m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key;
}

void JsonMembers::fail(const QString& key, const QString& what)
{
    if (m_error.isEmpty())
        m_error = pathOf(key) + QLatin1Char(' ') + what;
}

JsonMembers JsonMembers::object(const QString& key)
{
    const QJsonValue v = m_object.value(key);
    if (!v.isUndefined() && !v.isObject())
        fail(key, QStringLiteral("must be an object ({...})"));
    return JsonMembers(v.toObject(), pathOf(key), m_error);
}

void JsonMembers::string(const QString& key, QString& out)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined())
        return;
    if (!v.isString())
        return fail(key, QStringLiteral("must be text in quotes"));
    out = v.toString();
}

void JsonMembers::stringList(const QString& key, QStringList& out)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined())
        return;
    if (!v.isArray())
        return fail(key, QStringLiteral("must be a list of texts in quotes ([\"a\", \"b\"])"));
    QStringList items;
    for (const QJsonValue& item : v.toArray()) {
        if (!item.isString())
            return fail(key, QStringLiteral("must be a list of texts in quotes ([\"a\", \"b\"])"));
        items.append(item.toString());
    }
    out = items;
}

void JsonMembers::number(const QString& key, double& out)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined())
        return;
    if (!v.isDouble())
        return fail(key, QStringLiteral("must be a number"));
    out = v.toDouble();
}

void JsonMembers::optionalNumber(const QString& key, std::optional<double>& out)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return out.reset();
    double d = 0;
    number(key, d);
    out = d;
}

void JsonMembers::integer(const QString& key, int& out)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined())
        return;
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || d != std::floor(d) || std::fabs(d) > 2e9)
        return fail(key, QStringLiteral("must be a whole number"));
    out = int(d);
}

void JsonMembers::boolean(const QString& key, bool& out)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined())
        return;
    if (!v.isBool())
        return fail(key, QStringLiteral("must be true or false"));
    out = v.toBool();
}

void JsonMembers::duration(const QString& key, Duration& out)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined())
        return;
    std::optional<Duration> d;
    if (v.isString())
        d = parseDuration(v.toString());
    else if (v.isDouble() && v.toDouble() >= 0 &&
             v.toDouble() < 1e9) // "duration": 10 means seconds
        d = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(v.toDouble()));
    if (d)
        out = *d;
    else
        fail(key, QStringLiteral("must be a duration such as \"10s\" or \"250ms\""));
}

void JsonMembers::optionalDuration(const QString& key, std::optional<Duration>& out)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull()) {
        out.reset();
        return;
    }
    Duration d{0};
    duration(key, d);
    out = d;
}

} // namespace gb::app
