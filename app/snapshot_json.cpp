#include "app/snapshot_json.h"

namespace gb::app {

namespace {

QString text(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

QJsonObject latencyToJson(const engine::LatencySummary& l)
{
    return {{QStringLiteral("min"), l.min},   {QStringLiteral("mean"), l.mean},
            {QStringLiteral("p50"), l.p50},   {QStringLiteral("p90"), l.p90},
            {QStringLiteral("p95"), l.p95},   {QStringLiteral("p99"), l.p99},
            {QStringLiteral("p999"), l.p999}, {QStringLiteral("max"), l.max}};
}

engine::LatencySummary latencyFromJson(const QJsonObject& o)
{
    engine::LatencySummary l;
    l.min = o.value(QStringLiteral("min")).toDouble();
    l.mean = o.value(QStringLiteral("mean")).toDouble();
    l.p50 = o.value(QStringLiteral("p50")).toDouble();
    l.p90 = o.value(QStringLiteral("p90")).toDouble();
    l.p95 = o.value(QStringLiteral("p95")).toDouble();
    l.p99 = o.value(QStringLiteral("p99")).toDouble();
    l.p999 = o.value(QStringLiteral("p999")).toDouble();
    l.max = o.value(QStringLiteral("max")).toDouble();
    return l;
}

QJsonObject snapshotToJson(const engine::Snapshot& s)
{
    QJsonObject errorsByClass;
    for (const auto& [name, count] : s.errorsByClass)
        errorsByClass.insert(text(name), double(count));
    QJsonObject statusCodes;
    for (const auto& [code, count] : s.statusCodes)
        statusCodes.insert(QString::number(code), double(count));
    QJsonObject o{
        {QStringLiteral("index"), s.index},
        {QStringLiteral("elapsedS"), s.elapsedS},
        {QStringLiteral("intervalS"), s.intervalS},
        {QStringLiteral("warmup"), s.warmup},
        {QStringLiteral("requests"), double(s.requests)},
        {QStringLiteral("rps"), s.rps},
        {QStringLiteral("targetRps"), s.targetRps},
        {QStringLiteral("totalRequests"), double(s.totalRequests)},
        {QStringLiteral("lateSends"), double(s.lateSends)},
        {QStringLiteral("inFlight"), double(s.inFlight)},
        {QStringLiteral("errors"), double(s.errors)},
        {QStringLiteral("totalErrors"), double(s.totalErrors)},
        {QStringLiteral("errorsByClass"), errorsByClass},
        {QStringLiteral("statusCodes"), statusCodes},
        {QStringLiteral("latencyMs"), latencyToJson(s.latency)},
        {QStringLiteral("histogram"), text(s.histogram)},
    };
    // Service time differs from latency only in the open-loop model.
    if (!s.serviceHistogram.empty()) {
        o.insert(QStringLiteral("serviceMs"), latencyToJson(s.service));
        o.insert(QStringLiteral("serviceHistogram"), text(s.serviceHistogram));
    }
    return o;
}

engine::Snapshot snapshotFromJson(const QJsonObject& o)
{
    engine::Snapshot s;
    auto count = [&](const char* key) {
        return std::uint64_t(std::max(0.0, o.value(QLatin1String(key)).toDouble()));
    };
    s.index = o.value(QStringLiteral("index")).toInt();
    s.elapsedS = o.value(QStringLiteral("elapsedS")).toDouble();
    s.intervalS = o.value(QStringLiteral("intervalS")).toDouble();
    s.warmup = o.value(QStringLiteral("warmup")).toBool();
    s.requests = count("requests");
    s.rps = o.value(QStringLiteral("rps")).toDouble();
    s.targetRps = o.value(QStringLiteral("targetRps")).toDouble();
    s.totalRequests = count("totalRequests");
    s.lateSends = count("lateSends");
    s.inFlight = std::int64_t(o.value(QStringLiteral("inFlight")).toDouble());
    s.errors = count("errors");
    s.totalErrors = count("totalErrors");
    const QJsonObject errors = o.value(QStringLiteral("errorsByClass")).toObject();
    for (auto it = errors.begin(); it != errors.end(); ++it)
        s.errorsByClass[it.key().toStdString()] = std::uint64_t(it.value().toDouble());
    const QJsonObject codes = o.value(QStringLiteral("statusCodes")).toObject();
    for (auto it = codes.begin(); it != codes.end(); ++it)
        s.statusCodes[it.key().toInt()] = std::uint64_t(it.value().toDouble());
    s.latency = latencyFromJson(o.value(QStringLiteral("latencyMs")).toObject());
    s.service = latencyFromJson(o.value(QStringLiteral("serviceMs")).toObject());
    s.histogram = o.value(QStringLiteral("histogram")).toString().toStdString();
    s.serviceHistogram = o.value(QStringLiteral("serviceHistogram")).toString().toStdString();
    return s;
}

} // namespace gb::app
