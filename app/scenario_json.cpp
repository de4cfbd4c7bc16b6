#include "app/scenario_json.h"

#include "app/json_members.h"
#include "app/json_text.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSaveFile>

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

void readHeaders(JsonMembers& m, const QString& key, QList<HttpHeader>& out)
{
    const QJsonValue v = m.value(key);
    if (v.isUndefined())
        return;
    if (!v.isArray())
        return m.fail(key, QStringLiteral("must be a list of \"Name: value\" lines"));
    out.clear();
    const QJsonArray array = v.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString line = array[i].toString();
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (!array[i].isString() || colon <= 0)
            return m.fail(QStringLiteral("%1[%2]").arg(key).arg(i),
                          QStringLiteral("must be a \"Name: value\" line"));
        out.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
}

void readStages(JsonMembers& m, const QString& key, QList<RateStage>& out)
{
    const QJsonValue v = m.value(key);
    if (v.isUndefined())
        return;
    if (!v.isArray())
        return m.fail(key, QStringLiteral("must be a list of {\"duration\", \"rps\"} stages"));
    out.clear();
    const QJsonArray array = v.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString at = QStringLiteral("%1[%2]").arg(key).arg(i);
        if (!array[i].isObject())
            return m.fail(at, QStringLiteral("must be an object with \"duration\" and \"rps\""));
        JsonMembers stage = m.nested(array[i].toObject(), at);
        RateStage s;
        stage.duration(QStringLiteral("duration"), s.duration);
        stage.number(QStringLiteral("rps"), s.rps);
        out.append(s);
    }
}

} // namespace

const QStringList& scenarioKeyOrder()
{
    static const QStringList order = {
        // scenario
        QStringLiteral("version"),   QStringLiteral("name"),        QStringLiteral("description"),
        QStringLiteral("kind"),      QStringLiteral("upstream"),    QStringLiteral("gateway"),
        QStringLiteral("load"),      QStringLiteral("topology"),    QStringLiteral("route"),
        QStringLiteral("xDelay"),    QStringLiteral("url"),         QStringLiteral("listenPath"),
        QStringLiteral("redis"),     QStringLiteral("mode"),        QStringLiteral("address"),
        QStringLiteral("rateLimit"), QStringLiteral("container"),   QStringLiteral("product"),
        QStringLiteral("image"),     QStringLiteral("features"),    QStringLiteral("rate"),
        QStringLiteral("per"),       QStringLiteral("connections"), QStringLiteral("duration"),
        QStringLiteral("warmup"),    QStringLiteral("model"),       QStringLiteral("perWorkerRate"),
        QStringLiteral("totalRate"), QStringLiteral("stages"),      QStringLiteral("rps"),
        QStringLiteral("method"),    QStringLiteral("headers"),     QStringLiteral("body"),
        QStringLiteral("timeout"),   QStringLiteral("keepAlive"),
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
        {QStringLiteral("container"),
         QJsonObject{{QStringLiteral("product"), toKeyword(s.gateway.container.product)},
                     {QStringLiteral("image"), s.gateway.container.image},
                     {QStringLiteral("features"), s.gateway.container.features}}},
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

    QJsonObject topology{{QStringLiteral("kind"), toKeyword(s.topology.kind)}};
    if (s.topology.kind == TopologyKind::Hosts) {
        // Names only: addresses, users and keys stay in the hosts file, not in every scenario.
        for (const auto& [key, name] :
             {std::pair{QStringLiteral("upstreamHost"), s.topology.upstreamHost},
              std::pair{QStringLiteral("gatewayHost"), s.topology.gatewayHost},
              std::pair{QStringLiteral("redisHost"), s.topology.redisHost}})
            if (!name.isEmpty())
                topology.insert(key, name);
        topology.insert(QStringLiteral("loadToPrivateAddress"), s.topology.loadToPrivateAddress);
        if (!s.topology.loadHosts.isEmpty())
            topology.insert(QStringLiteral("loadHosts"),
                            QJsonArray::fromStringList(s.topology.loadHosts));
    }
    return QJsonObject{
        {QStringLiteral("version"), kScenarioFormatVersion},
        {QStringLiteral("name"), s.name},
        {QStringLiteral("description"), s.description},
        {QStringLiteral("upstream"), upstream},
        {QStringLiteral("gateway"), gateway},
        {QStringLiteral("load"), load},
        {QStringLiteral("topology"), topology},
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
    JsonMembers root(object, QString(), error);
    root.string(QStringLiteral("name"), s.name);
    root.string(QStringLiteral("description"), s.description);

    JsonMembers up = root.object(QStringLiteral("upstream"));
    up.choice(QStringLiteral("kind"), s.upstream.kind, &upstreamKindFromKeyword,
              QStringLiteral("\"bundled\", \"url\""));
    up.string(QStringLiteral("route"), s.upstream.route);
    up.optionalDuration(QStringLiteral("xDelay"), s.upstream.xDelay);
    up.string(QStringLiteral("url"), s.upstream.url);

    JsonMembers gw = root.object(QStringLiteral("gateway"));
    gw.choice(QStringLiteral("kind"), s.gateway.kind, &gatewayKindFromKeyword,
              QStringLiteral("\"none\", \"bundled-keyless\", \"bundled-full\", \"external\", "
                             "\"container\""));
    gw.string(QStringLiteral("listenPath"), s.gateway.listenPath);
    gw.string(QStringLiteral("url"), s.gateway.url);
    readHeaders(gw, QStringLiteral("headers"), s.gateway.headers);
    JsonMembers redis = gw.object(QStringLiteral("redis"));
    redis.choice(QStringLiteral("mode"), s.gateway.redis.mode, &redisModeFromKeyword,
                 QStringLiteral("\"local\", \"address\", \"memory\""));
    redis.string(QStringLiteral("address"), s.gateway.redis.address);
    JsonMembers limit = gw.object(QStringLiteral("rateLimit"));
    limit.number(QStringLiteral("rate"), s.gateway.rateLimit.rate);
    limit.duration(QStringLiteral("per"), s.gateway.rateLimit.per);
    JsonMembers container = gw.object(QStringLiteral("container"));
    container.choice(QStringLiteral("product"), s.gateway.container.product,
                     &gatewayProductFromKeyword, QStringLiteral("\"tyk\", \"kong\", \"nginx\""));
    container.string(QStringLiteral("image"), s.gateway.container.image);
    container.boolean(QStringLiteral("features"), s.gateway.container.features);

    JsonMembers load = root.object(QStringLiteral("load"));
    load.integer(QStringLiteral("connections"), s.load.connections);
    load.duration(QStringLiteral("duration"), s.load.duration);
    load.duration(QStringLiteral("warmup"), s.load.warmup);
    load.choice(QStringLiteral("model"), s.load.model, &loadModelFromKeyword,
                QStringLiteral("\"max\", \"per-worker-rate\", \"total-rate\""));
    load.number(QStringLiteral("perWorkerRate"), s.load.perWorkerRate);
    load.number(QStringLiteral("totalRate"), s.load.totalRate);
    readStages(load, QStringLiteral("stages"), s.load.stages);
    load.string(QStringLiteral("method"), s.load.method);
    readHeaders(load, QStringLiteral("headers"), s.load.headers);
    load.string(QStringLiteral("body"), s.load.body);
    load.duration(QStringLiteral("timeout"), s.load.timeout);
    load.boolean(QStringLiteral("keepAlive"), s.load.keepAlive);

    JsonMembers topology = root.object(QStringLiteral("topology"));
    topology.choice(QStringLiteral("kind"), s.topology.kind, &topologyKindFromKeyword,
                    QStringLiteral("\"local\", \"hosts\""));
    topology.string(QStringLiteral("upstreamHost"), s.topology.upstreamHost);
    topology.string(QStringLiteral("gatewayHost"), s.topology.gatewayHost);
    topology.string(QStringLiteral("redisHost"), s.topology.redisHost);
    topology.boolean(QStringLiteral("loadToPrivateAddress"), s.topology.loadToPrivateAddress);
    topology.stringList(QStringLiteral("loadHosts"), s.topology.loadHosts);

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
