#include "app/snapshot_json.h"

#include "engine/snapshot_json.h"

#include <QJsonDocument>

namespace gb::app {

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
    return QJsonDocument::fromJson(QByteArray::fromStdString(engine::snapshotToJson(s))).object();
}

Result<engine::Snapshot> snapshotFromJson(const QJsonObject& object)
{
    std::string error;
    if (auto s = engine::snapshotFromJson(
            QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString(), &error))
        return std::move(*s);
    return Result<engine::Snapshot>::failure(QString::fromStdString(error));
}

QJsonObject snapshotFromVersion1(const QJsonObject& object)
{
    // Version 1 spelled the same members in camelCase ("elapsedS", "latencyMs", ...).
    QJsonObject renamed;
    for (auto it = object.begin(); it != object.end(); ++it) {
        QString key;
        for (const QChar c : it.key())
            key += c.isUpper() ? QLatin1Char('_') + c.toLower() : QString(c);
        renamed.insert(key, it.value());
    }
    return renamed;
}

} // namespace gb::app
