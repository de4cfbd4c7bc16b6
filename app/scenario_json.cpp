#include "app/scenario_json.h"

#include "app/json_text.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSaveFile>

#include <cmath>

namespace gb::app {

namespace {

QString headerLine(const HttpHeader& h)
{
    return h.name + QStringLiteral(": ") + h.value;
}

QJsonArray headersToJson(const QList<HttpHeader>& headers)
{
    QJsonArray array;
    for (const HttpHeader& h : headers)
        array.append(headerLine(h));
    return array;
}

/// Reads members of one JSON object into settings, remembering the first problem. Absent
/// members leave the default in place, so hand-written files may be short.
class Reader
{
public:
    Reader(const QJsonObject& object, QString path, QString* error)
        : m_object(object)
        , m_path(std::move(path))
        , m_error(error)
    {}

    QString pathOf(const QString& key) const
    {
        return m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key;
    }
    bool failed() const { return !m_error->isEmpty(); }
    void fail(const QString& key, const QString& what)
    {
        if (m_error->isEmpty())
            *m_error = pathOf(key) + QLatin1Char(' ') + what;
    }

    Reader object(const QString& key)
    {
        const QJsonValue v = m_object.value(key);
        if (!v.isUndefined() && !v.isObject())
            fail(key, QStringLiteral("must be an object ({...})"));
        return Reader(v.toObject(), pathOf(key), m_error);
    }

    void string(const QString& key, QString& out)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined())
            return;
        if (!v.isString())
            return fail(key, QStringLiteral("must be text in quotes"));
        out = v.toString();
    }

    void number(const QString& key, double& out)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined())
            return;
        if (!v.isDouble())
            return fail(key, QStringLiteral("must be a number"));
        out = v.toDouble();
    }

    void integer(const QString& key, int& out)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined())
            return;
        const double d = v.toDouble(std::nan(""));
        if (!v.isDouble() || d != std::floor(d) || std::fabs(d) > 2e9)
            return fail(key, QStringLiteral("must be a whole number"));
        out = int(d);
    }

    void boolean(const QString& key, bool& out)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined())
            return;
        if (!v.isBool())
            return fail(key, QStringLiteral("must be true or false"));
        out = v.toBool();
    }

    void duration(const QString& key, Duration& out)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined())
            return;
        if (auto d = durationOf(v))
            out = *d;
        else
            fail(key, QStringLiteral("must be a duration such as \"10s\" or \"250ms\""));
    }

    void optionalDuration(const QString& key, std::optional<Duration>& out)
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

    void headers(const QString& key, QList<HttpHeader>& out)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined())
            return;
        if (!v.isArray())
            return fail(key, QStringLiteral("must be a list of \"Name: value\" lines"));
        out.clear();
        const QJsonArray array = v.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString line = array[i].toString();
            const qsizetype colon = line.indexOf(QLatin1Char(':'));
            if (!array[i].isString() || colon <= 0)
                return fail(QStringLiteral("%1[%2]").arg(key).arg(i),
                            QStringLiteral("must be a \"Name: value\" line"));
            out.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
        }
    }

    void stages(const QString& key, QList<RateStage>& out)
    {
        const QJsonValue v = m_object.value(key);
        if (v.isUndefined())
            return;
        if (!v.isArray())
            return fail(key, QStringLiteral("must be a list of {\"duration\", \"rps\"} stages"));
        out.clear();
        const QJsonArray array = v.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString at = QStringLiteral("%1[%2]").arg(key).arg(i);
            if (!array[i].isObject())
                return fail(at, QStringLiteral("must be an object with \"duration\" and \"rps\""));
            Reader stage(array[i].toObject(), pathOf(at), m_error);
            RateStage s;
            stage.duration(QStringLiteral("duration"), s.duration);
            stage.number(QStringLiteral("rps"), s.rps);
            out.append(s);
        }
    }

private:
    static std::optional<Duration> durationOf(const QJsonValue& v)
    {
        if (v.isString())
            return parseDuration(v.toString());
        // A bare number is read as seconds, as a hand-written file might say "duration": 10.
        if (v.isDouble() && v.toDouble() >= 0 && v.toDouble() < 1e9)
            return std::chrono::duration_cast<Duration>(
                std::chrono::duration<double>(v.toDouble()));
        return std::nullopt;
    }

    QJsonObject m_object;
    QString m_path;
    QString* m_error;
};

} // namespace

const QStringList& scenarioKeyOrder()
{
    static const QStringList order = {
        // scenario
        QStringLiteral("version"),       QStringLiteral("name"),
        QStringLiteral("description"),   QStringLiteral("kind"),
        QStringLiteral("upstream"),      QStringLiteral("gateway"),
        QStringLiteral("load"),          QStringLiteral("topology"),
        QStringLiteral("route"),         QStringLiteral("xDelay"),
        QStringLiteral("url"),           QStringLiteral("listenPath"),
        QStringLiteral("redis"),         QStringLiteral("mode"),
        QStringLiteral("address"),       QStringLiteral("rateLimit"),
        QStringLiteral("rate"),          QStringLiteral("per"),
        QStringLiteral("connections"),   QStringLiteral("duration"),
        QStringLiteral("warmup"),        QStringLiteral("model"),
        QStringLiteral("perWorkerRate"), QStringLiteral("totalRate"),
        QStringLiteral("stages"),        QStringLiteral("rps"),
        QStringLiteral("method"),        QStringLiteral("headers"),
        QStringLiteral("body"),          QStringLiteral("timeout"),
        QStringLiteral("keepAlive"),
    };
    return order;
}

QJsonObject scenarioToJson(const Scenario& s)
{
    QJsonObject upstream{{QStringLiteral("kind"), toKeyword(s.upstream.kind)},
                         {QStringLiteral("route"), s.upstream.route},
                         {QStringLiteral("url"), s.upstream.url}};
    if (s.upstream.xDelay)
        upstream.insert(QStringLiteral("xDelay"), formatDuration(*s.upstream.xDelay));

    const QJsonObject gateway{
        {QStringLiteral("kind"), toKeyword(s.gateway.kind)},
        {QStringLiteral("listenPath"), s.gateway.listenPath},
        {QStringLiteral("url"), s.gateway.url},
        {QStringLiteral("headers"), headersToJson(s.gateway.headers)},
        {QStringLiteral("redis"),
         QJsonObject{{QStringLiteral("mode"), toKeyword(s.gateway.redis.mode)},
                     {QStringLiteral("address"), s.gateway.redis.address}}},
        {QStringLiteral("rateLimit"),
         QJsonObject{{QStringLiteral("rate"), s.gateway.rateLimit.rate},
                     {QStringLiteral("per"), formatDuration(s.gateway.rateLimit.per)}}},
    };

    QJsonArray stages;
    for (const RateStage& st : s.load.stages)
        stages.append(QJsonObject{{QStringLiteral("duration"), formatDuration(st.duration)},
                                  {QStringLiteral("rps"), st.rps}});
    const QJsonObject load{
        {QStringLiteral("connections"), s.load.connections},
        {QStringLiteral("duration"), formatDuration(s.load.duration)},
        {QStringLiteral("warmup"), formatDuration(s.load.warmup)},
        {QStringLiteral("model"), toKeyword(s.load.model)},
        {QStringLiteral("perWorkerRate"), s.load.perWorkerRate},
        {QStringLiteral("totalRate"), s.load.totalRate},
        {QStringLiteral("stages"), stages},
        {QStringLiteral("method"), s.load.method},
        {QStringLiteral("headers"), headersToJson(s.load.headers)},
        {QStringLiteral("body"), s.load.body},
        {QStringLiteral("timeout"), formatDuration(s.load.timeout)},
        {QStringLiteral("keepAlive"), s.load.keepAlive},
    };

    return QJsonObject{
        {QStringLiteral("version"), kScenarioFormatVersion},
        {QStringLiteral("name"), s.name},
        {QStringLiteral("description"), s.description},
        {QStringLiteral("upstream"), upstream},
        {QStringLiteral("gateway"), gateway},
        {QStringLiteral("load"), load},
        {QStringLiteral("topology"),
         QJsonObject{{QStringLiteral("kind"), toKeyword(s.topology.kind)}}},
    };
}

Result<Scenario> scenarioFromJson(const QJsonObject& object)
{
    const QJsonValue version = object.value(QStringLiteral("version"));
    if (version.isUndefined())
        return Result<Scenario>::failure(
            QStringLiteral("this is not a GateBench scenario (it has no \"version\")"));
    if (version.toDouble() != kScenarioFormatVersion)
        return Result<Scenario>::failure(
            QStringLiteral("scenario format version %1 is not supported (this GateBench reads "
                           "version %2)")
                .arg(version.isDouble() ? QString::number(version.toDouble())
                                        : QStringLiteral("\"%1\"").arg(version.toString()))
                .arg(kScenarioFormatVersion));

    QString error;
    Scenario s;
    Reader root(object, QString(), &error);
    root.string(QStringLiteral("name"), s.name);
    root.string(QStringLiteral("description"), s.description);

    Reader up = root.object(QStringLiteral("upstream"));
    up.choice(QStringLiteral("kind"), s.upstream.kind, &upstreamKindFromKeyword,
              QStringLiteral("\"bundled\", \"url\""));
    up.string(QStringLiteral("route"), s.upstream.route);
    up.optionalDuration(QStringLiteral("xDelay"), s.upstream.xDelay);
    up.string(QStringLiteral("url"), s.upstream.url);

    Reader gw = root.object(QStringLiteral("gateway"));
    gw.choice(QStringLiteral("kind"), s.gateway.kind, &gatewayKindFromKeyword,
              QStringLiteral("\"none\", \"bundled-keyless\", \"bundled-full\", \"external\""));
    gw.string(QStringLiteral("listenPath"), s.gateway.listenPath);
    gw.string(QStringLiteral("url"), s.gateway.url);
    gw.headers(QStringLiteral("headers"), s.gateway.headers);
    Reader redis = gw.object(QStringLiteral("redis"));
    redis.choice(QStringLiteral("mode"), s.gateway.redis.mode, &redisModeFromKeyword,
                 QStringLiteral("\"local\", \"address\", \"memory\""));
    redis.string(QStringLiteral("address"), s.gateway.redis.address);
    Reader limit = gw.object(QStringLiteral("rateLimit"));
    limit.number(QStringLiteral("rate"), s.gateway.rateLimit.rate);
    limit.duration(QStringLiteral("per"), s.gateway.rateLimit.per);

    Reader load = root.object(QStringLiteral("load"));
    load.integer(QStringLiteral("connections"), s.load.connections);
    load.duration(QStringLiteral("duration"), s.load.duration);
    load.duration(QStringLiteral("warmup"), s.load.warmup);
    load.choice(QStringLiteral("model"), s.load.model, &loadModelFromKeyword,
                QStringLiteral("\"max\", \"per-worker-rate\", \"total-rate\""));
    load.number(QStringLiteral("perWorkerRate"), s.load.perWorkerRate);
    load.number(QStringLiteral("totalRate"), s.load.totalRate);
    load.stages(QStringLiteral("stages"), s.load.stages);
    load.string(QStringLiteral("method"), s.load.method);
    load.headers(QStringLiteral("headers"), s.load.headers);
    load.string(QStringLiteral("body"), s.load.body);
    load.duration(QStringLiteral("timeout"), s.load.timeout);
    load.boolean(QStringLiteral("keepAlive"), s.load.keepAlive);

    Reader topology = root.object(QStringLiteral("topology"));
    topology.choice(QStringLiteral("kind"), s.topology.kind, &topologyKindFromKeyword,
                    QStringLiteral("\"local\""));

    if (!error.isEmpty())
        return Result<Scenario>::failure(error);
    return s;
}

QByteArray scenarioToText(const Scenario& scenario)
{
    return writeOrderedJson(scenarioToJson(scenario), scenarioKeyOrder());
}

Result<Scenario> scenarioFromText(const QByteArray& text)
{
    QJsonValue value;
    QString error;
    if (!parseJsonValue(text, value, error))
        return Result<Scenario>::failure(error);
    if (!value.isObject())
        return Result<Scenario>::failure(
            QStringLiteral("a scenario must be a JSON object ({...})"));
    return scenarioFromJson(value.toObject());
}

Result<Scenario> loadScenarioFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<Scenario>::failure(
            QStringLiteral("%1: cannot be read: %2").arg(path, file.errorString()));
    // Scenario files are small; anything huge is not one, and must not exhaust memory.
    constexpr qint64 kMaxBytes = 16 * 1024 * 1024;
    if (file.size() > kMaxBytes)
        return Result<Scenario>::failure(
            QStringLiteral("%1: is too large to be a scenario (over 16 MB)").arg(path));
    auto result = scenarioFromText(file.readAll());
    if (!result)
        return Result<Scenario>::failure(path + QStringLiteral(": ") + result.error());
    return result;
}

QString saveScenarioFile(const Scenario& scenario, const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    file.write(scenarioToText(scenario));
    if (!file.commit())
        return QStringLiteral("%1: cannot be written: %2").arg(path, file.errorString());
    return {};
}

} // namespace gb::app
