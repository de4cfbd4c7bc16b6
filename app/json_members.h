#pragma once

#include "app/scenario.h" // Duration, parseDuration

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace gb::app {

/// Reads the members of one JSON object into settings, remembering the first problem with its
/// member path ("load.duration must be ..."). Absent members keep their defaults, so hand-written
/// files may be short. Shared by scenario and study files; the error string is owned by the caller.
class JsonMembers
{
public:
    JsonMembers(QJsonObject object, QString path, QString& error)
        : m_object(std::move(object))
        , m_path(std::move(path))
        , m_error(error)
    {}

    QString pathOf(const QString& key) const;
    bool failed() const { return !m_error.isEmpty(); }
    void fail(const QString& key, const QString& what);
    bool has(const QString& key) const { return m_object.contains(key); }
    const QJsonObject& raw() const { return m_object; }
    const QString& path() const { return m_path; }
    QJsonValue value(const QString& key) const { return m_object.value(key); }

    /// The member object key (empty when absent).
    JsonMembers object(const QString& key);
    /// A reader for a nested object found under key (an array element, say).
    JsonMembers nested(const QJsonObject& object, const QString& key) const
    {
        return JsonMembers(object, pathOf(key), m_error);
    }

    void string(const QString& key, QString& out);
    void stringList(const QString& key, QStringList& out);
    void number(const QString& key, double& out);
    void optionalNumber(const QString& key, std::optional<double>& out);
    void integer(const QString& key, int& out);
    void boolean(const QString& key, bool& out);
    /// "10s", "250ms", or a bare number of seconds.
    void duration(const QString& key, Duration& out);
    void optionalDuration(const QString& key, std::optional<Duration>& out);

    template <class Enum>
    void choice(const QString& key, Enum& out, std::optional<Enum> (*fromString)(const QString&),
                const QString& allowed)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined())
            return;
        if (const auto e = fromString(v.toString()); v.isString() && e)
            out = *e;
        else
            fail(key, QStringLiteral("must be one of %1").arg(allowed));
    }

private:
    QJsonObject m_object;
    QString m_path;
    QString& m_error;
};

} // namespace gb::app
